import { performance } from 'node:perf_hooks';
import type { SessionRecord } from '../core/ports.js';
import type { SessionCache } from './session-cache.js';
import type { SessionChangeSink } from './session-change-tracking.js';

/**
 * A session another node said it is changing (before its commit) is kept out of memory until
 * that node says the change is done, or this long (the Redis tombstone's time): a row read
 * meanwhile may predate the commit, and a node that dies right after its commit sends nothing more.
 */
const CHANGING_MS = 5_000;

/**
 * The rules that keep a store's in-memory session cache from answering with a stale session,
 * shared by the SQLite store and the PostgreSQL store with Redis:
 * - every write that changes a session forgets it before the write (nothing read before the
 *   commit may stay cached) and again once the write or its transaction is over (committed,
 *   rolled back or unknown);
 * - a row read from storage is cached only if nothing was forgotten or cleared while it was
 *   being read (the `generation`), the cache is trusted, and no change of that session is under way;
 * - the cache is answered from and filled only while `trusted()` holds (SQLite: always;
 *   PostgreSQL: while Redis messages arrive and the epoch is current).
 */
export class CacheCoherence {
  /**
   * Bumped on every invalidation (local or from another node) and every loss of trust: a read
   * that started before one must not put its (possibly older) row into the cache.
   */
  private generation = 0;
  /** Sessions being changed (id → until, performance.now()), in expiry order; see CHANGING_MS. */
  private readonly changing = new Map<string, number>();

  constructor(
    private readonly cache: SessionCache,
    private readonly trusted: () => boolean = () => true,
  ) {}

  /** The cached session, while the cache is trusted. */
  find(tokenHash: string): SessionRecord | undefined {
    return this.trusted() ? this.cache.get(tokenHash) : undefined;
  }

  /** Marks the start of a storage read; its row goes to `offer` with this mark. */
  readStarted(): number {
    return this.generation;
  }

  /** Caches a row read since `mark` only if no invalidation arrived meanwhile, the cache is trusted, and no change of it is under way. */
  offer(s: SessionRecord, mark: number): void {
    if (mark === this.generation && this.trusted() && !this.isChanging(s.id)) this.cache.set(s);
  }

  /** Forgets these sessions; `changing`: a change of theirs is about to commit (see CHANGING_MS), else it is done. */
  forget(ids: readonly string[], changing = false): void {
    this.generation++;
    const until = performance.now() + CHANGING_MS;
    for (const id of ids) {
      this.cache.forget(id);
      // Re-inserted, so that the map stays in expiry order.
      this.changing.delete(id);
      if (changing) this.changing.set(id, until);
    }
    if (changing) this.pruneChanging();
  }

  /** Forgets everything: changes may have been missed (another writer, lost messages, a moved epoch). */
  clear(): void {
    this.generation++;
    this.cache.clear();
  }

  /**
   * A transaction's change sink: each write's sessions are noted in `changed` and forgotten before
   * the write (`changing` as for `forget`), then `beforeWrite` runs (the write awaits it). The
   * caller forgets `changed` again once the transaction is over.
   */
  changeSink(changed: Set<string>, changing: boolean, beforeWrite?: SessionChangeSink): SessionChangeSink {
    return (ids) => {
      for (const id of ids) changed.add(id);
      this.forget(ids, changing);
      return beforeWrite?.(ids);
    };
  }

  /** Applies a use to the cached copy (see SessionCache.touch). */
  touch(id: string, atMs: number, ip: string | null): void {
    this.cache.touch(id, atMs, ip);
  }

  countMiss(): void {
    this.cache.countMiss();
  }

  stats(): { entries: number; hits: number; misses: number } {
    return { entries: this.cache.size, hits: this.cache.hits, misses: this.cache.misses };
  }

  private isChanging(id: string): boolean {
    const until = this.changing.get(id);
    return until !== undefined && until > performance.now();
  }

  /** Drops expired marks (those of changes whose "done" never came), oldest first. */
  private pruneChanging(): void {
    const now = performance.now();
    for (const [id, until] of this.changing) {
      if (until > now) break;
      this.changing.delete(id);
    }
  }
}
