import { loadConfig } from '../config/config.js';

/** What every admin command talks to: the native /v1 API, over HTTP or in-process. */
export interface Api {
  call<T = unknown>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T>;
  close(): Promise<void>;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    const e = (body as { error?: { message?: string; details?: { field: string; message: string }[] } })?.error;
    const details = e?.details?.length ? `\n${e.details.map((d) => `  ${d.field || '(body)'}: ${d.message}`).join('\n')}` : '';
    super(`${status}: ${e?.message ?? JSON.stringify(body)}${details}`);
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
 */
export async function openApi(t: Target): Promise<Api> {
  const url = t.url ?? process.env.SESSIOND_URL;
  if (url) return remoteApi(url, t.token ?? process.env.SESSIOND_TOKEN);
  return localApi(t.dataDir);
}

/** How often a request refused by the server's rate limit (429) is sent again, after its Retry-After. */
const MAX_ATTEMPTS_WHEN_LIMITED = 10;

function remoteApi(base: string, token: string | undefined): Api {
  return {
    async call(method, path, body) {
      let res: Response;
      for (let attempt = 1; ; attempt++) {
        res = await fetch(new URL(path, base), {
          method,
          headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        });
        // Past the server's rate limit (a long import): the request was not processed; wait as told and send it again.
        const waitSeconds = Number(res.headers.get('retry-after'));
        if (res.status !== 429 || attempt >= MAX_ATTEMPTS_WHEN_LIMITED || !(waitSeconds >= 0 && waitSeconds <= 120)) break;
        await res.arrayBuffer();
        await new Promise((r) => setTimeout(r, waitSeconds * 1000));
      }
      const text = await res.text();
      const json = text ? JSON.parse(text) : null;
      if (!res.ok) throw new ApiError(res.status, json);
      return json;
    },
    async close() {},
  };
}

async function localApi(dataDir: string | undefined): Promise<Api> {
  const { createApp, createLogger } = await import('../app.js');
  const config = loadConfig(process.env, { ...(dataDir ? { dataDir } : {}), logLevel: 'warn' });
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
