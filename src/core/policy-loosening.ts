import type { Clock } from './clock.js';
import type { Policy } from './policy.js';
import type { CoreObserver, EventStore, NewEvent, OpenSessionWindow, SessionActivityStore, SessionScanRow, SessionStore, Transactions } from './ports.js';
import { evaluateSession } from './session-rules.js';

// "Ended is final" (NIST SP 800-63B-4 §5.2): a session whose absolute or idle deadline passed under
// the policy in force then stays ended, even when a looser policy would call it active today.
// Time ends are otherwise derived, not stored (a tighter policy must bite at once, on every node,
// without touching rows), so a loosening change first stores the ends it would otherwise undo:
// the sessions dead under the policy before the change and alive under the one after it. Only
// that band of creation and last-use times is read (indexed ranges), never every session.

/** Which sessions a change of policy governs: some organizations, or all but some. */
export type OrganizationFilter = OpenSessionWindow['organizations'];

/** Sessions of `organizations` governed by `before` until the change and by `after` from then on. */
export interface PolicyScope {
  organizations: OrganizationFilter;
  before: Policy;
  after: Policy;
}

/**
 * Stored last uses may lag a use by the activity flush interval (about a second; longer only
 * while storage is down), so bands on last use start this much earlier: a row whose stored time
 * looks older than its real one is still read and judged with its newest known use.
 */
const LAST_USE_LAG_MS = 60_000;
const PAGE = 500;
/** Bulk passes after the first, each over the time the previous one took. */
const MAX_CATCH_UP_PASSES = 5;

type Window = Omit<OpenSessionWindow, 'organizations' | 'cursor' | 'limit'>;

/**
 * The bands of sessions a change from `before` to `after` would revive at `nowMs`: dead under
 * `before` by one deadline, yet alive under `after` (by the stored times, with the lag margin).
 * With `sinceMs` (an earlier pass at that time already ended the older part of each band), only
 * the part whose deadline under `before` passed since then.
 */
export function revivalWindows(before: Policy, after: Policy, nowMs: number, sinceMs?: number): Window[] {
  const windows: Window[] = [];
  const createdAliveAfterMs = nowMs - after.maxLifetimeSeconds * 1000;
  const usedAliveAfterMs = after.idleTimeoutSeconds > 0 ? nowMs - after.idleTimeoutSeconds * 1000 - LAST_USE_LAG_MS : null;
  if (after.maxLifetimeSeconds > before.maxLifetimeSeconds) {
    const deadAtOrBefore = nowMs - before.maxLifetimeSeconds * 1000;
    const earlierPass = sinceMs === undefined ? -Infinity : sinceMs - before.maxLifetimeSeconds * 1000;
    windows.push({
      by: 'createdAtMs',
      afterMs: Math.max(createdAliveAfterMs, earlierPass),
      upToMs: deadAtOrBefore,
      ...(usedAliveAfterMs === null ? {} : { lastActiveAfterMs: usedAliveAfterMs }),
    });
  }
  const idleLoosened = before.idleTimeoutSeconds > 0 && (after.idleTimeoutSeconds === 0 || after.idleTimeoutSeconds > before.idleTimeoutSeconds);
  if (idleLoosened) {
    const deadAtOrBefore = nowMs - before.idleTimeoutSeconds * 1000;
    const earlierPass = sinceMs === undefined ? -Infinity : sinceMs - before.idleTimeoutSeconds * 1000 - LAST_USE_LAG_MS;
    windows.push({
      by: 'lastActiveAtMs',
      afterMs: Math.max(usedAliveAfterMs ?? -Infinity, earlierPass, 0),
      upToMs: deadAtOrBefore,
      createdAfterMs: createdAliveAfterMs,
    });
  }
  return windows.filter((w) => w.afterMs < w.upToMs);
}

/** True when the change could revive a session of the scope (some deadline moved later). */
export const loosens = (s: PolicyScope, nowMs: number): boolean => revivalWindows(s.before, s.after, nowMs).length > 0;

export interface LooseningDeps {
  store: SessionStore & SessionActivityStore & Transactions<SessionStore & EventStore>;
  clock: Clock;
  /** Told of each end stored (metrics count it once per session, with the ends validations find). */
  observer?: CoreObserver | undefined;
}

/**
 * Stores the time ends that a change of policy would otherwise undo, so it can take effect.
 * `endBefore` runs first, outside the change's transaction, in pages of its own transactions
 * (bounded work per transaction however many sessions there are); `endInChange` runs inside it,
 * for what crossed a deadline meanwhile, so nothing dead at the moment of the change survives it.
 */
