import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { freshStorage, type TestStorage } from './helpers.js';

/**
 * The built CLI (`npm test` builds first) for one test file, in local mode: a temporary directory
 * with the data directory `<dir>/data` (not created), or (the postgres run) a fresh PostgreSQL
 * database and Redis prefix given by environment variables; all removed after the file.
 */
export function cliSandbox(prefix: string) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const dataDir = join(dir, 'data');
  let storage: TestStorage;
  beforeAll(async () => {
    storage = await freshStorage();
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await storage.drop();
  });
  const env = () => ({
    ...process.env,
    SESSIOND_DATA_DIR: dataDir,
    SESSIOND_ARGON2_MEMORY_KIB: '1024',
    SESSIOND_ARGON2_TIME_COST: '1',
    SESSIOND_URL: '',
    SESSIOND_TOKEN: '',
    ...storage.env,
  });
  return {
    dir,
    dataDir,
    storage: () => storage,
    env,
    /** Runs a command to its end. */
    cli(...args: string[]) {
      const r = spawnSync(process.execPath, ['bin/sessiond.js', ...args], { env: env(), encoding: 'utf8', timeout: 60_000 });
      return { code: r.status, out: r.stdout, err: r.stderr };
    },
    /**
     * Starts a command, leaving this process free meanwhile; `closedStdout`: its output goes into
     * a pipe whose reader is gone before its first write (`| true`).
     */
    spawn(args: string[], o: { closedStdout?: boolean } = {}) {
      const child = spawn(process.execPath, ['bin/sessiond.js', ...args], { env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
      if (o.closedStdout) child.stdout.destroy();
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => {
        out += d;
      });
      child.stderr.on('data', (d) => {
        err += d;
      });
      return new Promise<{ code: number | null; out: string; err: string }>((resolve) => child.on('close', (code) => resolve({ code, out, err })));
    },
  };
}
