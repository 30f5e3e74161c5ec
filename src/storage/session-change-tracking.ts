import type { SqlRepo } from './sql-repo.js';

/**
 * Told the ids of sessions a write is about to change (end, update). It may return a promise
 * (PostgreSQL + Redis: the shared cache is invalidated before the write), which the write awaits.
 */
export type SessionChangeSink = (ids: readonly string[]) => void | Promise<void>;

// biome-ignore lint/suspicious/noExplicitAny: the mixin pattern needs an any-args constructor
type RepoClass = abstract new (...args: any[]) => SqlRepo;

/**
 * The one place that knows which writes change a stored session: a repository class whose
 * `endSessions`/`updateSession` first tell `changeSink` the ids (before the write, so a read
 * on the same connection between the write and the commit cannot be answered from a cache).
 * Used by every store with a session cache (SQLite, PostgreSQL+Redis), in and out of transactions.
 */
export function trackSessionChanges<B extends RepoClass>(Base: B) {
  abstract class Tracking extends Base {
    changeSink: SessionChangeSink | null = null;

    override async endSessions(ids: readonly string[], reason: Parameters<SqlRepo['endSessions']>[1], atMs: Parameters<SqlRepo['endSessions']>[2]) {
      const pending = this.changeSink?.(ids);
      if (pending) await pending;
      return super.endSessions(ids, reason, atMs);
    }

    override async updateSession(id: string, c: Parameters<SqlRepo['updateSession']>[1]) {
      const pending = this.changeSink?.([id]);
      if (pending) await pending;
      return super.updateSession(id, c);
    }
  }
  return Tracking;
}
