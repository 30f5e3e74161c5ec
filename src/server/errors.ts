import type { FastifyBaseLogger, FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, type ErrorCode, type FieldIssue } from '../core/errors.js';
import { MethodNotAllowedError } from './routes.js';
import { InvalidUtf8BodyError, UnsupportedCharsetError } from './utf8-body.js';
import { RequestValidationError } from './validation.js';

/** A failure as every surface sees it before shaping it: status, code, message, issues. */
export interface WireError {
  status: number;
  code: ErrorCode | 'payload_too_large' | 'unsupported_media_type' | 'method_not_allowed';
  message: string;
  issues: FieldIssue[];
  retryAfterSeconds?: number | undefined;
  /** The methods the path has (405 only), for the Allow header. */
  allow?: readonly string[] | undefined;
}

/** HTTP status of each domain error code; each surface may override in its own table. */
export const httpStatusOf = {
  invalid_argument: 400,
  policy_invalid: 400,
  invalid_credentials: 401,
  unauthenticated: 401,
  permission_denied: 403,
  not_found: 404,
  already_exists: 409,
  failed_precondition: 409,
  session_limit_reached: 409,
  persistent_not_allowed: 400,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
} satisfies Record<ErrorCode, number>;

/**
 * The one function that decides what of an error leaves the process. Anything that is
 * not a known client error becomes a generic 500; its cause goes to the log only.
 */
export function toWireError(err: unknown, req: FastifyRequest): WireError {
  const w = classify(err);
  if (w.status >= 500) logFailure(req.log, err);
  return w;
}

/**
 * How every 5xx of every path is logged: at error level, with the error and its `cause` chain
 * (pino's error serializer follows `cause`). Fastify's request logger already carries `reqId`;
 * the paths served ahead of Fastify pass theirs in `reqId`.
 */
export function logFailure(log: Pick<FastifyBaseLogger, 'error'>, err: unknown, reqId?: string): void {
  const message = err instanceof Error ? err.message : String(err);
  log.error(reqId === undefined ? { err } : { err, reqId }, `request failed: ${message}`);
}

function classify(err: unknown): WireError {
  if (err instanceof DomainError) {
    return { status: httpStatusOf[err.code], code: err.code, message: err.message, issues: err.issues, retryAfterSeconds: err.retryAfterSeconds };
  }
  if (err instanceof MethodNotAllowedError) return { status: 405, code: 'method_not_allowed', message: err.message, issues: [], allow: err.allow };
  if (err instanceof RequestValidationError) {
    return { status: 400, code: 'invalid_argument', message: `invalid ${err.part}: ${summary(err.issues)}`, issues: err.issues };
  }
  if (err instanceof InvalidUtf8BodyError) return { status: 400, code: 'invalid_argument', message: err.message, issues: [] };
  if (err instanceof UnsupportedCharsetError) return { status: 415, code: 'unsupported_media_type', message: err.message, issues: [] };
  const fe = (typeof err === 'object' && err !== null ? err : {}) as FastifyError;
  switch (fe.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, code: 'payload_too_large', message: 'the request body is too large', issues: [] };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 415, code: 'unsupported_media_type', message: 'send the body as application/json', issues: [] };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { status: 400, code: 'invalid_argument', message: 'the JSON body is empty', issues: [] };
    case 'FST_ERR_BAD_URL':
      return { status: 400, code: 'invalid_argument', message: 'the URL path is not valid (bad percent-encoding)', issues: [] };
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return { status: 414, code: 'invalid_argument', message: 'a path parameter is longer than 200 characters', issues: [] };
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { status: 400, code: 'invalid_argument', message: 'the body is not valid JSON', issues: [] };
  }
  if (err instanceof SyntaxError || fe.statusCode === 400) {
    return { status: 400, code: 'invalid_argument', message: 'the body is not valid JSON', issues: [] };
  }
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return { status: fe.statusCode, code: 'invalid_argument', message: fe.message, issues: [] };
  }
  return { status: 500, code: 'internal', message: 'internal error', issues: [] };
}

const summary = (issues: FieldIssue[]) =>
  issues
    .slice(0, 3)
    .map((i) => (i.field ? `${i.field} ${i.message}` : i.message))
    .join('; ') + (issues.length > 3 ? '; …' : '');

/** Sends a WireError with the body a surface chose, plus Retry-After and Allow when given. */
export function sendError(reply: FastifyReply, w: WireError, body: unknown): FastifyReply {
  if (w.retryAfterSeconds !== undefined) void reply.header('retry-after', String(w.retryAfterSeconds));
  if (w.allow) void reply.header('allow', w.allow.join(', '));
  return reply.code(w.status).type('application/json; charset=utf-8').send(body);
}
