import { describe, expect, it } from 'vitest';
import { systemContext } from '../src/core/auth.js';
import type { Core } from '../src/core/index.js';
import type { SessionRecord } from '../src/core/ports.js';
import { testCores } from './core-harness.js';
import { sessionRecord } from './records.js';

// Ended is final (NIST SP 800-63B-4 §5.2): a session whose absolute or idle deadline passed under
// the policy in force then stays ended when an administrator loosens the policy, on every path
// that changes it (instance policy, organization overrides), whether or not anything validated
// it in between; sessions still active at the change are extended; a tighter policy bites at once.

const newCore = testCores();
const PASSWORD = 'password-1';

async function signedIn(core: Core, loginName: string, organizationId?: string) {
  return (await core.sessions.signIn({ loginName, password: PASSWORD, ...(organizationId ? { organizationId } : {}) })).token;
}
const verdictOf = async (core: Core, token: string) => (await core.sessions.introspect(token)).verdict;

describe('a session that ended stays ended when the policy is loosened', () => {
  it('idle timeout: ended while nobody validated it, then the idle timeout is raised', async () => {
    const { core, clock, close } = await newCore();
    await core.users.create(systemContext, { loginName: 'ann', password: PASSWORD });
    await core.policies.patchInstance(systemContext, { idleTimeoutSeconds: 5 });
    const token = await signedIn(core, 'ann');
    const signedInAt = clock.nowMs();
    clock.advanceSeconds(6);
    await core.policies.patchInstance(systemContext, { idleTimeoutSeconds: 1800 });
    expect(await verdictOf(core, token)).toEqual({ active: false, reason: 'idle_timeout', endedAtMs: signedInAt + 5_000 });
    clock.advanceSeconds(1);
    expect(await verdictOf(core, token)).toMatchObject({ active: false, reason: 'idle_timeout' });
    const ev = await core.store.listEvents({ type: 'session.idle_timeout', limit: 10 });
    expect(ev).toHaveLength(1);
    expect(ev[0]).toMatchObject({ actor: 'system', data: { reason: 'idle_timeout', endedAtMs: signedInAt + 5_000, cause: 'policy_loosened' } });
    await close();
  });

  it('idle timeout: the observed case (validated as idle, then loosened), and turning the idle timeout off', async () => {
    const { core, clock, close } = await newCore();
    await core.users.create(systemContext, { loginName: 'bo', password: PASSWORD });
    const [a, b] = [await signedIn(core, 'bo'), await signedIn(core, 'bo')];
    await core.policies.patchInstance(systemContext, { idleTimeoutSeconds: 5 });
    clock.advanceSeconds(6);
    expect(await verdictOf(core, a)).toMatchObject({ active: false, reason: 'idle_timeout' });
    await core.policies.patchInstance(systemContext, { idleTimeoutSeconds: 1800 });
    expect(await verdictOf(core, a)).toMatchObject({ active: false, reason: 'idle_timeout' });
    await core.policies.patchInstance(systemContext, { idleTimeoutSeconds: 0 });
    expect(await verdictOf(core, b)).toMatchObject({ active: false, reason: 'idle_timeout' });
    await close();
  });

  it('absolute lifetime: expired sessions stay expired when the lifetime is raised', async () => {
    const { core, clock, close } = await newCore();
    await core.users.create(systemContext, { loginName: 'cy', password: PASSWORD });
    await core.policies.patchInstance(systemContext, { maxLifetimeSeconds: 60, idleTimeoutSeconds: 0 });
    const token = await signedIn(core, 'cy');
    const createdAt = clock.nowMs();
    clock.advanceSeconds(61);
    await core.policies.putInstance(systemContext, { ...core.policies.instancePolicy(), maxLifetimeSeconds: 86_400 });
    expect(await verdictOf(core, token)).toEqual({ active: false, reason: 'expired', endedAtMs: createdAt + 60_000 });
    const s = (await core.store.listEvents({ type: 'session.expired', limit: 10 }))[0];
    const stored = (await core.store.getSession(s?.aggregateId ?? '')) as SessionRecord;
    expect(stored).toMatchObject({ endReason: 'expired', endedAtMs: createdAt + 60_000 });
    await close();
  });

  it('sessions still active at the change are extended; a tighter policy bites at once, without a write', async () => {
    const { core, clock, close } = await newCore();
    await core.users.create(systemContext, { loginName: 'di', password: PASSWORD });
    await core.policies.patchInstance(systemContext, { idleTimeoutSeconds: 10 });
    const old = await signedIn(core, 'di');
    clock.advanceSeconds(6);
    const young = await signedIn(core, 'di');
    clock.advanceSeconds(5); // old: 11 s unused (ended), young: 5 s (active)
    await core.policies.patchInstance(systemContext, { idleTimeoutSeconds: 1800 });
    expect(await verdictOf(core, old)).toMatchObject({ active: false, reason: 'idle_timeout' });
    clock.advanceSeconds(600);
    expect(await verdictOf(core, young)).toMatchObject({ active: true });
    clock.advanceSeconds(5);
    await core.policies.patchInstance(systemContext, { idleTimeoutSeconds: 2 });
    expect(await verdictOf(core, young)).toMatchObject({ active: false, reason: 'idle_timeout' });
    expect(await core.store.listEvents({ type: 'session.idle_timeout', limit: 10 })).toHaveLength(1); // only `old`'s
    await close();
  });

  it('organization overrides: removing or loosening one keeps its ended sessions ended; other organizations are judged by their own policy', async () => {
    const { core, clock, close } = await newCore();
    const org = await core.organizations.create(systemContext, { name: 'Acme' });
    await core.users.create(systemContext, { loginName: 'ed', password: PASSWORD });
    await core.users.create(systemContext, { loginName: 'ed', password: PASSWORD, organizationId: org.id });
    await core.policies.setOverride(systemContext, org.id, { idleTimeoutSeconds: 5 }, false);
    const inOrg = await signedIn(core, 'ed', org.id);
    const inDefault = await signedIn(core, 'ed');
    clock.advanceSeconds(6);
    // The instance policy loosens; the organization keeps its own 5 s and its session stays ended.
    await core.policies.patchInstance(systemContext, { idleTimeoutSeconds: 3600 });
    expect(await verdictOf(core, inDefault)).toMatchObject({ active: true });
    expect(await verdictOf(core, inOrg)).toMatchObject({ active: false, reason: 'idle_timeout' });
    // Removing the override would put the organization on the instance's 3600 s.
    await core.policies.deleteOverride(systemContext, org.id);
    expect(await verdictOf(core, inOrg)).toMatchObject({ active: false, reason: 'idle_timeout' });
    await close();
  });

  it('an instance change that loosens an organization following the instance ends its sessions, not those of an organization with its own deadline', async () => {
    const { core, clock, close } = await newCore();
    const strict = await core.organizations.create(systemContext, { name: 'Strict' });
    const follower = await core.organizations.create(systemContext, { name: 'Follower' });
    for (const organizationId of [strict.id, follower.id]) await core.users.create(systemContext, { loginName: 'fi', password: PASSWORD, organizationId });
    await core.policies.setOverride(systemContext, strict.id, { maxLifetimeSeconds: 100 }, false);
    await core.policies.setOverride(systemContext, follower.id, { trackLocation: false }, false);
    await core.policies.patchInstance(systemContext, { maxLifetimeSeconds: 50, idleTimeoutSeconds: 0 });
    const s = await signedIn(core, 'fi', strict.id);
    const f = await signedIn(core, 'fi', follower.id);
    clock.advanceSeconds(60); // follower: expired (50 s); strict: active (100 s)
    await core.policies.patchInstance(systemContext, { maxLifetimeSeconds: 3600 });
    expect(await verdictOf(core, f)).toMatchObject({ active: false, reason: 'expired' });
    expect(await verdictOf(core, s)).toMatchObject({ active: true });
    await close();
  });

  it('a session whose deadline passes while the bulk pass runs is ended inside the change', async () => {
    let during: (() => void) | null = null;
    const { core, clock, close } = await newCore({
      wrap: (store) =>
        new Proxy(store, {
          get(target, prop) {
            const v = Reflect.get(target, prop, target);
            if (prop !== 'scanOpenSessionsInWindow') return typeof v === 'function' ? v.bind(target) : v;
            // The bulk pass reads through the store (the change's own pass through its transaction).
            return async (...a: Parameters<typeof store.scanOpenSessionsInWindow>) => {
              const rows = await store.scanOpenSessionsInWindow(...a);
              during?.();
              return rows;
            };
          },
        }),
    });
    await core.users.create(systemContext, { loginName: 'hu', password: PASSWORD });
    await core.policies.patchInstance(systemContext, { idleTimeoutSeconds: 10 });
    const token = await signedIn(core, 'hu');
    clock.advanceSeconds(8);
    during = () => clock.advanceSeconds(5); // 13 s unused by the time the change commits
    await core.policies.patchInstance(systemContext, { idleTimeoutSeconds: 1800 });
    during = null;
    expect(await verdictOf(core, token)).toMatchObject({ active: false, reason: 'idle_timeout' });
    await close();
  });

  it('ends every session of a band larger than one page, and nothing outside it', async () => {
    const { core, clock, close } = await newCore();
    const u = await core.users.create(systemContext, { loginName: 'gu', password: PASSWORD });
    await core.policies.patchInstance(systemContext, { idleTimeoutSeconds: 60 });
    const t0 = clock.nowMs();
    const row = (i: number, lastActiveAtMs: number) =>
      sessionRecord({ id: `s-${String(i).padStart(5, '0')}`, subjectId: u.id, organizationId: u.organizationId, createdAtMs: t0 - 120_000, lastActiveAtMs });
    // 1,200 unused for 61..100 s (ended under 60 s, some with equal times), 30 used 10 s ago (active).
    await core.store.transaction(async (tx) => {
      for (let i = 0; i < 1200; i++) await tx.insertSession(row(i, t0 - 61_000 - (i % 40) * 1000));
      for (let i = 1200; i < 1230; i++) await tx.insertSession(row(i, t0 - 10_000));
    });
    await core.policies.patchInstance(systemContext, { idleTimeoutSeconds: 1800 });
    const ended = await core.store.listSessions({ userId: u.id, limit: 2000, offset: 0 });
    expect(ended.filter((s) => s.endReason === 'idle_timeout')).toHaveLength(1200);
    expect(ended.filter((s) => s.endedAtMs === null)).toHaveLength(30);
    expect(await core.store.countSessions({ userId: u.id, openOnly: true })).toBe(30);
    clock.advanceSeconds(1);
    await close();
  });
});
