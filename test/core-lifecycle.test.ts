import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { systemContext } from '../src/core/auth.js';
import type { Store } from '../src/core/ports.js';
import { evaluateSession } from '../src/core/session-rules.js';
import { sweepEndedSessions } from '../src/core/sweep.js';
import { testCores } from './core-harness.js';
import { codeOf } from './records.js';

// The core against a real store (a SQLite file, or PostgreSQL + Redis on the postgres run) and
// real argon2id (at a low cost), with a fake clock.
const newTestCore = testCores();
/** A core on fresh storage; `wrap` may put something between the core and the store. */
const newCore = (wrap?: (s: Store) => Store) => newTestCore(wrap ? { wrap } : {});

const code = codeOf;

describe('session lifecycle', () => {
  it('signs in, validates, counts use, and ends on idle timeout with a fake clock', async () => {
    const { core, clock, close } = await newCore();
    await core.users.create(systemContext, { loginName: 'Ann', password: 'password-1' });
    await core.policies.patchInstance(systemContext, { idleTimeoutSeconds: 600, maxLifetimeSeconds: 3600 });
    const { token } = await core.sessions.signIn({ loginName: 'ann', password: 'password-1' });
    clock.advanceSeconds(599);
    const used = await core.sessions.introspect(token);
    expect(used.verdict).toMatchObject({ active: true, idleDeadlineMs: clock.nowMs() + 600_000 });
    clock.advanceSeconds(599);
    expect((await core.sessions.introspect(token)).verdict.active).toBe(true);
    clock.advanceSeconds(600);
    expect((await core.sessions.introspect(token)).verdict).toMatchObject({ active: false, reason: 'idle_timeout' });
    await close();
  });

  it('unknown user, wrong password and disabled user give the same error', async () => {
    const { core, close } = await newCore();
    const u = await core.users.create(systemContext, { loginName: 'bob', password: 'password-1' });
    expect(await code(core.sessions.signIn({ loginName: 'nobody', password: 'password-1' }))).toBe('invalid_credentials');
    expect(await code(core.sessions.signIn({ loginName: 'bob', password: 'wrong-pass' }))).toBe('invalid_credentials');
    await core.users.setDisabled(systemContext, u.id, true);
    expect(await code(core.sessions.signIn({ loginName: 'bob', password: 'password-1' }))).toBe('invalid_credentials');
    await close();
  });

  it('tokens are 256-bit URL-safe and stored only as hashes', async () => {
    const { core, close } = await newCore();
    await core.users.create(systemContext, { loginName: 'c', password: 'password-1' });
    const { token, session } = await core.sessions.signIn({ loginName: 'c', password: 'password-1' });
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    const stored = await core.store.getSession(session.record.id);
    expect(JSON.stringify(stored)).not.toContain(token);
    await close();
  });

  it('enforces limits by role: evict_oldest ends the oldest, deny_new refuses', async () => {
    const { core, clock, close } = await newCore();
    await core.users.create(systemContext, { loginName: 'u', password: 'password-1' });
    await core.users.create(systemContext, { loginName: 'a', password: 'password-1', role: 'admin' });
    await core.policies.patchInstance(systemContext, { userSessionLimit: 2, adminSessionLimit: 3 });
    const tokens: string[] = [];
    for (let i = 0; i < 3; i++) {
      clock.advanceSeconds(1);
      tokens.push((await core.sessions.signIn({ loginName: 'u', password: 'password-1' })).token);
    }
    const reasons = await Promise.all(tokens.map(async (t) => (await core.sessions.introspect(t)).verdict));
    expect(reasons.map((v) => (v.active ? 'active' : v.reason))).toEqual(['evicted', 'active', 'active']);
    for (let i = 0; i < 3; i++) await core.sessions.signIn({ loginName: 'a', password: 'password-1' });
    await core.policies.patchInstance(systemContext, { onLimit: 'deny_new' });
    expect(await code(core.sessions.signIn({ loginName: 'a', password: 'password-1' }))).toBe('session_limit_reached');
    await close();
  });

  it('persistent sessions only where the policy allows', async () => {
    const { core, close } = await newCore();
    await core.users.create(systemContext, { loginName: 'p', password: 'password-1' });
    expect(await code(core.sessions.signIn({ loginName: 'p', password: 'password-1', persistent: true }))).toBe('persistent_not_allowed');
    await core.policies.patchInstance(systemContext, { allowPersistentSessions: true });
    const { session } = await core.sessions.signIn({ loginName: 'p', password: 'password-1', persistent: true });
    expect(session.record.persistent).toBe(true);
    await close();
  });

  it('records location only when trackLocation is on', async () => {
    const { core, close } = await newCore();
    await core.users.create(systemContext, { loginName: 'l', password: 'password-1' });
    const client = { ip: '203.0.113.9', userAgent: 'Mozilla/5.0' };
    const a = await core.sessions.signIn({ loginName: 'l', password: 'password-1', client });
    expect(a.session.record).toMatchObject({ ip: '203.0.113.9', userAgent: 'Mozilla/5.0' });
    await core.policies.patchInstance(systemContext, { trackLocation: false });
    const b = await core.sessions.signIn({ loginName: 'l', password: 'password-1', client });
    expect(b.session.record).toMatchObject({ ip: null, userAgent: null });
    await close();
  });

  it('password change ends other sessions; revoke-others keeps the current one', async () => {
    const { core, close } = await newCore();
    const u = await core.users.create(systemContext, { loginName: 'pw', password: 'password-1' });
    const s1 = await core.sessions.signIn({ loginName: 'pw', password: 'password-1' });
    const s2 = await core.sessions.signIn({ loginName: 'pw', password: 'password-1' });
    const s3 = await core.sessions.signIn({ loginName: 'pw', password: 'password-1' });
    expect(await core.sessions.revokeOthers(s3.token)).toBe(2);
    expect((await core.sessions.introspect(s1.token)).verdict).toMatchObject({ active: false, reason: 'revoked' });
    expect((await core.sessions.introspect(s3.token)).verdict.active).toBe(true);
    await core.users.changeOwnPassword(s3.token, 'password-1', 'password-2');
    expect((await core.sessions.introspect(s3.token)).verdict.active).toBe(true);
    await core.users.setPassword(systemContext, u.id, 'password-3');
    expect((await core.sessions.introspect(s3.token)).verdict).toMatchObject({ active: false, reason: 'revoked' });
    expect((await core.sessions.introspect(s2.token)).verdict.active).toBe(false);
    await close();
  });

  it('deleting a user ends their sessions and records events with sequences', async () => {
    const { core, close } = await newCore();
    const u = await core.users.create(systemContext, { loginName: 'd', password: 'password-1' });
    const s = await core.sessions.signIn({ loginName: 'd', password: 'password-1' });
    await core.users.delete(systemContext, u.id);
    expect((await core.sessions.introspect(s.token)).verdict).toMatchObject({ active: false, reason: 'revoked' });
    const events = await core.events.list(systemContext, { aggregateId: s.session.record.id, limit: 10 });
    expect(events.map((e) => [e.type, e.sequence])).toEqual([
      ['session.created', 1],
      ['session.revoked', 2],
    ]);
    const userEvents = await core.events.list(systemContext, { aggregateId: u.id, limit: 10 });
    expect(userEvents.map((e) => e.type)).toEqual(['user.created', 'user.deleted']);
    await close();
  });

  it('the sweep deletes only sessions ended longer ago than the retention, in bounded batches', async () => {
    const { core, clock, close } = await newCore();
    await core.users.create(systemContext, { loginName: 'sw', password: 'password-1' });
    await core.policies.patchInstance(systemContext, { maxLifetimeSeconds: 100, idleTimeoutSeconds: 0 });
    const old = [];
    for (let i = 0; i < 5; i++) old.push(await core.sessions.signIn({ loginName: 'sw', password: 'password-1' }));
    clock.advanceSeconds(150);
    const fresh = await core.sessions.signIn({ loginName: 'sw', password: 'password-1' });
    expect(await sweepEndedSessions(core, { retentionSeconds: 60, batchSize: 2, maxBatches: 10 })).toBe(0);
    clock.advanceSeconds(20);
    expect(await sweepEndedSessions(core, { retentionSeconds: 60, batchSize: 2, maxBatches: 10 })).toBe(5);
    expect((await core.sessions.introspect(old[0]!.token)).verdict).toMatchObject({ active: false, reason: 'unknown' });
    expect((await core.sessions.introspect(fresh.token)).verdict.active).toBe(true);
    await close();
  });

  it('a rotated-away token answers `rotated` until the sweep deletes its session, then `unknown`', async () => {
    const { core, clock, close } = await newCore();
    await core.users.create(systemContext, { loginName: 'ro', password: 'password-1' });
    await core.policies.patchInstance(systemContext, { maxLifetimeSeconds: 100, idleTimeoutSeconds: 0 });
    const first = await core.sessions.signIn({ loginName: 'ro', password: 'password-1' });
    clock.advanceSeconds(10);
    const rotatedAt = clock.nowMs();
    const second = await core.sessions.rotateToken(first.token);
    expect((await core.sessions.introspect(first.token)).verdict).toEqual({ active: false, reason: 'rotated', endedAtMs: rotatedAt });
    expect((await core.sessions.introspect(second.token)).verdict.active).toBe(true);
    clock.advanceSeconds(100 + 60 + 10); // past the lifetime and the retention
    expect(await sweepEndedSessions(core, { retentionSeconds: 60, batchSize: 10, maxBatches: 10 })).toBe(1);
    expect(await core.store.findRotatedToken(first.session.record.tokenHash)).toBeUndefined();
    expect((await core.sessions.introspect(first.token)).verdict).toMatchObject({ active: false, reason: 'unknown' });
    await close();
  });

  it('a policy reload that read before a local policy write finished does not put the older policy back', async () => {
    // Another node's change makes this node reload at any moment; here the reload has read the
    // instance policy, then this node writes one, then the reload finishes.
    let gate: { read(): void; release: Promise<void> } | null = null;
    const { core, close } = await newCore(
      (store) =>
        new Proxy(store, {
          get(target, prop) {
            if (prop === 'getInstancePolicy') {
              return async () => {
                const p = await target.getInstancePolicy();
                const g = gate;
                gate = null;
                if (g) {
                  g.read();
                  await g.release;
                }
                return p;
              };
            }
            const v = Reflect.get(target, prop, target);
            return typeof v === 'function' ? v.bind(target) : v;
          },
        }),
    );
    const before = core.policies.instancePolicy().idleTimeoutSeconds;
    let release = () => {};
    const read = new Promise<void>((resolve) => {
      gate = { read: resolve, release: new Promise<void>((r) => (release = r)) };
    });
    const reloading = core.policies.reload();
    await read;
    await core.policies.patchInstance(systemContext, { idleTimeoutSeconds: before + 77 });
    release();
    await reloading;
    expect(core.policies.instancePolicy().idleTimeoutSeconds).toBe(before + 77);
    await close();
  });
});

