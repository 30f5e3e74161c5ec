import { describe, expect, it } from 'vitest';
import { systemContext } from '../src/core/auth.js';
import type { Core } from '../src/core/index.js';
import { UNKNOWN_LOGIN_BUCKETS, unknownLoginBucket } from '../src/core/lockout.js';
import { expandPermissions } from '../src/core/permissions.js';
import { defaultPolicy } from '../src/core/policy.js';
import { testCores } from './core-harness.js';
import { codeOf } from './records.js';

// The one password rule (src/core/lockout.ts) against a real store (a SQLite file, or PostgreSQL +
// Redis on the postgres run), real argon2id at a low cost, and a fake clock.
const newTestCore = testCores();

const PW = 'password-1';

async function newCore(policy: { maxFailedPasswordAttempts?: number; lockoutSeconds?: number } = {}) {
  const { core, clock } = await newTestCore();
  if (Object.keys(policy).length) await core.policies.patchInstance(systemContext, policy);
  const user = await core.users.create(systemContext, { loginName: 'ann', password: PW });
  return { core, clock, user };
}

const code = codeOf;
const signIn = (core: Core, password: string, loginName = 'ann') => code(core.sessions.signIn({ loginName, password }));
const state = async (core: Core, id: string) => core.users.lockState(await core.users.get(systemContext, id));
const eventTypes = async (core: Core, id: string) =>
  (await core.events.list(systemContext, { aggregateType: 'user', aggregateId: id, limit: 500 })).map((e) => e.type);

