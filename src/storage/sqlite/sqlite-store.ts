import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { CompiledQuery, type DatabaseConnection, Kysely, SqliteDialect, type SqliteDialectConfig, SqliteDriver } from 'kysely';
import type { EventRecord, NewEvent, SessionRecord, SessionUse, Store, StoreTx } from '../../core/ports.js';
import { type Activity, ActivityBuffer } from '../activity-buffer.js';
import type { BackgroundErrorSink } from '../background.js';
import { CacheCoherence } from '../cache-coherence.js';
import { migrate } from '../migrations.js';
import type { Database as Schema, SessionsTable } from '../schema.js';
import { SessionCache } from '../session-cache.js';
import { trackSessionChanges } from '../session-change-tracking.js';
import { type SqlFlavor, SqlRepo, sessionFromRow } from '../sql-repo.js';
import { storageUnavailable } from '../unavailable.js';
import { ACTIVITY_CHUNK, ACTIVITY_WRITER_KEY_PREFIX, SELECT_WRITERS_SQL, UPDATE_ACTIVITY_SQL } from './activity-sql.js';
import { WorkerActivityWriter } from './activity-writer.js';

export interface SqliteOptions {
  /** Directory holding `sessiond.db` (created if missing); `:memory:` for a throwaway database. */
  dataDir: string;
  /** How often pending last-activity times are written, in ms. */
  activityFlushMs: number;
  /** FULL (default): an acknowledged write survives power loss; NORMAL: survives a process kill. */
  synchronous?: 'FULL' | 'NORMAL';
  onError?: BackgroundErrorSink;
  /** Sessions kept in memory by token hash (0: none); see SessionCache. */
  sessionCacheEntries?: number;
}

/** How often validation checks whether another process (e.g. the CLI in local mode) wrote the file. */
const EXTERNAL_CHECK_MS = 100;
const yieldToIo = () => new Promise<void>((resolve) => setImmediate(resolve));

const flavor: SqlFlavor = {
  isUniqueViolation: (e) => typeof e === 'object' && e !== null && String((e as { code?: unknown }).code).startsWith('SQLITE_CONSTRAINT'),
  isUnavailable: (e) => {
    const code = String((e as { code?: unknown })?.code ?? '');
    return code.startsWith('SQLITE_BUSY') || code === 'SQLITE_IOERR' || code === 'SQLITE_CANTOPEN' || code === 'SQLITE_FULL';
  },
};

/**
 * Transactions take SQLite's write lock when they begin (BEGIN IMMEDIATE), not at their first
 * write: with a second writer on the file (the activity worker, another process), a transaction
 * that read first and then wrote would fail with SQLITE_BUSY_SNAPSHOT whenever the other writer
 * committed in between; waiting at the start is handled by busy_timeout instead.
 *
 * Every statement (in a transaction or not, BEGIN and COMMIT included) turns "the database cannot
 * serve now" (a lock held past busy_timeout, an I/O error) into the core's neutral `unavailable`,
 * as the PostgreSQL pool does: a write outside a transaction (a failed-password count) must not
 * answer 500 when another writer holds the lock.
 */
class ImmediateSqliteDialect extends SqliteDialect {
  constructor(private readonly cfg: SqliteDialectConfig) {
    super(cfg);
  }
  override createDriver() {
    return new (class extends SqliteDriver {
      private neutral: DatabaseConnection | null = null;
      override async acquireConnection(): Promise<DatabaseConnection> {
        const c = await super.acquireConnection();
        this.neutral ??= {
          executeQuery: async (q) => {
            try {
              return await c.executeQuery(q);
            } catch (e) {
              throw flavor.isUnavailable(e) ? storageUnavailable(e) : e;
            }
          },
          streamQuery: (q, chunkSize) => c.streamQuery(q, chunkSize),
        };
        return this.neutral;
      }
      override async beginTransaction(connection: DatabaseConnection): Promise<void> {
        await connection.executeQuery(CompiledQuery.raw('begin immediate'));
      }
    })(this.cfg);
  }
}

/**
 * The embedded store: one SQLite file in WAL mode. Shared queries come from SqlRepo;
 * only the validation read and the activity batch are hand-prepared, because they run
 * on every request. Activity batches are written by a worker thread with its own
 * connection (a file database; `:memory:` writes them in-thread).
 */
