import { Code, ConnectError } from '@connectrpc/connect';
import { createServerTransport } from '@zitadel/client/node';
import { createSessionServiceClient } from '@zitadel/client/v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/app.js';
import type { Store } from '../src/core/ports.js';
import { backgroundErrorReporter } from '../src/server/background-errors.js';
import { createMetrics } from '../src/server/metrics.js';
import { instrumentStore } from '../src/storage/instrumented.js';
import { BOOTSTRAP, LogSink, onPostgres, openTestStore, startTestApp, type TestApp } from './helpers.js';

// Observability: Prometheus metrics of every surface (ZITADEL's RPCs too), sign-ins, sessions
// ended by reason, the store's latency at the port boundary, the session cache; request ids in
// headers, error bodies and log lines. Real sockets, real storage.

const PW = 'correct horse battery';
/** These tests sign in more often than the default abuse limits allow (those have their own tests). */
const NO_LIMITS = { signInRateLimitPerMinute: 0, signInAccountRateLimitPerMinute: 0, apiRateLimitPerMinute: 0 };
const RPC = '/zitadel.session.v2.SessionService';

type Sample = { name: string; labels: Record<string, string>; value: number };

/** The samples of a Prometheus text exposition. */
function parse(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1] as string] = l[2] as string;
    out.push({ name: m[1] as string, labels, value: Number(m[3]) });
  }
  return out;
}

/** Scrapes /metrics; the result reads a sample's value (0 when absent; labels not given match any, summed). */
async function scrape(t: TestApp & { url: string }) {
  const r = await fetch(`${t.url}/metrics`);
  expect(r.status).toBe(200);
  const samples = parse(await r.text());
  return (name: string, labels: Record<string, string> = {}) =>
    samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((sum, s) => sum + s.value, 0);
}

