import { Kysely, PostgresDialect, type PostgresPool, type PostgresPoolClient, sql, type Transaction } from 'kysely';
import pg from 'pg';
import { DomainError } from '../../core/errors.js';
import type { EventQuery, EventRecord, NewEvent, SessionRecord, SessionUse, Store, StoreTx } from '../../core/ports.js';
import { type Activity, ActivityBuffer } from '../activity-buffer.js';
import type { BackgroundErrorSink } from '../background.js';
import { migrate } from '../migrations.js';
import type { RedisBus } from '../redis-bus.js';
import type { RedisSessionTier } from '../redis-session-tier.js';
import type { Database as Schema, SessionsTable } from '../schema.js';
import { SessionCache } from '../session-cache.js';
import { trackSessionChanges } from '../session-change-tracking.js';
import { type SqlFlavor, SqlRepo, sessionFromRow } from '../sql-repo.js';
import { storageUnavailable } from '../unavailable.js';

export interface PostgresOptions {
  /** postgres://user[:password]@host[:port]/database[?…] */
  url: string;
  /** Largest number of connections this node opens. */
  poolSize: number;
  /** How often pending last-activity times are written, in ms. */
  activityFlushMs: number;
  onError?: BackgroundErrorSink;
  /** Fail-fast limits (ms); the defaults suit production. */
  connectTimeoutMs?: number;
  statementTimeoutMs?: number;
  /** How often other nodes' policy changes are looked for (ms), once a listener is registered. */
  externalPollMs?: number;
  /**
   * Redis for cross-node notification: with it, this node keeps a session cache (entries per
   * `sessionCacheEntries`) that every node's session changes invalidate within milliseconds, and
   * policy changes reach the other nodes at once (the poll stays as a fallback). Without it: no cache.
   */
  redis?: { url: string; prefix: string; commandTimeoutMs?: number };
  sessionCacheEntries?: number;
  /** How often the shared cache's epoch is read (ms); see RedisSessionTier. */
  cacheEpochPollMs?: number;
  /** Longest time a session is kept in this node's memory (ms; 0 = no memory tier); see NODE_CACHE_TTL_MS. */
  sessionCacheTtlMs?: number;
}

/**
 * A session in a node's memory is re-read (from Redis, else PostgreSQL) at least this often
 * (SESSIOND_NODE_CACHE_TTL_MS). Changes do not wait for it: pub/sub, the heartbeat and the epoch
 * make them bite within a second (see `memoryTrusted`). It bounds what no message carries: uses
 * of the session made on other nodes (recorded in Redis at their flush), so an idle timeout
 * judged here may fire up to this long (+ the flush interval) early, never late.
 */
const NODE_CACHE_TTL_MS = 10_000;

/**
 * A session another node said it is changing (before its commit) is kept out of memory until
 * that node says the change is done, or this long (the Redis tombstone's time): a row read
 * meanwhile may predate the commit, and a node that dies right after its commit sends nothing more.
 */
const CHANGING_MS = 5_000;

/**
 * The shared (Redis) cache's epoch, a counter in `settings`: a node that could not invalidate a
 * changed session in Redis, or record uses there, moves it in PostgreSQL, and every node then
 * uses fresh Redis keys (see RedisSessionTier).
 */
const CACHE_EPOCH_KEY = 'redis_cache_epoch';
const bumpCacheEpoch = (db: Kysely<Schema> | Transaction<Schema>) =>
  sql`INSERT INTO settings (key, value) VALUES (${CACHE_EPOCH_KEY}, '1')
    ON CONFLICT (key) DO UPDATE SET value = (settings.value::bigint + 1)::text`.execute(db);

/** Aggregates whose change must make every node reload its policies. */
const POLICY_AGGREGATES = new Set(['policy', 'organization']);

