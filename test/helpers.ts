import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { expect } from 'vitest';
import { createApp, createLogger, type SessiondApp } from '../src/app.js';
import { type Config, loadConfig } from '../src/config/config.js';
import type { Store } from '../src/core/ports.js';
import { openStore } from '../src/storage/index.js';

/** The policy of a fresh instance, as the native API shows it (CONTRACT §3 defaults). */
export const DEFAULT_POLICY = {
  maxLifetimeSeconds: 43_200,
  idleTimeoutSeconds: 1_800,
  userSessionLimit: 0,
  adminSessionLimit: 0,
  onLimit: 'evict_oldest',
  allowPersistentSessions: false,
  trackLocation: true,
  maxFailedPasswordAttempts: 10,
  lockoutSeconds: 900,
};

/** Looker's SessionConfig of a fresh instance, in the seed's field order, for an all-powerful caller. */
export const DEFAULT_LOOKER_CONFIG = {
  can: { show: true, update: true },
  allow_persistent_sessions: false,
  session_minutes: 720,
  unlimited_sessions_per_user: true,
  use_inactivity_based_logout: true,
  track_session_location: true,
};

export const BOOTSTRAP = 'test-bootstrap-secret-0123456789abcdefghijkl';

/**
 * The storage every app of this run uses: `SESSIOND_TEST_BACKEND=postgres` (the `postgres` project
 * of vitest.config.ts) means PostgreSQL plus Redis, anything else SQLite.
 */
export const TEST_BACKEND: 'sqlite' | 'postgres' = process.env.SESSIOND_TEST_BACKEND === 'postgres' ? 'postgres' : 'sqlite';
export const onPostgres = TEST_BACKEND === 'postgres';

/** Title of a suite that only makes sense on SQLite: on the PostgreSQL run it is skipped, and says why. */
export const sqliteOnlyTitle = (title: string, why: string) => (onPostgres ? `${title} [skipped on PostgreSQL + Redis: SQLite only, ${why}]` : title);

/**
 * Fresh storage for one app, or for several nodes or processes that share it: on the postgres
 * backend a new database (test/pg-helpers.ts) and a Redis key prefix of its own; on SQLite nothing
 * (the data directory is the storage). `config` goes into `loadConfig` overrides, `env` into a
 * spawned server's environment; `drop()` removes the database.
 */
export interface TestStorage {
  config: Partial<Config>;
  env: Record<string, string>;
  drop(): Promise<void>;
}

export async function freshStorage(): Promise<TestStorage> {
  if (!onPostgres) return { config: {}, env: {}, drop: async () => {} };
  const { createTestDatabase, TEST_REDIS_URL } = await import('./pg-helpers.js');
  const db = await createTestDatabase();
  const redisPrefix = `sessiond-test-${randomBytes(6).toString('hex')}:`;
  return {
    config: { databaseUrl: db.url, redisUrl: TEST_REDIS_URL, redisPrefix },
    env: { SESSIOND_DATABASE_URL: db.url, SESSIOND_REDIS_URL: TEST_REDIS_URL, SESSIOND_REDIS_PREFIX: redisPrefix },
    drop: () => db.drop(),
  };
}

