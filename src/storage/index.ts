import type { Store } from '../core/ports.js';
import type { BackgroundErrorSink } from './background.js';

export interface StoreConfig {
  dataDir: string;
  databaseUrl?: string | undefined;
  /** Connections of this node's PostgreSQL pool. */
  databasePoolSize?: number;
  activityFlushMs: number;
  sqliteSynchronous: 'FULL' | 'NORMAL';
  sessionCacheEntries?: number;
  /** PostgreSQL + Redis: longest time a session stays in a node's memory (ms; 0 = none). */
  nodeCacheTtlMs?: number;
  /** redis://…: with a database URL, a session cache per node plus one shared in Redis, invalidated across nodes over pub/sub. */
  redisUrl?: string | undefined;
  /** Namespace of Redis keys and channels (default `sessiond:`). */
  redisPrefix?: string;
  /** Timeout of a Redis command on the validation path (ms). */
  redisCommandTimeoutMs?: number;
  /** Failures of background work (retried), by task. */
  onError?: BackgroundErrorSink;
}

/** Opens the configured store. Drivers load only when configured: PostgreSQL for a database URL, else SQLite. */
export async function openStore(c: StoreConfig): Promise<Store> {
  if (c.databaseUrl) {
    const { PostgresStore } = await import('./postgres/postgres-store.js');
    return PostgresStore.open({
      url: c.databaseUrl,
      poolSize: c.databasePoolSize ?? 10,
      activityFlushMs: c.activityFlushMs,
      ...(c.redisUrl
        ? {
            redis: { url: c.redisUrl, prefix: c.redisPrefix ?? 'sessiond:', ...(c.redisCommandTimeoutMs ? { commandTimeoutMs: c.redisCommandTimeoutMs } : {}) },
          }
        : {}),
      ...(c.sessionCacheEntries !== undefined ? { sessionCacheEntries: c.sessionCacheEntries } : {}),
      ...(c.nodeCacheTtlMs !== undefined ? { sessionCacheTtlMs: c.nodeCacheTtlMs } : {}),
      ...(c.onError ? { onError: c.onError } : {}),
    });
  }
  const { SqliteStore } = await import('./sqlite/sqlite-store.js');
  return SqliteStore.open({
    dataDir: c.dataDir,
    activityFlushMs: c.activityFlushMs,
    synchronous: c.sqliteSynchronous,
    ...(c.sessionCacheEntries !== undefined ? { sessionCacheEntries: c.sessionCacheEntries } : {}),
    ...(c.onError ? { onError: c.onError } : {}),
  });
}
