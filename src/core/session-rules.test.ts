import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultPolicy, type Policy } from './policy.js';
import { evaluateSession, type SessionTimes, sessionsToEvict } from './session-rules.js';

const T0 = Date.UTC(2026, 0, 1);
const open = (o: Partial<SessionTimes> = {}): SessionTimes => ({
  createdAtMs: T0,
  lastActiveAtMs: T0,
  expiresAtMs: null,
  endedAtMs: null,
  endReason: null,
  ...o,
});
const policy = (o: Partial<Policy> = {}): Policy => ({ ...defaultPolicy, ...o });

describe('evaluateSession', () => {
  it('is active inside both deadlines and says when each ends', () => {
    const v = evaluateSession(open({ lastActiveAtMs: T0 + 60_000 }), policy({ maxLifetimeSeconds: 3600, idleTimeoutSeconds: 600 }), T0 + 120_000);
    expect(v).toEqual({ active: true, absoluteDeadlineMs: T0 + 3_600_000, idleDeadlineMs: T0 + 660_000 });
  });

  it('ends at the absolute lifetime however active', () => {
    const p = policy({ maxLifetimeSeconds: 3600, idleTimeoutSeconds: 0 });
    expect(evaluateSession(open({ lastActiveAtMs: T0 + 3_599_999 }), p, T0 + 3_600_000)).toEqual({
      active: false,
      reason: 'expired',
      endedAtMs: T0 + 3_600_000,
    });
  });

  it('ends after the idle timeout without use; 0 turns it off', () => {
    expect(evaluateSession(open(), policy({ idleTimeoutSeconds: 60 }), T0 + 60_000)).toMatchObject({ active: false, reason: 'idle_timeout' });
    expect(evaluateSession(open(), policy({ idleTimeoutSeconds: 0 }), T0 + 60_000)).toMatchObject({ active: true, idleDeadlineMs: null });
  });

  it('a tightened policy applies to an existing session at once', () => {
    const s = open({ lastActiveAtMs: T0 + 1000 });
    expect(evaluateSession(s, policy({ idleTimeoutSeconds: 1800 }), T0 + 400_000).active).toBe(true);
    expect(evaluateSession(s, policy({ idleTimeoutSeconds: 300 }), T0 + 400_000)).toMatchObject({ active: false, reason: 'idle_timeout' });
  });

  it('honours a per-session expiry earlier than the policy', () => {
    expect(evaluateSession(open({ expiresAtMs: T0 + 5000 }), policy(), T0 + 5000)).toMatchObject({ active: false, reason: 'expired' });
  });

  it('stored ends win: revoked and evicted stay so', () => {
    expect(evaluateSession(open({ endedAtMs: T0, endReason: 'evicted' }), policy(), T0)).toMatchObject({ active: false, reason: 'evicted' });
  });
});

const arbPolicy = fc.record({
  maxLifetimeSeconds: fc.integer({ min: 1, max: 100_000 }),
  idleTimeoutSeconds: fc.integer({ min: 0, max: 100_000 }),
  userSessionLimit: fc.integer({ min: 0, max: 10 }),
  adminSessionLimit: fc.integer({ min: 0, max: 10 }),
  onLimit: fc.constantFrom<'evict_oldest' | 'deny_new'>('evict_oldest', 'deny_new'),
  allowPersistentSessions: fc.boolean(),
  trackLocation: fc.boolean(),
  maxFailedPasswordAttempts: fc.integer({ min: 0, max: 20 }),
  lockoutSeconds: fc.integer({ min: 0, max: 100_000 }),
});

describe('invariants (property-based)', () => {
  it('never active at or past maxLifetimeSeconds, nor idleTimeoutSeconds after the last use', () => {
    fc.assert(
      fc.property(arbPolicy, fc.nat(200_000_000), fc.nat(200_000_000), (p, sinceCreateMs, sinceUseMs) => {
        const lastActiveAtMs = T0 + Math.min(sinceCreateMs, sinceUseMs);
        const now = T0 + sinceCreateMs;
        const v = evaluateSession(open({ lastActiveAtMs }), p, now);
        if (v.active) {
          expect(now - T0).toBeLessThan(p.maxLifetimeSeconds * 1000);
          if (p.idleTimeoutSeconds > 0) expect(now - lastActiveAtMs).toBeLessThan(p.idleTimeoutSeconds * 1000);
          expect(v.absoluteDeadlineMs).toBeGreaterThan(now);
        } else {
          const pastLifetime = now - T0 >= p.maxLifetimeSeconds * 1000;
          const pastIdle = p.idleTimeoutSeconds > 0 && now - lastActiveAtMs >= p.idleTimeoutSeconds * 1000;
          expect(pastLifetime || pastIdle).toBe(true);
        }
      }),
    );
  });

  it('eviction leaves room for exactly one more session under the limit, oldest first', () => {
    fc.assert(
      fc.property(arbPolicy, fc.integer({ min: 1, max: 8 }), fc.array(fc.nat(50_000_000), { maxLength: 20 }), (p, limit, ages) => {
        const now = T0 + 100_000_000;
        const sessions = ages.map((a, i) => ({ id: `s${i}`, ...open({ createdAtMs: now - a, lastActiveAtMs: now - Math.floor(a / 2) }) }));
        const evict = sessionsToEvict(sessions, p, limit, now);
        const activeBefore = sessions.filter((s) => evaluateSession(s, p, now).active);
        expect(activeBefore.length - evict.length).toBeLessThanOrEqual(limit - 1);
        expect(evict.every((e) => evaluateSession(e, p, now).active)).toBe(true);
        const kept = activeBefore.filter((s) => !evict.includes(s));
        for (const e of evict) for (const k of kept) expect(e.createdAtMs).toBeLessThanOrEqual(k.createdAtMs);
      }),
    );
  });
});