/** A store of this run's backend on fresh storage (what `startTestApp` opens), for tests of the core; `close()` removes it all. */
export async function openTestStore(o: { activityFlushMs: number }): Promise<{ store: Store; close(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sessiond-store-'));
  const storage = await freshStorage();
  const { databaseUrl, redisUrl, redisPrefix } = storage.config;
  const store = await openStore({
    dataDir,
    activityFlushMs: o.activityFlushMs,
    sqliteSynchronous: 'NORMAL',
    ...(databaseUrl ? { databaseUrl, databasePoolSize: 4 } : {}),
    ...(redisUrl && redisPrefix ? { redisUrl, redisPrefix } : {}),
  });
  return {
    store,
    async close() {
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
      await storage.drop();
    },
  };
}

/** Overrides that start another node on the storage of `t` (same data directory, or same database and Redis prefix). */
export function storageOf(t: TestApp): Partial<Config> {
  const { dataDir, databaseUrl, redisUrl, redisPrefix } = t.config;
  return { dataDir, ...(databaseUrl ? { databaseUrl, redisPrefix } : {}), ...(redisUrl ? { redisUrl } : {}) };
}

/** Collected log lines of a test app (to assert that no secret is logged). */
export class LogSink extends Writable {
  lines: string[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void) {
    this.lines.push(chunk.toString());
    cb();
  }
}

export interface TestApp {
  app: SessiondApp;
  dataDir: string;
  logs: LogSink;
  config: Config;
  /**
   * In-process request with exactly these headers (nothing added): for surfaces whose clients use
   * other auth schemes or content types. A JSON body is serialized, a string sent as it is.
   */
  raw(method: string, url: string, o?: { body?: unknown; headers?: Record<string, string>; remoteAddress?: string }): Promise<TestResponse>;
  /** In-process request through Fastify's inject; auth defaults to the bootstrap credential. */
  req(method: string, url: string, body?: unknown, o?: { token?: string | null; headers?: Record<string, string> }): Promise<TestResponse>;
  close(): Promise<void>;
}

// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON answers
export type TestResponse = { status: number; body: any; headers: Record<string, unknown>; raw: string };

/**
 * A real sessiond on a real SQLite file in a fresh temp directory, with argon2id at a
 * low cost so tests stay fast, and no rate limits unless `overrides` set them.
 * `listen: true` also opens a real socket.
 * With `SESSIOND_TEST_BACKEND=postgres` it runs on a fresh PostgreSQL database (created on the
 * server of `SESSIOND_TEST_DATABASE_URL`, see test/pg-helpers.ts, and dropped by `close()`) plus
 * Redis (`SESSIOND_TEST_REDIS_URL`) under a key prefix of its own, unless `overrides.databaseUrl`
 * names a database (then it neither creates nor drops one; see `storageOf`).
 */
export async function startTestApp(overrides: Partial<Config> = {}, o: { listen?: boolean } = {}): Promise<TestApp & { url: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sessiond-test-'));
  const storage = overrides.databaseUrl ? null : await freshStorage();
  const config = loadConfig(
    {},
    {
      dataDir,
      port: 0,
      ...storage?.config,
      logLevel: 'info',
      bootstrapToken: BOOTSTRAP,
      argon2MemoryKiB: 1024,
      argon2TimeCost: 1,
      activityFlushMs: 200,
      // Tests sign the same user in many times a minute and make hundreds of calls with one
      // credential; the rate limits are tested with their own values (test/rate-limits.test.ts).
      apiRateLimitPerMinute: 0,
      signInRateLimitPerMinute: 0,
      signInAccountRateLimitPerMinute: 0,
      ...overrides,
    },
  );
  const logs = new LogSink();
  const app = await createApp(config, { logger: createLogger(config.logLevel, logs) });
  const url = o.listen ? await app.listen() : '';
  if (!o.listen) await app.http.app.ready();
  const raw: TestApp['raw'] = async (method, reqUrl, o = {}) => {
    const res = await app.http.app.inject({
      method: method as 'GET',
      url: reqUrl,
      headers: o.headers ?? {},
      ...(o.remoteAddress ? { remoteAddress: o.remoteAddress } : {}),
      ...(o.body !== undefined ? { payload: typeof o.body === 'string' ? o.body : JSON.stringify(o.body) } : {}),
    });
    let parsed: unknown = null;
    try {
      parsed = res.body ? JSON.parse(res.body) : null;
    } catch {
      parsed = res.body;
    }
    return { status: res.statusCode, body: parsed, headers: res.headers, raw: res.body };
  };
  return {
    app,
    dataDir,
    logs,
    config,
    url,
    raw,
    async req(method, reqUrl, body, opt = {}) {
      const token = opt.token === undefined ? BOOTSTRAP : opt.token;
      const headers = {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(opt.headers ?? {}),
      };
      return raw(method, reqUrl, { body, headers });
    },
    async close() {
      await app.stop();
      rmSync(dataDir, { recursive: true, force: true });
      await storage?.drop();
    },
  };
}

/**
 * Makes the storage of `t` refuse writes for a while, as a stuck other writer would: another
 * connection takes the write lock (SQLite: `BEGIN IMMEDIATE` on the file; PostgreSQL: every table
 * locked EXCLUSIVE, reads still allowed), so the app's writes time out and fail as `unavailable`.
 * Returns the unlock.
 */
export async function lockStorageWrites(t: TestApp): Promise<() => Promise<void>> {
  if (t.config.databaseUrl) {
    const { default: pg } = await import('pg');
    const c = new pg.Client({ connectionString: t.config.databaseUrl });
    await c.connect();
    await c.query('BEGIN');
    const tables = await c.query<{ name: string }>("SELECT quote_ident(tablename) AS name FROM pg_tables WHERE schemaname = 'public'");
    await c.query(`LOCK TABLE ${tables.rows.map((r) => r.name).join(', ')} IN EXCLUSIVE MODE`);
    return async () => {
      await c.query('ROLLBACK');
      await c.end();
    };
  }
  const { default: Database } = await import('better-sqlite3');
  const other = new Database(join(t.dataDir, 'sessiond.db'));
  other.exec('BEGIN IMMEDIATE');
  return async () => {
    other.exec('ROLLBACK');
    other.close();
  };
}

/** Asserts the native error shape, its status and code, and that requestId matches the header. */
export function expectError(r: Awaited<ReturnType<TestApp['req']>>, status: number, code: string): void {
  expect(r.status, r.raw).toBe(status);
  expect(r.body).toEqual({ error: { code, message: expect.any(String), requestId: expect.any(String), details: expect.any(Array) } });
  expect(r.body.error.requestId).toBe(r.headers['x-request-id']);
}

/** The native reads that show everything a bad request could have changed (compared before/after). */
export const STORED_STATE_URLS = [
  '/v1/policy',
  '/v1/organizations',
  '/v1/organizations/acme/policy',
  '/v1/users?limit=500',
  '/v1/credentials',
  '/v1/sessions?active=false&limit=500',
  '/v1/events?limit=1000',
] as const;
