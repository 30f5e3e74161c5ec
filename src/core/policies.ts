import { type AuthContext, requirePermission, targetOrganization } from './auth.js';
import type { Clock } from './clock.js';
import { DomainError } from './errors.js';
import { applyPatch, defaultPolicy, effectivePolicy, type Policy, type PolicyPatch, parsePolicy, parsePolicyPatch, policyDiff } from './policy.js';
import { LooseningGuard, type PolicyScope } from './policy-loosening.js';
import type { CoreObserver, EventStore, OrganizationPolicyStore, SessionActivityStore, SessionStore, Transactions } from './ports.js';

/**
 * Holds the instance policy and organization overrides in memory (they are read on
 * every validation) and writes changes through to the store with an event.
 * `reload()` picks up changes made by another node.
 */
export class PolicyService {
  private instance: Policy = { ...defaultPolicy };
  private overrides = new Map<string, PolicyPatch>();
  private effectiveCache = new Map<string, Policy>();
  /** Counts this node's writes to the in-memory policies (see `reload`). */
  private localWrites = 0;

  /** Stores the time ends a looser policy would undo, before it takes effect (ended is final). */
  private readonly loosening: LooseningGuard;

  constructor(
    /** The policies; a change stores first the ends it would otherwise undo (LooseningGuard), in its own transaction. */
    private readonly store: OrganizationPolicyStore & SessionStore & SessionActivityStore & Transactions<OrganizationPolicyStore & SessionStore & EventStore>,
    private readonly clock: Clock,
    observer?: CoreObserver,
  ) {
    this.loosening = new LooseningGuard({ store, clock, observer });
  }

  /**
   * Loads the stored policies, storing the defaults on first start. A write on this node that
   * finishes while the reload reads (another node's change triggers reloads at any time) may
   * not be in what was read; then it reads again instead of putting older values back.
   */
  async reload(): Promise<void> {
    for (;;) {
      const writesBefore = this.localWrites;
      const stored = await this.store.getInstancePolicy();
      if (!stored) await this.store.putInstancePolicy({ ...defaultPolicy });
      const overrides = new Map<string, PolicyPatch>();
      for (const org of await this.store.listOrganizations()) {
        if (org.policyOverride) overrides.set(org.id, org.policyOverride);
      }
      if (this.localWrites !== writesBefore) continue;
      this.instance = stored ? { ...defaultPolicy, ...stored } : { ...defaultPolicy };
      this.overrides = overrides;
      this.effectiveCache.clear();
      return;
    }
  }

  /** The instance policy (no I/O). */
  instancePolicy(): Policy {
    return { ...this.instance };
  }

  /** The instance policy, for a caller allowed to read it. */
  readInstance(ctx: AuthContext | null): Policy {
    requirePermission(ctx, 'session_config:read');
    return this.instancePolicy();
  }

  /** The effective policy of an organization (no I/O; cached). */
  effective(organizationId: string): Policy {
    let p = this.effectiveCache.get(organizationId);
    if (!p) {
      p = effectivePolicy(this.instance, this.overrides.get(organizationId));
      this.effectiveCache.set(organizationId, p);
    }
    return p;
  }

  /** Every policy in force (instance and each override), for the sweep's cutoffs. */
  allEffective(): Policy[] {
    return [this.instance, ...[...this.overrides.keys()].map((id) => this.effective(id))];
  }

  overrideOf(organizationId: string): PolicyPatch | null {
    return this.overrides.get(organizationId) ?? null;
  }

  /**
   * The policy a caller's own scope is governed by, for the compatibility surfaces that have no
   * notion of organizations: an instance-wide caller sees the instance policy, an
   * organization-scoped one its organization's effective policy.
   */
  readForCaller(ctx: AuthContext | null): Policy {
    return this.ofScope(requirePermission(ctx, 'session_config:read'));
  }

