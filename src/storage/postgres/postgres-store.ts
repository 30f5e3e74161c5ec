import { type Kysely, sql } from 'kysely';
import type { EventQuery, EventRecord, NewEvent, SessionRecord, SessionUse, Store, StoreTx } from '../../core/ports.js';
import { type Activity, ActivityBuffer } from '../activity-buffer.js';
import type { BackgroundErrorSink } from '../background.js';
import type { Database as Schema, SessionsTable } from '../schema.js';
import { SqlRepo, sessionFromRow } from '../sql-repo.js';
import { writeActivityToPostgres } from './activity.js';
import { describePostgres, describeRedis } from './describe.js';
import { pgFlavor } from './errors.js';
import { POLICY_AGGREGATES, PolicyPoll } from './policy-poll.js';
import { openPostgres, type PostgresPoolOptions } from './pool.js';
import type { SharedCacheOptions, SharedSessionCache } from './shared-cache.js';
import { deleteEndedSessionRows } from './sweep.js';
import { PgTxRepo, runPgTransaction } from './tx-repo.js';

export interface PostgresOptions extends PostgresPoolOptions {
  /** How often pending last-activity times are written, in ms. */
  activityFlushMs: number;
  /** How often other nodes' policy changes are looked for (ms), once a listener is registered. */
  externalPollMs?: number;
  /**
   * Redis for cross-node notification: with it, this node keeps a session cache (entries per
   * `sessionCacheEntries`) that every node's session changes invalidate within milliseconds, and
   * policy changes reach the other nodes at once (the poll stays as a fallback). Without it: no cache.
   */
  redis?: SharedCacheOptions['redis'];
  sessionCacheEntries?: number;
  /** How often the shared cache's epoch is read (ms); see RedisSessionTier. */
  cacheEpochPollMs?: number;
  /** Longest time a session is kept in this node's memory (ms; 0 = no memory tier); see shared-cache.ts. */
  sessionCacheTtlMs?: number;
}

/** Within ±2^53, far inside PostgreSQL's bigint; ids and ms times never get near it. */
const clampBig = (n: number) => Math.max(Number.MIN_SAFE_INTEGER, Math.min(Number.MAX_SAFE_INTEGER, Math.trunc(n)));

/**
 * The PostgreSQL store: the same queries as SQLite (SqlRepo over Kysely's PostgresDialect), its
 * own pool (pool.ts), locks (tx-repo.ts), activity batch (activity.ts), sweep (sweep.ts) and error
 * mapping (errors.ts). Without Redis it keeps no session cache (every validation is one indexed
 * read by token hash). With Redis (`redis` option) it keeps a memory and a Redis tier under the
 * same forget-on-change rule as SQLite, made to hold across nodes (shared-cache.ts).
 */
export class PostgresStore extends SqlRepo implements Store {
  readonly description: string;
  private readonly activity: ActivityBuffer;
  /** Sessions read from PostgreSQL by token hash (validation that neither cache answered). */
  private storageReads = 0;

  private constructor(
    private readonly kysely: Kysely<Schema>,
    o: PostgresOptions,
    private readonly policies: PolicyPoll,
    /** Present only with Redis. */
    private readonly shared: SharedSessionCache | null,
  ) {
    super(kysely, pgFlavor);
    this.description = o.redis
      ? `${describePostgres(o.url)} + Redis ${describeRedis(o.redis.url)} (shared session cache, invalidation, activity)`
      : describePostgres(o.url);
    this.activity = new ActivityBuffer(
      (b) => this.writeActivity(b),
      o.activityFlushMs,
      50_000,
      (e) => o.onError?.(e, 'activity_flush'),
    );
  }

