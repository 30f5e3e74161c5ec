import type { Clock } from './clock.js';
import type { PolicyService } from './policies.js';
import type { Policy } from './policy.js';
import { type EventStore, loginKey, type PasswordHasher, type Transactions, type User, type UserStore } from './ports.js';
import { hashSecret } from './tokens.js';

/**
 * The one password rule (OWASP ASVS V2.2.1, ZITADEL's lockout policy): every check of a user's
 * password — native sign-in, ZITADEL password checks, a password change — goes through
 * `PasswordChecker.check`, so they share one count of refused checks and one lock.
 *
 * - `maxFailedPasswordAttempts` refused checks in a row lock the user (0 = no lockout);
 * - a lock lasts `lockoutSeconds` (0 = until an administrator unlocks the user), judged with the
 *   current policy, so a changed policy applies to existing locks at once;
 * - while locked, every check is refused, the right password too (and counted, as refused);
 * - a success (not locked) and an unlock set the count to 0; an expired lock starts it again;
 * - the count is a column of the user row, changed in one atomic statement per refusal (no count
 *   is lost between nodes; refusals are counted with lockout off too, and lock once it is on), and
 *   a success re-reads the row after hashing, so a lock set meanwhile by concurrent failures wins;
 * - events: `user.locked` (once per lock, with the count and the end of the lock) and
 *   `user.unlocked` (an administrator's unlock); single refusals are counted, not recorded.
 *
 * Same work for every refusal, so its time tells nothing: one argon2 verification (a dummy hash of
 * the same cost for an unknown login name) and one single-statement write — the user's count for
 * a known user (wrong password, locked, or disabled), one of UNKNOWN_LOGIN_BUCKETS counters for an
 * unknown name (chosen by the name, so repeated tries of one name contend on one row as they would
 * on a user's). Only the refusal that locks an account writes once more (its `user.locked` event).
 */
export type PasswordVerdict = 'ok' | 'wrong' | 'locked';

/** A user's lockout state under a policy, as administrators see it. */
export interface LockState {
  locked: boolean;
  /** End of the lock; null when not locked or locked until an administrator unlocks. */
  lockedUntilMs: number | null;
  /** Refused password checks counted toward the next lock (0 after an expired lock). */
  failedPasswordAttempts: number;
}

/** Locks set at or before this time (ms) have expired; null: locks do not expire (or lockout is off). */
export function expiredLockAtOrBeforeMs(policy: Policy, nowMs: number): number | null {
  return policy.lockoutSeconds > 0 ? nowMs - policy.lockoutSeconds * 1000 : null;
}

/** Whether the user is locked now under the policy, until when, and the count toward the next lock. */
export function lockStateOf(user: Pick<User, 'failedPasswordAttempts' | 'lockedAtMs'>, policy: Policy, nowMs: number): LockState {
  if (policy.maxFailedPasswordAttempts === 0) return { locked: false, lockedUntilMs: null, failedPasswordAttempts: user.failedPasswordAttempts };
  if (user.lockedAtMs === null) return { locked: false, lockedUntilMs: null, failedPasswordAttempts: user.failedPasswordAttempts };
  if (policy.lockoutSeconds === 0) return { locked: true, lockedUntilMs: null, failedPasswordAttempts: user.failedPasswordAttempts };
  const untilMs = user.lockedAtMs + policy.lockoutSeconds * 1000;
  return nowMs < untilMs
    ? { locked: true, lockedUntilMs: untilMs, failedPasswordAttempts: user.failedPasswordAttempts }
    : { locked: false, lockedUntilMs: null, failedPasswordAttempts: 0 };
}

export interface PasswordCheckDeps {
  store: UserStore & Transactions<UserStore & EventStore>;
  clock: Clock;
  hasher: PasswordHasher;
  policies: PolicyService;
}

/** Where a check came from, for the events it records. */
export interface CheckOrigin {
  /** Event actor: `anonymous` for a sign-in, the caller's actor otherwise. */
  actor: string;
  /** `sign_in`, `session_check`, `password_change`. */
  via: string;
  ip?: string | null | undefined;
}

/** Counters of failed sign-ins with unknown login names (see the note at the top). */
export const UNKNOWN_LOGIN_BUCKETS = 64;

/** The counter of an unknown login name: the same name always lands on the same one. */
export function unknownLoginBucket(organizationId: string, loginName: string): number {
  return Number.parseInt(hashSecret(`${organizationId}\u0000${loginKey(loginName)}`).slice(0, 8), 16) % UNKNOWN_LOGIN_BUCKETS;
}

export class PasswordChecker {
  constructor(private readonly d: PasswordCheckDeps) {}

