import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BOOTSTRAP, freshStorage } from '../../../test/helpers.js';
import { exited, freePort, json, type ServerProcess, startServer } from '../../../test/process-helpers.js';

// A real `sessiond serve` process for the client's tests (run `npm run build` first: it runs
// dist/), on this run's backend (SQLite temp dir, or a fresh PostgreSQL database plus Redis),
// with one user, `alice`.

export const PASSWORD = 'correct horse battery staple';

export interface Sessiond {
  server: ServerProcess;
  base: string;
  close(): Promise<void>;
}

export async function startSessiond(): Promise<Sessiond> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sessiond-client-'));
  const storage = await freshStorage();
  const server = await startServer(dataDir, await freePort(), storage.env);
  const created = await json(server.base, 'POST', '/v1/users', { loginName: 'alice', password: PASSWORD });
  if (created.status !== 201) throw new Error(`creating a user: ${created.status} ${await created.text()}`);
  return {
    server,
    base: server.base,
    async close() {
      server.child.kill('SIGTERM');
      await exited(server.child);
      rmSync(dataDir, { recursive: true, force: true });
      await storage.drop();
    },
  };
}

export { BOOTSTRAP };
