import type { SessionRecord } from '../core/ports.js';

/**
 * Sessions by token hash, in memory, so that validating a busy token costs no storage read.
 *
 * Correctness rests on one rule: every write that changes a stored session (end, update,
 * delete) calls `forget(id)` for it, and last use is applied with `touch` so a cached
 * record is never older than the activity buffer. Only found sessions are cached (an unknown
 * token always reads storage). Bounded: the least recently used entries go first. Records
 * handed out are shared, so callers treat them as immutable (the core copies before changing).
 */
export class SessionCache {
  private readonly byHash = new Map<string, SessionRecord>();
  private readonly hashById = new Map<string, string>();
  /** Lookups answered from memory, and those that had to read storage (for metrics). */
  hits = 0;
  misses = 0;

  constructor(private readonly maxEntries: number) {}

  get size(): number {
    return this.byHash.size;
  }

  /** The cached session; a miss is counted by `countMiss` where storage is then read. */
  get(tokenHash: string): SessionRecord | undefined {
    const s = this.byHash.get(tokenHash);
    if (s === undefined) return undefined;
    this.hits++;
    // Map keeps insertion order: moving a hit to the end makes the first key the least recently used.
    this.byHash.delete(tokenHash);
    this.byHash.set(tokenHash, s);
    return s;
  }

  countMiss(): void {
    this.misses++;
  }

  set(s: SessionRecord): void {
    if (this.maxEntries <= 0) return;
    const old = this.hashById.get(s.id);
    if (old !== undefined && old !== s.tokenHash) this.byHash.delete(old);
    this.byHash.delete(s.tokenHash);
    this.byHash.set(s.tokenHash, s);
    this.hashById.set(s.id, s.tokenHash);
    if (this.byHash.size > this.maxEntries) {
      const [hash, lru] = this.byHash.entries().next().value as [string, SessionRecord];
      this.byHash.delete(hash);
      this.hashById.delete(lru.id);
    }
  }

  /** Applies a use (same rule as the activity buffer: never moves backwards). */
  touch(id: string, atMs: number, ip: string | null): void {
    const hash = this.hashById.get(id);
    if (hash === undefined) return;
    const s = this.byHash.get(hash);
    if (s === undefined || atMs <= s.lastActiveAtMs) return;
    this.byHash.set(hash, { ...s, lastActiveAtMs: atMs, lastIp: ip ?? s.lastIp });
  }

  /** Drops a session after a write changed or deleted it. */
  forget(id: string): void {
    const hash = this.hashById.get(id);
    if (hash === undefined) return;
    this.hashById.delete(id);
    this.byHash.delete(hash);
  }

  clear(): void {
    this.byHash.clear();
    this.hashById.clear();
  }
}
