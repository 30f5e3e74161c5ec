import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { FieldIssue } from '../../core/errors.js';
import type { Permission } from '../../core/permissions.js';
import { sendError, toWireError } from '../../server/errors.js';
import { RequestValidationError } from '../../server/validation.js';

/** Where a bad parameter was sent, as Dynatrace names it. */
export type ParameterLocation = 'PAYLOAD_BODY' | 'QUERY' | 'PATH' | 'HEADER';

export interface ConstraintViolation {
  path: string;
  message: string;
  parameterLocation: ParameterLocation;
  location: string | null;
}

/** Dynatrace's error envelope; `constraintViolations` only on 400 with named parameters. */
export interface DynatraceErrorBody {
  error: { code: number; message: string; constraintViolations?: ConstraintViolation[] };
}

/** What a call answers when the core cannot complete it (storage down, any unexpected failure). */
export interface FailureAnswer {
  status: number;
  message: string;
}

/** Per-route rules of this surface, read by its hooks and its error handler. */
export interface DynatraceRouteRules {
  /** The permission checked before the body is read (the core checks it again). */
  permission: Permission;
  /** Dynatrace documents its own status for a failed update (510) or read (500). */
  failure?: FailureAnswer;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    dynatrace?: DynatraceRouteRules;
  }
}

/** The 400 message Dynatrace uses whenever constraint violations are listed. */
export const CONSTRAINTS_VIOLATED = 'Constraints violated.';

/**
 * The canonical policy fields as this surface names them, so a rule refused by the core points at
 * the field the client sent. A Map: issue fields can be any key the client sent (`constructor`).
 */
const canonicalToPath: ReadonlyMap<string, string> = new Map([
  ['userSessionLimit', 'concurrentSessionPolicyDto.userLimit'],
  ['adminSessionLimit', 'concurrentSessionPolicyDto.adminLimit'],
  ['idleTimeoutSeconds', 'automaticLogoutDto.userInactivityTimeout'],
]);

/** One violation per field issue; the request root is named `body` (the parameter's name in Dynatrace's docs). */
export function violationsOf(issues: readonly FieldIssue[], where: ParameterLocation): ConstraintViolation[] {
  return issues.map((i) => ({
    path: canonicalToPath.get(i.field) ?? (i.field === '' ? (where === 'QUERY' ? 'query' : 'body') : i.field),
    message: i.message,
    parameterLocation: where,
    location: null,
  }));
}

export const errorBody = (status: number, message: string, violations?: ConstraintViolation[]): DynatraceErrorBody => ({
  error: { code: status, message, ...(violations?.length ? { constraintViolations: violations } : {}) },
});

/**
 * Every error of this surface, including Fastify's own (bad JSON, body too large, wrong
 * content type, schema validation), in Dynatrace's envelope. Client errors keep their
 * 4xx status; a failure of the core becomes the status the call documents.
 */
export function dynatraceErrorHandler(err: FastifyError, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const w = toWireError(err, req);
  const failure = req.routeOptions.config?.dynatrace?.failure;
  if (w.status >= 500 && failure) {
    return sendError(reply, { ...w, status: failure.status }, errorBody(failure.status, failure.message));
  }
  if (w.status === 400 && w.issues.length > 0) {
    const inQuery = err instanceof RequestValidationError && err.part === 'query';
    const issues = inQuery ? w.issues.map((i) => ({ ...i, field: i.field.replace(/^query\.?/, '') })) : w.issues;
    return sendError(reply, w, errorBody(400, CONSTRAINTS_VIOLATED, violationsOf(issues, inQuery ? 'QUERY' : 'PAYLOAD_BODY')));
  }
  if (w.status === 401) void reply.header('www-authenticate', 'Api-Token');
  return sendError(reply, w, errorBody(w.status, w.message));
}
