import { describe, expect, it } from 'vitest';
import { DomainError } from './errors.js';
import { applyPatch, defaultPolicy, effectivePolicy, parsePolicy, parsePolicyPatch, policyWarnings, sessionLimitFor } from './policy.js';

const issuesOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return e.issues;
    throw e;
  }
  throw new Error('expected a policy_invalid error');
};

describe('policy validation', () => {
  it('accepts the defaults', () => {
    expect(parsePolicy({ ...defaultPolicy })).toEqual(defaultPolicy);
  });

  it('reports one issue per bad field, with its key path', () => {
    const issues = issuesOf(() => parsePolicyPatch({ maxLifetimeSeconds: 0, idleTimeoutSeconds: -5, onLimit: 'kick', trackLocation: 'yes', extra: 1 }));
    const byField = Object.fromEntries(issues.map((i) => [i.field, i]));
    expect(byField.maxLifetimeSeconds?.code).toBe('range');
    expect(byField.maxLifetimeSeconds?.message).toBe('must be between 1 and 315360000');
    expect(byField.idleTimeoutSeconds?.code).toBe('range');
    expect(byField.onLimit).toMatchObject({ code: 'enum', message: 'must be one of "evict_oldest", "deny_new"' });
    expect(byField.trackLocation).toMatchObject({ code: 'type', message: 'must be a boolean' });
    expect(byField.extra).toMatchObject({ code: 'unknown_field' });
    expect(issues).toHaveLength(5);
  });

  it('rejects non-integers, huge numbers and missing fields of a full policy', () => {
    const { adminSessionLimit: _, ...withoutAdminLimit } = defaultPolicy;
    const issues = issuesOf(() => parsePolicy({ ...withoutAdminLimit, maxLifetimeSeconds: 1.5, userSessionLimit: 1e300 }));
    expect(issues.map((i) => [i.field, i.code]).sort()).toEqual([
      ['adminSessionLimit', 'required'],
      ['maxLifetimeSeconds', 'type'],
      ['userSessionLimit', 'range'],
    ]);
  });

  it('rejects prototype-pollution keys as unknown fields', () => {
    const issues = issuesOf(() => parsePolicyPatch(JSON.parse('{"__proto__": {"x": 1}, "constructor": 1}')));
    expect(issues.map((i) => i.code)).toEqual(['unknown_field', 'unknown_field']);
  });
});

describe('effective policy', () => {
  it('takes each overridden field from the organization, the rest from the instance', () => {
    const instance = { ...defaultPolicy, idleTimeoutSeconds: 900, userSessionLimit: 3 };
    const eff = effectivePolicy(instance, { idleTimeoutSeconds: 300 });
    expect(eff).toEqual({ ...instance, idleTimeoutSeconds: 300 });
    expect(effectivePolicy(instance, null)).toEqual(instance);
  });

  it('patches change only the given fields', () => {
    expect(applyPatch(defaultPolicy, { onLimit: 'deny_new' })).toEqual({ ...defaultPolicy, onLimit: 'deny_new' });
  });

  it('picks the limit by role', () => {
    const p = { ...defaultPolicy, userSessionLimit: 2, adminSessionLimit: 5 };
    expect(sessionLimitFor(p, 'user')).toBe(2);
    expect(sessionLimitFor(p, 'admin')).toBe(5);
  });
});

describe('policyWarnings', () => {
  it('warns when the idle timeout is not shorter than the lifetime, and only then', () => {
    const w = policyWarnings({ ...defaultPolicy, idleTimeoutSeconds: 100_000, maxLifetimeSeconds: 43_200 });
    expect(w).toEqual([{ field: 'idleTimeoutSeconds', code: 'exceeds_lifetime', message: expect.stringContaining('43200 s') }]);
    expect(policyWarnings({ ...defaultPolicy, idleTimeoutSeconds: 43_200, maxLifetimeSeconds: 43_200 })).toHaveLength(1);
    expect(policyWarnings({ ...defaultPolicy, idleTimeoutSeconds: 43_199, maxLifetimeSeconds: 43_200 })).toEqual([]);
    expect(policyWarnings({ ...defaultPolicy, idleTimeoutSeconds: 0, maxLifetimeSeconds: 60 })).toEqual([]);
  });
});