  /**
   * The policy of a caller's scope without a permission check, for a caller already checked for
   * `session_config:write` (a write-only caller must see what it changes, e.g. Looker's PATCH).
   */
  ofScope(ctx: AuthContext): Policy {
    return ctx.organizationId === null ? this.instancePolicy() : { ...this.effective(ctx.organizationId) };
  }

  /**
   * Changes only the given fields of the caller's scope: the instance policy for an
   * instance-wide caller, its organization's override for an organization-scoped one.
   */
  async patchForCaller(ctx: AuthContext | null, input: unknown): Promise<Policy> {
    const c = requirePermission(ctx, 'session_config:write');
    return c.organizationId === null ? this.patchInstance(c, input) : this.setOverride(c, c.organizationId, input, false);
  }

  /** Replaces the instance policy (all fields required). */
  async putInstance(ctx: AuthContext | null, input: unknown): Promise<Policy> {
    const c = requireInstanceWriter(ctx);
    const next = parsePolicy(input);
    return this.writeInstance(c, () => next);
  }

  /** Changes only the given fields of the instance policy. */
  async patchInstance(ctx: AuthContext | null, input: unknown): Promise<Policy> {
    const c = requireInstanceWriter(ctx);
    const patch = parsePolicyPatch(input);
    return this.writeInstance(c, (current) => applyPatch(current, patch));
  }

  /**
   * Read, change and write in one transaction, from the stored policy rather than this node's
   * copy: another node may have changed other fields a moment ago (the stores lock the policy
   * for the transaction's length, so two nodes' changes to different fields are both kept).
   */
  private async writeInstance(ctx: AuthContext, change: (current: Policy) => Policy): Promise<Policy> {
    const before = this.instance;
    const bulk = await this.loosening.endBefore(instanceScopes(before, change(before), this.overrides), ctx.actor);
    let result = this.instance;
    await this.store.transaction(async (tx) => {
      const stored = await tx.getInstancePolicy();
      const current = stored ? { ...defaultPolicy, ...stored } : this.instance;
      const next = change(current);
      result = next;
      const changes = policyDiff(current, next);
      if (Object.keys(changes).length === 0) return;
      const overrides = await overridesIn(tx);
      const judgedAlike = samePolicy(current, before) && sameOverrides(overrides, this.overrides);
      await this.loosening.endInChange(tx, instanceScopes(current, next, overrides), ctx.actor, judgedAlike ? bulk.atMs : undefined);
      await tx.putInstancePolicy(next);
      await tx.appendEvent({
        aggregateType: 'policy',
        aggregateId: 'instance',
        type: 'policy.changed',
        actor: ctx.actor,
        organizationId: null,
        atMs: this.clock.nowMs(),
        data: { changes },
      });
    });
    this.instance = result;
    this.localWrites++;
    this.effectiveCache.clear();
    return this.instancePolicy();
  }

  /** Sets (replace = true) or merges into (replace = false) an organization's override. */
  async setOverride(ctx: AuthContext | null, organizationId: string, input: unknown, replace: boolean): Promise<Policy> {
    const c = requirePermission(ctx, 'session_config:write');
    const orgId = targetOrganization(c, organizationId);
    const patch = parsePolicyPatch(input);
    await this.writeOverride(c, orgId, (before) => {
      const next = replace ? patch : { ...before, ...patch };
      return Object.keys(next).length ? next : null;
    });
    return this.effective(orgId);
  }

  /** Removes an organization's override: it follows the instance policy again. */
  async deleteOverride(ctx: AuthContext | null, organizationId: string): Promise<Policy> {
    const c = requirePermission(ctx, 'session_config:write');
    const orgId = targetOrganization(c, organizationId);
    await this.writeOverride(c, orgId, () => null);
    return this.effective(orgId);
  }

