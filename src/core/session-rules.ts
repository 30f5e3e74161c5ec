import type { Policy } from './policy.js';

export type EndReason = 'expired' | 'idle_timeout' | 'revoked' | 'evicted' | 'rotated' | 'unknown';
/**
 * Reasons stored on a session row. Time ends are derived from the current policy, and stored only
 * when a looser policy would otherwise undo them (core/policy-loosening.ts): ended is final.
 */
export type StoredEndReason = 'revoked' | 'evicted' | 'expired' | 'idle_timeout';

/** True for ends that removed the session (revoked, evicted), as opposed to ends by time. */
export const endedByRemoval = (s: Pick<SessionTimes, 'endReason'>): boolean => s.endReason === 'revoked' || s.endReason === 'evicted';

/** The facts about a session that the rules need; all times in ms since the epoch. */
export interface SessionTimes {
  createdAtMs: number;
  lastActiveAtMs: number;
  /** A per-session expiry set by the client (ZITADEL `lifetime`), on top of the policy's. */
  expiresAtMs: number | null;
  endedAtMs: number | null;
  endReason: StoredEndReason | null;
}

export type Verdict =
  | {
      active: true;
      /** When the session ends however active it is (policy lifetime or its own expiry). */
      absoluteDeadlineMs: number;
      /** When it ends if unused from now on; null when the idle timeout is off. */
      idleDeadlineMs: number | null;
    }
  | { active: false; reason: EndReason; endedAtMs: number };

/**
 * Decides whether a session is active now under the given (current, effective) policy.
 * Applying today's policy to the stored creation time and last activity is what makes
 * a tightened policy bite at once.
 */
export function evaluateSession(s: SessionTimes, policy: Policy, nowMs: number): Verdict {
  if (s.endedAtMs !== null) return { active: false, reason: s.endReason ?? 'revoked', endedAtMs: s.endedAtMs };
  const absoluteDeadlineMs = absoluteDeadline(s, policy);
  if (nowMs >= absoluteDeadlineMs) return { active: false, reason: 'expired', endedAtMs: absoluteDeadlineMs };
  const idleDeadlineMs = policy.idleTimeoutSeconds > 0 ? s.lastActiveAtMs + policy.idleTimeoutSeconds * 1000 : null;
  if (idleDeadlineMs !== null && nowMs >= idleDeadlineMs) {
    return { active: false, reason: 'idle_timeout', endedAtMs: idleDeadlineMs };
  }
  return { active: true, absoluteDeadlineMs, idleDeadlineMs };
}

/** The earlier of the policy's absolute lifetime and the session's own expiry. */
export function absoluteDeadline(s: Pick<SessionTimes, 'createdAtMs' | 'expiresAtMs'>, policy: Policy): number {
  const byPolicy = s.createdAtMs + policy.maxLifetimeSeconds * 1000;
  return s.expiresAtMs === null ? byPolicy : Math.min(byPolicy, s.expiresAtMs);
}

/** True when the session is active now. */
export const isActive = (s: SessionTimes, policy: Policy, nowMs: number): boolean => evaluateSession(s, policy, nowMs).active;

/**
 * Which of a user's open sessions must end so a new one fits under `limit`
 * (0 = unlimited): the oldest first. Returns [] when there is room.
 */
export function sessionsToEvict<T extends SessionTimes & { id: string }>(open: readonly T[], policy: Policy, limit: number, nowMs: number): T[] {
  if (limit <= 0) return [];
  const active = open.filter((s) => isActive(s, policy, nowMs)).sort((a, b) => a.createdAtMs - b.createdAtMs);
  const excess = active.length - limit + 1;
  return excess > 0 ? active.slice(0, excess) : [];
}
