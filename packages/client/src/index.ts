import type { components, paths } from './openapi.js';

// A client of sessiond's native session API (/v1). No runtime dependency: it uses the global
// fetch of Node >= 20 (undici), which keeps connections alive and reuses them by default, so
// a session check per request costs no new TCP connection. Pass `fetch` to use another agent.

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;

/** A session as sessiond shows it (`SessionView`: `expiresAt`, `idleExpiresAt`, …). */
export type Session = NonNullable<Json<paths['/v1/sessions/whoami']['get']['responses'][200]>['session']>;
/** Why a token is not active (whoami's 401). */
export type InactiveReason = NonNullable<Json<paths['/v1/sessions/whoami']['get']['responses'][401]>['reason']>;
/** A new session (sign-in) or a session's new token (rotation). */
export type SignedIn = Json<paths['/v1/sessions']['post']['responses'][201]>;
/** The body sessiond sends with every error. */
export type ErrorBody = components['schemas']['Error'];
/** The sign-in: a user of an organization other than `default` gives its `organizationId`. */
export type SignInRequest = NonNullable<paths['/v1/sessions']['post']['requestBody']>['content']['application/json'];

/** The answer of a check (`whoami`, `introspect`) for an active token. */
export interface SessionActive {
  active: true;
  session: Session;
}
/** The answer of a check for a token that is not active (whoami's 401, introspection's active:false), with the reason. */
export interface SessionInactive {
  active: false;
  reason: InactiveReason;
}
export type SessionCheck = SessionActive | SessionInactive;

/**
 * A call that sessiond refused (`status` and the native error body: `code`, `message`,
 * `requestId`, `details`), or that got no answer: `status` 0 with `code` `timeout` (no answer
 * within `timeoutMs`), `network` (no connection) or `bad_response` (not sessiond's JSON).
 */
export class SessiondError extends Error {
  override readonly name = 'SessiondError';
  readonly status: number;
  readonly code: string;
  readonly requestId: string | null;
  readonly details: ErrorBody['error']['details'];

  constructor(status: number, error: { code: string; message: string; requestId?: string | null; details?: ErrorBody['error']['details'] }, cause?: unknown) {
    super(`sessiond: ${error.message} (${status ? `${status} ` : ''}${error.code}${error.requestId ? `, request ${error.requestId}` : ''})`, { cause });
    this.status = status;
    this.code = error.code;
    this.requestId = error.requestId ?? null;
    this.details = error.details ?? [];
  }
}

export interface ClientOptions {
  /** Where sessiond answers, e.g. `http://127.0.0.1:8080` (without `/v1`). */
  baseUrl: string;
  /** A client credential (Bearer) for the calls that need one: `revoke({ sessionId })`. */
  credential?: string;
  /** Each call's deadline, body included (default 5000 ms). */
  timeoutMs?: number;
  /** Another fetch (e.g. undici's with an `Agent` of your own); the global one by default. */
  fetch?: typeof fetch;
}

/** Whose session: a token (sent as `Authorization: Bearer`), or a request's whole `Cookie` header as sessiond's sign-in page set it. */
export type SessionToken = string | { cookie: string };

export interface SessiondClient {
  readonly baseUrl: string;
  /** `GET /v1/sessions/whoami`: the session of the token or cookie, or why it is not active. Counts as use. */
  whoami(token: SessionToken): Promise<SessionCheck>;
  /** `POST /v1/sessions/introspect`: the same check by POST. Counts as use. */
  introspect(token: string): Promise<SessionCheck>;
  /** `POST /v1/sessions`: a new session and its token. A wrong login name or password: SessiondError 401 `invalid_credentials`. */
  signIn(request: SignInRequest): Promise<SignedIn>;
  /** Sign out with the session's token (`POST /v1/sessions/revoke`), or revoke a session by id with the client credential (`DELETE /v1/sessions/{id}`). */
  revoke(target: { token: string } | { sessionId: string }): Promise<void>;
  /** `POST /v1/sessions/revoke-others`: ends every other session of the token's holder; how many ended. */
  revokeOthers(token: string): Promise<number>;
  /** `POST /v1/sessions/rotate`: a new token for the same session; the old one is inactive at once. */
  rotate(token: string): Promise<SignedIn>;
}