describe('service invariants under random operations (property-based, fake clock, real storage)', () => {
  type Op =
    | { kind: 'create'; user: number }
    | { kind: 'advance'; seconds: number }
    | { kind: 'use'; pick: number }
    | { kind: 'revoke'; pick: number }
    | { kind: 'policy'; maxLifetimeSeconds: number; idleTimeoutSeconds: number; userSessionLimit: number };
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ kind: fc.constant('create' as const), user: fc.integer({ min: 0, max: 2 }) }),
    fc.record({ kind: fc.constant('advance' as const), seconds: fc.integer({ min: 1, max: 400 }) }),
    fc.record({ kind: fc.constant('use' as const), pick: fc.nat() }),
    fc.record({ kind: fc.constant('revoke' as const), pick: fc.nat() }),
    fc.record({
      kind: fc.constant('policy' as const),
      maxLifetimeSeconds: fc.integer({ min: 1, max: 2000 }),
      idleTimeoutSeconds: fc.integer({ min: 0, max: 600 }),
      userSessionLimit: fc.integer({ min: 0, max: 3 }),
    }),
  );

  it('never active past lifetime or idle timeout, never above the limit, revoked stays revoked', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 5, maxLength: 30 }), async (ops) => {
        const { core, clock, close } = await newCore();
        try {
          const users = [];
          for (let i = 0; i < 3; i++) users.push(await core.users.create(systemContext, { loginName: `user${i}`, password: 'password-1' }));
          const sessions: { token: string; userId: string; createdAtMs: number; lastUseMs: number }[] = [];
          const revoked = new Set<string>();
          for (const o of ops) {
            if (o.kind === 'create') {
              const u = users[o.user]!;
              const r = await core.sessions.signIn({ loginName: u.loginName, password: 'password-1' }).catch((e: unknown) => e as Error);
              if (!(r instanceof Error)) sessions.push({ token: r.token, userId: u.id, createdAtMs: clock.nowMs(), lastUseMs: clock.nowMs() });
            } else if (o.kind === 'advance') clock.advanceSeconds(o.seconds);
            else if (o.kind === 'use' && sessions.length) {
              const s = sessions[o.pick % sessions.length]!;
              if ((await core.sessions.introspect(s.token)).verdict.active) s.lastUseMs = clock.nowMs();
            } else if (o.kind === 'revoke' && sessions.length) {
              const s = sessions[o.pick % sessions.length]!;
              await core.sessions.revokeByToken(s.token);
              revoked.add(s.token);
            } else if (o.kind === 'policy') {
              const { kind: _, ...patch } = o;
              await core.policies.patchInstance(systemContext, patch);
            }
            // Check every invariant after every step.
            const p = core.policies.instancePolicy();
            const now = clock.nowMs();
            const activePerUser = new Map<string, number>();
            for (const s of sessions) {
              const found = await core.store.findSessionByTokenHash((await import('../src/core/tokens.js')).hashSecret(s.token));
              const v = found ? evaluateSession(found, p, now) : { active: false as const };
              if (!v.active) continue;
              expect(revoked.has(s.token)).toBe(false);
              expect(now - s.createdAtMs).toBeLessThan(p.maxLifetimeSeconds * 1000);
              if (p.idleTimeoutSeconds > 0) expect(now - s.lastUseMs).toBeLessThan(p.idleTimeoutSeconds * 1000);
              activePerUser.set(s.userId, (activePerUser.get(s.userId) ?? 0) + 1);
            }
            // The limit holds for sessions created under it; a lowered limit is enforced at the next sign-in.
            if (o.kind === 'create' && p.userSessionLimit > 0) {
              expect(activePerUser.get(users[o.user]!.id) ?? 0).toBeLessThanOrEqual(p.userSessionLimit);
            }
          }
        } finally {
          await close();
        }
      }),
      { numRuns: Number(process.env.SESSIOND_PROPERTY_RUNS ?? 40) },
    );
  }, 120_000);
});
