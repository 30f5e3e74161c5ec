/** The native API as the console uses it: JSON, the console header, the session cookie. */

export interface ApiIssue {
  field: string;
  code: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ApiIssue[] = [],
  ) {
    super(message);
  }
}

export interface ConsoleSession {
  kind: 'user' | 'credential';
  name: string;
  actor: string;
  organizationId: string | null;
  permissions: string[];
  sessionId: string;
  expiresAt: string;
  idleExpiresAt: string | null;
  idleTimeoutSeconds: number;
}

export interface ApiHooks {
  /** A request found the console session ended (401). */
  signedOut(reason: string): void;
  /** A request the person made succeeded: the session's idle deadline moved. */
  used(): void;
}

export interface CallOptions {
  /** A refresh the person did not ask for: it does not keep the session from going idle. */
  background?: boolean;
  query?: Record<string, string | number | boolean | undefined | null>;
}

/** The console's API client; `hooks` tell the console about its session as requests answer. */
export function createApi(hooks: ApiHooks) {
  /** Calls /v1<path>; throws ApiError with the native error's code, message and details. */
  async function call<T>(method: string, path: string, body?: unknown, o: CallOptions = {}): Promise<T> {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(o.query ?? {})) if (v !== undefined && v !== null && v !== '') qs.set(k, String(v));
    const url = `/v1${path}${qs.size ? `?${qs}` : ''}`;
    const headers: Record<string, string> = { 'x-sessiond-console': o.background ? 'background' : '1', accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(url, { method, headers, credentials: 'same-origin', ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    } catch {
      throw new ApiError(0, 'unavailable', 'sessiond cannot be reached; check the connection and try again');
    }
    if (res.status === 204) {
      if (!o.background) hooks.used();
      return undefined as T;
    }
    const text = await res.text();
    let data: unknown = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: reported below from the status alone
    }
    if (!res.ok) {
      const e = (data as { error?: { code?: string; message?: string; details?: ApiIssue[] } } | null)?.error;
      const err = new ApiError(res.status, e?.code ?? 'error', e?.message ?? `${res.status} ${res.statusText}`, e?.details ?? []);
      if (res.status === 401 && path !== '/console/session') hooks.signedOut(err.message);
      throw err;
    }
    if (!o.background) hooks.used();
    return data as T;
  }

  return {
    call,
    signIn: (body: { loginName: string; password: string; organizationId?: string } | { secret: string }) =>
      call<ConsoleSession>('POST', '/console/session', body),
    currentSession: () => call<ConsoleSession>('GET', '/console/session', undefined, { background: true }),
    signOut: () => call<void>('DELETE', '/console/session'),
  };
}

export type Api = ReturnType<typeof createApi>;