/** Rows per activity UPDATE … FROM (VALUES …) (3 parameters each, far below the 65,535 limit). */
const ACTIVITY_CHUNK = 1000;
/** Attempts of a transaction that PostgreSQL aborted as a deadlock or serialization failure. */
const TX_ATTEMPTS = 3;
/** Advisory-lock classes (first key of pg_advisory_xact_lock(int, int)). */
const LOCK_SUBJECT = 1;
const LOCK_AGGREGATE = 2;

/** SQLSTATEs that mean "the server cannot serve now": connection exceptions (08…), shutdown, overload, our statement/lock/idle timeouts. */
const UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '53300', '53400', '57014', '55P03', '25P03']);
/** Node socket errors of a lost or refused connection. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
/** Messages of pg and pg-pool that carry no code. */
const UNAVAILABLE_MESSAGES = [
  /connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /query read timeout/i,
  /connection.*ended/i,
  /not queryable/i,
];

const codeOf = (e: unknown) => String((e as { code?: unknown } | null)?.code ?? '');

export function isPgUnavailable(e: unknown): boolean {
  if (e instanceof DomainError) return e.code === 'unavailable';
  const code = codeOf(e);
  if (code.startsWith('08') || UNAVAILABLE_STATES.has(code) || SOCKET_CODES.has(code)) return true;
  const message = e instanceof Error ? e.message : '';
  return UNAVAILABLE_MESSAGES.some((r) => r.test(message));
}
const isRetryable = (e: unknown) => codeOf(e) === '40P01' || codeOf(e) === '40001';

const flavor: SqlFlavor = {
  isUniqueViolation: (e) => codeOf(e) === '23505',
  isUnavailable: isPgUnavailable,
};

/** Within ±2^53, far inside PostgreSQL's bigint; ids and ms times never get near it. */
const clampBig = (n: number) => Math.max(Number.MIN_SAFE_INTEGER, Math.min(Number.MAX_SAFE_INTEGER, Math.trunc(n)));

const hasNul = (v: unknown) => typeof v === 'string' && v.includes('\u0000');
const READ_OR_DELETE = /^\s*(select|delete)\b/i;

/**
 * PostgreSQL's text cannot hold U+0000 (SQLite's can) and refuses a parameter containing it
 * (client input such as `GET /v1/users/%00` must not become a 500). No stored value contains
 * one, so in a SELECT or DELETE (where every string parameter is compared: =, IN, LIKE) such a
 * parameter matches nothing; it is bound as NULL, which matches nothing either: the same answers
 * as SQLite ("not found", an empty list). Writing such a value is refused as `invalid_argument`.
 *
 * The pool as Kysely sees it, turning "cannot reach PostgreSQL" into the core's neutral
 * `unavailable` on every query (the shared queries guard only their inserts), and dropping
 * a connection that failed that way instead of returning it to the pool.
 *
 * pg-pool listens for `error` on idle clients only: a client checked out (a query, a transaction,
 * its advisory locks, the policy poll) whose connection drops emits `error` with no listener,
 * which kills the process. Each checked-out client gets one here: the error marks it broken (its
 * pending or next query fails as `unavailable`; release discards it), and the pool opens new
 * connections once PostgreSQL is back.
 */
function neutralPool(pool: pg.Pool): PostgresPool {
  return {
    async connect(): Promise<PostgresPoolClient> {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (e) {
        throw isPgUnavailable(e) ? storageUnavailable(e) : e;
      }
      let broken: Error | undefined;
      const onError = (e: Error) => {
        broken ??= e;
      };
      client.on('error', onError);
      return {
        // biome-ignore lint/suspicious/noExplicitAny: forwards both overloads of pg's query
        query: ((text: any, values?: any) => {
          if (typeof text !== 'string') return client.query(text);
          if (Array.isArray(values) && values.some(hasNul)) {
            if (!READ_OR_DELETE.test(text)) return Promise.reject(new DomainError('invalid_argument', 'text must not contain the NUL character (U+0000)'));
            values = values.map((v) => (hasNul(v) ? null : v));
          }
          return client.query(text, values).catch((e: unknown) => {
            if (!isPgUnavailable(e)) throw e;
            broken = e instanceof Error ? e : new Error(String(e));
            throw storageUnavailable(e);
          });
        }) as PostgresPoolClient['query'],
        release: () => {
          client.removeListener('error', onError);
          client.release(broken);
        },
      };
    },
    end: () => pool.end(),
  };
}