  /**
   * Checks a password. A known user's refusals are counted (and `user.locked` recorded when one
   * locks the user): a wrong password, any password while locked, and any password when `refuse`
   * says the account cannot sign in (disabled). An unknown user (`user` undefined) is checked
   * against a dummy hash and counted under `unknown` (its organization and login name).
   */
  async check(
    user: User | undefined,
    password: string,
    origin: CheckOrigin,
    o: { refuse?: 'disabled' | undefined; unknown?: { organizationId: string; loginName: string } | undefined } = {},
  ): Promise<PasswordVerdict> {
    if (!user) {
      await this.d.hasher.verifyDummy(password);
      const u = o.unknown ?? { organizationId: '', loginName: '' };
      await this.d.store.countUnknownLoginFailure(unknownLoginBucket(u.organizationId, u.loginName));
      return 'wrong';
    }
    const ok = await this.d.hasher.verify(user.passwordHash, password);
    const policy = this.d.policies.effective(user.organizationId);
    if (!ok) return this.refused(user, policy, origin, 'wrong_password');
    if (o.refuse) return this.refused(user, policy, origin, o.refuse);
    const now = this.d.clock.nowMs();
    // Locked as read with the user: refused with the same work as a wrong password (no extra read).
    if (lockStateOf(user, policy, now).locked) return this.refused(user, policy, origin, 'locked');
    // Read again: failures counted while this hash was computed may have locked the user since.
    const fresh = await this.d.store.getUser(user.id);
    if (!fresh) return this.refused(user, policy, origin, 'wrong_password'); // deleted meanwhile: nothing to count
    if (lockStateOf(fresh, policy, now).locked) return this.refused(user, policy, origin, 'locked');
    if (fresh.failedPasswordAttempts !== 0 || fresh.lockedAtMs !== null) {
      // Keeps a lock set by failures since the read; with lockout off, old locks go too.
      await this.d.store.clearPasswordFailures(user.id, {
        keepLockInForce: policy.maxFailedPasswordAttempts > 0,
        expiredLockAtOrBeforeMs: expiredLockAtOrBeforeMs(policy, now),
      });
    }
    return 'ok';
  }

  /** The lockout state of a user now. */
  lockState(user: User): LockState {
    return lockStateOf(user, this.d.policies.effective(user.organizationId), this.d.clock.nowMs());
  }

  /**
   * Ends a user's lock and sets the count to 0, with a `user.unlocked` event when there was
   * something to clear. Returns whether there was.
   */
  async unlock(user: User, actor: string): Promise<boolean> {
    const before = this.lockState(user);
    return this.d.store.transaction(async (tx) => {
      const changed = await tx.clearPasswordFailures(user.id, { keepLockInForce: false, expiredLockAtOrBeforeMs: null });
      if (changed) {
        await tx.appendEvent({
          aggregateType: 'user',
          aggregateId: user.id,
          type: 'user.unlocked',
          actor,
          organizationId: user.organizationId,
          atMs: this.d.clock.nowMs(),
          data: { wasLocked: before.locked, failedPasswordAttempts: user.failedPasswordAttempts },
        });
      }
      return changed;
    });
  }

  /** Counts a refused check (one write); `locked` when the user was locked before it. */
  private async refused(user: User, policy: Policy, origin: CheckOrigin, reason: 'wrong_password' | 'locked' | 'disabled'): Promise<PasswordVerdict> {
    const now = this.d.clock.nowMs();
    const lockAt = policy.maxFailedPasswordAttempts;
    const count = await this.d.store.countPasswordFailure(user.id, { atMs: now, lockAt, expiredLockAtOrBeforeMs: expiredLockAtOrBeforeMs(policy, now) });
    if (count?.lockedNow) {
      await this.d.store.transaction((tx) =>
        tx.appendEvent({
          aggregateType: 'user',
          aggregateId: user.id,
          type: 'user.locked',
          actor: origin.actor,
          organizationId: user.organizationId,
          atMs: now,
          data: {
            failedPasswordAttempts: count.failedPasswordAttempts,
            lockedUntilMs: lockStateOf({ failedPasswordAttempts: count.failedPasswordAttempts, lockedAtMs: now }, policy, now).lockedUntilMs,
            via: origin.via,
            ...(policy.trackLocation && origin.ip ? { ip: origin.ip } : {}),
          },
        }),
      );
    }
    // The refusal that locks answers "wrong"; the ones after it "locked".
    const lockedBefore = count !== undefined && count.lockedAtMs !== null && !count.lockedNow && lockAt > 0;
    return lockedBefore || reason === 'locked' ? 'locked' : 'wrong';
  }
}
