import { isUtf8 } from 'node:buffer';
import { type IntrospectResult, isActiveSession } from '../../core/sessions.js';
import { validator } from '../../core/validate.js';
import type { WireError } from '../../server/errors.js';
import { INTROSPECT_LIMIT_MESSAGE } from '../../server/rate-limits.js';
import type { AheadHandler, SurfaceContext } from '../../server/surface.js';
import { declaresOtherCharset } from '../../server/utf8-body.js';
import { NO_PROXY } from '../shared/proxy-trust.js';
import type { answerTemplates } from './answer-template.js';
import { nativeErrorBody } from './errors.js';
import { clientOf, failed, judgeToken, requestIdOf, routeMetrics } from './session-check.js';
import { type NativeViews, TokenBody } from './views.js';

/** The path served ahead of Fastify (also a Fastify route, for what this path declines). */
export const INTROSPECT_ROUTE = '/v1/sessions/introspect';
const MAX_BODY = 2048; // a token is at most 512 characters
const tokenBody = validator(TokenBody);
/** `application/json`, with parameters or not, and nothing that merely starts like it (`application/jsonx`). */
const isJsonType = (t: string) => t.startsWith('application/json') && (t.length === 16 || ((t[16] === ';' || t[16] === ' ') && !declaresOtherCharset(t)));
const INTROSPECT_LIMITED: WireError = { status: 429, code: 'rate_limited', message: INTROSPECT_LIMIT_MESSAGE, issues: [] };

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
  const { core, logger } = ctx;
  const { introspectionAnswer, activeAnswerText } = answers;
  const trustProxy = ctx.config.trustProxy;
  const limit = ctx.rateLimits.introspect;
  const observe = routeMetrics(ctx.metrics, INTROSPECT_ROUTE, 'POST');
  return (req, res) => {
    if (trustProxy || req.method !== 'POST' || req.url !== INTROSPECT_ROUTE) return false;
    const type = req.headers['content-type'];
    const length = Number(req.headers['content-length']);
    if (typeof type !== 'string' || !isJsonType(type) || !(length > 0 && length <= MAX_BODY)) return false;
    if (req.headers.authorization !== undefined) return false; // credential checks stay on the framework path
    const started = performance.now();
    const requestId = requestIdOf(req);
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
        observe(status, started);
      };
      const send = (status: number, body: unknown) => sendText(status, JSON.stringify(body));
      const sendError = (w: WireError) => send(w.status, nativeErrorBody(w, requestId));
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
        const client = clientOf(req, NO_PROXY);
        const token = (body as { token: string }).token;
        const answer = (r: IntrospectResult) => {
          try {
            if (!isActiveSession(r)) return sendText(200, JSON.stringify(introspectionAnswer(r)));
            sendText(200, activeAnswerText(r, core.policies.effective(r.record.organizationId)));
          } catch (err) {
            failed(res, sendError, requestId, err, logger);
          }
        };
        judgeToken(core, token, client, answer, (err: unknown) => failed(res, sendError, requestId, err, logger));
      } catch (err) {
        failed(res, sendError, requestId, err, logger);
      }
    });
    return true;
  };
}
