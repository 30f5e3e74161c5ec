import { type AuthContext, requirePermission, targetOrganization } from './auth.js';
import type { Clock } from './clock.js';
import type { FieldIssue } from './errors.js';
import { DomainError } from './errors.js';
import type { PolicyService } from './policies.js';
import { applyPatch, effectivePolicy, type Policy, type PolicyPatch, parsePolicy, parsePolicyPatch, policyWarnings } from './policy.js';
import type { OrganizationPolicyStore, SessionActivityStore, SessionStore } from './ports.js';
import { evaluateSession } from './session-rules.js';
import { openSessions } from './session-scan.js';

/** What saving a policy change would do now. */
export interface PolicyImpact {
  /** Sessions active now that the changed policy would end at once. */
  sessionsEnded: number;
  /** Distinct users (not API credentials) those sessions belong to. */
  usersAffected: number;
  /** Why they would end: the absolute lifetime or the idle timeout. */
  byReason: { expired: number; idle_timeout: number };
  /** Whether the caller's own session is among them (saving would sign the caller out). */
  endsCallersSession: boolean;
  /** Active sessions looked at. */
  activeSessions: number;
  /** The policy that would be in force for the scope changed (instance, or the organization's effective policy). */
  policy: Policy;
  /** Valid but meaningless combinations in that policy (`policyWarnings`), e.g. an idle timeout not shorter than the lifetime. */
  warnings: FieldIssue[];
}

/** A proposed change: the whole instance policy, fields of it, or an organization's whole override. */
export type ProposedChange =
  | { scope: 'instance'; replace: boolean; input: unknown }
  | { scope: 'organization'; organizationId: string; replace: boolean; input: unknown };

/**
 * The impact preview of a policy change, before it is saved: every active session is judged by
 * the session rules under the current and under the proposed policy (the same `evaluateSession`
 * validation uses), so the preview cannot disagree with what validation will answer. Session
 * limits and `allowPersistentSessions` apply at the next sign-in, so they end nothing now.
 * Bad input fails with the same `policy_invalid` issues as saving would.
 */
export class PolicyPreview {
  constructor(private readonly d: { store: OrganizationPolicyStore & SessionStore & SessionActivityStore; clock: Clock; policies: PolicyService }) {}

  async preview(ctx: AuthContext | null, change: ProposedChange): Promise<PolicyImpact> {
    const c = requirePermission(ctx, 'session_config:read');
    requirePermission(c, 'sessions:read');
    const { policies } = this.d;
    let proposed: (organizationId: string) => Policy;
    let scopePolicy: Policy;
    let onlyOrganization: string | null = c.organizationId;
    if (change.scope === 'instance') {
      if (c.organizationId !== null)
        throw new DomainError('permission_denied', "an organization-scoped caller cannot change the instance policy; preview its organization's override");
      const instance = change.replace ? parsePolicy(change.input) : applyPatch(policies.instancePolicy(), parsePolicyPatch(change.input));
      proposed = (org) => effectivePolicy(instance, policies.overrideOf(org));
      scopePolicy = instance;
    } else {
      const orgId = targetOrganization(c, change.organizationId);
      if (!(await this.d.store.getOrganization(orgId))) throw new DomainError('not_found', `organization '${orgId}' not found`);
      const patch = parsePolicyPatch(change.input);
      const override: PolicyPatch = change.replace ? patch : { ...policies.overrideOf(orgId), ...patch };
      scopePolicy = effectivePolicy(policies.instancePolicy(), override);
      const fixed = scopePolicy;
      proposed = (org) => (org === orgId ? fixed : policies.effective(org));
      onlyOrganization = orgId;
    }
    const now = this.d.clock.nowMs();
    const impact: PolicyImpact = {
      sessionsEnded: 0,
      usersAffected: 0,
      byReason: { expired: 0, idle_timeout: 0 },
      endsCallersSession: false,
      activeSessions: 0,
      policy: scopePolicy,
      warnings: policyWarnings(scopePolicy),
    };
    const users = new Set<string>();
    for await (const page of openSessions(this.d.store, onlyOrganization)) {
      for (const s of page) {
        if (!evaluateSession(s, policies.effective(s.organizationId), now).active) continue;
        impact.activeSessions++;
        const next = evaluateSession(s, proposed(s.organizationId), now);
        if (next.active) continue;
        impact.sessionsEnded++;
        if (next.reason === 'expired' || next.reason === 'idle_timeout') impact.byReason[next.reason]++;
        if (s.subjectType === 'user') users.add(s.subjectId);
        if (s.id === c.sessionId) impact.endsCallersSession = true;
      }
    }
    impact.usersAffected = users.size;
    return impact;
  }
}
