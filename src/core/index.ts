import type { Clock } from './clock.js';
import { ConsoleSessions } from './console-sessions.js';
import { CredentialService } from './credentials.js';
import { PasswordChecker } from './lockout.js';
import { EventService, OrganizationService } from './organizations.js';
import { Overview } from './overview.js';
import { PolicyService } from './policies.js';
import { PolicyPreview } from './policy-preview.js';
import type { CoreObserver, GeoLocator, PasswordHasher, Store } from './ports.js';
import { SessionCheckService } from './session-checks.js';
import { absoluteDeadline } from './session-rules.js';
import { SessionService } from './sessions.js';
import { type IdSource, randomIds } from './tokens.js';
import { UserService } from './users.js';

export interface CoreDeps {
  store: Store;
  clock: Clock;
  hasher: PasswordHasher;
  ids?: IdSource;
  geo?: GeoLocator | null;
  revokeSessionsOnPasswordChange?: boolean;
  /** Told of sign-ins and of sessions found ended by time (metrics). */
  observer?: CoreObserver;
}

/** Wires the core's services around the ports; no I/O of its own. */
export function createCore(d: CoreDeps) {
  const ids = d.ids ?? randomIds;
  const observer = d.observer;
  const policies = new PolicyService(d.store, d.clock, observer);
  const passwords = new PasswordChecker({ store: d.store, clock: d.clock, hasher: d.hasher, policies });
  const sessions = new SessionService({ store: d.store, clock: d.clock, ids, passwords, policies, geo: d.geo ?? null, observer });
  const users = new UserService({
    store: d.store,
    clock: d.clock,
    ids,
    hasher: d.hasher,
    passwords,
    sessions,
    revokeSessionsOnPasswordChange: d.revokeSessionsOnPasswordChange ?? true,
  });
  const sessionChecks = new SessionCheckService({ store: d.store, clock: d.clock, ids, passwords, sessions, observer });
  const credentials = new CredentialService({ store: d.store, clock: d.clock, ids, policies, sessions, observer });
  const organizations = new OrganizationService({ store: d.store, clock: d.clock, ids, policies });
  const events = new EventService(d.store);
  const consoleSessions = new ConsoleSessions({ store: d.store, sessions, credentials });
  const policyPreview = new PolicyPreview({ store: d.store, clock: d.clock, policies });
  const overview = new Overview({ store: d.store, clock: d.clock, policies });
  d.store.useRemainingLifetime?.((s) => absoluteDeadline(s, policies.effective(s.organizationId)) - d.clock.nowMs());
  return {
    store: d.store,
    clock: d.clock,
    policies,
    /** The one password check with lockout (every path that verifies a user's password). */
    passwords,
    sessions,
    /** Sessions built up by user/password checks (ZITADEL Session Service rules). */
    sessionChecks,
    users,
    credentials,
    organizations,
    events,
    /** Sessions of the admin console (an admin user's or a credential's). */
    consoleSessions,
    /** What a policy change would end now, before it is saved. */
    policyPreview,
    /** Active sessions and recent ends at a glance. */
    overview,
    /** Loads policies and makes sure the default organization exists. */
    async start(): Promise<void> {
      await organizations.ensureDefault();
      await policies.reload();
    },
  };
}

export type Core = ReturnType<typeof createCore>;
