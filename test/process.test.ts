import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import http2 from 'node:http2';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { describePostgres } from '../src/storage/postgres/describe.js';
import { BOOTSTRAP, freshStorage, type TestStorage } from './helpers.js';
import { exited, freePort, json, startServer } from './process-helpers.js';

// The real server process: durability across SIGKILL, graceful SIGTERM. On the postgres run the
// processes use a fresh PostgreSQL database and Redis prefix per test (environment variables).

const dirs: string[] = [];
const storages: TestStorage[] = [];
afterAll(async () => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  for (const s of storages.splice(0)) await s.drop();
});

/** Concurrent sign-in loops when the server is killed. */
const WORKERS = 16;

/** A fresh data directory and storage; `env` points a server process at the storage. */
async function fresh(): Promise<{ dataDir: string; env: Record<string, string>; storage: TestStorage }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sessiond-proc-'));
  dirs.push(dataDir);
  const storage = await freshStorage();
  storages.push(storage);
  return { dataDir, env: storage.env, storage };
}

describe('server process', () => {
  it('prints where it listens, which storage, and never the bootstrap secret it was given', async () => {
    const { dataDir, env, storage } = await fresh();
    const { child, stderr } = await startServer(dataDir, await freePort(), env);
    child.kill('SIGTERM');
    await exited(child);
    expect(stderr()).toMatch(/sessiond listening on http:\/\/127\.0\.0\.1:\d+/);
    const { databaseUrl } = storage.config;
    expect(stderr()).toContain(databaseUrl ? `storage: ${describePostgres(databaseUrl)} + Redis ` : `storage: SQLite ${dataDir}/sessiond.db`);
    expect(stderr()).not.toContain(BOOTSTRAP);
  });

  it('keeps every acknowledged session across kill -9 in the middle of concurrent sign-ins', async () => {
    const { dataDir, env } = await fresh();
    const port = await freePort();
    const { child, base } = await startServer(dataDir, port, env);
    expect((await json(base, 'POST', '/v1/users', { loginName: 'k', password: 'password-1' })).status).toBe(201);
    const acknowledged: { id: string; token: string }[] = [];
    let stop = false;
    const worker = async () => {
      while (!stop) {
        try {
          const r = await json(base, 'POST', '/v1/sessions', { loginName: 'k', password: 'password-1' }, null);
          if (r.status === 201) {
            const b = (await r.json()) as { session: { id: string }; token: string };
            acknowledged.push({ id: b.session.id, token: b.token });
          }
        } catch {
          return; // the server is gone
        }
      }
    };
    const workers = Array.from({ length: WORKERS }, worker);
    await new Promise((r) => setTimeout(r, 1500));
    child.kill('SIGKILL');
    stop = true;
    await Promise.all(workers);
    await exited(child);
    expect(acknowledged.length).toBeGreaterThan(20);

    const again = await startServer(dataDir, port, env);
    let lost = 0;
    for (const a of acknowledged) {
      const r = (await (await json(again.base, 'POST', '/v1/sessions/introspect', { token: a.token }, null)).json()) as {
        active: boolean;
        session?: { id: string };
      };
      if (!r.active || r.session?.id !== a.id) lost++;
    }
    console.log(`[durability] acknowledged ${acknowledged.length}, lost ${lost} (kill -9 during ${WORKERS} concurrent sign-in loops)`);
    expect(lost).toBe(0);
    again.child.kill('SIGTERM');
    expect((await exited(again.child)).code).toBe(0);
  }, 60_000);

  it('SIGTERM finishes in-flight requests, closes idle HTTP/1.1 and HTTP/2 connections, exits 0 quickly', async () => {
    const { dataDir, env } = await fresh();
    // Default argon2 cost so the sign-in is still in flight when SIGTERM arrives.
    const { child, base } = await startServer(dataDir, await freePort(), { ...env, SESSIOND_ARGON2_MEMORY_KIB: '65536', SESSIOND_ARGON2_TIME_COST: '3' });
    expect((await json(base, 'POST', '/v1/users', { loginName: 'g', password: 'password-1' })).status).toBe(201);

    // An idle keep-alive HTTP/1.1 connection and an idle h2c session.
    const agent = new http.Agent({ keepAlive: true });
    await new Promise<void>((resolve, reject) => {
      http
        .get(`${base}/healthz`, { agent }, (res) => {
          res.resume();
          res.on('end', resolve);
        })
        .on('error', reject);
    });
    const h2 = http2.connect(base);
    await new Promise<void>((resolve, reject) => {
      const s = h2.request({ ':path': '/healthz' });
      s.on('response', () => undefined).resume();
      s.on('end', resolve).on('error', reject);
    });
    const h2closed = new Promise<void>((resolve) => h2.on('close', resolve));

    const inFlight = json(base, 'POST', '/v1/sessions', { loginName: 'g', password: 'password-1' }, null);
    await new Promise((r) => setTimeout(r, 15));
    const t0 = Date.now();
    child.kill('SIGTERM');
    const res = await inFlight;
    expect(res.status).toBe(201);
    const { code } = await exited(child);
    expect(code).toBe(0);
    expect(Date.now() - t0).toBeLessThan(2000);
    await h2closed;
    agent.destroy();
  }, 30_000);

  for (const kind of ['exception', 'rejection'] as const) {
    it(`an unhandled ${kind} is logged as one fatal JSON line with its cause, and the process exits 1`, async () => {
      const { dataDir, env } = await fresh();
      // Preloaded into the real process: SIGUSR2 raises what no code of sessiond handles.
      const preload = join(dataDir, 'crash-on-signal.mjs');
      writeFileSync(
        preload,
        `process.on('SIGUSR2', () => {
          const err = new Error('test-${kind}', { cause: new Error('the underlying cause') });
          if (process.env.CRASH_KIND === 'rejection') Promise.reject(err);
          else throw err;
        });`,
      );
      const { child, stdout } = await startServer(dataDir, await freePort(), { ...env, CRASH_KIND: kind, NODE_OPTIONS: `--import=${pathToFileURL(preload)}` });
      child.kill('SIGUSR2');
      expect((await exited(child)).code).toBe(1);
      const fatal = stdout()
        .split('\n')
        .filter((l) => l.includes('"level":60'))
        .map((l) => JSON.parse(l));
      expect(fatal).toHaveLength(1);
      expect(fatal[0].msg).toBe(kind === 'exception' ? 'sessiond crashed: uncaught exception' : 'sessiond crashed: unhandled promise rejection');
      // pino's error serializer appends the causes' messages (and stacks).
      expect(fatal[0].err.message).toBe(`test-${kind}: the underlying cause`);
    });
  }
});
