import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { expect } from 'vitest';
import { createApp, createLogger, type SessiondApp } from '../src/app.js';
import { type Config, loadConfig } from '../src/config/config.js';

/** The policy of a fresh instance, as the native API shows it (CONTRACT §3 defaults). */
export const DEFAULT_POLICY = {
  maxLifetimeSeconds: 43_200,
  idleTimeoutSeconds: 1_800,
  userSessionLimit: 0,
  adminSessionLimit: 0,
  onLimit: 'evict_oldest',
  allowPersistentSessions: false,
  trackLocation: true,
};

export const BOOTSTRAP = 'test-bootstrap-secret-0123456789abcdefghijkl';

/** Collected log lines of a test app (to assert that no secret is logged). */
export class LogSink extends Writable {
  lines: string[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void) {
    this.lines.push(chunk.toString());
    cb();
  }
}

export interface TestApp {
  app: SessiondApp;
  dataDir: string;
  logs: LogSink;
  config: Config;
  /**
   * In-process request with exactly these headers (nothing added): for surfaces whose clients use
   * other auth schemes or content types. A JSON body is serialized, a string sent as it is.
   */
  raw(method: string, url: string, o?: { body?: unknown; headers?: Record<string, string> }): Promise<TestResponse>;
  /** In-process request through Fastify's inject; auth defaults to the bootstrap credential. */
  req(method: string, url: string, body?: unknown, o?: { token?: string | null; headers?: Record<string, string> }): Promise<TestResponse>;
  close(): Promise<void>;
}

// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON answers
export type TestResponse = { status: number; body: any; headers: Record<string, unknown>; raw: string };

/**
 * A real sessiond on a real SQLite file in a fresh temp directory, with argon2id at a
 * low cost so tests stay fast. `listen: true` also opens a real socket.
 * With `SESSIOND_TEST_BACKEND=postgres` it runs on a fresh PostgreSQL database instead (created on
 * the server of `SESSIOND_TEST_DATABASE_URL`, see test/pg-helpers.ts, and dropped by `close()`).
 */
export async function startTestApp(overrides: Partial<Config> = {}, o: { listen?: boolean } = {}): Promise<TestApp & { url: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sessiond-test-'));
  const pgDb = process.env.SESSIOND_TEST_BACKEND === 'postgres' && !overrides.databaseUrl ? await (await import('./pg-helpers.js')).createTestDatabase() : null;
  const config = loadConfig(
    {},
    {
      dataDir,
      port: 0,
      ...(pgDb ? { databaseUrl: pgDb.url } : {}),
      logLevel: 'info',
      bootstrapToken: BOOTSTRAP,
      argon2MemoryKiB: 1024,
      argon2TimeCost: 1,
      activityFlushMs: 200,
      ...overrides,
    },
  );
  const logs = new LogSink();
  const app = await createApp(config, { logger: createLogger(config.logLevel, logs) });
  const url = o.listen ? await app.listen() : '';
  if (!o.listen) await app.http.app.ready();
  const raw: TestApp['raw'] = async (method, reqUrl, o = {}) => {
    const res = await app.http.app.inject({
      method: method as 'GET',
      url: reqUrl,
      headers: o.headers ?? {},
      ...(o.body !== undefined ? { payload: typeof o.body === 'string' ? o.body : JSON.stringify(o.body) } : {}),
    });
    let parsed: unknown = null;
    try {
      parsed = res.body ? JSON.parse(res.body) : null;
    } catch {
      parsed = res.body;
    }
    return { status: res.statusCode, body: parsed, headers: res.headers, raw: res.body };
  };
  return {
    app,
    dataDir,
    logs,
    config,
    url,
    raw,
    async req(method, reqUrl, body, opt = {}) {
      const token = opt.token === undefined ? BOOTSTRAP : opt.token;
      const headers = {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(opt.headers ?? {}),
      };
      return raw(method, reqUrl, { body, headers });
    },
    async close() {
      await app.stop();
      rmSync(dataDir, { recursive: true, force: true });
      await pgDb?.drop();
    },
  };
}

/** Asserts the native error shape, its status and code, and that requestId matches the header. */
export function expectError(r: Awaited<ReturnType<TestApp['req']>>, status: number, code: string): void {
  expect(r.status, r.raw).toBe(status);
  expect(r.body).toEqual({ error: { code, message: expect.any(String), requestId: expect.any(String), details: expect.any(Array) } });
  expect(r.body.error.requestId).toBe(r.headers['x-request-id']);
}
