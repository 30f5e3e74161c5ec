import type { Kysely, Transaction } from 'kysely';
import type { SessionRecord, SessionUse } from '../../core/ports.js';
import type { Activity } from '../activity-buffer.js';
import type { BackgroundErrorSink } from '../background.js';
import { CacheCoherence } from '../cache-coherence.js';
import { RedisBus } from '../redis-bus.js';
import { RedisSessionTier } from '../redis-session-tier.js';
import type { Database as Schema } from '../schema.js';
import { SessionCache } from '../session-cache.js';
import type { SessionChangeSink } from '../session-change-tracking.js';
import { bumpCacheEpoch, readCacheEpoch } from './cache-epoch.js';

/**
 * A session in a node's memory is re-read (from Redis, else PostgreSQL) at least this often
 * (SESSIOND_NODE_CACHE_TTL_MS). Changes do not wait for it: pub/sub, the heartbeat and the epoch
 * make them bite within a second (see `memoryTrusted`). It bounds what no message carries: uses
 * of the session made on other nodes (recorded in Redis at their flush), so an idle timeout
 * judged here may fire up to this long (+ the flush interval) early, never late.
 */
const NODE_CACHE_TTL_MS = 10_000;

export interface SharedCacheOptions {
  redis: { url: string; prefix: string; commandTimeoutMs?: number };
  /** Sessions kept in this node's memory (see SessionCache). */
  sessionCacheEntries?: number;
  /** Longest time a session is kept in this node's memory (ms; 0 = no memory tier); see NODE_CACHE_TTL_MS. */
  sessionCacheTtlMs?: number;
  /** How often the shared cache's epoch is read (ms); see RedisSessionTier. */
  cacheEpochPollMs?: number;
  onError: BackgroundErrorSink;
  /** Another node changed a policy or an organization, or messages resumed (some may have been missed). */
  onPolicyChange: () => void;
}

/** One transaction's session changes, over all its attempts. */
export interface TransactionChanges {
  /** The change sink of one attempt (its repository's). */
  sinkFor(trx: Transaction<Schema>): SessionChangeSink;
  /** After the transaction, whatever its outcome. */
  settle(): Promise<void>;
}

/**
 * The session cache of the PostgreSQL store with Redis: this node's memory tier (under
 * CacheCoherence), the shared tier in Redis (RedisSessionTier) and cross-node messages
 * (RedisBus). Every forgotten id is published on Redis so every node forgets it too; memory is
 * used only while this node's subscription is up with a fresh heartbeat and the epoch is
 * current, and cleared whenever that changes (messages may have been missed) or the epoch moves.
 * Loaded only when Redis is configured.
 */
export class SharedSessionCache {
  private readonly coherence: CacheCoherence;
  private readonly tier: RedisSessionTier;
  private readonly bus: RedisBus;
  /** How long a session can still be active under the current policy (ms); set by the core. */
  private remainingLifetimeMs: ((s: SessionRecord) => number) | null = null;

  private constructor(
    private readonly kysely: Kysely<Schema>,
    private readonly o: SharedCacheOptions,
  ) {
    const r = o.redis;
    const ttlMs = o.sessionCacheTtlMs ?? NODE_CACHE_TTL_MS;
    // A TTL of 0 means no memory tier (SessionCache would read it as "no TTL").
    const memory = new SessionCache(ttlMs > 0 ? (o.sessionCacheEntries ?? 100_000) : 0, ttlMs);
    this.coherence = new CacheCoherence(memory, () => this.memoryTrusted());
    this.tier = new RedisSessionTier({
      url: r.url,
      prefix: r.prefix,
      commandTimeoutMs: r.commandTimeoutMs ?? 250,
      readEpoch: () => readCacheEpoch(kysely),
      ...(o.cacheEpochPollMs !== undefined ? { epochPollMs: o.cacheEpochPollMs } : {}),
      // Another node could not reach Redis for a change: its message is likely lost too.
      onEpochChange: () => this.coherence.clear(),
      onError: (e) => o.onError(new Error('Redis (shared session cache) failed; answering from PostgreSQL', { cause: e }), 'redis'),
      onEpochError: (e) => o.onError(new Error('reading the shared cache epoch failed (the shared cache is not used meanwhile)', { cause: e }), 'cache_epoch'),
    });
    this.bus = new RedisBus(
      {
        url: r.url,
        prefix: r.prefix,
        commandTimeoutMs: r.commandTimeoutMs ?? 250,
        onError: (e) => o.onError(new Error('Redis (session cache invalidation)', { cause: e }), 'redis'),
      },
      {
        sessions: (ids, changing) => this.coherence.forget(ids, changing),
        policies: () => o.onPolicyChange(),
        // Subscription made or lost, heartbeat fresh or stale: messages may have been missed.
        state: (up) => {
          this.coherence.clear();
          // Policy messages may have been missed while down.
          if (up) o.onPolicyChange();
        },
      },
    );
  }

  /** Connects to Redis; does not hold the start up for long when Redis is down (the node serves from PostgreSQL meanwhile). */
  static async connect(kysely: Kysely<Schema>, o: SharedCacheOptions): Promise<SharedSessionCache> {
    const c = new SharedSessionCache(kysely, o);
    c.bus.start();
    await Promise.all([c.bus.waitUntilUp(1000), c.tier.start()]);
    return c;
  }

