import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '../src/core/errors.js';
import { logFailure } from '../src/server/errors.js';
import { BOOTSTRAP, lockStorageWrites, startTestApp, type TestApp } from './helpers.js';

// Every request path ends in one handler that answers 500/503 and logs the failure at error level
// with its request id and cause chain (issue 13): the Fastify surfaces, the fast introspection
// path (its answer callback included) and the ZITADEL RPCs.

type App = TestApp & { url: string };
const PW = 'correct horse battery';
const lines = (t: TestApp) => t.logs.lines.flatMap((l) => l.split('\n').filter(Boolean)).map((l) => JSON.parse(l) as Record<string, unknown>);
/** The error-level lines logged for one request id. */
const errorsOf = (t: TestApp, reqId: string) => lines(t).filter((l) => l.level === 50 && l.reqId === reqId);

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** Writes a value no answer can carry (a time past JavaScript's Date range) into every stored session, as a damaged row would. */
async function corruptLastUse(t: TestApp): Promise<void> {
  const beyondDates = 9e15;
  if (t.config.databaseUrl) {
    const { default: pg } = await import('pg');
    const c = new pg.Client({ connectionString: t.config.databaseUrl });
    await c.connect();
    await c.query('UPDATE sessions SET last_active_at_ms = $1', [beyondDates]);
    await c.end();
    return;
  }
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(join(t.dataDir, 'sessiond.db'));
  db.prepare('UPDATE sessions SET last_active_at_ms = ?').run(beyondDates);
  db.close();
}

describe('the fast introspection path: a failure while answering', () => {
  let t: App;
  beforeAll(async () => {
    t = await startTestApp({}, { listen: true });
  });
  afterAll(() => t.close());

  it('answers 500 in the native shape and logs the error with its request id, cached or not (never an unhandled rejection)', async () => {
    expect((await t.req('POST', '/v1/users', { loginName: 'fay', password: PW })).status).toBe(201);
    const s = await t.req('POST', '/v1/sessions', { loginName: 'fay', password: PW }, { token: null });
    await corruptLastUse(t);
    await new Promise((r) => setTimeout(r, 1_200)); // another connection's write: the session cache notices within a second
    for (const id of ['fast-fail-1', 'fast-fail-2']) {
      const r = await post(`${t.url}/v1/sessions/introspect`, { token: s.body.token }, { 'x-request-id': id });
      expect(r.status, r.text).toBe(500);
      expect(JSON.parse(r.text)).toEqual({ error: { code: 'internal', message: 'internal error', requestId: id, details: [] } });
      expect(r.headers.get('x-request-id')).toBe(id);
      const logged = errorsOf(t, id);
      expect(logged).toHaveLength(1);
      expect(JSON.stringify(logged[0]?.err)).toMatch(/Invalid time value/);
    }
    // The process still serves.
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
  });
});

describe('a storage failure on every surface: logged at error level with the request id', () => {
  let t: App;
  beforeAll(async () => {
    t = await startTestApp({}, { listen: true });
    expect((await t.req('POST', '/v1/users', { loginName: 'gus', password: PW })).status).toBe(201);
  });
  afterAll(() => t.close());

  it('native, Looker, Dynatrace, GraphQL, ZITADEL REST and RPC', { timeout: 40_000 }, async () => {
    const auth = { authorization: `Bearer ${BOOTSTRAP}` };
    const session = { checks: { user: { loginName: 'gus' }, password: { password: PW } } };
    const calls: [string, () => Promise<{ status: number; headers: Headers; text: string }>, number][] = [
      ['native', () => fetchAs('PATCH', '/v1/policy', { idleTimeoutSeconds: 61 }, 'f-native'), 503],
      ['looker', () => fetchAs('PATCH', '/api/4.0/session_config', { session_minutes: 61 }, 'f-looker'), 503],
      [
        'dynatrace',
        () =>
          fetchAs(
            'PUT',
            '/api/cluster/v2/clusterConfig/userSessions',
            {
              concurrentSessionPolicyDto: { userLimit: 3, adminLimit: 3 },
              automaticLogoutDto: { logoutInactiveUsersEnabled: true, userInactivityTimeout: 61 },
            },
            'f-dynatrace',
          ),
        510,
      ],
      [
        'graphql',
        () =>
          fetchAs(
            'POST',
            '/graphql',
            { query: 'mutation { updateSessionSettings(input: {maxInactivityPeriod: 61000, forceReauthenticationAfter: 8640000}) { id } }' },
            'f-graphql',
          ),
        200,
      ],
      ['zitadel rest', () => fetchAs('POST', '/v2/sessions', session, 'f-zrest'), 503],
      ['zitadel rpc', () => fetchAs('POST', '/zitadel.session.v2.SessionService/CreateSession', session, 'f-zrpc'), 503],
    ];
    async function fetchAs(method: string, path: string, body: unknown, id: string) {
      const res = await fetch(`${t.url}${path}`, {
        method,
        headers: { ...auth, 'content-type': 'application/json', 'x-request-id': id },
        body: JSON.stringify(body),
      });
      return { status: res.status, headers: res.headers, text: await res.text() };
    }
    const unlock = await lockStorageWrites(t);
    let answers: { status: number; headers: Headers; text: string }[];
    try {
      answers = await Promise.all(calls.map(([, call]) => call()));
    } finally {
      await unlock();
    }
    for (const [i, [surface, , status]] of calls.entries()) {
      const r = answers[i];
      expect(r?.status, `${surface}: ${r?.text}`).toBe(status);
      const id = r?.headers.get('x-request-id') ?? '';
      const logged = errorsOf(t, id);
      expect(logged, `${surface} (${id}): ${JSON.stringify(lines(t).filter((l) => l.reqId === id))}`).toHaveLength(1);
      expect(JSON.stringify(logged[0]?.err), surface).toMatch(/storage is unavailable/);
      // The driver's error behind the 503 is logged as its cause (DomainError keeps it; pino's
      // serializer appends each cause's message and its stack after "caused by:").
      expect(JSON.stringify(logged[0]?.err), surface).toMatch(
        /storage is unavailable: [^"]*(database is locked|lock timeout|statement timeout|canceling statement)/i,
      );
      expect(JSON.stringify(logged[0]?.err), surface).toContain('caused by:');
    }
  });
});

describe('logFailure', () => {
  it('logs at error level with the request id and every cause of the chain', () => {
    const out: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        out.push(String(chunk));
        cb();
      },
    });
    const store = new DomainError('unavailable', 'storage is unavailable');
    Object.assign(store, { cause: new Error('database is locked', { cause: new Error('SQLITE_BUSY on sessions') }) });
    logFailure(pino(sink), store, 'req-7');
    expect(out).toHaveLength(1);
    const line = JSON.parse(out[0] ?? '{}');
    expect(line).toMatchObject({ level: 50, reqId: 'req-7', err: { type: 'DomainError', code: 'unavailable' } });
    expect(out[0]).toContain('database is locked');
    expect(out[0]).toContain('SQLITE_BUSY on sessions');
  });
});
