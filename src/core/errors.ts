/**
 * The closed set of domain error codes. Every surface maps each code to its own
 * status and body in one table checked by the compiler (`satisfies Record<ErrorCode, …>`).
 */
export const errorCodes = [
  'invalid_argument', // a request value breaks a rule (details name the fields)
  'policy_invalid', // a policy value is out of range (details name the fields)
  'invalid_credentials', // sign-in failed: unknown login name, wrong password or disabled user (one answer for all)
  'unauthenticated', // no credential, or an unknown/expired one
  'permission_denied', // the credential lacks a permission
  'not_found',
  'already_exists', // e.g. a login name taken in the organization
  'failed_precondition', // the request is valid but the state does not allow it
  'session_limit_reached', // onLimit=deny_new and the user is at the limit
  'persistent_not_allowed', // a persistent session was asked for but the policy forbids it
  'rate_limited',
  'unavailable', // storage unreachable
  'internal',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

/** One problem with one field of a request, reported with its key path. */
export interface FieldIssue {
  /** Dotted key path, e.g. `maxLifetimeSeconds` or `permissions.2`. */
  field: string;
  /** Short machine-readable code: `required`, `type`, `range`, `enum`, `unknown_field`, `format`, … */
  code: string;
  message: string;
}

/** The one domain error type; surfaces decide how it looks on the wire. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues: FieldIssue[] = [],
    /** Seconds to wait before retrying (rate limits). */
    readonly retryAfterSeconds?: number,
    /** `cause`: what went wrong underneath (a driver error behind `unavailable`); logged, never shown. */
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'DomainError';
  }
}