const DEFAULT_TIMEOUT_MS = 5000;

export function createClient(options: ClientOptions): SessiondClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const fetchFn = options.fetch ?? globalThis.fetch;

  /** One call: its status and parsed JSON body (null when empty); errors as SessiondError. `accept` lists the statuses that are answers, not errors. */
  async function call(method: string, path: string, o: { body?: unknown; headers?: Record<string, string>; accept?: number[] } = {}) {
    const headers: Record<string, string> = { accept: 'application/json', ...o.headers };
    if (o.body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    let text: string;
    try {
      res = await fetchFn(`${baseUrl}${path}`, {
        method,
        headers,
        signal: AbortSignal.timeout(timeoutMs),
        ...(o.body !== undefined ? { body: JSON.stringify(o.body) } : {}),
      });
      text = await res.text();
    } catch (e) {
      const timedOut = e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError');
      const message = timedOut ? `no answer from ${baseUrl} within ${timeoutMs} ms` : `cannot reach ${baseUrl}: ${e instanceof Error ? e.message : String(e)}`;
      throw new SessiondError(0, { code: timedOut ? 'timeout' : 'network', message }, e);
    }
    let body: unknown = null;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch (e) {
        throw new SessiondError(res.status, { code: 'bad_response', message: `${method} ${path} answered ${res.status} with a body that is not JSON` }, e);
      }
    }
    if (res.ok || o.accept?.includes(res.status)) return { status: res.status, body };
    const error = (body as Partial<ErrorBody> | null)?.error;
    if (error && typeof error.code === 'string') throw new SessiondError(res.status, error);
    throw new SessiondError(res.status, {
      code: 'bad_response',
      message: `${method} ${path} answered ${res.status} without an error body`,
      requestId: res.headers.get('x-request-id'),
    });
  }

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  return {
    baseUrl,
    async whoami(token) {
      const headers = typeof token === 'string' ? bearer(token) : { cookie: token.cookie };
      // 401 with {active:false, reason} is the answer for a token that is not active.
      const { body } = await call('GET', '/v1/sessions/whoami', { headers, accept: [401] });
      return checkOf(body, 'GET /v1/sessions/whoami');
    },
    async introspect(token) {
      const { body } = await call('POST', '/v1/sessions/introspect', { body: { token } });
      return checkOf(body, 'POST /v1/sessions/introspect');
    },
    async signIn(request) {
      return (await call('POST', '/v1/sessions', { body: request })).body as SignedIn;
    },
    async revoke(target) {
      if ('token' in target) await call('POST', '/v1/sessions/revoke', { body: { token: target.token } });
      else {
        const headers = options.credential ? bearer(options.credential) : {};
        await call('DELETE', `/v1/sessions/${encodeURIComponent(target.sessionId)}`, { headers });
      }
    },
    async revokeOthers(token) {
      return ((await call('POST', '/v1/sessions/revoke-others', { body: { token } })).body as { revoked: number }).revoked;
    },
    async rotate(token) {
      return (await call('POST', '/v1/sessions/rotate', { body: { token } })).body as SignedIn;
    },
  };
}

/** A check's answer as SessionCheck: a 401 without {active:false} (e.g. a wrong Authorization header) is an error, not an answer. */
function checkOf(body: unknown, what: string): SessionCheck {
  const b = body as { active?: unknown; session?: Session; reason?: InactiveReason; error?: ErrorBody['error'] } | null;
  if (b?.active === true && b.session) return { active: true, session: b.session };
  if (b?.active === false) return { active: false, reason: b.reason ?? 'unknown' };
  if (b?.error) throw new SessiondError(401, b.error);
  throw new SessiondError(0, { code: 'bad_response', message: `${what} answered without "active"` });
}
