import { type AuthContext, requirePermission } from './auth.js';
import type { Clock } from './clock.js';
import type { PolicyService } from './policies.js';
import type { EventStore, SessionActivityStore, SessionStore } from './ports.js';
import { evaluateSession } from './session-rules.js';
import { openSessions } from './session-scan.js';

/** Sessions ended within the window, by reason. */
export interface EndedByReason {
  expired: number;
  idle_timeout: number;
  revoked: number;
  evicted: number;
}

export interface SessionsOverview {
  /** Sessions active now under the current policies. */
  activeSessions: number;
  /** Distinct users with at least one active session. */
  activeUsers: number;
  /** Active sessions of API credentials (client-credentials sign-ins). */
  activeCredentialSessions: number;
  windowStartMs: number;
  nowMs: number;
  /** Sessions ended since `windowStartMs`. */
  ended: EndedByReason;
}

const EVENT_PAGE = 1_000;
/** An overview is reused this long per scope: open consoles refresh it, and each asks for a scan of every session. */
const REUSE_MS = 5_000;

/**
 * The state of the sessions at a glance (the admin console's overview). Time-based ends are
 * mostly not stored, so they are found by judging the sessions not removed with the current
 * policies (the same rule as validation; a stored time end judges as itself); revocations and
 * evictions are counted from their events.
 */
export class Overview {
  private readonly recent = new Map<string, { atMs: number; windowMs: number; value: Promise<SessionsOverview> }>();

  constructor(private readonly d: { store: SessionStore & SessionActivityStore & EventStore; clock: Clock; policies: PolicyService }) {}

  /** The overview of the caller's scope; callers of one scope within REUSE_MS share one scan. */
  sessions(ctx: AuthContext | null, windowMs: number): Promise<SessionsOverview> {
    const c = requirePermission(ctx, 'sessions:read');
    const key = c.organizationId ?? '';
    const nowMs = this.d.clock.nowMs();
    const hit = this.recent.get(key);
    if (hit && hit.windowMs === windowMs && nowMs - hit.atMs < REUSE_MS && nowMs >= hit.atMs) return hit.value;
    const value = this.compute(c, windowMs);
    this.recent.set(key, { atMs: nowMs, windowMs, value });
    value.catch(() => this.recent.delete(key));
    return value;
  }

  private async compute(c: AuthContext, windowMs: number): Promise<SessionsOverview> {
    const nowMs = this.d.clock.nowMs();
    const windowStartMs = nowMs - windowMs;
    const o: SessionsOverview = {
      activeSessions: 0,
      activeUsers: 0,
      activeCredentialSessions: 0,
      windowStartMs,
      nowMs,
      ended: { expired: 0, idle_timeout: 0, revoked: 0, evicted: 0 },
    };
    const users = new Set<string>();
    for await (const page of openSessions(this.d.store, c.organizationId)) {
      for (const s of page) {
        const v = evaluateSession(s, this.d.policies.effective(s.organizationId), nowMs);
        if (v.active) {
          o.activeSessions++;
          if (s.subjectType === 'user') users.add(s.subjectId);
          else o.activeCredentialSessions++;
        } else if ((v.reason === 'expired' || v.reason === 'idle_timeout') && v.endedAtMs >= windowStartMs) {
          o.ended[v.reason]++;
        }
      }
    }
    o.activeUsers = users.size;
    o.ended.revoked = await this.countEvents(c, 'session.revoked', windowStartMs);
    o.ended.evicted = await this.countEvents(c, 'session.evicted', windowStartMs);
    return o;
  }

  private async countEvents(c: AuthContext, type: string, sinceMs: number): Promise<number> {
    let n = 0;
    for (let afterId: number | undefined; ; ) {
      const page = await this.d.store.listEvents({
        type,
        sinceMs,
        limit: EVENT_PAGE,
        ...(afterId === undefined ? {} : { afterId }),
        ...(c.organizationId ? { organizationId: c.organizationId } : {}),
      });
      n += page.length;
      if (page.length < EVENT_PAGE) return n;
      afterId = page.at(-1)?.id;
    }
  }
}
