import { LRUCache } from 'lru-cache';
import type { SessionRecord } from '../core/ports.js';

/**
 * Sessions by token hash, in memory, so that validating a busy token costs no storage read.
 *
 * Correctness rests on one rule: every write that changes a stored session (end, update,
 * delete) calls `forget(id)` for it, and last use is applied with `touch` so a cached
 * record is never older than the activity buffer. Only found sessions are cached (an unknown
 * token always reads storage). Bounded: the least recently used entries go first (lru-cache).
 * Records handed out are shared, so callers treat them as immutable (the core copies before
 * changing); the cache itself only moves a cached record's last use forward in place (`touch`),
 * which a holder may see: never an older use, never another field.
 */
export class SessionCache {
  private readonly byHash: LRUCache<string, SessionRecord> | null;
  private readonly hashById = new Map<string, string>();
  /** Lookups answered from memory, and those that had to read storage (for metrics). */
  hits = 0;
  misses = 0;

  /** `ttlMs` (optional): an entry is trusted at most this long after it was read from storage. */
  constructor(maxEntries: number, ttlMs?: number) {
    this.byHash =
      maxEntries > 0
        ? new LRUCache<string, SessionRecord>({
            max: maxEntries,
            ...(ttlMs ? { ttl: ttlMs } : {}),
            // Keep the id index in step when an entry leaves (eviction or delete), not when it is replaced.
            dispose: (s, hash, reason) => {
              if (reason !== 'set' && this.hashById.get(s.id) === hash) this.hashById.delete(s.id);
            },
          })
        : null;
  }

  get size(): number {
    return this.byHash?.size ?? 0;
  }

  /** The cached session; a miss is counted by `countMiss` where storage is then read. */
  get(tokenHash: string): SessionRecord | undefined {
    const s = this.byHash?.get(tokenHash);
    if (s !== undefined) this.hits++;
    return s;
  }

  countMiss(): void {
    this.misses++;
  }

  set(s: SessionRecord): void {
    if (!this.byHash) return;
    const old = this.hashById.get(s.id);
    if (old !== undefined && old !== s.tokenHash) this.byHash.delete(old);
    this.byHash.set(s.tokenHash, s);
    this.hashById.set(s.id, s.tokenHash);
  }

  /** Applies a use (same rule as the activity buffer: never moves backwards). */
  touch(id: string, atMs: number, ip: string | null): void {
    const hash = this.hashById.get(id);
    if (hash === undefined || !this.byHash) return;
    const s = this.byHash.peek(hash);
    if (s === undefined || atMs <= s.lastActiveAtMs) return;
    // In place: a copy per use (put back into the cache) was promoted out of the young generation
    // every time, ~3 µs per validation. The lookup that led to this use already made it recent.
    s.lastActiveAtMs = atMs;
    s.lastIp = ip ?? s.lastIp;
  }

  /** Drops a session after a write changed or deleted it. */
  forget(id: string): void {
    const hash = this.hashById.get(id);
    if (hash === undefined) return;
    this.hashById.delete(id);
    this.byHash?.delete(hash);
  }

  clear(): void {
    this.byHash?.clear();
    this.hashById.clear();
  }
}
