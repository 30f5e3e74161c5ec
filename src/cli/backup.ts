import { chmodSync, existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import cliProgress from 'cli-progress';
import { localConfig } from './api.js';
import { assertLocalStorageExists, sqliteFile } from './local-storage.js';

/** The largest step better-sqlite3 takes: the rest of the database in one read transaction. */
const ALL_REMAINING_PAGES = 0x7fffffff;

/**
 * `sessiond backup <file>`: a consistent copy of the SQLite database through SQLite's online
 * backup API, safe while a server writes to the same directory (WAL: readers never block it).
 * Written next to the target and renamed at the end, so a file of that name is always whole.
 */
export async function backup(file: string, o: { dataDir?: string; progress: boolean }): Promise<void> {
  const config = localConfig(o.dataDir);
  if (config.databaseUrl) {
    throw new Error(
      'backup copies the SQLite database, and this instance is on PostgreSQL (SESSIOND_DATABASE_URL): back it up with pg_dump, e.g. `pg_dump -Fc "$SESSIOND_DATABASE_URL" > sessiond.dump` (docs/deployment.md, "Backup and restore")',
    );
  }
  await assertLocalStorageExists(config);
  const target = resolve(file);
  if (existsSync(target)) throw new Error(`${target} exists already: remove it or choose another name (backup never overwrites)`);
  if (!existsSync(dirname(target))) throw new Error(`the directory ${dirname(target)} does not exist`);
  const source = resolve(sqliteFile(config.dataDir));
  const partial = `${target}.partial-${process.pid}`;
  const db = new Database(source, { fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  const bar = o.progress
    ? new cliProgress.SingleBar(
        { format: 'backing up |{bar}| {value}/{total} pages  {eta_formatted} left', stream: process.stderr },
        cliProgress.Presets.shades_classic,
      )
    : null;
  try {
    let lastRemaining = Number.POSITIVE_INFINITY;
    const { totalPages } = await db.backup(partial, {
      progress({ totalPages, remainingPages }) {
        if (lastRemaining === Number.POSITIVE_INFINITY) bar?.start(totalPages, 0);
        bar?.update(totalPages - remainingPages);
        // A write by another connection (the server) restarts an online backup from the first
        // page; copying the rest in one step cannot be restarted, and does not block WAL writers.
        const restarted = remainingPages > lastRemaining;
        lastRemaining = remainingPages;
        return restarted ? ALL_REMAINING_PAGES : Math.max(100, Math.ceil(totalPages / 100));
      },
    });
    bar?.update(totalPages);
    bar?.stop();
    // Password and secret hashes: as private as the database itself.
    chmodSync(partial, 0o600);
    renameSync(partial, target);
    const mib = (statSync(target).size / 2 ** 20).toFixed(1);
    process.stdout.write(`backed up ${source} to ${target} (${totalPages} pages, ${mib} MiB)\n`);
  } catch (e) {
    bar?.stop();
    for (const f of [partial, `${partial}-wal`, `${partial}-shm`, `${partial}-journal`]) rmSync(f, { force: true });
    throw e;
  } finally {
    db.close();
  }
}