/** "PostgreSQL host:port/db", never the password. */
export function describePostgres(url: string): string {
  try {
    const u = new URL(url);
    const host = u.hostname || decodeURIComponent(u.searchParams.get('host') ?? '') || 'localhost';
    return `PostgreSQL ${host}:${u.port || '5432'}/${decodeURIComponent(u.pathname.replace(/^\//, '')) || u.username}`;
  } catch {
    return 'PostgreSQL';
  }
}

/** host:port of a Redis URL, never its password. */
export function describeRedis(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname || 'localhost'}:${u.port || '6379'}`;
  } catch {
    return '(invalid URL)';
  }
}

/**
 * The PostgreSQL store: the same queries as SQLite (SqlRepo over Kysely's PostgresDialect),
 * its own pool, locks, activity batch and error mapping. Without Redis it keeps no session
 * cache (every validation is one indexed read by token hash). With Redis (`redis` option) it
 * keeps the SQLite store's cache under the same forget-on-change rule, and publishes every
 * forgotten id on Redis so every node forgets it too; the cache is used only while this
 * node's subscription is up with a fresh heartbeat and the epoch is current, and cleared
 * whenever that changes (messages may have been missed) or the epoch moves.
 */
export class PostgresStore extends SqlRepo implements Store {
  readonly description: string;
  private readonly kysely: Kysely<Schema>;
  private readonly activity: ActivityBuffer;
  private readonly externalListeners: (() => void)[] = [];
  private externalTimer: NodeJS.Timeout | null = null;
  /** `max(id):count` of the policy/organization events at the last poll (see pollExternalChanges). */
  private lastPolicyMark: string | null = null;
  private readonly externalPollMs: number;
  private readonly onError: BackgroundErrorSink;
  /** Present only with Redis. */
  private readonly cache: SessionCache | null;
  private bus: RedisBus | null = null;
  /** The shared session cache in Redis (present only with Redis). */
  private shared: RedisSessionTier | null = null;
  /** How long a session can still be active under the current policy (ms); set by the core. */
  private remainingLifetimeMs: ((s: SessionRecord) => number) | null = null;
  /** Sessions read from PostgreSQL by token hash (validation that neither cache answered). */
  private storageReads = 0;
  /**
   * Bumped on every invalidation (local or from another node) and every subscription change: a
   * read that started before one must not put its (possibly older) row into the cache.
   */
  private generation = 0;
  /** Sessions being changed (id → until, performance.now()), in expiry order; see CHANGING_MS. */
  private readonly changing = new Map<string, number>();

  private constructor(kysely: Kysely<Schema>, o: PostgresOptions) {
    super(kysely, flavor);
    this.kysely = kysely;
    this.description = o.redis
      ? `${describePostgres(o.url)} + Redis ${describeRedis(o.redis.url)} (shared session cache, invalidation, activity)`
      : describePostgres(o.url);
    this.activity = new ActivityBuffer(
      (b) => this.writeActivity(b),
      o.activityFlushMs,
      50_000,
      (e) => this.onError(e, 'activity_flush'),
    );
    this.externalPollMs = o.externalPollMs ?? 500;
    this.onError = o.onError ?? (() => {});
    const ttlMs = o.sessionCacheTtlMs ?? NODE_CACHE_TTL_MS;
    // A TTL of 0 means no memory tier (SessionCache would read it as "no TTL").
    this.cache = o.redis ? new SessionCache(ttlMs > 0 ? (o.sessionCacheEntries ?? 100_000) : 0, ttlMs) : null;
  }

  private async connectRedis(r: NonNullable<PostgresOptions['redis']>, epochPollMs: number | undefined): Promise<void> {
    const { RedisBus } = await import('../redis-bus.js');
    const { RedisSessionTier } = await import('../redis-session-tier.js');
    this.shared = new RedisSessionTier({
      url: r.url,
      prefix: r.prefix,
      commandTimeoutMs: r.commandTimeoutMs ?? 250,
      readEpoch: () => this.readCacheEpoch(),
      ...(epochPollMs !== undefined ? { epochPollMs } : {}),
      onEpochChange: () => {
        // Another node could not reach Redis for a change: its message is likely lost too.
        this.generation++;
        this.cache?.clear();
      },
      onError: (e) => this.onError(new Error('Redis (shared session cache) failed; answering from PostgreSQL', { cause: e }), 'redis'),
      onEpochError: (e) =>
        this.onError(new Error('reading the shared cache epoch failed (the shared cache is not used meanwhile)', { cause: e }), 'cache_epoch'),
    });
    this.bus = new RedisBus(
      {
        url: r.url,
        prefix: r.prefix,
        commandTimeoutMs: r.commandTimeoutMs ?? 250,
        onError: (e) => this.onError(new Error('Redis (session cache invalidation)', { cause: e }), 'redis'),
      },
      {
        sessions: (ids, changing) => this.forgetLocally(ids, changing),
        policies: () => this.notifyExternalChange(),
        // Subscription made or lost, heartbeat fresh or stale: messages may have been missed.
        state: (up) => {
          this.generation++;
          this.cache?.clear();
          // Policy messages may have been missed while down.
          if (up) this.notifyExternalChange();
        },
      },
    );
    this.bus.start();
    // Do not hold the start up for long when Redis is down: the node serves from PostgreSQL meanwhile.
    await Promise.all([this.bus.waitUntilUp(1000), this.shared.start()]);
  }

  private async readCacheEpoch(): Promise<number> {
    const r = await sql<{ value: string }>`SELECT value FROM settings WHERE key = ${CACHE_EPOCH_KEY}`.execute(this.kysely);
    return Number(r.rows[0]?.value ?? 0);
  }

  /**
   * After a change committed (or failed): this node forgets at once, the others on the message;
   * Redis forgets again (a reader may have filled it with a row read before the commit). If Redis
   * did not confirm both, the epoch moves so that no node reads what Redis or its memory holds.
   */
  private async afterSessionsChanged(ids: readonly string[], epochMoved = false): Promise<void> {
    if (!this.shared || !this.bus) return this.sessionsChanged(ids);
    if (ids.length === 0) return;
    this.forgetLocally(ids);
    const ok = await this.tellRedis(ids, false);
    // A moved epoch committed with the change already puts every node on fresh keys and clears their memory.
    if (ok || epochMoved) return;
    await bumpCacheEpoch(this.kysely).catch((e: unknown) => this.onError(new Error('moving the shared cache epoch failed', { cause: e }), 'cache_epoch'));
  }

  /**
   * Removes the sessions' Redis copies (tombstoned) and tells the other nodes (`changing`: before
   * the commit); true when Redis confirmed both.
   */
  private async tellRedis(ids: readonly string[], changing: boolean): Promise<boolean> {
    if (!this.shared || !this.bus) return false;
    const [invalidated, published] = await Promise.all([this.shared.invalidate(ids), this.bus.publishSessions(ids, changing)]);
    return invalidated && published;
  }

  /**
   * Whether this node may answer from, and fill, its memory tier now: messages arrive (the
   * subscription is up and its heartbeat came back within HEARTBEAT_MAX_AGE_MS) and the epoch
   * was read recently (a writer cut off from Redis would have been noticed). This, not the TTL,
   * bounds how long a change made elsewhere can go unseen here (about a second).
   */
  private memoryTrusted(): boolean {
    return (this.bus?.up ?? false) && (this.shared?.epochCurrent ?? false);
  }

  /** ms until the session's absolute deadline under the current policy (the core's clock); bounds its time in Redis. */
  useRemainingLifetime(remainingMs: (s: SessionRecord) => number): void {
    this.remainingLifetimeMs = remainingMs;
  }

  /** Forgets these sessions here; `changing`: a change of theirs is about to commit (see CHANGING_MS), else it is done. */
  private forgetLocally(ids: readonly string[], changing = false): void {
    if (!this.cache) return;
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

  /** After a write without the shared tier: this node forgets at once, the others when the message arrives. */
  private sessionsChanged(ids: readonly string[]): void {
    if (!this.cache || ids.length === 0) return;
    this.forgetLocally(ids);
    void this.bus?.publishSessions(ids);
  }

  private notifyExternalChange(): void {
    for (const l of this.externalListeners) {
      try {
        l();
      } catch (e) {
        this.onError(new Error('a listener of outside policy changes failed', { cause: e }), 'policy_poll');
      }
    }
  }

  /** Component states for /readyz beyond the storage itself. */
  health(): Record<string, 'ok' | 'down'> {
    return this.bus ? { redis: this.bus.up && (this.shared?.healthy ?? true) ? 'ok' : 'down' } : {};
  }

  /** For tests: the Redis bus, when configured. */
  get redisBus(): RedisBus | null {
    return this.bus;
  }

  /** For tests: the shared session cache in Redis, when configured. */
  get sharedCache(): RedisSessionTier | null {
    return this.shared;
  }

  /**
   * Policies live in each node's memory (read on every validation). Another node's policy or
   * override change is seen by polling the newest id and the number of policy/organization events
   * (every change appends one in the same transaction): one indexed read every `externalPollMs`, so
   * the change bites here within about that time. (Redis pub/sub or LISTEN/NOTIFY can replace the poll later.)
   */
  onExternalChange(listener: () => void): void {
    this.externalListeners.push(listener);
    if (this.externalTimer) return;
    // Without Redis this poll is the only way other nodes' policy changes arrive: its failures are reported, not swallowed.
    const poll = () =>
      void this.pollExternalChanges().catch((e: unknown) =>
        this.onError(new Error("polling for other nodes' policy changes failed (retried)", { cause: e }), 'policy_poll'),
      );
    this.externalTimer = setInterval(poll, this.externalPollMs);
    this.externalTimer.unref();
    poll();
  }

  private polling = false;
  private async pollExternalChanges(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      // Not max(id) alone: an id is taken at insert, so a transaction that inserted its event first
      // can commit after one with a higher id, leaving max(id) unchanged. Events are never deleted,
      // so the count moves with every commit.
      const r = await sql<{
        id: string | number | null;
        n: string | number;
      }>`SELECT max(id) AS id, count(*) AS n FROM events WHERE aggregate_type IN ('policy', 'organization')`.execute(this.kysely);
      const mark = `${r.rows[0]?.id ?? 0}:${r.rows[0]?.n ?? 0}`;
      const before = this.lastPolicyMark;
      this.lastPolicyMark = mark;
      if (before !== null && mark !== before) this.notifyExternalChange();
    } finally {
      this.polling = false;
    }
  }

  /** Connects, runs pending migrations (several nodes may start at once: Kysely's migrator takes an advisory lock). */
  static async open(o: PostgresOptions): Promise<PostgresStore> {
    const statementTimeout = o.statementTimeoutMs ?? 5000;
    const pool = new pg.Pool({
      connectionString: o.url,
      max: o.poolSize,
      // Waiting for a connection (a free one from the pool, or a new one) fails after this.
      connectionTimeoutMillis: o.connectTimeoutMs ?? 2000,
      // Server side: no statement runs longer, no transaction sits idle holding locks.
      statement_timeout: statementTimeout,
      lock_timeout: statementTimeout,
      idle_in_transaction_session_timeout: 4 * statementTimeout,
      // Client side: a server that stops answering (network loss) does not hang a request.
      query_timeout: statementTimeout + 1000,
      keepAlive: true,
      idleTimeoutMillis: 30_000,
      application_name: 'sessiond',
    });
    // An idle connection dropped by the server (restart) must not crash the process; the pool replaces it.
    pool.on('error', (e) => o.onError?.(new Error('an idle PostgreSQL connection was lost (the pool opens a new one)', { cause: e }), 'postgres_connection'));
    const kysely = new Kysely<Schema>({ dialect: new PostgresDialect({ pool: neutralPool(pool) }) });
    try {
      await migrate(kysely, 'postgres');
    } catch (e) {
      await kysely.destroy().catch(() => {});
      throw e;
    }
    const store = new PostgresStore(kysely, o);
    store.activity.start();
    if (o.redis) await store.connectRedis(o.redis, o.cacheEpochPollMs);
    return store;
  }

  /**
   * Runs fn in one READ COMMITTED transaction. Rules that read-then-write take advisory locks
   * inside it (see PgTxRepo), so two nodes never interleave on one user's sessions; a deadlock
   * between such locks is retried (fn only touches storage through tx, so it can run again).
   */
  async transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    const changed = new Set<string>();
    const policy = { changed: false };
    /** The last attempt moved the cache epoch (with its changes, atomically). */
    let epochMoved = false;
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          return await this.kysely.transaction().execute((trx) => {
            const repo = new PgTxRepo(trx, flavor, policy);
            epochMoved = false;
            if (this.cache) {
              // Forget before the write too (as SQLite): nothing read before the commit may stay cached.
              repo.changeSink = (ids) => {
                for (const id of ids) changed.add(id);
                this.forgetLocally(ids, true);
                // Before the commit, Redis forgets (and refuses fills), and every node forgets and keeps
                // the session out of memory until the message after the commit (CHANGING_MS): a node
                // that dies between its commit and that message leaves nothing stale. If Redis did not
                // confirm both, the epoch moves in this commit.
                return this.tellRedis(ids, true).then(async (ok) => {
                  if (ok || epochMoved) return;
                  epochMoved = true;
                  await bumpCacheEpoch(trx);
                });
              };
            }
            return fn(repo);
          });
        } catch (e) {
          if (!isRetryable(e)) throw e;
          if (attempt >= TX_ATTEMPTS) throw storageUnavailable(e);
        }
      }
    } finally {
      // Committed, rolled back or unknown (a lost connection during COMMIT): forget everywhere.
      await this.afterSessionsChanged([...changed], epochMoved);
      if (policy.changed) this.bus?.publishPolicies();
    }
  }

  findCachedSessionByTokenHash(tokenHash: string): SessionRecord | undefined {
    // Messages may not be arriving, or the epoch is unread: another node's change might not reach us.
    if (!this.cache || !this.memoryTrusted()) return undefined;
    const hit = this.cache.get(tokenHash);
    return hit ? this.withPendingActivity(hit) : undefined;
  }

  async findSessionByTokenHash(tokenHash: string): Promise<SessionRecord | undefined> {
    const hit = this.findCachedSessionByTokenHash(tokenHash);
    if (hit) return hit;
    this.cache?.countMiss();
    return this.readPastMemory(tokenHash);
  }

  /** Past this node's memory (see the port); the same read as a memory miss. */
  findFreshSessionByTokenHash(tokenHash: string): Promise<SessionRecord | undefined> {
    return this.readPastMemory(tokenHash);
  }

  private async readPastMemory(tokenHash: string): Promise<SessionRecord | undefined> {
    const generation = this.generation;
    // Memory missed: Redis, then PostgreSQL (whose row then fills Redis).
    const shared = this.shared ? await this.shared.lookup(tokenHash) : null;
    let s: SessionRecord;
    if (shared && 'found' in shared) s = shared.found;
    else {
      this.storageReads++;
      const r = await sql<SessionsTable>`SELECT * FROM sessions WHERE token_hash = ${tokenHash}`.execute(this.kysely);
      const row = r.rows[0];
      if (!row) return undefined;
      s = sessionFromRow(row);
      if (shared && this.shared) {
        const remaining = this.remainingLifetimeMs?.(s) ?? (s.expiresAtMs === null ? Number.POSITIVE_INFINITY : s.expiresAtMs - Date.now());
        s = await this.shared.fill(shared.missed, s, remaining);
      }
    }
    // Cached only if no invalidation arrived meanwhile, messages still arrive, and no change of it is under way.
    if (this.cache && generation === this.generation && this.memoryTrusted() && !this.isChanging(s.id)) this.cache.set(s);
    return this.withPendingActivity(s);
  }

  override async endSessions(ids: readonly string[], reason: Parameters<SqlRepo['endSessions']>[1], atMs: Parameters<SqlRepo['endSessions']>[2]) {
    // With the shared cache, as a transaction: Redis is invalidated before the commit (or the epoch moves with it).
    if (this.shared) return this.transaction((tx) => tx.endSessions(ids, reason, atMs));
    this.forgetLocally(ids);
    try {
      return await super.endSessions(ids, reason, atMs);
    } finally {
      this.sessionsChanged(ids);
    }
  }

  override async updateSession(id: string, c: Parameters<SqlRepo['updateSession']>[1]) {
    if (this.shared) return this.transaction((tx) => tx.updateSession(id, c));
    this.forgetLocally([id]);
    try {
      return await super.updateSession(id, c);
    } finally {
      this.sessionsChanged([id]);
    }
  }

  /** In a transaction: the aggregates' locks keep sequences from colliding with another node's appends. */
  override appendEvents(events: readonly NewEvent[]): Promise<EventRecord[]> {
    return this.transaction((tx) => tx.appendEvents(events));
  }

  override async appendEvent(e: NewEvent): Promise<EventRecord> {
    const r = await super.appendEvent(e);
    if (POLICY_AGGREGATES.has(e.aggregateType)) this.bus?.publishPolicies();
    return r;
  }

  cacheStats() {
    return {
      entries: this.cache?.size ?? 0,
      hits: this.cache?.hits ?? 0,
      misses: this.cache?.misses ?? 0,
      redisHits: this.shared?.stats.hits ?? 0,
      redisMisses: this.shared?.stats.misses ?? 0,
      redisErrors: this.shared?.stats.errors ?? 0,
      storageReads: this.storageReads,
    };
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
    this.cache?.touch(sessionId, atMs, ip);
  }

  flush(): Promise<void> {
    return this.activity.flush();
  }

  /** Each flush records the batch in Redis (one pipeline, read by every node) and in PostgreSQL. */
  private async writeActivity(batch: Activity[]): Promise<void> {
    await Promise.all([this.writeActivityToRedis(batch), this.writeActivityToPostgres(batch)]);
  }

  private async writeActivityToRedis(batch: Activity[]): Promise<void> {
    if (!this.shared || (await this.shared.recordUses(batch))) return;
    // Nodes answering from Redis would not see these uses (a premature idle timeout): fresh keys for all.
    await bumpCacheEpoch(this.kysely);
  }

  /**
   * One `UPDATE … FROM (VALUES …)` per ACTIVITY_CHUNK sessions, each its own statement (no
   * long transaction), rows in id order so two nodes flushing the same sessions lock them in
   * the same order. Times never move backwards. A failed chunk is kept for the next flush.
   */
  private async writeActivityToPostgres(batch: Activity[]): Promise<void> {
    const sorted = [...batch].sort((a, b) => (a.sessionId < b.sessionId ? -1 : a.sessionId > b.sessionId ? 1 : 0));
    for (let i = 0; i < sorted.length; i += ACTIVITY_CHUNK) {
      const rows = sorted.slice(i, i + ACTIVITY_CHUNK).map((a) => sql`(${a.sessionId}::text, ${a.atMs}::bigint, ${a.ip}::text)`);
      await sql`UPDATE sessions AS s
        SET last_active_at_ms = v.at_ms, last_ip = coalesce(v.ip, s.last_ip)
        FROM (VALUES ${sql.join(rows)}) AS v(id, at_ms, ip)
        WHERE s.id = v.id AND s.last_active_at_ms < v.at_ms`.execute(this.kysely);
    }
  }

  /** One statement: the ids of each of the three indexed ranges, at most batchSize in all. */
  async deleteEndedSessions(o: { endedBeforeMs: number; createdBeforeMs: number; idleSinceBeforeMs: number | null; batchSize: number }) {
    const n = o.batchSize;
    const idle = o.idleSinceBeforeMs === null ? sql`` : sql`UNION (SELECT id FROM sessions WHERE last_active_at_ms < ${o.idleSinceBeforeMs} LIMIT ${n})`;
    const r = await sql<{ id: string }>`DELETE FROM sessions WHERE id IN (
        SELECT id FROM (
          (SELECT id FROM sessions WHERE ended_at_ms < ${o.endedBeforeMs} LIMIT ${n})
          UNION (SELECT id FROM sessions WHERE created_at_ms < ${o.createdBeforeMs} LIMIT ${n})
          ${idle}
        ) AS due LIMIT ${n}) RETURNING id`.execute(this.kysely);
    await this.afterSessionsChanged(r.rows.map((x) => x.id));
    return r.rows.length;
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
    if (this.externalTimer) clearInterval(this.externalTimer);
    try {
      await this.activity.stop();
    } finally {
      this.shared?.close();
      await this.bus?.close();
      await this.kysely.destroy();
    }
  }
}

/**
 * The transaction's repository. Two read-then-write rules need a lock that holds across nodes:
 * - the session limit: the subject's open sessions are read under an advisory lock on the
 *   subject, held until commit, so a concurrent creation for the same user (on any node) waits,
 *   then (READ COMMITTED: a new snapshot per statement) sees the session this one inserted;
 * - an event's per-aggregate sequence: read and insert under a lock on the aggregate;
 * - a policy change: the instance policy or an organization's override is read under the lock of
 *   its aggregate, so a change made through another node at the same moment is merged, not lost.
 */
class PgTxRepo extends trackSessionChanges(SqlRepo) {
  constructor(
    private readonly trx: Transaction<Schema>,
    f: SqlFlavor,
    /** Set when the transaction appends a policy or organization event (the other nodes must reload). */
    private readonly policy: { changed: boolean },
  ) {
    super(trx, f);
  }

  private async lock(kind: number, key: string): Promise<void> {
    await sql`SELECT pg_advisory_xact_lock(${kind}::int, hashtext(${key}))`.execute(this.trx);
  }

  override async listOpenSessionsOfSubject(subjectId: string) {
    await this.lock(LOCK_SUBJECT, subjectId);
    return super.listOpenSessionsOfSubject(subjectId);
  }

  // Policy changes read the stored policy and write it back (core/policies.ts): under the lock
  // of the aggregate their event is appended to, so two nodes' changes never overwrite each other.
  override async getInstancePolicy() {
    await this.lock(LOCK_AGGREGATE, 'policy:instance');
    return super.getInstancePolicy();
  }

  override async getOrganization(id: string) {
    await this.lock(LOCK_AGGREGATE, `organization:${id}`);
    return super.getOrganization(id);
  }

  override async appendEvent(e: NewEvent): Promise<EventRecord> {
    await this.lock(LOCK_AGGREGATE, `${e.aggregateType}:${e.aggregateId}`);
    if (POLICY_AGGREGATES.has(e.aggregateType)) this.policy.changed = true;
    return super.appendEvent(e);
  }

  /** Every aggregate's lock in one statement, in a fixed order (two bulk appends never deadlock each other). */
  override async appendEvents(events: readonly NewEvent[]): Promise<EventRecord[]> {
    const keys = [...new Set(events.map((e) => `${e.aggregateType}:${e.aggregateId}`))].sort();
    if (keys.length) await sql`SELECT pg_advisory_xact_lock(${LOCK_AGGREGATE}::int, hashtext(k)) FROM unnest(${keys}::text[]) AS k`.execute(this.trx);
    if (events.some((e) => POLICY_AGGREGATES.has(e.aggregateType))) this.policy.changed = true;
    return super.appendEvents(events);
  }
}
