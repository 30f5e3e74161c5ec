import type { Clock } from './clock.js';
import { CredentialService } from './credentials.js';
import { EventService, OrganizationService } from './organizations.js';
import { PolicyService } from './policies.js';
import type { GeoLocator, PasswordHasher, Store } from './ports.js';
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
}

/** Wires the core's services around the ports; no I/O of its own. */
export function createCore(d: CoreDeps) {
  const ids = d.ids ?? randomIds;
  const policies = new PolicyService(d.store, d.clock);
  const sessions = new SessionService({ store: d.store, clock: d.clock, ids, hasher: d.hasher, policies, geo: d.geo ?? null });
  const users = new UserService({
    store: d.store,
    clock: d.clock,
    ids,
    hasher: d.hasher,
    sessions,
    revokeSessionsOnPasswordChange: d.revokeSessionsOnPasswordChange ?? true,
  });
  const sessionChecks = new SessionCheckService({ store: d.store, clock: d.clock, ids, hasher: d.hasher, sessions });
  const credentials = new CredentialService({ store: d.store, clock: d.clock, ids, policies, sessions });
  const organizations = new OrganizationService({ store: d.store, clock: d.clock, ids, policies });
  const events = new EventService(d.store);
  d.store.useRemainingLifetime?.((s) => absoluteDeadline(s, policies.effective(s.organizationId)) - d.clock.nowMs());
  return {
    store: d.store,
    clock: d.clock,
    policies,
    sessions,
    /** Sessions built up by user/password checks (ZITADEL Session Service rules). */
    sessionChecks,
    users,
    credentials,
    organizations,
    events,
    /** Loads policies and makes sure the default organization exists. */
    async start(): Promise<void> {
      await organizations.ensureDefault();
      await policies.reload();
    },
  };
}

export type Core = ReturnType<typeof createCore>;
