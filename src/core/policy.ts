import Type, { type Static } from 'typebox';
import { DomainError, type FieldIssue } from './errors.js';
import { validator } from './validate.js';

/** Ten years: the longest duration the native API accepts, so arithmetic never overflows. */
export const MAX_DURATION_SECONDS = 315_360_000;
/** The largest concurrent-session limit; 0 means unlimited. */
export const MAX_SESSION_LIMIT = 100_000;
/** The largest number of wrong passwords before a lock; 0 means no lockout. */
export const MAX_FAILED_PASSWORD_ATTEMPTS = 10_000;

const seconds = (description: string, minimum: number) => Type.Integer({ minimum, maximum: MAX_DURATION_SECONDS, description });
const limit = (description: string) => Type.Integer({ minimum: 0, maximum: MAX_SESSION_LIMIT, description });

/** The canonical policy fields (CONTRACT §3); this schema validates, types and documents them. */
const policyFields = {
  maxLifetimeSeconds: seconds('Absolute lifetime: a session ends this many seconds after creation, however active.', 1),
  idleTimeoutSeconds: seconds('A session unused for this many seconds ends; 0 turns the idle timeout off.', 0),
  userSessionLimit: limit('Concurrent sessions per user with role `user`; 0 = unlimited.'),
  adminSessionLimit: limit('Concurrent sessions per user with role `admin`; 0 = unlimited.'),
  onLimit: Type.Union([Type.Literal('evict_oldest'), Type.Literal('deny_new')], {
    description: 'What a sign-in beyond the limit does: end the oldest active session, or be refused.',
  }),
  allowPersistentSessions: Type.Boolean({ description: 'Whether a session may be created as persistent ("remember me").' }),
  trackLocation: Type.Boolean({
    description: 'Record client IP, user agent and (with a GeoIP database) country and city at creation and on use.',
  }),
  maxFailedPasswordAttempts: Type.Integer({
    minimum: 0,
    maximum: MAX_FAILED_PASSWORD_ATTEMPTS,
    description:
      'Wrong passwords in a row after which the user is locked (every password check counts: sign-in, ZITADEL checks, password change); 0 = no lockout.',
  }),
  lockoutSeconds: seconds('How long a lock lasts; 0 = until an administrator unlocks the user (`POST /v1/users/{id}/unlock`).', 0),
};

export const PolicySchema = Type.Object(policyFields, { additionalProperties: false, title: 'Policy' });
export const PolicyPatchSchema = Type.Object(
  Object.fromEntries(Object.entries(policyFields).map(([k, v]) => [k, Type.Optional(v)])) as {
    [K in keyof typeof policyFields]: ReturnType<typeof Type.Optional<(typeof policyFields)[K]>>;
  },
  { additionalProperties: false, title: 'PolicyPatch' },
);

export type Policy = Static<typeof PolicySchema>;
export type PolicyPatch = Partial<Policy>;
export type Role = 'user' | 'admin';

/**
 * NIST SP 800-63B AAL2-like defaults: 12 h reauthentication, 30 min idle, no limits; a lock after
 * 10 wrong passwords in a row (ZITADEL's lockout policy; NIST allows up to 100) for 15 minutes.
 */
export const defaultPolicy: Readonly<Policy> = Object.freeze({
  maxLifetimeSeconds: 43_200,
  idleTimeoutSeconds: 1_800,
  userSessionLimit: 0,
  adminSessionLimit: 0,
  onLimit: 'evict_oldest',
  allowPersistentSessions: false,
  trackLocation: true,
  maxFailedPasswordAttempts: 10,
  lockoutSeconds: 900,
});

const fullCheck = validator(PolicySchema);
const patchCheck = validator(PolicyPatchSchema);

/** Validates a complete policy; throws `policy_invalid` with one issue per bad field. */
export function parsePolicy(input: unknown): Policy {
  const issues = fullCheck.issues(input);
  if (issues.length) throw new DomainError('policy_invalid', 'the policy is invalid', issues);
  return input as Policy;
}

/** Validates a partial policy; throws `policy_invalid` with one issue per bad field. */
export function parsePolicyPatch(input: unknown): PolicyPatch {
  const issues = patchCheck.issues(input);
  if (issues.length) throw new DomainError('policy_invalid', 'the policy is invalid', issues);
  return stripUndefined(input as PolicyPatch);
}

/**
 * Valid but meaningless combinations, reported rather than refused (a client that sets fields one
 * request at a time, e.g. raises the idle timeout before the lifetime, must not be stopped midway).
 */
export function policyWarnings(p: Policy): FieldIssue[] {
  const out: FieldIssue[] = [];
  if (p.idleTimeoutSeconds > 0 && p.idleTimeoutSeconds >= p.maxLifetimeSeconds) {
    out.push({
      field: 'idleTimeoutSeconds',
      code: 'exceeds_lifetime',
      message: `${p.idleTimeoutSeconds} s is not shorter than maxLifetimeSeconds (${p.maxLifetimeSeconds} s): every session reaches its absolute lifetime first, so the idle timeout never ends one`,
    });
  }
  return out;
}

/** Applies a patch to a policy; only fields present in the patch change. */
export function applyPatch(base: Policy, patch: PolicyPatch): Policy {
  return { ...base, ...stripUndefined(patch) };
}

/** Effective policy of an organization: each field of its override where set, else the instance's. */
export function effectivePolicy(instance: Policy, override: PolicyPatch | null | undefined): Policy {
  return override ? applyPatch(instance, override) : { ...instance };
}

/** The concurrent-session limit that applies to a role; 0 = unlimited. */
export function sessionLimitFor(policy: Policy, role: Role): number {
  return role === 'admin' ? policy.adminSessionLimit : policy.userSessionLimit;
}

/** Lists the fields whose values differ, for event records. */
export function policyDiff(before: PolicyPatch, after: PolicyPatch): Record<string, { from: unknown; to: unknown }> {
  const out: Record<string, { from: unknown; to: unknown }> = {};
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]) as Set<keyof Policy>;
  for (const k of keys) if (before[k] !== after[k]) out[k] = { from: before[k] ?? null, to: after[k] ?? null };
  return out;
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
