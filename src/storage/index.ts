import type { Store } from '../core/ports.js';
import { SqliteStore } from './sqlite/sqlite-store.js';

export interface StoreConfig {
  dataDir: string;
  databaseUrl?: string | undefined;
  activityFlushMs: number;
  sqliteSynchronous: 'FULL' | 'NORMAL';
  sessionCacheEntries?: number;
  onError?: (e: unknown) => void;
}

/** Opens the configured store. Drivers load only when configured (PostgreSQL: a later adapter). */
export async function openStore(c: StoreConfig): Promise<Store> {
  if (c.databaseUrl) {
    throw new Error('SESSIOND_DATABASE_URL is set, but the PostgreSQL adapter is not part of this version yet; unset it to use SQLite');
  }
  return SqliteStore.open({
    dataDir: c.dataDir,
    activityFlushMs: c.activityFlushMs,
    synchronous: c.sqliteSynchronous,
    ...(c.sessionCacheEntries !== undefined ? { sessionCacheEntries: c.sessionCacheEntries } : {}),
    ...(c.onError ? { onError: c.onError } : {}),
  });
}
