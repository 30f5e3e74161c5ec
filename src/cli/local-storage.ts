import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Config } from '../config/config.js';

/** The SQLite file in a data directory (what `SqliteStore.open` creates). */
export const sqliteFile = (dataDir: string) => join(dataDir, 'sessiond.db');

/** Where local mode keeps its data, for messages (never a password). */
export const describeLocalStorage = (config: Config) =>
  config.databaseUrl ? 'the PostgreSQL database of SESSIOND_DATABASE_URL' : `SQLite ${resolve(sqliteFile(config.dataDir))}`;

/**
 * Local mode acts on storage that `serve` or `init` created. A read command pointed at the
 * wrong directory (or an empty PostgreSQL database) must say so, not create a database there.
 */
export async function assertLocalStorageExists(config: Config): Promise<void> {
  if (config.databaseUrl) {
    if (!(await postgresHasSchema(config.databaseUrl))) {
      throw new Error('the PostgreSQL database of SESSIOND_DATABASE_URL has no sessiond tables yet: `sessiond serve` or `sessiond init` creates them');
    }
    return;
  }
  if (config.dataDir === ':memory:' || existsSync(sqliteFile(config.dataDir))) return;
  const dir = resolve(config.dataDir);
  const where = existsSync(dir) ? `no sessiond database in ${dir}` : `the data directory ${dir} does not exist`;
  throw new Error(
    `${where}: \`sessiond serve --data-dir ${config.dataDir}\` (or \`sessiond init --data-dir ${config.dataDir}\`) creates it; or give --url to act on a running server`,
  );
}

async function postgresHasSchema(url: string): Promise<boolean> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  client.on('error', () => {}); // a dropped connection fails the query below; no unhandled 'error' event
  try {
    await client.connect();
    const r = await client.query<{ t: string | null }>("SELECT to_regclass('schema_migrations')::text AS t");
    return r.rows[0]?.t != null;
  } catch (e) {
    throw new Error(`cannot reach the PostgreSQL database of SESSIOND_DATABASE_URL: ${(e as Error).message}`);
  } finally {
    await client.end().catch(() => {});
  }
}
