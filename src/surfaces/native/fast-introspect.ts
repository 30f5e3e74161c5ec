import { isUtf8 } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { DomainError } from '../../core/errors.js';
import { type IntrospectResult, isActiveSession } from '../../core/sessions.js';
import { validator } from '../../core/validate.js';
import { httpStatusOf, logFailure, type WireError } from '../../server/errors.js';
import { INTROSPECT_LIMIT_MESSAGE } from '../../server/rate-limits.js';
import { REQUEST_ID } from '../../server/rpc-observe.js';
import type { AheadHandler, RawResponse as Res, SurfaceContext } from '../../server/surface.js';
import { declaresOtherCharset } from '../../server/utf8-body.js';
import type { answerTemplates } from './answer-template.js';
import { nativeErrorBody } from './errors.js';
import { type NativeViews, TokenBody } from './views.js';

/** The path served ahead of Fastify (also a Fastify route, for what this path declines). */
export const INTROSPECT_ROUTE = '/v1/sessions/introspect';
const MAX_BODY = 2048; // a token is at most 512 characters
const tokenBody = validator(TokenBody);
/** `application/json`, with parameters or not, and nothing that merely starts like it (`application/jsonx`). */
const isJsonType = (t: string) => t.startsWith('application/json') && (t.length === 16 || ((t[16] === ';' || t[16] === ' ') && !declaresOtherCharset(t)));
const INTROSPECT_LIMITED: WireError = { status: 429, code: 'rate_limited', message: INTROSPECT_LIMIT_MESSAGE, issues: [] };

/**
 * Where every failure of this path ends, the answer callback's included: nothing escapes as an
 * unhandled rejection (fatal under Node's defaults) or leaves the client waiting. A domain error
 * answers its status (503 for storage that is unavailable), anything else 500, as the framework
 * path does. A module function, so the success path allocates nothing for it.
 */
function failed(res: Res, send: (status: number, body: unknown) => void, requestId: string, err: unknown, log: Logger | undefined): void {
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
    send(w.status, nativeErrorBody(w, requestId));
  } catch (again) {
    if (log) logFailure(log, again, requestId);
    res.destroy();
  }
}

/**
 * The validation call on every request of every app, served without the framework's
 * per-request machinery (routing, hooks, child logger, serializer). It calls the same core
 * method, validates with the same schema and answers with the same body and error shape as
 * the Fastify route, which still serves every request this path declines (other content
 * types, chunked or large bodies, trusted proxies). `rateLimits.introspect` (off by default) is the per-node
 * introspection limit per client address: a Map lookup and a counter, no Redis.
 */
export function createFastIntrospect(
  ctx: Pick<SurfaceContext, 'core' | 'metrics' | 'logger' | 'config' | 'rateLimits'>,
  answers: { introspectionAnswer: NativeViews['introspectionAnswer']; activeAnswerText: ReturnType<typeof answerTemplates> },
): AheadHandler {
  const { core, metrics, logger } = ctx;
  const { introspectionAnswer, activeAnswerText } = answers;
  const trustProxy = ctx.config.trustProxy;
  const limit = ctx.rateLimits.introspect;
  // Bound once: a labelled child costs a map lookup, label objects cost hashing per request.
  const latency = metrics.latency.labels({ route: INTROSPECT_ROUTE });
  const counters = new Map<number, ReturnType<typeof metrics.requests.labels>>();
  const counted = (status: number) => {
    let c = counters.get(status);
    if (!c) {
      c = metrics.requests.labels({ route: INTROSPECT_ROUTE, method: 'POST', status: String(status) });
      counters.set(status, c);
    }
    return c;
  };
  return (req, res) => {
    if (trustProxy || req.method !== 'POST' || req.url !== INTROSPECT_ROUTE) return false;
    const type = req.headers['content-type'];
    const length = Number(req.headers['content-length']);
    if (typeof type !== 'string' || !isJsonType(type) || !(length > 0 && length <= MAX_BODY)) return false;
    if (req.headers.authorization !== undefined) return false; // credential checks stay on the framework path
    const started = performance.now();
    const given = req.headers['x-request-id'];
    const requestId = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => {
      const sendText = (status: number, text: string, bytes = Buffer.byteLength(text)) => {
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': bytes, 'x-request-id': requestId });
        res.end(text);
        counted(status).inc();
        latency.observe((performance.now() - started) / 1000);
      };
      const send = (status: number, body: unknown) => sendText(status, JSON.stringify(body));
      try {
        const fail = (message: string, details: { field: string; code: string; message: string }[]) =>
          send(400, nativeErrorBody({ status: 400, code: 'invalid_argument', message, issues: details }, requestId));
        if (limit?.over(req.socket.remoteAddress ?? '')) {
          res.setHeader('retry-after', '1');
          send(429, nativeErrorBody(INTROSPECT_LIMITED, requestId));
          return;
        }
        let body: unknown;
        const bytes = Buffer.concat(chunks, Math.min(size, MAX_BODY));
        if (!isUtf8(bytes)) {
          fail('the body is not valid UTF-8', []);
          return;
        }
        try {
          body = JSON.parse(bytes.toString('utf8'));
        } catch {
          fail('the body is not valid JSON', []);
          return;
        }
        const issues = tokenBody.issues(body);
        if (issues.length) {
          fail(`invalid body: ${issues.map((i) => `${i.field} ${i.message}`).join('; ')}`, issues);
          return;
        }
        const ua = req.headers['user-agent'];
        const client = { ip: req.socket.remoteAddress ?? null, userAgent: typeof ua === 'string' ? ua.slice(0, 512) : null };
        const token = (body as { token: string }).token;
        const answer = (r: IntrospectResult) => {
          try {
            if (!isActiveSession(r)) return sendText(200, JSON.stringify(introspectionAnswer(r)));
            sendText(200, activeAnswerText(r, core.policies.effective(r.record.organizationId)));
          } catch (err) {
            failed(res, send, requestId, err, logger);
          }
        };
        const cached = core.sessions.introspectIfCached(token, client);
        if (cached) {
          answer(cached);
          return;
        }
        core.sessions.introspect(token, client).then(answer, (err: unknown) => failed(res, send, requestId, err, logger));
      } catch (err) {
        failed(res, send, requestId, err, logger);
      }
    });
    return true;
  };
}
