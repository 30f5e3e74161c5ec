import { DomainError, type FieldIssue } from '../../core/errors.js';
import { MAX_DURATION_SECONDS, type Policy } from '../../core/policy.js';
import type { Organization, SessionRecord } from '../../core/ports.js';
import { LongScalar } from './long.js';
import { clientInfoOf, type GraphqlContext, organizationOf, querySessions, type SessionsInput, userOf } from './sessions.js';

/** LogScale's milliseconds ↔ canonical seconds: where each input field lands in the policy. */
export const policyFieldOfInput = {
  maxInactivityPeriod: 'idleTimeoutSeconds',
  forceReauthenticationAfter: 'maxLifetimeSeconds',
} as const;

/** A core issue on a canonical policy field, named by the GraphQL input path the client sent. */
export const inputPathOf = (canonicalField: string): string => {
  const hit = Object.entries(policyFieldOfInput).find(([, canonical]) => canonical === canonicalField);
  return hit ? `input.${hit[0]}` : canonicalField;
};

const MAX_MS = MAX_DURATION_SECONDS * 1000;

interface SessionInput {
  maxInactivityPeriod: number;
  forceReauthenticationAfter: number;
}

interface RevokeSessionInput {
  id: string;
  revocationType: 'Session' | 'User' | 'Organization';
}

/**
 * The surface's own rules for SessionInput (the seed states no range, so the core's bounds in ms):
 * whole seconds; inactivity 0 (off) or 1 s..10 years; reauthentication 1 s..10 years.
 */
function sessionInputIssues(input: SessionInput): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const check = (name: keyof typeof policyFieldOfInput, minMs: number, zeroMeans: string) => {
    const ms = input[name];
    const field = `input.${name}`;
    if (ms < minMs || ms > MAX_MS) issues.push({ field, code: 'range', message: `must be from ${minMs} to ${MAX_MS} ms${zeroMeans}; got ${ms}` });
    else if (ms % 1000 !== 0) issues.push({ field, code: 'format', message: `must be a whole number of seconds (a multiple of 1000 ms); got ${ms}` });
  };
  check('maxInactivityPeriod', 0, ' (0 turns the inactivity timeout off)');
  check('forceReauthenticationAfter', 1000, '');
  return issues;
}

/** The organization object handed to the Organization type; fields are read only when selected. */
interface OrgRef {
  id: string;
  /** The policy just written (mutations), so reading it back needs no read permission. */
  policy?: Policy;
  /** The organization's record, read once when name or createdAt is selected. */
  record?: Promise<Organization>;
}

const recordOf = (o: OrgRef, c: GraphqlContext) => {
  o.record ??= c.core.organizations.getForPolicy(c.auth, o.id);
  return o.record;
};

const sessionSettings = (p: Policy) => ({
  maxInactivityPeriod: p.idleTimeoutSeconds * 1000,
  forceReauthenticationAfter: p.maxLifetimeSeconds * 1000,
});

/** Resolvers of the schema in ./schema.ts; the core checks every permission. */
export const resolvers = {
  Long: LongScalar,
  Query: {
    organization: (_root: unknown, _args: unknown, c: GraphqlContext): OrgRef => ({ id: organizationOf(c.auth) }),
    sessions: (_root: unknown, args: SessionsInput, c: GraphqlContext) => querySessions(c, args),
  },
  Mutation: {
    updateSessionSettings: async (_root: unknown, { input }: { input: SessionInput }, c: GraphqlContext): Promise<OrgRef> => {
      const issues = sessionInputIssues(input);
      if (issues.length) throw new DomainError('policy_invalid', issues.map((i) => `${i.field} ${i.message}`).join('; '), issues);
      const policy = await c.core.policies.patchForCaller(c.auth, {
        idleTimeoutSeconds: input.maxInactivityPeriod / 1000,
        maxLifetimeSeconds: input.forceReauthenticationAfter / 1000,
      });
      return { id: organizationOf(c.auth), policy };
    },
    revokeSession: async (_root: unknown, { input }: { input: RevokeSessionInput }, c: GraphqlContext) => {
      const { id } = input;
      if (id.length === 0 || id.length > 200) {
        throw new DomainError('invalid_argument', 'input.id must be 1 to 200 characters', [
          { field: 'input.id', code: 'range', message: 'must be 1 to 200 characters' },
        ]);
      }
      switch (input.revocationType) {
        case 'Session':
          await c.core.sessions.revoke(c.auth, id);
          break;
        case 'User':
          await revokeUser(c, id);
          break;
        case 'Organization':
          await c.core.sessions.revokeAllUserSessionsOfOrganization(c.auth, id);
          break;
      }
      return true;
    },
  },
  Organization: {
    name: async (o: OrgRef, _args: unknown, c: GraphqlContext) => (await recordOf(o, c)).name,
    createdAt: async (o: OrgRef, _args: unknown, c: GraphqlContext) => (await recordOf(o, c)).createdAtMs,
    configs: (o: OrgRef) => o,
  },
  OrganizationConfigs: {
    session: (o: OrgRef, _args: unknown, c: GraphqlContext) => sessionSettings(o.policy ?? c.core.policies.readForCaller(c.auth)),
  },
  Session: {
    user: (s: SessionRecord, _args: unknown, c: GraphqlContext) => userOf(c, s.subjectId),
    ip: (s: SessionRecord) => s.ip ?? '',
    clientInfo: (s: SessionRecord, _args: unknown, c: GraphqlContext) => clientInfoOf(c.formats, s),
    createdAt: (s: SessionRecord) => s.createdAtMs,
    lastActivityAt: (s: SessionRecord) => s.lastActiveAtMs,
    isCurrentSession: (s: SessionRecord, _args: unknown, c: GraphqlContext) => c.auth?.sessionId === s.id,
  },
};

/** User revocation takes the id of one of the user's sessions (as the issue reads it) or the user's own id. */
async function revokeUser(c: GraphqlContext, id: string): Promise<void> {
  try {
    await c.core.sessions.revokeAllOfSessionSubject(c.auth, id);
  } catch (err) {
    if (!(err instanceof DomainError && err.code === 'not_found')) throw err;
    await c.core.sessions.revokeAllOfUserId(c.auth, id);
  }
}
