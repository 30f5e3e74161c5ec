// Seeding for the benchmarks: active sessions written straight into a sessiond database (what a
// sign-in writes, minus its event; a sign-in each would take minutes of argon2id), on SQLite or on
// a fresh PostgreSQL database with a Redis key prefix of its own.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { createBenchDatabase, dropRedisKeys } from './lib.mjs';

/** Where `--backend postgres` (and console-scan's `--postgres`) seed and run: a fresh database and key prefix there. */
export const PG_ADMIN_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** Seeded rows carry a location like sessions created through the API. */
export const SEED_UA = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';

/** The row of the i-th seeded session of `subject`, whose token is `token` (stored as its SHA-256). */
export function seedRow(token, i, subject, now) {
  const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
  return { id: randomUUID(), hash: createHash('sha256').update(token, 'utf8').digest('hex'), subject, now, ip };
}

/**
 * A prepared statement inserting active sessions straight into a sessiond SQLite file;
 * `run(row)` takes { id, hash, subject, now, ip }.
 */
export function sessionInserter(db) {
  const insert = db.prepare(`INSERT INTO sessions
    (id, token_hash, subject_type, subject_id, organization_id, role, persistent, created_at_ms, last_active_at_ms,
     expires_at_ms, ended_at_ms, end_reason, ip, user_agent, country, city, last_ip, metadata)
    VALUES (?, ?, 'user', ?, 'default', 'user', 0, ?, ?, NULL, NULL, NULL, ?, ?, NULL, NULL, ?, '{}')`);
  return { run: (r) => insert.run(r.id, r.hash, r.subject, r.now, r.now, r.ip, SEED_UA, r.ip) };
}

/** Inserts active sessions into a sessiond PostgreSQL database in one statement; rows as for `sessionInserter`. */
export async function insertPostgresSessions(client, rows) {
  await client.query(
    `INSERT INTO sessions (id, token_hash, subject_type, subject_id, organization_id, role, persistent, created_at_ms, last_active_at_ms,
       expires_at_ms, ended_at_ms, end_reason, ip, user_agent, country, city, last_ip, metadata)
     SELECT id, h, 'user', sub, 'default', 'user', 0, t, t, NULL, NULL, NULL, ip, $5, NULL, NULL, ip, '{}'
     FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $6::text[]) AS x(id, h, sub, t, ip)`,
    [rows.map((r) => r.id), rows.map((r) => r.hash), rows.map((r) => r.subject), rows.map((r) => r.now), SEED_UA, rows.map((r) => r.ip)],
  );
}

/**
 * A new sessiond SQLite directory (the store's own migrations) with `batches` (arrays of rows)
 * inserted, one transaction each; `onBatch(rowsSoFar)` after each. Resolves with the file's size
 * and the seconds the rows took (the migrations not counted).
 */
export async function seedSqlite(dataDir, batches, onBatch = () => {}) {
  const { SqliteStore } = await import('../dist/storage/sqlite/sqlite-store.js');
  await (await SqliteStore.open({ dataDir, activityFlushMs: 1000 })).close();
  const { default: Database } = await import('better-sqlite3');
  const file = join(dataDir, 'sessiond.db');
  const t0 = performance.now();
  const db = new Database(file);
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -262144');
  const insert = sessionInserter(db);
  const insertBatch = db.transaction((rows) => {
    for (const r of rows) insert.run(r);
  });
  let count = 0;
  for (const rows of batches) {
    insertBatch(rows);
    count += rows.length;
    onBatch(count);
  }
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return { dbBytes: statSync(file).size, seconds: (performance.now() - t0) / 1000 };
}

/**
 * A fresh PostgreSQL database (the store's own migrations) with `batches` inserted, and a fresh
 * Redis key prefix; `onBatch` and `seconds` as for `seedSqlite`. `env` points sessiond at both; `drop()`
 * removes both (a failed seed drops its database itself).
 */
export async function seedPostgres(batches, onBatch = () => {}) {
  const { default: pg } = await import('pg');
  const database = await createBenchDatabase(PG_ADMIN_URL);
  const t0 = performance.now();
  let dbBytes;
  try {
    const db = new pg.Client({ connectionString: database.url });
    await db.connect();
    await db.query('SET synchronous_commit = off');
    let count = 0;
    for (const rows of batches) {
      await insertPostgresSessions(db, rows);
      count += rows.length;
      onBatch(count);
    }
    await db.query('ANALYZE sessions');
    dbBytes = Number((await db.query('SELECT pg_database_size(current_database()) AS n')).rows[0].n);
    await db.end();
  } catch (e) {
    await database.drop();
    throw e;
  }
  const seconds = (performance.now() - t0) / 1000;
  const redisPrefix = `sessiond-bench-${randomBytes(4).toString('hex')}:`;
  return {
    dbBytes,
    seconds,
    where: `PostgreSQL database ${database.name}, Redis prefix ${redisPrefix}`,
    env: { SESSIOND_DATABASE_URL: database.url, SESSIOND_REDIS_URL: REDIS_URL, SESSIOND_REDIS_PREFIX: redisPrefix },
    drop: () => Promise.all([database.drop(), dropRedisKeys(REDIS_URL, redisPrefix)]),
  };
}
