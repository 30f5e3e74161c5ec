import type { FastifyReply, FastifyRequest } from 'fastify';
import type { GraphQLError, GraphQLFormattedError } from 'graphql';
import { DomainError, type FieldIssue } from '../../core/errors.js';
import { logFailure, toWireError, type WireError } from '../../server/errors.js';
import { RequestValidationError } from '../../server/validation.js';

/** `extensions.code` of each failure, in the Apollo-style names GraphQL clients know. */
export const graphqlCodeOf = {
  invalid_argument: 'BAD_USER_INPUT',
  policy_invalid: 'BAD_USER_INPUT',
  persistent_not_allowed: 'BAD_USER_INPUT',
  invalid_credentials: 'UNAUTHENTICATED',
  unauthenticated: 'UNAUTHENTICATED',
  permission_denied: 'FORBIDDEN',
  not_found: 'NOT_FOUND',
  already_exists: 'CONFLICT',
  failed_precondition: 'FAILED_PRECONDITION',
  session_limit_reached: 'CONFLICT',
  rate_limited: 'RATE_LIMITED',
  unavailable: 'SERVICE_UNAVAILABLE',
  internal: 'INTERNAL_SERVER_ERROR',
  payload_too_large: 'PAYLOAD_TOO_LARGE',
  unsupported_media_type: 'UNSUPPORTED_MEDIA_TYPE',
  method_not_allowed: 'METHOD_NOT_ALLOWED',
} satisfies Record<WireError['code'], string>;

/**
 * mercurius loads graphql's CommonJS build and this code its ES module build: two GraphQLError
 * classes, so `instanceof` cannot tell. GraphQLError names itself through Symbol.toStringTag.
 */
const isGraphQLError = (x: unknown): x is GraphQLError => Object.prototype.toString.call(x) === '[object GraphQLError]';

/** A GraphQL error body for a request that did not execute (no `data`, per GraphQL over HTTP). */
export interface RequestFailure {
  status: number;
  body: { errors: GraphQLFormattedError[] };
  headers?: Record<string, string>;
}

/** The extensions of a wire error: the GraphQL code, sessiond's own code, the field paths. */
function extensionsOf(w: WireError, requestId: string, code: string = graphqlCodeOf[w.code]): Record<string, unknown> {
  return {
    code,
    reason: w.code,
    ...(w.issues.length ? { field: w.issues[0]?.field, issues: w.issues } : {}),
    requestId,
  };
}

/** A failure that ended the request before execution (auth, body, parse, validation) as a GraphQL body. */
export function requestFailure(err: unknown, req: FastifyRequest): RequestFailure {
  const e = (err ?? {}) as { code?: string; statusCode?: number; errors?: unknown[]; message?: string };
  const errors = (list: GraphQLFormattedError[], status: number, headers?: Record<string, string>): RequestFailure => ({
    status,
    body: { errors: list },
    ...(headers ? { headers } : {}),
  });
  switch (e.code) {
    case 'MER_ERR_GQL_VALIDATION':
      // A parse, validation, variable or depth error of the document, or a body of the wrong shape.
      if (Array.isArray(e.errors))
        return errors(
          e.errors.map((x) => documentErrorOf(x, req)),
          400,
        );
      // GET ?variables= or ?extensions= that is not JSON.
      return errors([{ message: 'variables and extensions must be JSON objects', extensions: { code: 'BAD_REQUEST', requestId: req.id } }], 400);
    case 'MER_ERR_METHOD_NOT_ALLOWED':
      return errors([{ message: 'a mutation must be sent with POST', extensions: { code: 'METHOD_NOT_ALLOWED', requestId: req.id } }], 405, {
        allow: 'POST',
      });
    case 'MER_ERR_GQL_PERSISTED_QUERY_NOT_FOUND':
      return errors(
        [{ message: 'the request has no query: POST {"query": "…"} or GET ?query=…', extensions: { code: 'BAD_REQUEST', requestId: req.id } }],
        400,
      );
  }
  const w = toWireError(err, req);
  const headers: Record<string, string> = {};
  if (w.status === 401) headers['www-authenticate'] = 'Bearer realm="sessiond"';
  if (w.retryAfterSeconds !== undefined) headers['retry-after'] = String(w.retryAfterSeconds);
  if (w.allow) headers.allow = w.allow.join(', ');
  // Before execution, a 400 is about the request itself (body, JSON, query), not a field's value.
  const code = w.status === 400 ? 'BAD_REQUEST' : graphqlCodeOf[w.code];
  return errors([{ message: w.message, extensions: extensionsOf(w, req.id, code) }], w.status, headers);
}

/** Sends a failure before execution as a GraphQL body (mercurius' error handler, this surface's, and the edge's for its paths). */
export function sendGraphqlFailure(err: unknown, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const f = requestFailure(err, req);
  return reply
    .code(f.status)
    .headers(f.headers ?? {})
    .type('application/json; charset=utf-8')
    .send(f.body);
}

/** One error of a document that did not execute (parse, validation, variables, depth, body shape). */
export function documentErrorOf(x: unknown, req: FastifyRequest): GraphQLFormattedError {
  if (isGraphQLError(x)) {
    const f = x.toJSON();
    const code = x.message.startsWith('Syntax Error') ? 'GRAPHQL_PARSE_FAILED' : 'GRAPHQL_VALIDATION_FAILED';
    return { ...f, extensions: { ...f.extensions, code, requestId: req.id } };
  }
  if (x instanceof RequestValidationError) {
    return {
      message: `the body is not a GraphQL request: ${x.issues.map((i) => `${i.field} ${i.message}`).join('; ')}`,
      extensions: { code: 'BAD_REQUEST', issues: x.issues, requestId: req.id },
    };
  }
  // Mercurius' own messages (query depth); nothing else reaches this list.
  return { message: (x as Error).message, extensions: { code: 'GRAPHQL_VALIDATION_FAILED', requestId: req.id } };
}

/**
 * An error raised while resolving a field, as the client sees it. Domain errors keep their
 * message and field paths; anything else is an internal error whose cause goes to the log only.
 */
export function fieldError(err: GraphQLError, req: FastifyRequest, renameField: (f: string) => string): GraphQLFormattedError {
  const cause = err.originalError;
  const f = err.toJSON();
  if (!cause || isGraphQLError(cause)) {
    // Produced by graphql itself (e.g. a non-null field resolved to null, a value Long cannot carry).
    logFailure(req.log, err);
    return { ...f, extensions: { ...f.extensions, code: 'INTERNAL_SERVER_ERROR', requestId: req.id } };
  }
  const w = toWireError(cause, req);
  const issues: FieldIssue[] = w.issues.map((i) => ({ ...i, field: renameField(i.field) }));
  const message = cause instanceof DomainError ? w.message : 'internal error';
  return {
    message,
    ...(f.locations ? { locations: f.locations } : {}),
    ...(f.path ? { path: f.path } : {}),
    extensions: extensionsOf({ ...w, issues }, req.id),
  };
}
