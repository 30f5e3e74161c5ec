import { type Config, loadConfig } from '../config/config.js';
import { assertLocalStorageExists } from './local-storage.js';

/** What every admin command talks to: the native /v1 API, over HTTP or in-process. */
export interface Api {
  call<T = unknown>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T>;
  close(): Promise<void>;
}

type WireBody = { error?: { code?: string; message?: string; details?: { field: string; message: string }[] } } | null;

/** A refusal by the API: its status, its error code (`already_exists`, …) and message. */
export class ApiError extends Error {
  /** The native API's error code, e.g. `already_exists`; `http_<status>` when the body names none. */
  readonly code: string;
  /** The API's message plus each field issue, without the status: `login name 'x' already exists`. */
  readonly reason: string;
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    const e = (body as WireBody)?.error;
    const message = e?.message ?? JSON.stringify(body);
    const details = e?.details?.length ? `\n${e.details.map((d) => `  ${d.field || '(body)'}: ${d.message}`).join('\n')}` : '';
    super(`${status}: ${message}${details}`);
    this.code = e?.code ?? `http_${status}`;
    this.reason = e?.details?.length ? e.details.map((d) => (d.field ? `${d.field} ${d.message}` : d.message)).join('; ') : message;
  }
}

export interface Target {
  url?: string | undefined;
  token?: string | undefined;
  dataDir?: string | undefined;
}

/**
 * --url: a running server (with --token or SESSIOND_TOKEN). Otherwise the local data
 * directory, opened in-process and acting as the system (whoever can read the files
 * is the administrator). Use --url while a server runs on that directory.
 * Only `init` passes `create`: every other command refuses storage that does not exist yet
 * instead of creating a database (and a bootstrap credential) where a typo pointed.
 */
export async function openApi(t: Target, o: { create?: boolean } = {}): Promise<Api> {
  const url = t.url || process.env.SESSIOND_URL;
  if (url) return remoteApi(url, t.token ?? process.env.SESSIOND_TOKEN);
  const config = localConfig(t.dataDir);
  if (!o.create) await assertLocalStorageExists(config);
  return localApi(config);
}

/** The configuration of local mode: the environment, plus --data-dir. */
export const localConfig = (dataDir: string | undefined): Config => loadConfig(process.env, { ...(dataDir ? { dataDir } : {}), logLevel: 'warn' });

/** How often a request refused by the server's rate limit (429) is sent again, after its Retry-After. */
const MAX_ATTEMPTS_WHEN_LIMITED = 10;

/** undici's "fetch failed" hides the reason in `cause` (an AggregateError when several addresses were tried). */
function unreachable(base: string, e: unknown): Error {
  const cause = (e as { cause?: unknown }).cause;
  const causes = cause instanceof AggregateError ? cause.errors : [cause ?? e];
  const reasons = [...new Set(causes.map((c) => (c instanceof Error ? c.message : String(c))))];
  return new Error(`cannot reach ${base}: ${reasons.join('; ')}`);
}

function remoteApi(base: string, token: string | undefined): Api {
  if (!URL.canParse(base) || !/^https?:$/.test(new URL(base).protocol)) {
    throw new Error(`--url '${base}' is not an http:// or https:// URL`);
  }
  return {
    async call(method, path, body) {
      let res: Response;
      for (let attempt = 1; ; attempt++) {
        res = await fetch(new URL(path, base), {
          method,
          headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        }).catch((e: unknown) => {
          throw unreachable(base, e);
        });
        // Past the server's rate limit (a long import): the request was not processed; wait as told and send it again.
        const waitSeconds = Number(res.headers.get('retry-after'));
        if (res.status !== 429 || attempt >= MAX_ATTEMPTS_WHEN_LIMITED || !(waitSeconds >= 0 && waitSeconds <= 120)) break;
        await res.arrayBuffer();
        await new Promise((r) => setTimeout(r, waitSeconds * 1000));
      }
      const text = await res.text();
      let json: unknown = null;
      try {
        json = text ? JSON.parse(text) : null;
      } catch {
        throw new Error(`${base} answered ${method} ${path} with ${res.status} and a body that is not JSON: is it a sessiond server?`);
      }
      if (!res.ok) throw new ApiError(res.status, json);
      return json as never;
    },
    async close() {},
  };
}

async function localApi(config: Config): Promise<Api> {
  const { createApp, createLogger } = await import('../app.js');
  const app = await createApp(config, { localAdmin: true, logger: createLogger('warn', process.stderr) });
  if (app.bootstrapSecret) {
    process.stderr.write(`created the bootstrap credential (client id 'bootstrap'); its secret, shown once:\n  ${app.bootstrapSecret}\n`);
  }
  await app.http.app.ready();
  return {
    async call(method, path, body) {
      const res = await app.http.app.inject({ method, url: path, ...(body !== undefined ? { payload: body as object } : {}) });
      const json = res.body ? JSON.parse(res.body) : null;
      if (res.statusCode >= 400) throw new ApiError(res.statusCode, json);
      return json;
    },
    close: () => app.stop(),
  };
}
