import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { SessionRecord, Store, StoreTx } from '../../core/ports.js';
import { type Activity, ActivityBuffer } from '../activity-buffer.js';
import { migrate } from '../migrations.js';
import type { Database as Schema, SessionsTable } from '../schema.js';
import { type SqlFlavor, SqlRepo, toSession } from '../sql-repo.js';

export interface SqliteOptions {
  /** Directory holding `sessiond.db` (created if missing); `:memory:` for a throwaway database. */
  dataDir: string;
  /** How often pending last-activity times are written, in ms. */
  activityFlushMs: number;
  /** FULL (default): an acknowledged write survives power loss; NORMAL: survives a process kill. */
  synchronous?: 'FULL' | 'NORMAL';
  onError?: (e: unknown) => void;
}

const flavor: SqlFlavor = {
  isUniqueViolation: (e) => typeof e === 'object' && e !== null && String((e as { code?: unknown }).code).startsWith('SQLITE_CONSTRAINT'),
  isUnavailable: (e) => {
    const code = String((e as { code?: unknown })?.code ?? '');
    return code === 'SQLITE_BUSY' || code === 'SQLITE_IOERR' || code === 'SQLITE_CANTOPEN' || code === 'SQLITE_FULL';
  },
};

/**
 * The embedded store: one SQLite file in WAL mode. Shared queries come from SqlRepo;
 * only the validation read and the activity batch are hand-prepared, because they run
 * on every request.
 */
export class SqliteStore extends SqlRepo implements Store {
  readonly description: string;
  private readonly kysely: Kysely<Schema>;
  private readonly activity: ActivityBuffer;
  private readonly synchronous: 'FULL' | 'NORMAL';
  private readonly writeActivityTx: (batch: Activity[]) => void;
  private readonly byTokenHash: Database.Statement<[string], SessionsTable>;

  private constructor(
    private readonly sqlite: Database.Database,
    o: SqliteOptions,
    path: string,
  ) {
    const kysely = new Kysely<Schema>({ dialect: new SqliteDialect({ database: sqlite }) });
    super(kysely, flavor);
    this.kysely = kysely;
    this.description = `SQLite ${path === ':memory:' ? path : resolve(path)}`;
    this.byTokenHash = sqlite.prepare('SELECT * FROM sessions WHERE token_hash = ?');
    this.synchronous = o.synchronous ?? 'FULL';
    const update = sqlite.prepare('UPDATE sessions SET last_active_at_ms = ?, last_ip = coalesce(?, last_ip) WHERE id = ? AND last_active_at_ms < ?');
    this.writeActivityTx = sqlite.transaction((batch: Activity[]) => {
      for (const a of batch) update.run(a.atMs, a.ip, a.sessionId, a.atMs);
    });
    this.activity = new ActivityBuffer((b) => this.writeActivity(b), o.activityFlushMs, 50_000, o.onError);
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
    return store;
  }

  async transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    return this.kysely.transaction().execute((trx) => fn(new SqlRepo(trx, flavor)));
  }

  async findSessionByTokenHash(tokenHash: string): Promise<SessionRecord | undefined> {
    const row = this.byTokenHash.get(tokenHash);
    return row ? this.withPendingActivity(toSession(row)) : undefined;
  }

  override async getSession(id: string) {
    const s = await super.getSession(id);
    return s ? this.withPendingActivity(s) : undefined;
  }

  withPendingActivity(s: SessionRecord): SessionRecord {
    const a = this.activity.peek(s.id);
    return a && a.atMs > s.lastActiveAtMs ? { ...s, lastActiveAtMs: a.atMs, lastIp: a.ip ?? s.lastIp } : s;
  }

  recordActivity(sessionId: string, atMs: number, ip: string | null): void {
    this.activity.record(sessionId, atMs, ip);
  }

  flush(): Promise<void> {
    return this.activity.flush();
  }

  /**
   * One prepared UPDATE per session inside one transaction, never moving a time backwards.
   * Activity is write-behind by design (docs/architecture.md), so this transaction is
   * committed with synchronous=NORMAL: it survives a process crash without an fsync.
   */
  private async writeActivity(batch: Activity[]): Promise<void> {
    this.sqlite.pragma('synchronous = NORMAL');
    try {
      this.writeActivityTx(batch);
    } finally {
      this.sqlite.pragma(`synchronous = ${this.synchronous}`);
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
    await this.activity.stop();
    await this.kysely.destroy();
  }
}