describe('lockout', () => {
  it('defaults: 10 wrong passwords lock for 15 minutes', () => {
    expect(defaultPolicy).toMatchObject({ maxFailedPasswordAttempts: 10, lockoutSeconds: 900 });
  });

  it('locks after N wrong passwords; while locked even the right password is refused; the lock ends by time', async () => {
    const { core, clock, user } = await newCore({ maxFailedPasswordAttempts: 3, lockoutSeconds: 60 });
    for (let i = 0; i < 2; i++) expect(await signIn(core, 'wrong-password')).toBe('invalid_credentials');
    expect(await state(core, user.id)).toEqual({ locked: false, lockedUntilMs: null, failedPasswordAttempts: 2 });
    const lockedAt = clock.nowMs();
    expect(await signIn(core, 'wrong-password')).toBe('invalid_credentials');
    expect(await state(core, user.id)).toEqual({ locked: true, lockedUntilMs: lockedAt + 60_000, failedPasswordAttempts: 3 });
    // The right password, the same answer as a wrong one; it is counted as refused, nothing is cleared.
    expect(await signIn(core, PW)).toBe('invalid_credentials');
    clock.advanceSeconds(59);
    expect(await signIn(core, PW)).toBe('invalid_credentials');
    expect((await state(core, user.id)).locked).toBe(true);
    expect((await state(core, user.id)).failedPasswordAttempts).toBe(5);
    // Refusals are counted on the user; the lock is the one event.
    expect(await eventTypes(core, user.id)).toEqual(['user.created', 'user.locked']);
    const locked = (await core.events.list(systemContext, { type: 'user.locked', limit: 5 }))[0];
    expect(locked).toMatchObject({ actor: 'anonymous', data: { failedPasswordAttempts: 3, lockedUntilMs: lockedAt + 60_000, via: 'sign_in' } });
    clock.advanceSeconds(1);
    expect(await state(core, user.id)).toEqual({ locked: false, lockedUntilMs: null, failedPasswordAttempts: 0 });
    expect(await signIn(core, PW)).toBe('ok');
    expect(await state(core, user.id)).toEqual({ locked: false, lockedUntilMs: null, failedPasswordAttempts: 0 });
  });

  it('an expired lock starts the count again: the next wrong password does not lock at once', async () => {
    const { core, clock, user } = await newCore({ maxFailedPasswordAttempts: 2, lockoutSeconds: 30 });
    for (let i = 0; i < 2; i++) await signIn(core, 'wrong-password');
    expect((await state(core, user.id)).locked).toBe(true);
    clock.advanceSeconds(30);
    expect(await signIn(core, 'wrong-password')).toBe('invalid_credentials');
    expect(await state(core, user.id)).toEqual({ locked: false, lockedUntilMs: null, failedPasswordAttempts: 1 });
    expect(await signIn(core, 'wrong-password')).toBe('invalid_credentials');
    expect(await state(core, user.id)).toMatchObject({ locked: true, lockedUntilMs: clock.nowMs() + 30_000 });
  });

  it('lockoutSeconds 0 locks until an administrator unlocks; unlocking clears the count', async () => {
    const { core, clock, user } = await newCore({ maxFailedPasswordAttempts: 2, lockoutSeconds: 0 });
    for (let i = 0; i < 2; i++) await signIn(core, 'wrong-password');
    clock.advanceSeconds(365 * 86_400);
    expect(await signIn(core, PW)).toBe('invalid_credentials');
    expect(await state(core, user.id)).toEqual({ locked: true, lockedUntilMs: null, failedPasswordAttempts: 3 });
    expect(await code(core.users.unlock({ ...systemContext, permissions: expandPermissions(['users:read']) }, user.id))).toBe('permission_denied');
    expect(await code(core.users.unlock(systemContext, 'nobody'))).toBe('not_found');
    const unlocked = await core.users.unlock(systemContext, user.id);
    expect(core.users.lockState(unlocked)).toEqual({ locked: false, lockedUntilMs: null, failedPasswordAttempts: 0 });
    expect(await state(core, user.id)).toEqual({ locked: false, lockedUntilMs: null, failedPasswordAttempts: 0 });
    const ev = await core.events.list(systemContext, { type: 'user.unlocked', limit: 5 });
    expect(ev).toEqual([expect.objectContaining({ aggregateId: user.id, actor: 'system', data: { wasLocked: true, failedPasswordAttempts: 3 } })]);
    // Unlocking an unlocked user changes nothing and records nothing.
    await core.users.unlock(systemContext, user.id);
    expect(await core.events.list(systemContext, { type: 'user.unlocked', limit: 5 })).toHaveLength(1);
    expect(await signIn(core, PW)).toBe('ok');
  });

  it('a successful sign-in resets the count', async () => {
    const { core, user } = await newCore({ maxFailedPasswordAttempts: 3, lockoutSeconds: 60 });
    for (let i = 0; i < 2; i++) await signIn(core, 'wrong-password');
    expect(await signIn(core, PW)).toBe('ok');
    expect((await state(core, user.id)).failedPasswordAttempts).toBe(0);
    for (let i = 0; i < 2; i++) await signIn(core, 'wrong-password');
    expect(await signIn(core, PW)).toBe('ok');
  });

  it('every password check shares one count: sign-in, ZITADEL checks, password change', async () => {
    const { core, user } = await newCore({ maxFailedPasswordAttempts: 4, lockoutSeconds: 0 });
    const { token } = await core.sessions.signIn({ loginName: 'ann', password: PW });
    await signIn(core, 'wrong-password');
    const checked = await core.sessionChecks.create(systemContext, { user: { userId: user.id } });
    expect(await code(core.sessionChecks.set(systemContext, checked.session.record.id, { password: 'wrong-password' }))).toBe('invalid_credentials');
    expect(await code(core.users.changeOwnPassword(token, 'wrong-password', 'a new passphrase'))).toBe('invalid_credentials');
    expect((await state(core, user.id)).failedPasswordAttempts).toBe(3);
    // The fourth locks, through the ZITADEL check path; from then on every path refuses.
    expect(await code(core.sessionChecks.set(systemContext, checked.session.record.id, { password: 'wrong-password' }))).toBe('invalid_credentials');
    expect(await code(core.sessionChecks.set(systemContext, checked.session.record.id, { password: PW }))).toBe('failed_precondition');
    expect(await code(core.sessionChecks.create(systemContext, { user: { userId: user.id }, password: PW }))).toBe('failed_precondition');
    expect(await code(core.users.changeOwnPassword(token, PW, 'a new passphrase'))).toBe('invalid_credentials');
    expect(await signIn(core, PW)).toBe('invalid_credentials');
    expect((await state(core, user.id)).failedPasswordAttempts).toBe(8);
    expect(await core.events.list(systemContext, { type: 'user.locked', limit: 5 })).toEqual([
      expect.objectContaining({ actor: 'system', data: expect.objectContaining({ via: 'session_check', failedPasswordAttempts: 4 }) }),
    ]);
    await core.users.unlock(systemContext, user.id);
    expect(await code(core.users.changeOwnPassword(token, PW, 'a new passphrase'))).toBe('ok');
  });

  it('maxFailedPasswordAttempts 0 turns lockout off (and lifts locks in place)', async () => {
    const { core, user } = await newCore({ maxFailedPasswordAttempts: 2, lockoutSeconds: 0 });
    for (let i = 0; i < 2; i++) await signIn(core, 'wrong-password');
    expect((await state(core, user.id)).locked).toBe(true);
    await core.policies.patchInstance(systemContext, { maxFailedPasswordAttempts: 0 });
    expect((await state(core, user.id)).locked).toBe(false);
    for (let i = 0; i < 20; i++) expect(await signIn(core, 'wrong-password')).toBe('invalid_credentials');
    // Still counted (the same work as any refusal), never locking.
    expect(await state(core, user.id)).toEqual({ locked: false, lockedUntilMs: null, failedPasswordAttempts: 22 });
    expect(await signIn(core, PW)).toBe('ok');
    // Back on: the success cleared the old lock, and failures were not counted while off.
    await core.policies.patchInstance(systemContext, { maxFailedPasswordAttempts: 2 });
    expect(await state(core, user.id)).toEqual({ locked: false, lockedUntilMs: null, failedPasswordAttempts: 0 });
  });

  it("a changed policy applies to existing locks at once, and an organization's override to its users", async () => {
    const { core, clock, user } = await newCore({ maxFailedPasswordAttempts: 2, lockoutSeconds: 3600 });
    for (let i = 0; i < 2; i++) await signIn(core, 'wrong-password');
    clock.advanceSeconds(120);
    expect((await state(core, user.id)).locked).toBe(true);
    await core.policies.patchInstance(systemContext, { lockoutSeconds: 60 });
    expect((await state(core, user.id)).locked).toBe(false);
    expect(await signIn(core, PW)).toBe('ok');

    await core.organizations.create(systemContext, { id: 'acme', name: 'Acme' });
    await core.policies.setOverride(systemContext, 'acme', { maxFailedPasswordAttempts: 5 }, false);
    const bob = await core.users.create(systemContext, { loginName: 'bob', password: PW, organizationId: 'acme' });
    const bobIn = (password: string) => code(core.sessions.signIn({ organizationId: 'acme', loginName: 'bob', password }));
    for (let i = 0; i < 4; i++) await bobIn('wrong-password');
    expect((await state(core, bob.id)).locked).toBe(false);
    await bobIn('wrong-password');
    expect(await state(core, bob.id)).toMatchObject({ locked: true, failedPasswordAttempts: 5 });
    expect(await bobIn(PW)).toBe('invalid_credentials');
  });

  it("an unknown login name counts against no user; a disabled user's sign-in is refused and counted like any refusal", async () => {
    const { core, user } = await newCore({ maxFailedPasswordAttempts: 2, lockoutSeconds: 0 });
    for (let i = 0; i < 5; i++) expect(await signIn(core, 'wrong-password', 'nobody')).toBe('invalid_credentials');
    expect((await state(core, user.id)).failedPasswordAttempts).toBe(0);
    await core.users.setDisabled(systemContext, user.id, true);
    expect(await signIn(core, PW)).toBe('invalid_credentials');
    expect((await state(core, user.id)).failedPasswordAttempts).toBe(1);
  });

  it('unknown login names are spread over 64 counters, the same name always on the same one', () => {
    expect(unknownLoginBucket('default', 'Nobody')).toBe(unknownLoginBucket('default', 'nobody'));
    const buckets = new Set(Array.from({ length: 2000 }, (_, i) => unknownLoginBucket('default', `name-${i}`)));
    expect(buckets.size).toBe(UNKNOWN_LOGIN_BUCKETS);
    for (const b of buckets) expect(b).toBeGreaterThanOrEqual(0);
    for (const b of buckets) expect(b).toBeLessThan(UNKNOWN_LOGIN_BUCKETS);
  });
});