  /** Connects, runs pending migrations, and connects to Redis when configured (its code loads only then). */
  static async open(o: PostgresOptions): Promise<PostgresStore> {
    const kysely = await openPostgres(o);
    const onError: BackgroundErrorSink = o.onError ?? (() => {});
    const policies = new PolicyPoll(kysely, o.externalPollMs ?? 500, onError);
    let shared: SharedSessionCache | null = null;
    if (o.redis) {
      const { SharedSessionCache } = await import('./shared-cache.js');
      try {
        shared = await SharedSessionCache.connect(kysely, {
          redis: o.redis,
          ...(o.sessionCacheEntries !== undefined ? { sessionCacheEntries: o.sessionCacheEntries } : {}),
          ...(o.sessionCacheTtlMs !== undefined ? { sessionCacheTtlMs: o.sessionCacheTtlMs } : {}),
          ...(o.cacheEpochPollMs !== undefined ? { cacheEpochPollMs: o.cacheEpochPollMs } : {}),
          onError,
          onPolicyChange: () => policies.notify(),
        });
      } catch (e) {
        // A node that cannot reach Redis does not start; its pool must not keep it alive.
        await kysely.destroy();
        throw e;
      }
    }
    const store = new PostgresStore(kysely, o, policies, shared);
    store.activity.start();
    return store;
  }

