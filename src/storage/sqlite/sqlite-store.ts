import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
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
  private readonly byTokenHash: Database.Statement<[string], SessionsTable>;

  private constructor(
    private readonly sqlite: Database.Database,
    o: SqliteOptions,
    path: string,
  ) {
    const kysely = new Kysely<Schema>({ dialect: new SqliteDialect({ database: sqlite }) });
    super(kysely, flavor);
    this.kysely = kysely;
    this.description = `SQLite ${path}`;
    this.byTokenHash = sqlite.prepare('SELECT * FROM sessions WHERE token_hash = ?');
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
    return row ? this.overlay(toSession(row)) : undefined;
  }

  override async getSession(id: string) {
    const s = await super.getSession(id);
    return s ? this.overlay(s) : undefined;
  }

  private overlay(s: SessionRecord): SessionRecord {
    const a = this.activity.peek(s.id);
    return a && a.atMs > s.lastActiveAtMs ? { ...s, lastActiveAtMs: a.atMs, lastIp: a.ip ?? s.lastIp } : s;
  }

  recordActivity(sessionId: string, atMs: number, ip: string | null): void {
    this.activity.record(sessionId, atMs, ip);
  }

  flush(): Promise<void> {
    return this.activity.flush();
  }

  /** One UPDATE … FROM (VALUES …) per 300 sessions, never moving a time backwards. */
  private async writeActivity(batch: Activity[]): Promise<void> {
    await this.kysely.transaction().execute(async (trx) => {
      for (let i = 0; i < batch.length; i += 300) {
        const rows = batch.slice(i, i + 300).map((a) => sql`(${a.sessionId}, ${a.atMs}, ${a.ip})`);
        await sql`UPDATE sessions SET last_active_at_ms = v.column2, last_ip = coalesce(v.column3, sessions.last_ip)
          FROM (VALUES ${sql.join(rows)}) AS v
          WHERE sessions.id = v.column1 AND sessions.last_active_at_ms < v.column2`.execute(trx);
      }
    });
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
