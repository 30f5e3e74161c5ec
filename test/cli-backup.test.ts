import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { cliSandbox } from './cli-helpers.js';
import { BOOTSTRAP, onPostgres } from './helpers.js';
import { exited, freePort, json, type ServerProcess, startServer } from './process-helpers.js';

// `sessiond backup <file>`: on SQLite a consistent copy taken while a server process writes to
// the same directory; on PostgreSQL a clear refusal pointing at pg_dump.

const { dir, dataDir, spawn } = cliSandbox('sessiond-backup-');

/** The backup command as a child process, so this process can keep the server busy meanwhile. */
const backup = (file: string) => spawn(['backup', file]);

const signIn = async (base: string, loginName: string) => {
  const r = await json(base, 'POST', '/v1/sessions', { loginName, password: 'password-1' }, null);
  expect(r.status).toBe(201);
  return ((await r.json()) as { session: { id: string } }).session.id;
};

describe('sessiond backup', () => {
  it('has --help that tells how to restore', () => {
    const r = spawnSync(process.execPath, ['bin/sessiond.js', 'backup', '--help'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Usage: sessiond backup [options] <file>');
    expect(r.stdout).toContain('Restore: stop the server');
  });

  it.runIf(onPostgres)('on PostgreSQL refuses, pointing at pg_dump', async () => {
    const r = await backup(join(dir, 'pg.db'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /^error: backup copies the SQLite database, and this instance is on PostgreSQL \(SESSIOND_DATABASE_URL\): back it up with pg_dump, e\.g\. /,
    );
    expect(r.err.split('\n')).toHaveLength(2); // one line
    expect(existsSync(join(dir, 'pg.db'))).toBe(false);
  });

  it.skipIf(onPostgres)(
    'copies a live database while a server process writes to it; the copy opens with every user and session',
    async () => {
      const missing = await backup(join(dir, 'too-early.db'));
      expect(missing.code).toBe(1);
      expect(missing.err).toMatch(/^error: the data directory .* does not exist: `sessiond serve --data-dir /);

      let server: ServerProcess | null = await startServer(dataDir, await freePort());
      try {
        const { base } = server;
        for (const loginName of ['ann', 'ben', 'cat']) {
          expect((await json(base, 'POST', '/v1/users', { loginName, password: 'password-1' }, BOOTSTRAP)).status).toBe(201);
        }
        const before: string[] = [];
        for (let i = 0; i < 60; i++) before.push(await signIn(base, ['ann', 'ben', 'cat'][i % 3] as string));
        // Pages to copy in many steps: a backup is then under way while the writes below land.
        const filler = new Database(join(dataDir, 'sessiond.db'));
        filler.exec('CREATE TABLE backup_test_filler (b BLOB)');
        const insert = filler.prepare('INSERT INTO backup_test_filler VALUES (randomblob(4096))');
        filler.transaction(() => {
          for (let i = 0; i < 8000; i++) insert.run();
        })();
        filler.close();

        let writing = true;
        let during = 0;
        const writers = Array.from({ length: 4 }, async () => {
          while (writing) {
            await signIn(base, 'ann');
            during++;
          }
        });
        const file = join(dir, 'copy.db');
        const r = await backup(file);
        const duringBackup = during;
        writing = false;
        await Promise.all(writers);
        expect(r.err).toBe('');
        expect(r.code).toBe(0);
        expect(r.out).toMatch(new RegExp(`^backed up ${join(dataDir, 'sessiond.db')} to ${file} \\(\\d+ pages, \\d+\\.\\d MiB\\)\\n$`));
        expect(duringBackup).toBeGreaterThan(0); // the server kept writing while the copy was taken
        expect(statSync(file).mode & 0o777).toBe(0o600);

        const copy = new Database(file, { readonly: true, fileMustExist: true });
        try {
          expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
          const logins = copy.prepare('SELECT login_name FROM users ORDER BY login_name').pluck().all();
          expect(logins).toEqual(['ann', 'ben', 'cat']);
          const ids = new Set(copy.prepare('SELECT id FROM sessions').pluck().all() as string[]);
          for (const id of before) expect(ids.has(id)).toBe(true);
          expect(ids.size).toBeLessThanOrEqual(before.length + during);
          expect(copy.prepare('SELECT count(*) FROM backup_test_filler').pluck().get()).toBe(8000);
        } finally {
          copy.close();
        }

        const again = await backup(file);
        expect(again.code).toBe(1);
        expect(again.err).toBe(`error: ${file} exists already: remove it or choose another name (backup never overwrites)\n`);
        const child = server.child;
        child.kill('SIGTERM');
        await exited(child);
        server = null;
      } finally {
        server?.child.kill('SIGKILL');
      }
    },
    120_000,
  );
});
