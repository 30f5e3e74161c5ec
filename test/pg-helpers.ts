import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { CACHE_EPOCH_KEY } from '../src/storage/postgres/cache-epoch.js';
import { RedisSessionTier } from '../src/storage/redis-session-tier.js';

/**
 * PostgreSQL for tests. `SESSIOND_TEST_DATABASE_URL` names a server and a database the test
 * user may connect to (default: the local trust-auth server's `test` database as `postgres`);
 * every test app or suite gets its own fresh database on that server, dropped afterwards, so
 * parallel runs never see each other's data.
 */
export const TEST_PG_URL = process.env.SESSIOND_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Why PostgreSQL tests cannot run here, or null when the server answers. */
export async function postgresUnavailableReason(): Promise<string | null> {
  const c = new pg.Client({ connectionString: TEST_PG_URL, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.query('SELECT 1');
    return null;
  } catch (e) {
    return `PostgreSQL at ${redact(TEST_PG_URL)} is unreachable (${e instanceof Error ? e.message : String(e)})`;
  } finally {
    await c.end().catch(() => {});
  }
}

/** Redis for tests (`SESSIOND_TEST_REDIS_URL`, default the local server); every app or test uses its own key prefix. */
export const TEST_REDIS_URL = process.env.SESSIOND_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Why Redis tests cannot run here, or null when the server answers. */
export async function redisUnavailableReason(): Promise<string | null> {
  const r = new Redis(TEST_REDIS_URL, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  // The rejection only says "Connection is closed."; the error event says why.
  let cause: unknown = null;
  r.on('error', (e) => {
    cause ??= e;
  });
  try {
    await r.connect();
    await r.ping();
    return null;
  } catch (e) {
    const why = cause ?? e;
    return `Redis at ${redact(TEST_REDIS_URL)} is unreachable (${why instanceof Error ? why.message : String(why)})`;
  } finally {
    r.disconnect();
  }
}

/** Why the PostgreSQL + Redis backend of the tests cannot run here (both reasons when both are down), or null. */
export async function postgresBackendUnavailableReason(): Promise<string | null> {
  const reasons = (await Promise.all([postgresUnavailableReason(), redisUnavailableReason()])).filter((r) => r !== null);
  return reasons.length ? reasons.join('; ') : null;
}

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** Creates `sessiond_test_<random>` on the test server; `drop()` removes it (closing leftover connections). */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `sessiond_test_${randomBytes(6).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  const u = new URL(TEST_PG_URL);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    name,
    drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

async function admin(statement: string): Promise<void> {
  const c = new pg.Client({ connectionString: TEST_PG_URL, connectionTimeoutMillis: 5000 });
  await c.connect();
  try {
    await c.query(statement);
  } finally {
    await c.end();
  }
}

const redact = (url: string) => url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');

/** The shared session cache's epoch as stored in PostgreSQL (0 before it first moves); see src/storage/postgres/cache-epoch.ts. */
export async function storedCacheEpoch(databaseUrl: string): Promise<number> {
  const c = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5000 });
  await c.connect();
  try {
    const r = await c.query<{ value: string }>('SELECT value FROM settings WHERE key = $1', [CACHE_EPOCH_KEY]);
    return Number(r.rows[0]?.value ?? 0);
  } finally {
    await c.end();
  }
}

/** The Redis key of a session record in the shared tier (see RedisSessionTier): present once a node filled it under that epoch. */
export const sharedRecordKey = (prefix: string, epoch: number, tokenHash: string) => `${prefix}session:${epoch}:${tokenHash}`;

/**
 * A shared session tier of the test's own, on the nodes' Redis, prefix and database (so the same
 * keys and epoch as theirs), to drive a lookup and a fill step by step. Closed by the caller.
 */
export async function openSharedTier(o: { redisUrl: string; prefix: string; databaseUrl: string }): Promise<RedisSessionTier> {
  const tier = new RedisSessionTier({
    url: o.redisUrl,
    prefix: o.prefix,
    commandTimeoutMs: 1000,
    readEpoch: () => storedCacheEpoch(o.databaseUrl),
    onEpochChange: () => {},
  });
  await tier.start();
  return tier;
}
