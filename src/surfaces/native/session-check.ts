import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { DomainError } from '../../core/errors.js';
import type { Core } from '../../core/index.js';
import type { ClientInfo, IntrospectResult } from '../../core/sessions.js';
import { httpStatusOf, logFailure, type WireError } from '../../server/errors.js';
import type { Metrics } from '../../server/metrics.js';
import { REQUEST_ID } from '../../server/rpc-observe.js';
import type { RawRequest as Req, RawResponse as Res } from '../../server/surface.js';
import type { ProxyTrust } from '../shared/proxy-trust.js';
import { readCookie } from '../shared/session-cookie.js';

// What the validation paths served ahead of Fastify share: the POST introspection
// (fast-introspect.ts) and the GET checks (whoami, forward-auth: session-gets.ts).

/** The client's request id when it is a sane one, else a new one. */
export function requestIdOf(req: Req): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/** Who is asking, for the session's last IP and user agent. */
export function clientOf(req: Req, proxy: ProxyTrust): ClientInfo {
  const ua = req.headers['user-agent'];
  return { ip: proxy.clientIp(req), userAgent: typeof ua === 'string' ? ua.slice(0, 512) : null };
}

/** A route's request counter per status and its latency, bound once (labelled children cost a lookup per request). */
export function routeMetrics(metrics: Metrics, route: string, method: string) {
  const latency = metrics.latency.labels({ route });
  const counters = new Map<number, ReturnType<typeof metrics.requests.labels>>();
  return (status: number, started: number) => {
    let c = counters.get(status);
    if (!c) {
      c = metrics.requests.labels({ route, method, status: String(status) });
      counters.set(status, c);
    }
    c.inc();
    latency.observe((performance.now() - started) / 1000);
  };
}

/** Longest token looked at: the introspection body's limit; longer is no token of ours. */
const MAX_TOKEN = 512;

/**
 * The token of a GET check: `Authorization: Bearer`, else `X-Session-Token`, else the session
 * cookie. `sent` is whether the request carried one at all (its 401 then says invalid_token);
 * `token` is null when what it carried cannot be a token (too long, empty).
 * Another Authorization scheme (an app's own Basic auth) is not ours and is passed over.
 */
export function requestToken(req: Req, cookieName: string): { token: string | null; sent: boolean } {
  const auth = req.headers.authorization;
  if (typeof auth === 'string' && auth.length > 7 && auth.slice(0, 7).toLowerCase() === 'bearer ') return tokenOrNull(auth.slice(7).trim());
  const header = req.headers['x-session-token'];
  if (typeof header === 'string' && header !== '') return tokenOrNull(header.trim());
  const cookie = req.headers.cookie;
  if (cookie === undefined) return { token: null, sent: false };
  const value = readCookie(typeof cookie === 'string' ? cookie : (cookie as string[]).join('; '), cookieName);
  return value === null ? { token: null, sent: false } : tokenOrNull(value);
}

const tokenOrNull = (t: string) => ({ token: t !== '' && t.length <= MAX_TOKEN ? t : null, sent: true });

/** The core's judgement of a token, synchronously when the session cache has it (no promise hops). */
export function judgeToken(core: Core, token: string, client: ClientInfo, done: (r: IntrospectResult) => void, fail: (err: unknown) => void): void {
  const cached = core.sessions.introspectIfCached(token, client);
  if (cached) done(cached);
  else core.sessions.introspect(token, client).then(done, fail);
}

/**
 * Where every failure of these paths ends, the answer callback's included: nothing escapes as an
 * unhandled rejection (fatal under Node's defaults) or leaves the client waiting. A domain error
 * answers its status (503 for storage that is unavailable), anything else 500, as the framework
 * path does. A module function, so the success path allocates nothing for it.
 */
export function failed(res: Res, send: (w: WireError) => void, requestId: string, err: unknown, log: Logger | undefined): void {
  const w: WireError =
    err instanceof DomainError && err.code !== 'internal'
      ? { status: httpStatusOf[err.code], code: err.code, message: err.message, issues: err.issues }
      : { status: 500, code: 'internal', message: 'internal error', issues: [] };
  if (w.status >= 500 && log) logFailure(log, err, requestId);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  try {
    send(w);
  } catch (again) {
    if (log) logFailure(log, again, requestId);
    res.destroy();
  }
}
