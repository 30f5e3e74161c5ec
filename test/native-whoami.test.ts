import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers.js';
import { send } from './http-get.js';

// GET /v1/sessions/whoami over a real socket (served ahead of Fastify) and in-process (its Fastify
// route): the same answers, on SQLite and on PostgreSQL + Redis.

const PW = 'correct horse battery';
const COOKIE = 'sessiond'; // SESSIOND_COOKIE_SECURE=false on loopback

async function user(t: TestApp, loginName: string) {
  const r = await t.req('POST', '/v1/users', { loginName, password: PW });
  expect(r.status, r.raw).toBe(201);
  return r.body as { id: string; organizationId: string };
}

async function signIn(t: TestApp, loginName: string) {
  const r = await t.req('POST', '/v1/sessions', { loginName, password: PW }, { token: null });
  expect(r.status, r.raw).toBe(201);
  return r.body as { token: string; session: { id: string; userId: string } };
}

type App = TestApp & { url: string };

/** The same GET over the socket and through Fastify: both must agree; returns the socket's. */
async function whoami(t: App, headers: Record<string, string>, method = 'GET') {
  const live = await send(`${t.url}/v1/sessions/whoami`, { method, headers });
  const framework = await t.raw(method, '/v1/sessions/whoami', { headers });
  expect(framework.status).toBe(live.status);
  if (live.status === 401) expect(framework.raw).toBe(live.text);
  for (const h of ['cache-control', 'www-authenticate', 'x-sessiond-user-id', 'x-sessiond-login-name', 'x-sessiond-role', 'x-sessiond-organization-id'])
    expect(framework.headers[h], h).toBe(live.headers[h]);
  return live;
}

describe('GET /v1/sessions/whoami', () => {
  let t: App;
  let alice: { id: string; organizationId: string };
  beforeAll(async () => {
    t = await startTestApp({ cookieSecure: false }, { listen: true });
    alice = await user(t, 'alice');
    await user(t, 'jörg%');
  });
  afterAll(() => t.close());

  it('takes the token from Authorization: Bearer, X-Session-Token and the session cookie', async () => {
    const s = await signIn(t, 'alice');
    for (const headers of [{ authorization: `Bearer ${s.token}` }, { 'x-session-token': s.token }, { cookie: `other=1; ${COOKIE}=${s.token}; x=y` }]) {
      const r = await whoami(t, headers);
      expect(r.status, JSON.stringify(headers)).toBe(200);
      const body = JSON.parse(r.text);
      expect(body).toMatchObject({ active: true, session: { id: s.session.id, userId: alice.id, role: 'user' } });
      expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(r.headers['cache-control']).toBe('no-store');
      expect(r.headers['x-sessiond-user-id']).toBe(alice.id);
      expect(r.headers['x-sessiond-login-name']).toBe('alice');
      expect(r.headers['x-sessiond-organization-id']).toBe(alice.organizationId);
      expect(r.headers['x-sessiond-role']).toBe('user');
      expect(r.headers['x-sessiond-session-id']).toBe(s.session.id);
      expect(r.headers['x-sessiond-session-expires']).toBe(body.session.idleExpiresAt);
      expect(r.headers['x-request-id']).toBeTruthy();
    }
    // The body is the introspection answer's.
    const i = await t.req('POST', '/v1/sessions/introspect', { token: s.token }, { token: null });
    const w = JSON.parse((await whoami(t, { authorization: `Bearer ${s.token}` })).text);
    expect(Object.keys(w.session)).toEqual(Object.keys(i.body.session));
    // Another Authorization scheme is the app's own: the cookie still counts.
    expect((await whoami(t, { authorization: 'Basic YTpi', cookie: `${COOKIE}=${s.token}` })).status).toBe(200);
  });

  it('percent-encodes a login name that is not printable ASCII (and its %)', async () => {
    const s = await signIn(t, 'jörg%');
    const r = await whoami(t, { authorization: `Bearer ${s.token}` });
    expect(r.headers['x-sessiond-login-name']).toBe('j%C3%B6rg%25');
    expect(decodeURIComponent(r.headers['x-sessiond-login-name'] as string)).toBe('jörg%');
  });

  it('answers 401 with the reason, WWW-Authenticate and no-store', async () => {
    const none = await whoami(t, {});
    expect(none.status).toBe(401);
    expect(JSON.parse(none.text)).toEqual({ active: false, reason: 'unknown' });
    expect(none.headers['www-authenticate']).toBe('Bearer realm="sessiond"');
    expect(none.headers['cache-control']).toBe('no-store');
    expect(none.headers['x-sessiond-user-id']).toBeUndefined();
    for (const headers of [{ authorization: 'Bearer nope' }, { 'x-session-token': 'x'.repeat(43) }, { cookie: `${COOKIE}=${'y'.repeat(600)}` }]) {
      const r = await whoami(t, headers);
      expect(r.status).toBe(401);
      expect(JSON.parse(r.text)).toEqual({ active: false, reason: 'unknown' });
      expect(r.headers['www-authenticate']).toBe('Bearer realm="sessiond", error="invalid_token"');
    }
    const s = await signIn(t, 'alice');
    await t.req('DELETE', `/v1/sessions/${s.session.id}`);
    const revoked = await whoami(t, { authorization: `Bearer ${s.token}` });
    expect(JSON.parse(revoked.text)).toEqual({ active: false, reason: 'revoked' });
    expect(revoked.headers['cache-control']).toBe('no-store');
  });

  it('HEAD: the same status and headers, no body', async () => {
    const s = await signIn(t, 'alice');
    const r = await whoami(t, { authorization: `Bearer ${s.token}` }, 'HEAD');
    expect(r.status).toBe(200);
    expect(r.text).toBe('');
    expect(r.headers['x-sessiond-user-id']).toBe(alice.id);
    expect(Number(r.headers['content-length'])).toBeGreaterThan(100);
    expect((await whoami(t, {}, 'HEAD')).status).toBe(401);
  });

  it('bad input is a 4xx, never a 5xx', async () => {
    const cases: Record<string, string>[] = [
      { cookie: 'a'.repeat(9000) },
      { cookie: ';;;==;sessiond;sessiond=;=x' },
      { cookie: `${COOKIE}=%00%ff\u00e9` },
      { authorization: 'Bearer ' },
      { authorization: `Bearer ${'z'.repeat(10_000)}` },
      { 'x-session-token': '\u00ff\u00fe' },
      { 'x-request-id': '../../etc' },
    ];
    for (const headers of cases) {
      const r = await send(`${t.url}/v1/sessions/whoami`, { headers });
      expect(r.status, JSON.stringify(headers)).toBe(401);
    }
    // Over the server's header limit: the HTTP parser's 431.
    const huge = await send(`${t.url}/v1/sessions/whoami`, { headers: { 'x-filler': 'f'.repeat(20_000) } });
    expect(huge.status).toBe(431);
    // Other methods: 405 with Allow, from the framework.
    const post = await send(`${t.url}/v1/sessions/whoami`, { method: 'POST' });
    expect(post.status).toBe(405);
  });
});

