import type { FastifySchema } from 'fastify';
import type { OpenApiContribution } from '../../server/surface.js';
import { ErrorView } from './views.js';

// What the OpenAPI document (GET /v1/openapi.json) says about errors and credentials. Each route
// lists the error statuses it can answer in `errors`, next to its success response; the document
// gets them from `withErrorResponses` (the swagger transform), so Fastify compiles no serializer
// per route and status: every error body is built by one function typed by ErrorView
// (`nativeErrorBody`), and the fuzz test checks each one it provokes against the document.

declare module 'fastify' {
  interface FastifySchema {
    /** The error statuses the route can answer (each with the Error body), for the OpenAPI document. */
    errors?: readonly ErrorStatus[];
  }
}

/** The id of the one error schema: components/schemas/Error in the document. */
export const ERROR_SCHEMA_ID = 'Error';
/** ErrorView as a shared schema of the /v1 scope, so the document holds it once. */
export const ErrorSchema = { ...ErrorView, $id: ERROR_SCHEMA_ID };

const why = {
  400: 'Invalid request (body, query, path or URL); `details` names each field.',
  401: 'Not authenticated: no credential or one that is not valid (and, where a login name, password or session token is the proof, a wrong one).',
  403: 'The credential lacks the permission (`details` is empty; the answer does not say whether the resource exists).',
  404: 'No such resource, or not visible to the caller.',
  409: 'The current state does not allow it (a taken name, the session limit with `onLimit: deny_new`, an organization that still has users, …).',
  413: 'The body is larger than `SESSIOND_BODY_LIMIT_BYTES`.',
  414: 'A path parameter is longer than 200 characters.',
  415: 'The body is not `application/json`.',
  429: 'Too many requests; retry after the seconds in `Retry-After`.',
  503: 'Storage is unreachable; retry later.',
} as const;
export type ErrorStatus = keyof typeof why;

const errorResponse = (description: string, status?: ErrorStatus) => ({
  $ref: ERROR_SCHEMA_ID,
  description,
  ...(status === 429 ? { headers: { 'retry-after': { type: 'integer', minimum: 1, description: 'Seconds to wait.' } } } : {}),
});

/** The route schema as the document shows it: its `errors`, and `default` (500: anything unexpected), as Error responses. */
export function withErrorResponses(schema: FastifySchema | undefined, url: string): FastifySchema | undefined {
  if (!schema?.errors) return schema;
  // Any templated path: the router refuses an over-long parameter before the route runs.
  const statuses = url.includes('/:') ? [...schema.errors, 414 as const] : schema.errors;
  const { errors: _errors, ...rest } = schema;
  const response: Record<string, unknown> = { ...(schema.response as Record<string, unknown>) };
  for (const s of [...statuses].sort()) response[s] = errorResponse(why[s], s);
  response.default = errorResponse('Unexpected failure (500, `internal`): the cause is logged with the request id, never sent.');
  return { ...rest, response };
}

/** Every operation: bad URL, a wrong Authorization header (checked on every call), rate limits, storage. */
export const ANY: readonly ErrorStatus[] = [400, 401, 429, 503];
/** An operation that needs a credential with a permission. */
export const READ: readonly ErrorStatus[] = [...ANY, 403];
/** … and may carry a body (every method but GET): it may be too large or not JSON. */
export const WRITE: readonly ErrorStatus[] = [...READ, 413, 415];
/** An operation that needs no credential and takes a JSON body (sign-in, token calls). */
export const PUBLIC_WRITE: readonly ErrorStatus[] = [...ANY, 413, 415];

/** `security: []`: the operation needs no credential (the password or session token in the body is the proof). */
export const NO_CREDENTIAL = { security: [] };
/** The admin console's own session: its cookie, not a credential (src/surfaces/native/console-routes.ts). */
export const CONSOLE_COOKIE = { security: [{ consoleCookie: [] }] };

/** The document of /v1 (`GET /v1/openapi.json`): its fixed part, and each route's errors as Error responses. */
export const nativeOpenApi: OpenApiContribution = {
  path: '/v1/openapi.json',
  document: (version) => ({
    openapi: '3.1.0',
    info: {
      title: 'sessiond native API',
      version,
      description: 'Sessions, users, credentials and the session policy. Errors: {"error":{code,message,requestId,details[]}}.',
    },
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'A credential secret (also accepted as `Api-Token <secret>` and `token <secret>`).' },
        consoleCookie: {
          type: 'apiKey',
          in: 'cookie',
          name: '__Host-sessiond-console',
          description:
            'The admin console session (`sessiond-console` when SESSIOND_CONSOLE_COOKIE_SECURE=false). It authenticates a /v1 call only together with the `X-Sessiond-Console` header.',
        },
      },
    },
    security: [{ bearer: [] }],
  }),
  transform: withErrorResponses,
};
