import Type, { type Static } from 'typebox';
import type { FieldIssue } from '../../core/errors.js';
import { MAX_DURATION_SECONDS, MAX_SESSION_LIMIT, type Policy, type PolicyPatch } from '../../core/policy.js';

// Dynatrace's UserSessionsConfig (seeds: get/update cluster user sessions configuration).
// The seed gives no ranges, so the bounds are the core's maximums (docs/compat-dynatrace.md).

const limit = (description: string) => Type.Integer({ minimum: 0, maximum: MAX_SESSION_LIMIT, description });

export const ConcurrentSessionPolicy = Type.Object(
  {
    userLimit: limit('Session limit for regular users (0 = no limit)'),
    adminLimit: limit('Session limit for admin users (0 = no limit)'),
  },
  { additionalProperties: false, title: 'ConcurrentSessionPolicy' },
);

export const AutomaticLogoutConfiguration = Type.Object(
  {
    logoutInactiveUsersEnabled: Type.Boolean({ description: 'True if automatic logout is enabled' }),
    userInactivityTimeout: Type.Integer({
      minimum: 0,
      maximum: MAX_DURATION_SECONDS,
      description: 'User inactivity timeout in seconds (at least 1 while automatic logout is enabled)',
    }),
  },
  { additionalProperties: false, title: 'AutomaticLogoutConfiguration' },
);

export const UserSessionsConfig = Type.Object(
  { concurrentSessionPolicyDto: ConcurrentSessionPolicy, automaticLogoutDto: AutomaticLogoutConfiguration },
  { additionalProperties: false, title: 'UserSessionsConfig' },
);

export type UserSessionsConfig = Static<typeof UserSessionsConfig>;

/**
 * The canonical policy as Dynatrace shows it. The idle timeout is the only state of automatic
 * logout (0 = off), so with logout off the timeout reads 0.
 */
export function toUserSessionsConfig(p: Policy): UserSessionsConfig {
  return {
    concurrentSessionPolicyDto: { userLimit: p.userSessionLimit, adminLimit: p.adminSessionLimit },
    automaticLogoutDto: { logoutInactiveUsersEnabled: p.idleTimeoutSeconds > 0, userInactivityTimeout: p.idleTimeoutSeconds },
  };
}

/**
 * Dynatrace's rules across fields, after the schema has checked each field: a limit of 0
 * (unlimited) needs the other limit at 0 too, and enabled logout needs a timeout of at least 1 s.
 * The violation names the field that breaks the rule (the non-zero limit).
 */
export function ruleViolations(c: UserSessionsConfig): FieldIssue[] {
  const out: FieldIssue[] = [];
  const { userLimit, adminLimit } = c.concurrentSessionPolicyDto;
  if ((userLimit === 0) !== (adminLimit === 0)) {
    const [field, zero] = userLimit === 0 ? ['adminLimit', 'userLimit'] : ['userLimit', 'adminLimit'];
    out.push({
      field: `concurrentSessionPolicyDto.${field}`,
      code: 'range',
      message: `must be 0 when ${zero} is 0 (both limits 0 for unlimited sessions, or both above 0)`,
    });
  }
  const { logoutInactiveUsersEnabled, userInactivityTimeout } = c.automaticLogoutDto;
  if (logoutInactiveUsersEnabled && userInactivityTimeout < 1) {
    out.push({ field: 'automaticLogoutDto.userInactivityTimeout', code: 'range', message: 'must be at least 1 when logoutInactiveUsersEnabled is true' });
  }
  return out;
}

/** The canonical fields a PUT changes; logout off stores 0 and drops the given timeout. */
export function toPolicyPatch(c: UserSessionsConfig): PolicyPatch {
  const { logoutInactiveUsersEnabled, userInactivityTimeout } = c.automaticLogoutDto;
  return {
    userSessionLimit: c.concurrentSessionPolicyDto.userLimit,
    adminSessionLimit: c.concurrentSessionPolicyDto.adminLimit,
    idleTimeoutSeconds: logoutInactiveUsersEnabled ? userInactivityTimeout : 0,
  };
}