const post = (t: TestApp & { url: string }, path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${t.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

const logLines = (t: TestApp) => t.logs.lines.flatMap((l) => l.split('\n').filter(Boolean)).map((l) => JSON.parse(l) as Record<string, unknown>);

describe('metrics and request ids on every surface', () => {
  let t: TestApp & { url: string };
  beforeAll(async () => {
    t = await startTestApp({ ...NO_LIMITS, logLevel: 'debug' }, { listen: true });
    expect((await t.req('POST', '/v1/users', { loginName: 'alice', password: PW })).status).toBe(201);
  });
  afterAll(() => t.close());

  it("counts ZITADEL's RPCs (Connect and gRPC) by route and status, with a request id, like Fastify's routes", async () => {
    const was = await scrape(t);
    const route = `${RPC}/GetSession`;
    // Connect protocol (HTTP/1.1, JSON): NotFound is HTTP 404.
    const r = await post(t, route, { sessionId: 'nope' }, { authorization: `Bearer ${BOOTSTRAP}`, 'x-request-id': 'rpc-req-1' });
    expect(r.status).toBe(404);
    expect(r.headers.get('x-request-id')).toBe('rpc-req-1');
    // gRPC over h2c: HTTP 200 with grpc-status 5 in the trailers, counted as 404.
    const grpc = createSessionServiceClient(createServerTransport(BOOTSTRAP, { baseUrl: t.url }));
    const err = await grpc.getSession({ sessionId: 'nope' }).then(
      () => null,
      (e: unknown) => ConnectError.from(e),
    );
    expect(err?.code).toBe(Code.NotFound);
    // A method the service does not have is counted, under a bounded label.
    expect((await post(t, `${RPC}/NoSuchMethod`, {}, { authorization: `Bearer ${BOOTSTRAP}` })).status).toBe(404);

    const now = await scrape(t);
    const delta = (labels: Record<string, string>) => now('sessiond_http_requests_total', labels) - was('sessiond_http_requests_total', labels);
    expect(delta({ route, method: 'POST', status: '404' })).toBe(2);
    expect(delta({ route: 'unmatched', status: '404' })).toBe(1);
    expect(now('sessiond_http_request_duration_seconds_count', { route }) - was('sessiond_http_request_duration_seconds_count', { route })).toBe(2);
    const line = logLines(t).find((l) => l.reqId === 'rpc-req-1');
    expect(line).toMatchObject({ route, status: 404, msg: 'request' });
  });

  it('counts the fast introspection path and every Fastify surface by route and status', async () => {
    const was = await scrape(t);
    expect((await post(t, '/v1/sessions/introspect', { token: 'x'.repeat(43) })).status).toBe(200);
    const auth = { authorization: `Bearer ${BOOTSTRAP}` };
    expect((await fetch(`${t.url}/api/4.0/session_config`, { headers: auth })).status).toBe(200);
    expect((await fetch(`${t.url}/api/cluster/v2/clusterConfig/userSessions`, { headers: { authorization: `Api-Token ${BOOTSTRAP}` } })).status).toBe(200);
    expect((await post(t, '/graphql', { query: '{ __typename }' }, auth)).status).toBe(200);
    expect((await fetch(`${t.url}/v2/sessions/nope`, { headers: auth })).status).toBe(404);
    expect((await fetch(`${t.url}/no/such/path`)).status).toBe(404);
    const now = await scrape(t);
    const delta = (labels: Record<string, string>) => now('sessiond_http_requests_total', labels) - was('sessiond_http_requests_total', labels);
    expect(delta({ route: '/v1/sessions/introspect', status: '200' })).toBe(1);
    expect(delta({ route: '/api/4.0/session_config', method: 'GET', status: '200' })).toBe(1);
    expect(delta({ route: '/api/cluster/v2/clusterConfig/userSessions', method: 'GET', status: '200' })).toBe(1);
    expect(delta({ route: '/graphql', method: 'POST', status: '200' })).toBe(1);
    expect(delta({ route: '/v2/sessions/:sessionId', method: 'GET', status: '404' })).toBe(1);
    expect(delta({ route: 'unmatched', method: 'GET', status: '404' })).toBe(1);
  });

  it('echoes a valid X-Request-Id on every surface, replaces an invalid one, and puts it in native and GraphQL error bodies and in log lines', async () => {
    const auth = { authorization: `Bearer ${BOOTSTRAP}` };
    const calls: [string, (id: string) => Promise<Response>][] = [
      ['fast path', (id) => post(t, '/v1/sessions/introspect', { nope: 1 }, { 'x-request-id': id })],
      ['native', (id) => fetch(`${t.url}/v1/policy`, { headers: { 'x-request-id': id } })],
      ['looker', (id) => fetch(`${t.url}/api/4.0/session_config`, { headers: { 'x-request-id': id } })],
      ['dynatrace', (id) => fetch(`${t.url}/api/cluster/v2/clusterConfig/userSessions`, { headers: { 'x-request-id': id } })],
      ['graphql', (id) => post(t, '/graphql', { query: '{ nope }' }, { ...auth, 'x-request-id': id })],
      ['zitadel rest', (id) => fetch(`${t.url}/v2/sessions/nope`, { headers: { ...auth, 'x-request-id': id } })],
      ['zitadel rpc', (id) => post(t, `${RPC}/GetSession`, { sessionId: 'nope' }, { ...auth, 'x-request-id': id })],
    ];
    for (const [name, call] of calls) {
      const id = `trace-${name.replace(' ', '-')}-1`;
      const r = await call(id);
      expect(r.status, name).toBeGreaterThanOrEqual(400);
      expect(r.headers.get('x-request-id'), name).toBe(id);
      const body = (await r.json()) as { error?: { requestId?: string }; errors?: { extensions?: { requestId?: string } }[] };
      if (name === 'fast path' || name === 'native') expect(body.error?.requestId, name).toBe(id);
      if (name === 'graphql') expect(body.errors?.[0]?.extensions?.requestId, name).toBe(id);
      if (name !== 'fast path')
        expect(
          logLines(t).some((l) => l.reqId === id),
          `${name}: a log line with the request id`,
        ).toBe(true);

      const replaced = await call('not a valid id');
      expect(replaced.headers.get('x-request-id'), name).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});

describe('metrics of sign-ins, ended sessions, the store and the session cache', () => {
  let t: TestApp & { url: string };
  let secret: string;
  beforeAll(async () => {
    t = await startTestApp(NO_LIMITS, { listen: true });
    expect((await t.req('POST', '/v1/users', { loginName: 'bob', password: PW })).status).toBe(201);
    const cred = await t.req('POST', '/v1/credentials', { name: 'login-ui', permissions: ['sessions:read', 'sessions:write'] });
    secret = cred.body.secret;
  });
  afterAll(() => t.close());

  it('counts sign-in attempts by surface and result', async () => {
    const was = await scrape(t);
    expect((await t.req('POST', '/v1/sessions', { loginName: 'bob', password: PW }, { token: null })).status).toBe(201);
    expect((await t.req('POST', '/v1/sessions', { loginName: 'bob', password: 'wrong password' }, { token: null })).status).toBe(401);
    expect((await t.req('POST', '/v1/sessions', { loginName: 'nobody', password: PW }, { token: null })).status).toBe(401);
    expect((await t.req('POST', '/v1/sessions', { loginName: 'bob', password: PW, persistent: true }, { token: null })).status).toBe(400);
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    expect((await t.raw('POST', '/api/4.0/login', { body: `client_id=bootstrap&client_secret=${BOOTSTRAP}`, headers: form })).status).toBe(200);
    expect((await t.raw('POST', '/api/4.0/login', { body: 'client_id=bootstrap&client_secret=wrong-secret-0123456789', headers: form })).status).toBe(404);
    const z = (password: string) => t.req('POST', '/v2/sessions', { checks: { user: { loginName: 'bob' }, password: { password } } }, { token: secret });
    expect((await z(PW)).status).toBe(201);
    expect((await z('wrong password')).status).toBe(400);
    const now = await scrape(t);
    const delta = (surface: string, result: string) =>
      now('sessiond_sign_ins_total', { surface, result }) - was('sessiond_sign_ins_total', { surface, result });
    expect([delta('native', 'success'), delta('native', 'failure'), delta('native', 'rejected'), delta('native', 'error')]).toEqual([1, 2, 1, 0]);
    expect([delta('looker', 'success'), delta('looker', 'failure')]).toEqual([1, 1]);
    expect([delta('zitadel', 'success'), delta('zitadel', 'failure')]).toEqual([1, 1]);
  });

  it('counts sessions ended by reason: revoked and evicted when committed, expired and idle_timeout once, when a validation first finds them', async () => {
    const eventsOf = async (type: string) => (await t.req('GET', `/v1/events?type=${type}&limit=500`)).body.items.length as number;
    const eventsBefore = { expired: await eventsOf('session.expired'), idle_timeout: await eventsOf('session.idle_timeout') };
    const was = await scrape(t);
    const signIn = async () => (await t.req('POST', '/v1/sessions', { loginName: 'bob', password: PW }, { token: null })).body;
    const introspect = async (token: string) => (await post(t, '/v1/sessions/introspect', { token })).json() as Promise<{ active: boolean; reason?: string }>;

    const a = await signIn();
    expect((await t.req('DELETE', `/v1/sessions/${a.session.id}`)).status).toBe(204);
    await introspect(a.token);
    await introspect(a.token); // validating a revoked session again counts nothing more

    expect((await t.req('PATCH', '/v1/policy', { userSessionLimit: 1 })).status).toBe(200);
    const b = await signIn();
    await signIn(); // evicts b (and any other open session of bob: counted too)
    expect(await introspect(b.token)).toMatchObject({ active: false, reason: 'evicted' });
    const mid = await scrape(t);
    const evicted = mid('sessiond_sessions_ended_total', { reason: 'evicted' }) - was('sessiond_sessions_ended_total', { reason: 'evicted' });
    expect(evicted).toBeGreaterThanOrEqual(1);
    expect((await t.req('PATCH', '/v1/policy', { userSessionLimit: 0 })).status).toBe(200);

    // A transaction that ends a session and then fails ends nothing, and counts nothing.
    const c = await signIn();
    await expect(
      t.app.store.transaction(async (tx) => {
        await tx.endSessions([c.session.id], 'revoked', Date.now());
        throw new Error('rolled back on purpose');
      }),
    ).rejects.toThrow('rolled back on purpose');
    expect(await introspect(c.token)).toMatchObject({ active: true });

    const d = await signIn();
    expect((await t.req('PATCH', '/v1/policy', { maxLifetimeSeconds: 1 })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1_100));
    expect(await introspect(d.token)).toMatchObject({ active: false, reason: 'expired' });
    expect(await introspect(d.token)).toMatchObject({ active: false, reason: 'expired' });
    expect((await t.req('PATCH', '/v1/policy', { maxLifetimeSeconds: 3600, idleTimeoutSeconds: 1 })).status).toBe(200);
    const e = await signIn();
    await new Promise((r) => setTimeout(r, 1_100));
    expect(await introspect(e.token)).toMatchObject({ active: false, reason: 'idle_timeout' });
    expect(await introspect(e.token)).toMatchObject({ active: false, reason: 'idle_timeout' });
    expect((await t.req('PATCH', '/v1/policy', { idleTimeoutSeconds: 1800 })).status).toBe(200);

    const now = await scrape(t);
    const delta = (reason: string) => now('sessiond_sessions_ended_total', { reason }) - was('sessiond_sessions_ended_total', { reason });
    expect(delta('revoked')).toBe(1);
    expect(delta('evicted')).toBe(evicted);
    // Time ends count once per session: d and e when a validation found them; the sessions the
    // loosenings ended for good (d and e again, and bob's other sessions, dead under the 1 s
    // lifetime / idle timeout) when their end was stored; each has one event, made then.
    expect(delta('expired')).toBe((await eventsOf('session.expired')) - eventsBefore.expired);
    expect(delta('idle_timeout')).toBe((await eventsOf('session.idle_timeout')) - eventsBefore.idle_timeout);
    expect(delta('expired')).toBeGreaterThanOrEqual(1);
    expect(delta('idle_timeout')).toBeGreaterThanOrEqual(1);
  });

  it('times store calls at the port boundary; validating a cached token is not a store call', async () => {
    const { token } = (await t.req('POST', '/v1/sessions', { loginName: 'bob', password: PW }, { token: null })).body;
    expect(((await (await post(t, '/v1/sessions/introspect', { token })).json()) as { active: boolean }).active).toBe(true);
    const was = await scrape(t);
    for (let i = 0; i < 50; i++) expect((await post(t, '/v1/sessions/introspect', { token })).status).toBe(200);
    const now = await scrape(t);
    const reads =
      now('sessiond_store_duration_seconds_count', { op: 'findSessionByTokenHash' }) -
      was('sessiond_store_duration_seconds_count', { op: 'findSessionByTokenHash' });
    // SQLite always caches; PostgreSQL + Redis caches while its invalidation feed is healthy.
    if (onPostgres) expect(reads).toBeLessThan(50);
    else expect(reads).toBe(0);
    expect(
      now('sessiond_session_cache_lookups_total', { result: 'hit' }) - was('sessiond_session_cache_lookups_total', { result: 'hit' }),
    ).toBeGreaterThanOrEqual(50 - reads);
    const ratio = now('sessiond_session_cache_hit_ratio');
    expect(ratio).toBeGreaterThan(0);
    expect(ratio).toBeLessThanOrEqual(1);
    // Sign-ins went through the store: a user lookup and one transaction each.
    expect(now('sessiond_store_duration_seconds_count', { op: 'findUserByLogin' })).toBeGreaterThan(0);
    expect(now('sessiond_store_duration_seconds_count', { op: 'transaction' })).toBeGreaterThan(0);
    expect(now('sessiond_store_duration_seconds_bucket', { op: 'transaction', le: '+Inf' })).toBe(
      now('sessiond_store_duration_seconds_count', { op: 'transaction' }),
    );
  });

  it('counts open sessions at scrape time, at most every 5 seconds', async () => {
    const fresh = await startTestApp(NO_LIMITS, { listen: true });
    try {
      expect((await fresh.req('POST', '/v1/users', { loginName: 'carol', password: PW })).status).toBe(201);
      const signIn = async () => expect((await fresh.req('POST', '/v1/sessions', { loginName: 'carol', password: PW }, { token: null })).status).toBe(201);
      await signIn();
      expect((await scrape(fresh))('sessiond_open_sessions')).toBe(1);
      await signIn();
      // Reused: a scrape right after does not count again.
      expect((await scrape(fresh))('sessiond_open_sessions')).toBe(1);
      expect(await fresh.app.store.countSessions({ openOnly: true })).toBe(2);
      // The password hasher's load: nothing hashing between sign-ins, and both states reported.
      const m = await scrape(fresh);
      expect(m('sessiond_password_hashes', { state: 'running' })).toBe(0);
      expect(m('sessiond_password_hashes', { state: 'waiting' })).toBe(0);
      expect((await (await fetch(`${fresh.url}/metrics`)).text()).match(/^sessiond_password_hashes\{state="(running|waiting)"\}/gm)).toHaveLength(2);
    } finally {
      await fresh.close();
    }
  });
});

describe('failed background work of storage', () => {
  it('is counted by task in /metrics, and logged with its cause at most once a minute per task', async () => {
    const metrics = createMetrics();
    const logs = new LogSink();
    const report = backgroundErrorReporter(createLogger('info', logs), metrics.backgroundErrors);
    for (let i = 0; i < 5; i++) report(new Error('poll failed', { cause: new Error('Connection terminated unexpectedly') }), 'policy_poll');
    report(new Error('epoch read failed'), 'cache_epoch');
    const text = await metrics.registry.metrics();
    expect(text).toContain('sessiond_background_errors_total{task="policy_poll"} 5');
    expect(text).toContain('sessiond_background_errors_total{task="cache_epoch"} 1');
    const lines = logs.lines.map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.level, l.task])).toEqual([
      [50, 'policy_poll'],
      [50, 'cache_epoch'],
    ]);
    expect(lines[0].err.message).toBe('poll failed: Connection terminated unexpectedly');

    // After the interval, the next failure is logged with the number left out meanwhile.
    const short = backgroundErrorReporter(createLogger('info', logs), metrics.backgroundErrors, 50);
    for (let i = 0; i < 3; i++) short(new Error('down'), 'redis');
    await new Promise((r) => setTimeout(r, 60));
    short(new Error('still down'), 'redis');
    expect(logs.lines.slice(2).map((l) => JSON.parse(l))).toMatchObject([
      { task: 'redis', notLoggedSinceLast: 0, err: { message: 'down' } },
      { task: 'redis', notLoggedSinceLast: 2, err: { message: 'still down' } },
    ]);
  });
});

describe('the store timing wrapper (src/storage/instrumented.ts)', () => {
  let opened: Awaited<ReturnType<typeof openTestStore>>;
  const made: string[] = [];
  const calls: string[] = [];
  let store: Store;
  beforeAll(async () => {
    opened = await openTestStore({ activityFlushMs: 1000 });
    const recorder = (op: string) => {
      made.push(op);
      return () => calls.push(op);
    };
    store = instrumentStore(opened.store, { timer: recorder, ended: () => {} });
  });
  afterAll(() => opened?.close());

  it('makes one recorder per operation (optional ones included), and records a call once', async () => {
    expect(made.length).toBe(new Set(made).size);
    await store.ping();
    expect(calls).toEqual(['ping']);
    // PostgreSQL's validation lookup without the Redis tier: an optional member of the port.
    expect(store.findFreshSessionByTokenHash === undefined).toBe(!onPostgres);
    await store.findFreshSessionByTokenHash?.('0'.repeat(64));
    expect(made.filter((op) => op === 'findFreshSessionByTokenHash')).toHaveLength(onPostgres ? 1 : 0);
  });
});
