import Type from 'typebox';
import { type AuthContext, canSeeOrganization, DEFAULT_ORGANIZATION_ID, requirePermission } from './auth.js';
import type { Clock } from './clock.js';
import { DomainError } from './errors.js';
import type { PolicyService } from './policies.js';
import type { EventQuery, EventRecord, EventStore, Organization, OrganizationPolicyStore, Transactions, UserStore } from './ports.js';
import type { IdSource } from './tokens.js';
import { validator } from './validate.js';

export const NewOrganizationSchema = Type.Object(
  {
    id: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.-]+$' })),
    name: Type.String({ minLength: 1, maxLength: 200 }),
  },
  { additionalProperties: false, title: 'NewOrganization' },
);
const newOrgCheck = validator(NewOrganizationSchema);

/** Organizations (tenants): each may override fields of the instance policy. */
export class OrganizationService {
  constructor(
    private readonly d: {
      /** Organizations; users only counted (an organization with users is not deleted). */
      store: OrganizationPolicyStore & UserStore & Transactions<OrganizationPolicyStore & EventStore>;
      clock: Clock;
      ids: IdSource;
      policies: PolicyService;
    },
  ) {}

  /** Creates the `default` organization on first start. */
  async ensureDefault(): Promise<void> {
    if (await this.d.store.getOrganization(DEFAULT_ORGANIZATION_ID)) return;
    try {
      await this.d.store.insertOrganization({
        id: DEFAULT_ORGANIZATION_ID,
        name: 'Default',
        createdAtMs: this.d.clock.nowMs(),
        policyOverride: null,
      });
    } catch (e) {
      // Another node starting at the same moment inserted it first.
      if (!(e instanceof DomainError && e.code === 'already_exists')) throw e;
    }
  }

  async create(ctx: AuthContext | null, input: unknown): Promise<Organization> {
    const c = requirePermission(ctx, 'organizations:write');
    if (c.organizationId !== null) throw new DomainError('permission_denied', 'an organization-scoped credential cannot create organizations');
    const issues = newOrgCheck.issues(input);
    if (issues.length) throw new DomainError('invalid_argument', 'the organization is invalid', issues);
    const req = input as { id?: string; name: string };
    const org: Organization = { id: req.id ?? this.d.ids.newId(), name: req.name, createdAtMs: this.d.clock.nowMs(), policyOverride: null };
    await this.d.store.transaction(async (tx) => {
      await tx.insertOrganization(org);
      await tx.appendEvent({
        aggregateType: 'organization',
        aggregateId: org.id,
        type: 'organization.created',
        actor: c.actor,
        organizationId: org.id,
        atMs: org.createdAtMs,
        data: { name: org.name },
      });
    });
    return org;
  }

  async get(ctx: AuthContext | null, id: string): Promise<Organization> {
    const c = requirePermission(ctx, 'organizations:read');
    const org = canSeeOrganization(c, id) ? await this.d.store.getOrganization(id) : undefined;
    if (!org) throw new DomainError('not_found', `organization '${id}' not found`);
    return org;
  }

  /** Like `get`, for callers that only read the session policy. */
  async getForPolicy(ctx: AuthContext | null, id: string): Promise<Organization> {
    const c = requirePermission(ctx, 'session_config:read');
    const org = canSeeOrganization(c, id) ? await this.d.store.getOrganization(id) : undefined;
    if (!org) throw new DomainError('not_found', `organization '${id}' not found`);
    return org;
  }

  async list(ctx: AuthContext | null): Promise<Organization[]> {
    const c = requirePermission(ctx, 'organizations:read');
    return (await this.d.store.listOrganizations()).filter((o) => canSeeOrganization(c, o.id));
  }

  /** Deletes an organization that has no users left; `default` stays. */
  async delete(ctx: AuthContext | null, id: string): Promise<void> {
    const c = requirePermission(ctx, 'organizations:write');
    await this.get(c, id);
    if (id === DEFAULT_ORGANIZATION_ID) throw new DomainError('failed_precondition', 'the default organization cannot be deleted');
    if ((await this.d.store.countUsers({ organizationId: id })) > 0) {
      throw new DomainError('failed_precondition', 'the organization still has users; delete them first');
    }
    await this.d.store.transaction(async (tx) => {
      await tx.deleteOrganization(id);
      await tx.appendEvent({
        aggregateType: 'organization',
        aggregateId: id,
        type: 'organization.deleted',
        actor: c.actor,
        organizationId: id,
        atMs: this.d.clock.nowMs(),
        data: {},
      });
    });
    this.d.policies.forget(id);
  }
}

/** The audit log: every change, in order. */
export class EventService {
  constructor(private readonly store: EventStore) {}

  async list(ctx: AuthContext | null, q: EventQuery): Promise<EventRecord[]> {
    const c = requirePermission(ctx, 'audit:read');
    if (c.organizationId !== null) {
      if (q.organizationId && q.organizationId !== c.organizationId) return [];
      return this.store.listEvents({ ...q, organizationId: c.organizationId });
    }
    return this.store.listEvents(q);
  }
}
