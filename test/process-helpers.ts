import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { BOOTSTRAP } from './helpers.js';

// Real `sessiond serve` processes for tests (test/process.test.ts, test/multi-node.test.ts).
// They run the built CLI (bin/sessiond.js → dist/): run `npm run build` first (`npm test` does).

/** A port that was free a moment ago on 127.0.0.1. */
export const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

export interface ServerProcess {
  child: ChildProcess;
  /** http://127.0.0.1:<port> */
  base: string;
  /** Everything the process wrote to stderr so far (the startup banner, fatal errors). */
  stderr(): string;
  /** Everything it wrote to stdout so far (the JSON logs). */
  stdout(): string;
}

/**
 * Spawns `node bin/sessiond.js serve` on `port` with the bootstrap credential, warn-level logs and
 * a cheap argon2id, plus `env`; resolves once `/healthz` answers (throws if it exits or takes 10 s).
 */
export async function startServer(dataDir: string, port: number, env: Record<string, string> = {}): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['bin/sessiond.js', 'serve'], {
    env: {
      ...process.env,
      SESSIOND_PORT: String(port),
      SESSIOND_DATA_DIR: dataDir,
      SESSIOND_BOOTSTRAP_TOKEN: BOOTSTRAP,
      SESSIOND_LOG_LEVEL: 'warn',
      SESSIOND_ARGON2_MEMORY_KIB: '1024',
      SESSIOND_ARGON2_TIME_COST: '1',
      // Tests sign one user in many times a second (test/rate-limits.test.ts tests the sign-in limits).
      SESSIOND_SIGNIN_RATE_LIMIT_PER_MINUTE: '0',
      SESSIOND_SIGNIN_ACCOUNT_RATE_LIMIT_PER_MINUTE: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  child.stdout?.on('data', (d) => {
    stdout += d;
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`server exited: ${stderr}`);
    if (
      await fetch(`${base}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return { child, base, stderr: () => stderr, stdout: () => stdout };
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`server did not start: ${stderr}`);
}

/** Resolves with the exit code and signal once the process has exited (at once if it has). */
export const exited = (child: ChildProcess) =>
  new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve({ code: child.exitCode, signal: child.signalCode });
    else child.once('exit', (code, signal) => resolve({ code, signal }));
  });

/**
 * A request over a real socket with a JSON body (if any; without one, no Content-Type is sent);
 * the bootstrap credential unless `token` says otherwise (null: none).
 */
export const json = (base: string, method: string, path: string, body?: unknown, token: string | null = BOOTSTRAP) =>
  fetch(`${base}${path}`, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