export class LooseningGuard {
  constructor(private readonly d: LooseningDeps) {}

  /**
   * The bulk passes, before the change's transaction: the whole bands, then again what crossed a
   * deadline during the previous pass, until a pass finds less than a page (a long first pass over
   * a million sessions must not leave minutes of crossings to the change's own transaction).
   * Returns when the last pass began, for `endInChange`.
   */
  async endBefore(scopes: readonly PolicyScope[], actor: string): Promise<{ atMs: number; ended: number }> {
    let pass = await this.bulkPass(scopes, actor);
    let ended = pass.ended;
    for (let i = 0; i < MAX_CATCH_UP_PASSES && pass.ended >= PAGE; i++) {
      pass = await this.bulkPass(scopes, actor, pass.atMs);
      ended += pass.ended;
    }
    return { atMs: pass.atMs, ended };
  }

  private async bulkPass(scopes: readonly PolicyScope[], actor: string, sinceMs?: number): Promise<{ atMs: number; ended: number }> {
    const atMs = this.d.clock.nowMs();
    let ended = 0;
    if (!scopes.some((s) => loosens(s, atMs))) return { atMs, ended };
    await this.d.store.flush(); // this node's recorded uses, so its stored times are exact
    for (const scope of scopes) {
      for (const w of revivalWindows(scope.before, scope.after, atMs, sinceMs)) {
        const window: OpenSessionWindow = { ...w, organizations: scope.organizations, cursor: null, limit: PAGE };
        for (;;) {
          const rows = await this.d.store.scanOpenSessionsInWindow(window);
          if (rows.length > 0) ended += await this.d.store.transaction((tx) => this.endDead(tx, rows, scope.before, atMs, actor));
          const last = rows.at(-1);
          if (rows.length < PAGE || !last) break;
          window.cursor = { atMs: last[w.by], id: last.id };
        }
      }
    }
    return { atMs, ended };
  }

  /**
   * Inside the change's transaction: the sessions whose deadline under `before` passed since the
   * bulk pass at `sinceMs` (all of the bands when there was none, or when what the transaction
   * read is not what that pass judged by: another node changed the policy meanwhile).
   */
  async endInChange(tx: SessionStore & EventStore, scopes: readonly PolicyScope[], actor: string, sinceMs?: number): Promise<number> {
    const atMs = this.d.clock.nowMs();
    let ended = 0;
    for (const scope of scopes) {
      for (const w of revivalWindows(scope.before, scope.after, atMs, sinceMs)) {
        const window: OpenSessionWindow = { ...w, organizations: scope.organizations, cursor: null, limit: PAGE };
        for (;;) {
          const rows = await tx.scanOpenSessionsInWindow(window);
          ended += await this.endDead(tx, rows, scope.before, atMs, actor);
          const last = rows.at(-1);
          if (rows.length < PAGE || !last) break;
          window.cursor = { atMs: last[w.by], id: last.id };
        }
      }
    }
    return ended;
  }

  /** Ends (with their events) the rows that `before` calls ended at `atMs`, each at its deadline. */
  private async endDead(tx: SessionStore & EventStore, rows: readonly SessionScanRow[], before: Policy, atMs: number, actor: string): Promise<number> {
    const byReason = { expired: new Map<string, number>(), idle_timeout: new Map<string, number>() };
    const orgOf = new Map<string, string>();
    for (const row of rows) {
      const v = evaluateSession(this.d.store.withPendingActivity(row), before, atMs);
      if (v.active || (v.reason !== 'expired' && v.reason !== 'idle_timeout')) continue;
      byReason[v.reason].set(row.id, v.endedAtMs);
      orgOf.set(row.id, row.organizationId);
    }
    let ended = 0;
    for (const reason of ['expired', 'idle_timeout'] as const) {
      const deadlines = byReason[reason];
      if (deadlines.size === 0) continue;
      const ids = await tx.endSessions([...deadlines.keys()], reason, deadlines);
      await tx.appendEvents(
        ids.map(
          (id): NewEvent => ({
            aggregateType: 'session',
            aggregateId: id,
            type: `session.${reason}`,
            actor,
            organizationId: orgOf.get(id) ?? null,
            atMs,
            data: { reason, endedAtMs: deadlines.get(id) ?? atMs, cause: 'policy_loosened' },
          }),
        ),
      );
      for (const id of ids) this.d.observer?.timeEnded(reason, id);
      ended += ids.length;
    }
    return ended;
  }
}