  /**
   * Whether this node may answer from, and fill, its memory tier now: messages arrive (the
   * subscription is up and its heartbeat came back within HEARTBEAT_MAX_AGE_MS) and the epoch
   * was read recently (a writer cut off from Redis would have been noticed). This, not the TTL,
   * bounds how long a change made elsewhere can go unseen here (about a second).
   */
  private memoryTrusted(): boolean {
    return this.bus.up && this.tier.epochCurrent;
  }

  /** This node's memory answer (none while messages may not be arriving, or the epoch is unread). */
  find(tokenHash: string): SessionRecord | undefined {
    return this.coherence.find(tokenHash);
  }

  /** Memory missed: Redis, then PostgreSQL (`readRow`, whose row then fills Redis). */
  async read(tokenHash: string, readRow: () => Promise<SessionRecord | undefined>): Promise<SessionRecord | undefined> {
    this.coherence.countMiss();
    return this.readPastMemory(tokenHash, readRow);
  }

  /** As `read`, without counting a memory miss (the port's findFreshSessionByTokenHash). */
  async readPastMemory(tokenHash: string, readRow: () => Promise<SessionRecord | undefined>): Promise<SessionRecord | undefined> {
    const mark = this.coherence.readStarted();
    const shared = await this.tier.lookup(tokenHash);
    let s: SessionRecord;
    if (shared && 'found' in shared) s = shared.found;
    else {
      const row = await readRow();
      if (!row) return undefined;
      s = row;
      if (shared) {
        const remaining = this.remainingLifetimeMs?.(s) ?? (s.expiresAtMs === null ? Number.POSITIVE_INFINITY : s.expiresAtMs - Date.now());
        s = await this.tier.fill(shared.missed, s, remaining);
      }
    }
    // Cached only if no invalidation arrived meanwhile, messages still arrive, and no change of it is under way.
    this.coherence.offer(s, mark);
    return s;
  }

  /** ms until the session's absolute deadline under the current policy (the core's clock); bounds its time in Redis. */
  useRemainingLifetime(remainingMs: (s: SessionRecord) => number): void {
    this.remainingLifetimeMs = remainingMs;
  }

  /** Tracks a transaction's session changes: forgotten everywhere before each write and after the end. */
  trackTransaction(): TransactionChanges {
    const changed = new Set<string>();
    /** The last attempt moved the cache epoch (with its changes, atomically). */
    let epochMoved = false;
    return {
      sinkFor: (trx) => {
        epochMoved = false;
        // Forget before the write too (as SQLite): nothing read before the commit may stay cached.
        // Before the commit, Redis forgets (and refuses fills), and every node forgets and keeps
        // the session out of memory until the message after the commit (CHANGING_MS): a node
        // that dies between its commit and that message leaves nothing stale. If Redis did not
        // confirm both, the epoch moves in this commit.
        return this.coherence.changeSink(changed, true, (ids) =>
          this.tellRedis(ids, true).then(async (ok) => {
            if (ok || epochMoved) return;
            epochMoved = true;
            await bumpCacheEpoch(trx);
          }),
        );
      },
      // Committed, rolled back or unknown (a lost connection during COMMIT): forget everywhere.
      settle: () => this.sessionsChanged([...changed], epochMoved),
    };
  }

  /**
   * After a change committed (or failed): this node forgets at once, the others on the message;
   * Redis forgets again (a reader may have filled it with a row read before the commit). If Redis
   * did not confirm both, the epoch moves so that no node reads what Redis or its memory holds.
   */
  async sessionsChanged(ids: readonly string[], epochMoved = false): Promise<void> {
    if (ids.length === 0) return;
    this.coherence.forget(ids);
    const ok = await this.tellRedis(ids, false);
    // A moved epoch committed with the change already puts every node on fresh keys and clears their memory.
    if (ok || epochMoved) return;
    await bumpCacheEpoch(this.kysely).catch((e: unknown) => this.o.onError(new Error('moving the shared cache epoch failed', { cause: e }), 'cache_epoch'));
  }

  /**
   * Removes the sessions' Redis copies (tombstoned) and tells the other nodes (`changing`: before
   * the commit); true when Redis confirmed both.
   */
  private async tellRedis(ids: readonly string[], changing: boolean): Promise<boolean> {
    const [invalidated, published] = await Promise.all([this.tier.invalidate(ids), this.bus.publishSessions(ids, changing)]);
    return invalidated && published;
  }

  /** Best effort: the policy poll is the fallback. */
  publishPolicies(): void {
    this.bus.publishPolicies();
  }

  /** Records a flushed batch of uses in Redis (one pipeline, read by every node). */
  async recordUses(batch: readonly Activity[]): Promise<void> {
    if (await this.tier.recordUses(batch)) return;
    // Nodes answering from Redis would not see these uses (a premature idle timeout): fresh keys for all.
    await bumpCacheEpoch(this.kysely);
  }

  /** The sessions with the newest use recorded in Redis by every node applied. */
  withRecordedUse<S extends SessionUse>(sessions: S[]): Promise<S[]> {
    return this.tier.withRecordedUse(sessions);
  }

  /** Applies this node's use to its memory copy. */
  touch(sessionId: string, atMs: number, ip: string | null): void {
    this.coherence.touch(sessionId, atMs, ip);
  }

  stats() {
    return { ...this.coherence.stats(), redisHits: this.tier.stats.hits, redisMisses: this.tier.stats.misses, redisErrors: this.tier.stats.errors };
  }

  /** For /readyz. */
  health(): Record<string, 'ok' | 'down'> {
    return { redis: this.bus.up && this.tier.healthy ? 'ok' : 'down' };
  }

  async close(): Promise<void> {
    this.tier.close();
    await this.bus.close();
  }
}