describe('whoami: the idle timeout, eviction and caching', () => {
  let t: App;
  beforeAll(async () => {
    t = await startTestApp({ cookieSecure: false, whoamiMaxAge: 60 }, { listen: true });
    await user(t, 'bob');
  });
  afterAll(() => t.close());

  it('Cache-Control: private, max-age never past the nearest deadline, never on a 401', async () => {
    const s = await signIn(t, 'bob');
    const r = await whoami(t, { authorization: `Bearer ${s.token}` });
    expect(r.headers['cache-control']).toBe('private, max-age=60');
    expect((await t.req('PATCH', '/v1/policy', { idleTimeoutSeconds: 5 })).status).toBe(200);
    const short = await whoami(t, { authorization: `Bearer ${s.token}` });
    expect(short.headers['cache-control']).toMatch(/^private, max-age=[45]$/);
    expect((await whoami(t, { authorization: 'Bearer nope' })).headers['cache-control']).toBe('no-store');
  });

  it('counts as use; idle timeout: 401 idle_timeout once unused for longer than the policy allows', async () => {
    expect((await t.req('PATCH', '/v1/policy', { idleTimeoutSeconds: 1 })).status).toBe(200);
    const s = await signIn(t, 'bob');
    // Each check counts as use: checked every 0.6 s, the session outlives its 1 s idle timeout.
    for (let i = 0; i < 3; i++) {
      await sleep(600);
      expect((await whoami(t, { authorization: `Bearer ${s.token}` })).status).toBe(200);
    }
    await sleep(1300);
    const r = await whoami(t, { authorization: `Bearer ${s.token}` });
    expect(r.status).toBe(401);
    expect(JSON.parse(r.text)).toEqual({ active: false, reason: 'idle_timeout' });
    expect((await t.req('PATCH', '/v1/policy', { idleTimeoutSeconds: 1800 })).status).toBe(200);
  });

  it('evicted and expired', async () => {
    expect((await t.req('PATCH', '/v1/policy', { userSessionLimit: 1, onLimit: 'evict_oldest' })).status).toBe(200);
    const first = await signIn(t, 'bob');
    await signIn(t, 'bob');
    expect(JSON.parse((await whoami(t, { authorization: `Bearer ${first.token}` })).text)).toEqual({ active: false, reason: 'evicted' });
    const s = await signIn(t, 'bob');
    expect((await t.req('PATCH', '/v1/policy', { idleTimeoutSeconds: 0, maxLifetimeSeconds: 1 })).status).toBe(200);
    await sleep(1100);
    expect(JSON.parse((await whoami(t, { authorization: `Bearer ${s.token}` })).text)).toEqual({ active: false, reason: 'expired' });
  });
});