export class SqliteStore extends SqlRepo implements Store {
  readonly description: string;
  private readonly kysely: Kysely<Schema>;
  private readonly activity: ActivityBuffer;
  private readonly synchronous: 'FULL' | 'NORMAL';
  private readonly writeActivityTx: (batch: Activity[]) => void;
  private readonly worker: WorkerActivityWriter | null;
  private readonly eventsAfter: Database.Statement<[number], number>;
  /** The newest event id this connection has accounted for, and ids it wrote itself not yet seen. */
  private lastEventId: number;
  private readonly ownEventIds = new Set<number>();
  private readonly activityWriters: Database.Statement<[], { key: string; value: string }>;
  /** Other processes' activity writers (settings rows) as last seen. */
  private readonly writersSeen = new Map<string, string>();
  private readonly byTokenHash: Database.Statement<[string], SessionsTable>;
  private readonly dataVersion: Database.Statement<[], number>;
  private readonly cache: CacheCoherence;
  private lastVersion = 0;
  private lastCheckMs = 0;
  private readonly externalListeners: (() => void)[] = [];
  private externalTimer: NodeJS.Timeout | null = null;

  private constructor(
    private readonly sqlite: Database.Database,
    o: SqliteOptions,
    path: string,
  ) {
    const kysely = new Kysely<Schema>({ dialect: new ImmediateSqliteDialect({ database: sqlite }) });
    super(kysely, flavor);
    this.kysely = kysely;
    this.description = `SQLite ${path === ':memory:' ? path : resolve(path)}`;
    this.byTokenHash = sqlite.prepare('SELECT * FROM sessions WHERE token_hash = ?');
    this.dataVersion = sqlite.prepare<[], number>('PRAGMA data_version').pluck();
    this.lastVersion = this.dataVersion.get() as number;
    this.eventsAfter = sqlite.prepare<[number], number>('SELECT id FROM events WHERE id > ? ORDER BY id LIMIT 1001').pluck();
    this.lastEventId = (sqlite.prepare('SELECT coalesce(max(id), 0) FROM events').pluck().get() as number) ?? 0;
    this.worker = path === ':memory:' ? null : new WorkerActivityWriter(path, `${ACTIVITY_WRITER_KEY_PREFIX}${randomUUID()}`);
    this.activityWriters = sqlite.prepare(SELECT_WRITERS_SQL);
    for (const r of this.activityWriters.all()) this.writersSeen.set(r.key, r.value);
    // The worker checkpoints the WAL after its batches; this connection checkpointing on commit
    // would put that disk work back on the event loop. A high bound remains as a safety net.
    if (this.worker) sqlite.pragma('wal_autocheckpoint = 10000');
    this.cache = new CacheCoherence(new SessionCache(o.sessionCacheEntries ?? 100_000));
    this.synchronous = o.synchronous ?? 'FULL';
    const update = sqlite.prepare(UPDATE_ACTIVITY_SQL);
    this.writeActivityTx = sqlite.transaction((batch: Activity[]) => {
      for (const a of batch) update.run(a.atMs, a.ip, a.sessionId, a.atMs);
    });
    this.activity = new ActivityBuffer(
      (b) => (this.worker ? this.worker.write(b) : this.writeActivity(b)),
      o.activityFlushMs,
      50_000,
      (e) => o.onError?.(e, 'activity_flush'),
    );
  }

