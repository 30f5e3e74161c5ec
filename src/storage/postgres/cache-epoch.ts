import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database as Schema } from '../schema.js';

/**
 * The shared (Redis) cache's epoch, a counter in `settings`: a node that could not invalidate a
 * changed session in Redis, or record uses there, moves it in PostgreSQL, and every node then
 * uses fresh Redis keys (see RedisSessionTier).
 */
export const CACHE_EPOCH_KEY = 'redis_cache_epoch';

/** Moves the epoch; inside a transaction, atomically with its changes. */
export async function bumpCacheEpoch(db: Kysely<Schema> | Transaction<Schema>): Promise<void> {
  await sql`INSERT INTO settings (key, value) VALUES (${CACHE_EPOCH_KEY}, '1')
    ON CONFLICT (key) DO UPDATE SET value = (settings.value::bigint + 1)::text`.execute(db);
}

/** The current epoch (0 until it first moves). */
export async function readCacheEpoch(db: Kysely<Schema>): Promise<number> {
  const r = await sql<{ value: string }>`SELECT value FROM settings WHERE key = ${CACHE_EPOCH_KEY}`.execute(db);
  return Number(r.rows[0]?.value ?? 0);
}
