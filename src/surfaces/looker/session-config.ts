import { type AuthContext, requirePermission } from '../../core/auth.js';
import { DomainError, type FieldIssue } from '../../core/errors.js';
import type { Policy, PolicyPatch } from '../../core/policy.js';
import type { LookerApp, LookerDeps } from './types.js';

/** Looker's documented range of `session_minutes`. */
export const SESSION_MINUTES_MIN = 5;
export const SESSION_MINUTES_MAX = 43_200;
/** Looker's inactivity logout: 15 minutes, used when `use_inactivity_based_logout` is turned on. */
export const INACTIVITY_LOGOUT_SECONDS = 900;
/** The limit `unlimited_sessions_per_user: false` sets: "one session at a time". */
const ONE_SESSION = 1;
const MAX_ISSUES = 64;

/** Looker's SessionConfig fields, in the seed's order (after `can`). */
export interface SessionConfigFields {
  allow_persistent_sessions: boolean;
  session_minutes: number;
  unlimited_sessions_per_user: boolean;
  use_inactivity_based_logout: boolean;
  track_session_location: boolean;
}
type BooleanField = Exclude<keyof SessionConfigFields, 'session_minutes'>;
const booleanFields: readonly BooleanField[] = [
  'allow_persistent_sessions',
  'unlimited_sessions_per_user',
  'use_inactivity_based_logout',
  'track_session_location',
];

/**
 * The canonical policy as Looker fields. A lifetime that is not a whole number of minutes reads
 * rounded up: the shown value is never shorter than the real lifetime, and never 0.
 */
export function toSessionConfig(p: Policy): SessionConfigFields {
  return {
    allow_persistent_sessions: p.allowPersistentSessions,
    session_minutes: Math.ceil(p.maxLifetimeSeconds / 60),
    unlimited_sessions_per_user: p.userSessionLimit === 0 && p.adminSessionLimit === 0,
    use_inactivity_based_logout: p.idleTimeoutSeconds > 0,
    track_session_location: p.trackLocation,
  };
}

/** The body Looker answers: `can` from the caller's permissions, then the fields. */
export function sessionConfigView(p: Policy, ctx: AuthContext | null) {
  return {
    can: { show: ctx?.permissions.has('session_config:read') ?? false, update: ctx?.permissions.has('session_config:write') ?? false },
    ...toSessionConfig(p),
  };
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks a PATCH body against Looker's rules (one issue per bad field) and translates it into the
 * canonical fields that actually change: a field equal to what is read changes nothing (so a
 * read-modify-write round trip is always accepted, even of a value outside Looker's range that
 * another surface set). `can` is read-only and ignored, as Looker does; unknown fields are refused.
 */
export function toPolicyPatch(body: unknown, current: Policy): PolicyPatch {
  if (!isPlainObject(body)) throw new DomainError('invalid_argument', 'Request body must be a JSON object');
  const read = toSessionConfig(current);
  const issues: FieldIssue[] = [];
  const bad = (field: string, message: string) => issues.length < MAX_ISSUES && issues.push({ field, code: 'invalid', message });
  for (const [field, value] of Object.entries(body)) {
    if (field === 'can') continue;
    if (field === 'session_minutes') {
      if (typeof value !== 'number' || !Number.isInteger(value)) bad(field, `must be an integer between ${SESSION_MINUTES_MIN} and ${SESSION_MINUTES_MAX}`);
      else if (value !== read.session_minutes && (value < SESSION_MINUTES_MIN || value > SESSION_MINUTES_MAX)) {
        bad(field, `must be between ${SESSION_MINUTES_MIN} and ${SESSION_MINUTES_MAX}`);
      }
    } else if ((booleanFields as readonly string[]).includes(field)) {
      if (typeof value !== 'boolean') bad(field, 'must be true or false');
    } else {
      bad(field, `'${field.slice(0, 64)}' is not a field of SessionConfig`);
    }
  }
  if (issues.length) throw new DomainError('invalid_argument', 'Validation Failed', issues);

  const want = body as Partial<SessionConfigFields>;
  const differs = (k: keyof SessionConfigFields) => want[k] !== undefined && want[k] !== read[k];
  const patch: PolicyPatch = {};
  if (want.session_minutes !== undefined && differs('session_minutes')) patch.maxLifetimeSeconds = want.session_minutes * 60;
  if (want.unlimited_sessions_per_user !== undefined && differs('unlimited_sessions_per_user')) {
    const limit = want.unlimited_sessions_per_user ? 0 : ONE_SESSION;
    patch.userSessionLimit = limit;
    patch.adminSessionLimit = limit;
  }
  // Turning it on when it is off sets Looker's 15 minutes; when already on, the exact timeout stays.
  if (want.use_inactivity_based_logout !== undefined && differs('use_inactivity_based_logout')) {
    patch.idleTimeoutSeconds = want.use_inactivity_based_logout ? INACTIVITY_LOGOUT_SECONDS : 0;
  }
  if (want.allow_persistent_sessions !== undefined && differs('allow_persistent_sessions')) patch.allowPersistentSessions = want.allow_persistent_sessions;
  if (want.track_session_location !== undefined && differs('track_session_location')) patch.trackLocation = want.track_session_location;
  return patch;
}

/** GET and PATCH /session_config. */
export function sessionConfigRoutes(app: LookerApp, { core }: LookerDeps) {
  app.get('/session_config', { schema: { hide: true } }, async (req) => sessionConfigView(core.policies.readForCaller(req.auth), req.auth));

  app.patch('/session_config', { schema: { hide: true } }, async (req) => {
    const ctx = requirePermission(req.auth, 'session_config:write');
    const current = core.policies.ofScope(ctx);
    const patch = toPolicyPatch(req.body, current);
    const next = Object.keys(patch).length > 0 ? await core.policies.patchForCaller(ctx, patch) : current;
    return sessionConfigView(next, ctx);
  });
}