  /** Opens (creating if needed) the database and runs pending migrations. */
  static async open(o: SqliteOptions): Promise<SqliteStore> {
    const path = o.dataDir === ':memory:' ? ':memory:' : join(o.dataDir, 'sessiond.db');
    if (path !== ':memory:') mkdirSync(o.dataDir, { recursive: true, mode: 0o700 });
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${o.synchronous ?? 'FULL'}`);
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    // Keep the hot part of the sessions table and its token index in memory.
    db.pragma('cache_size = -65536'); // 64 MiB page cache
    db.pragma('mmap_size = 268435456'); // 256 MiB memory-mapped reads
    // Migrations first: the hot-path statement needs the tables.
    await migrate(new Kysely<Schema>({ dialect: new SqliteDialect({ database: db }) }), 'sqlite');
    const store = new SqliteStore(db, o, path);
    store.activity.start();
    store.externalTimer = setInterval(() => store.noticeExternalWrites(true), 10 * EXTERNAL_CHECK_MS);
    store.externalTimer.unref();
    return store;
  }

  async transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    const changed = new Set<string>();
    const events: number[] = [];
    this.worker?.enterWriter();
    try {
      return await this.kysely
        .transaction()
        .execute((trx) => fn(new ChangeTrackingRepo(trx, flavor, changed, this.cache, (id) => this.noteOwnEvent(id, events))));
    } catch (e) {
      // Rolled back: those ids were never committed and may be reused by another writer.
      for (const id of events) this.ownEventIds.delete(id);
      throw e;
    } finally {
      this.worker?.leaveWriter();
      // Committed or rolled back, the cache must not keep what the transaction touched.
      this.cache.forget([...changed]);
    }
  }

  override async appendEvent(e: NewEvent): Promise<EventRecord> {
    const r = await super.appendEvent(e);
    this.noteOwnEvent(r.id);
    return r;
  }

  override async appendEvents(events: readonly NewEvent[]): Promise<EventRecord[]> {
    const r = await super.appendEvents(events);
    for (const e of r) this.noteOwnEvent(e.id);
    return r;
  }

  private noteOwnEvent(id: number, inTx?: number[]): void {
    this.ownEventIds.add(id);
    inTx?.push(id);
  }

  findCachedSessionByTokenHash(tokenHash: string): SessionRecord | undefined {
    this.noticeExternalWrites();
    const hit = this.cache.find(tokenHash);
    return hit ? this.withPendingActivity(hit) : undefined;
  }

  async findSessionByTokenHash(tokenHash: string): Promise<SessionRecord | undefined> {
    const hit = this.findCachedSessionByTokenHash(tokenHash);
    if (hit) return hit;
    this.cache.countMiss();
    const mark = this.cache.readStarted();
    let row: SessionsTable | undefined;
    try {
      row = this.byTokenHash.get(tokenHash);
    } catch (e) {
      throw flavor.isUnavailable(e) ? storageUnavailable(e) : e;
    }
    if (!row) return undefined;
    const s = sessionFromRow(row);
    this.cache.offer(s, mark);
    return this.withPendingActivity(s);
  }

  override async endSessions(ids: readonly string[], reason: Parameters<SqlRepo['endSessions']>[1], atMs: Parameters<SqlRepo['endSessions']>[2]) {
    try {
      return await super.endSessions(ids, reason, atMs);
    } finally {
      this.cache.forget(ids);
    }
  }

  override async updateSession(id: string, c: Parameters<SqlRepo['updateSession']>[1]) {
    try {
      return await super.updateSession(id, c);
    } finally {
      this.cache.forget([id]);
    }
  }

  cacheStats() {
    return this.cache.stats();
  }

  /** Called when another process changed the database file (its caches may be stale). */
  onExternalChange(listener: () => void): void {
    this.externalListeners.push(listener);
  }

  /**
   * Another process writing the same file (the CLI in local mode, a second server) does not
   * go through this store's cache. SQLite's data_version tells that another connection
   * committed; since every change but recorded use appends an event, a new event this store did
   * not write itself tells that it was a change that matters, and another process's activity
   * writer row tells of its recorded use (this process's own worker commits are neither). Checked at most every EXTERNAL_CHECK_MS on the validation path, so such a
   * change bites within that time.
   */
  private noticeExternalWrites(force = false): void {
    const now = Date.now();
    if (!force && now - this.lastCheckMs < EXTERNAL_CHECK_MS) return;
    this.lastCheckMs = now;
    // Inside an open transaction this connection sees its own uncommitted events; accounting for
    // them now could skip an id that a rollback frees for another writer. The next check will do.
    if (this.sqlite.inTransaction) return;
    const v = this.dataVersion.get() as number;
    if (v === this.lastVersion) return;
    this.lastVersion = v;
    let external = false;
    // Recorded use by another process (its worker's row moved; our own worker's row is ignored).
    for (const r of this.activityWriters.all()) {
      if (r.key === this.worker?.writerKey || this.writersSeen.get(r.key) === r.value) continue;
      this.writersSeen.set(r.key, r.value);
      external = true;
    }
    const ids = this.eventsAfter.all(this.lastEventId);
    if (ids.length > 0) {
      if (ids.length > 1000) external = true;
      for (const id of ids) if (!this.ownEventIds.delete(id)) external = true;
      this.lastEventId = ids[ids.length - 1] as number;
      // Own ids at or below what is accounted for are settled (seen above or rolled back).
      for (const id of this.ownEventIds) if (id <= this.lastEventId) this.ownEventIds.delete(id);
    }
    if (!external) return;
    this.cache.clear();
    for (const l of this.externalListeners) l();
  }

  override async getSession(id: string) {
    const s = await super.getSession(id);
    return s ? this.withPendingActivity(s) : undefined;
  }

  withPendingActivity<S extends SessionUse>(s: S): S {
    return this.activity.overlay(s);
  }

  recordActivity(sessionId: string, atMs: number, ip: string | null): void {
    this.activity.record(sessionId, atMs, ip);
    this.cache.touch(sessionId, atMs, ip);
  }

  flush(): Promise<void> {
    return this.activity.flush();
  }

  /**
   * Prepared UPDATEs, never moving a time backwards, in transactions of ACTIVITY_CHUNK rows
   * with a yield between them, so a large batch does not hold validation up for its whole
   * length. Activity is write-behind by design (docs/architecture.md), so these transactions
   * are committed with synchronous=NORMAL: they survive a process crash without an fsync.
   */
  private async writeActivity(batch: Activity[]): Promise<void> {
    for (let i = 0; i < batch.length; i += ACTIVITY_CHUNK) {
      if (i > 0) await yieldToIo();
      // Never inside another transaction on this connection (it would join it).
      while (this.sqlite.inTransaction) await yieldToIo();
      this.sqlite.pragma('synchronous = NORMAL');
      try {
        this.writeActivityTx(batch.slice(i, i + ACTIVITY_CHUNK));
      } finally {
        this.sqlite.pragma(`synchronous = ${this.synchronous}`);
      }
    }
  }

  async deleteEndedSessions(o: { endedBeforeMs: number; createdBeforeMs: number; idleSinceBeforeMs: number | null; batchSize: number }) {
    const ids = new Set<string>();
    const take = async (col: 'ended_at_ms' | 'created_at_ms' | 'last_active_at_ms', before: number) => {
      if (ids.size >= o.batchSize) return;
      const rows = await this.kysely
        .selectFrom('sessions')
        .select('id')
        .where(col, '<', before)
        .limit(o.batchSize - ids.size)
        .execute();
      for (const r of rows) ids.add(r.id);
    };
    await take('ended_at_ms', o.endedBeforeMs);
    await take('created_at_ms', o.createdBeforeMs);
    if (o.idleSinceBeforeMs !== null) await take('last_active_at_ms', o.idleSinceBeforeMs);
    if (ids.size === 0) return 0;
    const list = [...ids];
    this.cache.forget(list);
    let deleted = 0;
    for (let i = 0; i < list.length; i += 500) {
      const r = await this.kysely
        .deleteFrom('sessions')
        .where('id', 'in', list.slice(i, i + 500))
        .executeTakeFirst();
      deleted += Number(r.numDeletedRows);
    }
    return deleted;
  }

  async ping(): Promise<boolean> {
    try {
      this.sqlite.prepare('SELECT 1').get();
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.externalTimer) clearInterval(this.externalTimer);
    await this.activity.stop();
    await this.worker?.close();
    await this.kysely.destroy();
  }
}

/** The transaction's repository, noting which sessions it changed so the cache can forget them. */
class ChangeTrackingRepo extends trackSessionChanges(SqlRepo) {
  constructor(
    db: ConstructorParameters<typeof SqlRepo>[0],
    f: SqlFlavor,
    changed: Set<string>,
    cache: CacheCoherence,
    private readonly onEvent: (id: number) => void,
  ) {
    super(db, f);
    // Forget before the write too: a read on this connection between the write and the commit sees the change.
    this.changeSink = cache.changeSink(changed, false);
  }

  override async appendEvent(e: NewEvent): Promise<EventRecord> {
    const r = await super.appendEvent(e);
    this.onEvent(r.id);
    return r;
  }

  override async appendEvents(events: readonly NewEvent[]): Promise<EventRecord[]> {
    const r = await super.appendEvents(events);
    for (const e of r) this.onEvent(e.id);
    return r;
  }
}