  /** Like writeInstance: the stored override is read and changed in the transaction. */
  private async writeOverride(ctx: AuthContext, orgId: string, change: (before: PolicyPatch) => PolicyPatch | null) {
    const organizations = { in: [orgId] };
    const scopeBefore = { before: this.effective(orgId), after: effectivePolicy(this.instance, change(this.overrides.get(orgId) ?? {})) };
    const bulk = await this.loosening.endBefore([{ organizations, ...scopeBefore }], ctx.actor);
    let next: PolicyPatch | null = null;
    await this.store.transaction(async (tx) => {
      const org = await tx.getOrganization(orgId);
      if (!org) throw new DomainError('not_found', `organization '${orgId}' not found`);
      const before = org.policyOverride ?? {};
      next = change(before);
      const stored = await tx.getInstancePolicy();
      const instance = stored ? { ...defaultPolicy, ...stored } : this.instance;
      const scope: PolicyScope = { organizations, before: effectivePolicy(instance, before), after: effectivePolicy(instance, next) };
      const judgedAlike = samePolicy(scope.before, scopeBefore.before) && samePolicy(scope.after, scopeBefore.after);
      await this.loosening.endInChange(tx, [scope], ctx.actor, judgedAlike ? bulk.atMs : undefined);
      await tx.setOrganizationOverride(orgId, next);
      await tx.appendEvent({
        aggregateType: 'organization',
        aggregateId: orgId,
        type: next ? 'organization.policy_override_set' : 'organization.policy_override_removed',
        actor: ctx.actor,
        organizationId: orgId,
        atMs: this.clock.nowMs(),
        data: { changes: policyDiff(before, next ?? {}) },
      });
    });
    if (next) this.overrides.set(orgId, next);
    else this.overrides.delete(orgId);
    this.localWrites++;
    this.effectiveCache.clear();
  }

  /** Called when an organization is deleted. */
  forget(organizationId: string): void {
    this.overrides.delete(organizationId);
    this.localWrites++;
    this.effectiveCache.clear();
  }
}

/** Fields that decide when a session ends by time: an override of one of them governs its organization's deadlines. */
const DEADLINE_FIELDS = ['maxLifetimeSeconds', 'idleTimeoutSeconds'] as const;

/**
 * What a change of the instance policy governs: the organizations that override a deadline field
 * each by their own effective policy before and after, every other organization by the instance's.
 */
function instanceScopes(before: Policy, after: Policy, overrides: ReadonlyMap<string, PolicyPatch>): PolicyScope[] {
  const own = [...overrides].filter(([, o]) => DEADLINE_FIELDS.some((f) => o[f] !== undefined));
  return [
    { organizations: { notIn: own.map(([id]) => id) }, before, after },
    ...own.map(([id, o]) => ({ organizations: { in: [id] }, before: effectivePolicy(before, o), after: effectivePolicy(after, o) })),
  ];
}

async function overridesIn(tx: OrganizationPolicyStore): Promise<Map<string, PolicyPatch>> {
  const out = new Map<string, PolicyPatch>();
  for (const org of await tx.listOrganizations()) if (org.policyOverride) out.set(org.id, org.policyOverride);
  return out;
}

const samePolicy = (a: PolicyPatch, b: PolicyPatch): boolean => Object.keys(policyDiff(a, b)).length === 0;

function sameOverrides(a: ReadonlyMap<string, PolicyPatch>, b: ReadonlyMap<string, PolicyPatch>): boolean {
  if (a.size !== b.size) return false;
  for (const [id, o] of a) {
    const other = b.get(id);
    if (!other || !samePolicy(o, other)) return false;
  }
  return true;
}

/**
 * The instance policy binds every organization, so only an instance-wide caller may change it;
 * an organization-scoped one changes its organization's override instead.
 */
function requireInstanceWriter(ctx: AuthContext | null): AuthContext {
  const c = requirePermission(ctx, 'session_config:write');
  if (c.organizationId !== null) {
    throw new DomainError('permission_denied', "an organization-scoped credential cannot change the instance policy; change its organization's override");
  }
  return c;
}