  /**
   * Runs fn in one READ COMMITTED transaction. Rules that read-then-write take advisory locks
   * inside it (see PgTxRepo), so two nodes never interleave on one user's sessions; a deadlock
   * between such locks is retried (fn only touches storage through tx, so it can run again).
   */
  async transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    const policy = { changed: false };
    const changes = this.shared?.trackTransaction();
    try {
      return await runPgTransaction(this.kysely, (trx) => {
        const repo = new PgTxRepo(trx, policy);
        if (changes) repo.changeSink = changes.sinkFor(trx);
        return fn(repo);
      });
    } finally {
      // Committed, rolled back or unknown: the caches forget what it changed (see trackTransaction).
      await changes?.settle();
      if (policy.changed) this.shared?.publishPolicies();
    }
  }

  findCachedSessionByTokenHash(tokenHash: string): SessionRecord | undefined {
    const hit = this.shared?.find(tokenHash);
    return hit ? this.withPendingActivity(hit) : undefined;
  }

  async findSessionByTokenHash(tokenHash: string): Promise<SessionRecord | undefined> {
    const hit = this.findCachedSessionByTokenHash(tokenHash);
    if (hit) return hit;
    const s = this.shared ? await this.shared.read(tokenHash, () => this.readByTokenHash(tokenHash)) : await this.readByTokenHash(tokenHash);
    return s ? this.withPendingActivity(s) : undefined;
  }

  /** Past this node's memory (see the port); the same read as a memory miss. */
  async findFreshSessionByTokenHash(tokenHash: string): Promise<SessionRecord | undefined> {
    const s = this.shared ? await this.shared.readPastMemory(tokenHash, () => this.readByTokenHash(tokenHash)) : await this.readByTokenHash(tokenHash);
    return s ? this.withPendingActivity(s) : undefined;
  }

  private async readByTokenHash(tokenHash: string): Promise<SessionRecord | undefined> {
    this.storageReads++;
    const r = await sql<SessionsTable>`SELECT * FROM sessions WHERE token_hash = ${tokenHash}`.execute(this.kysely);
    const row = r.rows[0];
    return row ? sessionFromRow(row) : undefined;
  }

  // With the shared cache, session writes run as transactions: Redis is invalidated before the commit (or the epoch moves with it).
  override async endSessions(ids: readonly string[], reason: Parameters<SqlRepo['endSessions']>[1], atMs: Parameters<SqlRepo['endSessions']>[2]) {
    if (this.shared) return this.transaction((tx) => tx.endSessions(ids, reason, atMs));
    return super.endSessions(ids, reason, atMs);
  }

  override async updateSession(id: string, c: Parameters<SqlRepo['updateSession']>[1]) {
    if (this.shared) return this.transaction((tx) => tx.updateSession(id, c));
    return super.updateSession(id, c);
  }

  /** In a transaction: the aggregates' locks keep sequences from colliding with another node's appends. */
  override appendEvents(events: readonly NewEvent[]): Promise<EventRecord[]> {
    return this.transaction((tx) => tx.appendEvents(events));
  }

  override async appendEvent(e: NewEvent): Promise<EventRecord> {
    const r = await super.appendEvent(e);
    if (POLICY_AGGREGATES.has(e.aggregateType)) this.shared?.publishPolicies();
    return r;
  }

  cacheStats() {
    const none = { entries: 0, hits: 0, misses: 0, redisHits: 0, redisMisses: 0, redisErrors: 0 };
    return { ...(this.shared?.stats() ?? none), storageReads: this.storageReads };
  }

  /** ms until the session's absolute deadline under the current policy (the core's clock); bounds its time in Redis. */
  useRemainingLifetime(remainingMs: (s: SessionRecord) => number): void {
    this.shared?.useRemainingLifetime(remainingMs);
  }

  /** Component states for /readyz beyond the storage itself. */
  health(): Record<string, 'ok' | 'down'> {
    return this.shared?.health() ?? {};
  }

  /** Other nodes' policy and organization changes (see PolicyPoll; with Redis, also its messages). */
  onExternalChange(listener: () => void): void {
    this.policies.listen(listener);
  }

  /** Bounds that arrive from requests are clamped to what a bigint column can compare (same answers as SQLite). */
  override listEvents(q: EventQuery) {
    return super.listEvents({
      ...q,
      ...(q.afterId !== undefined ? { afterId: clampBig(q.afterId) } : {}),
      ...(q.sinceMs !== undefined ? { sinceMs: clampBig(q.sinceMs) } : {}),
      ...(q.untilMs !== undefined ? { untilMs: clampBig(q.untilMs) } : {}),
    });
  }

  override async getSession(id: string) {
    const s = await super.getSession(id);
    if (!s) return undefined;
    const [used = s] = this.shared ? await this.shared.withRecordedUse([s]) : [s];
    return this.withPendingActivity(used);
  }

  /** Lists judge idleness too: uses recorded in Redis by every node are applied. */
  override async listSessions(q: Parameters<SqlRepo['listSessions']>[0]) {
    const rows = await super.listSessions(q);
    return this.shared ? this.shared.withRecordedUse(rows) : rows;
  }

  override async scanSessions(q: Parameters<SqlRepo['scanSessions']>[0]) {
    const rows = await super.scanSessions(q);
    return this.shared ? this.shared.withRecordedUse(rows) : rows;
  }

  override async listOpenSessionsOfSubject(subjectId: string) {
    const rows = await super.listOpenSessionsOfSubject(subjectId);
    return this.shared ? this.shared.withRecordedUse(rows) : rows;
  }

  /** Pending use recorded on this node (other nodes' pending use reaches PostgreSQL within their flush interval). */
  withPendingActivity<S extends SessionUse>(s: S): S {
    return this.activity.overlay(s);
  }

  recordActivity(sessionId: string, atMs: number, ip: string | null): void {
    this.activity.record(sessionId, atMs, ip);
    this.shared?.touch(sessionId, atMs, ip);
  }

  flush(): Promise<void> {
    return this.activity.flush();
  }

  /** Each flush records the batch in Redis (read by every node) and in PostgreSQL. */
  private async writeActivity(batch: Activity[]): Promise<void> {
    await Promise.all([this.shared?.recordUses(batch), writeActivityToPostgres(this.kysely, batch)]);
  }

  async deleteEndedSessions(o: Parameters<Store['deleteEndedSessions']>[0]) {
    const ids = await deleteEndedSessionRows(this.kysely, o);
    await this.shared?.sessionsChanged(ids);
    return ids.length;
  }

  async ping(): Promise<boolean> {
    try {
      await sql`SELECT 1`.execute(this.kysely);
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    this.policies.stop();
    try {
      await this.activity.stop();
    } finally {
      await this.shared?.close();
      await this.kysely.destroy();
    }
  }
}
