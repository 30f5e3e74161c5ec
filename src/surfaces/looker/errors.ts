import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, type ErrorCode, type FieldIssue } from '../../core/errors.js';
import { httpStatusOf, toWireError } from '../../server/errors.js';

/** Where the surface is mounted. */
export const API_PREFIX = '/api/4.0';

/**
 * Base of every `documentation_url`: Looker's own, as Looker answers, in its pattern
 * `<base>/err/4.0/<status>/<method>/<path>` (see docs/compat-looker.md). Never a domain the
 * project does not control: whoever held it would be linked from every error.
 */
export const LOOKER_DOCS_BASE = 'https://cloud.google.com/looker/docs/r';

/** Looker's status for each domain error code: the common table, where Looker answers otherwise (invalid_argument with field issues becomes 422). */
const lookerStatusOf = {
  ...httpStatusOf,
  policy_invalid: 422,
  invalid_credentials: 404, // Looker answers a failed login with 404 Not found
  persistent_not_allowed: 422,
} satisfies Record<ErrorCode, number>;

/** Looker's fixed messages; other statuses carry the error's own message. */
const fixedMessages: Record<number, string> = {
  401: 'Requires authentication.',
  404: 'Not found',
  405: 'Method Not Allowed',
  422: 'Validation Failed',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
};

/**
 * Canonical policy fields as Looker names them, for issues the core reports. A Map: issue fields
 * can be any key the client sent, and `constructor` must not find Object's.
 */
const lookerFieldOf: ReadonlyMap<string, string> = new Map([
  ['maxLifetimeSeconds', 'session_minutes'],
  ['idleTimeoutSeconds', 'use_inactivity_based_logout'],
  ['userSessionLimit', 'unlimited_sessions_per_user'],
  ['adminSessionLimit', 'unlimited_sessions_per_user'],
  ['allowPersistentSessions', 'allow_persistent_sessions'],
  ['trackLocation', 'track_session_location'],
]);

export interface LookerErrorBody {
  message: string;
  errors?: { field: string; code: string; message: string; documentation_url: string }[];
  documentation_url: string;
}

/**
 * `<base>/err/4.0/<status>/<method>/<path>`: the path is the route's pattern (`users/:user_id/sessions`)
 * when a route matched, else the requested path, without the `/api/4.0/` prefix and the query.
 */
export function documentationUrl(status: number, req: FastifyRequest): string {
  const path = (req.routeOptions.url ?? req.url.split('?')[0] ?? '').slice(0, 256);
  const rel = path.startsWith(API_PREFIX) ? path.slice(API_PREFIX.length) : path;
  return `${LOOKER_DOCS_BASE}/err/4.0/${status}/${req.method.toLowerCase()}/${rel.replace(/^\/+/, '')}`;
}

/** Looker's vocabulary for field problems: `missing_field` or `invalid`. */
const issueCode = (i: FieldIssue) => (i.code === 'required' || i.code === 'missing_field' ? 'missing_field' : 'invalid');

/** Decides status, body and Retry-After of any error raised in this surface. */
export function toLookerError(
  err: unknown,
  req: FastifyRequest,
): { status: number; body: LookerErrorBody; retryAfterSeconds?: number | undefined; allow?: readonly string[] | undefined } {
  const w = toWireError(err, req);
  // Field issues make a 422 (Looker's validation error); else a domain error has Looker's status.
  const status = w.code === 'invalid_argument' && w.issues.length > 0 ? 422 : err instanceof DomainError ? lookerStatusOf[err.code] : w.status;
  const documentation_url = documentationUrl(status, req);
  const message = fixedMessages[status] ?? w.message;
  if (status !== 422) return { status, body: { message, documentation_url }, retryAfterSeconds: w.retryAfterSeconds, allow: w.allow };
  const errors: NonNullable<LookerErrorBody['errors']> = [];
  for (const i of w.issues) {
    const field = lookerFieldOf.get(i.field) ?? i.field;
    if (!errors.some((e) => e.field === field)) errors.push({ field, code: issueCode(i), message: i.message, documentation_url });
  }
  return { status, body: { message, errors, documentation_url } };
}

/** Sends any error in Looker's shape. */
export function sendLookerError(err: unknown, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const e = toLookerError(err, req);
  if (e.retryAfterSeconds !== undefined) void reply.header('retry-after', String(e.retryAfterSeconds));
  if (e.allow) void reply.header('allow', e.allow.join(', '));
  return reply.code(e.status).type('application/json').send(e.body);
}
