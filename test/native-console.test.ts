import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, startTestApp, type TestApp } from './helpers.js';

// The admin console's part of the native API (src/surfaces/native/console-routes.ts) and its
// files, in-process over a real app (SQLite file, or PostgreSQL + Redis on the postgres run).

const PW = 'correct horse battery';
const CONSOLE = { 'x-sessiond-console': '1' };
const BACKGROUND = { 'x-sessiond-console': 'background' };

type Cookie = string;
/** The cookie pair (`name=value`) a response set, and its attributes. */
function cookieOf(r: { headers: Record<string, unknown> }): { pair: Cookie; attrs: string[] } {
  const raw = r.headers['set-cookie'];
  const line = String(Array.isArray(raw) ? raw[0] : raw);
  const [pair = '', ...attrs] = line.split(';').map((s) => s.trim());
  return { pair, attrs };
}

async function consoleSignIn(t: TestApp, body: unknown): Promise<Cookie> {
  const r = await t.req('POST', '/v1/console/session', body, { token: null });
  expect(r.status, r.raw).toBe(200);
  return cookieOf(r).pair;
}

const as = (cookie: Cookie, headers: Record<string, string> = CONSOLE) => ({ token: null, headers: { cookie, ...headers } });

describe('console sign-in and cookie', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    expect((await t.req('POST', '/v1/users', { loginName: 'root', password: PW, role: 'admin' })).status).toBe(201);
    expect((await t.req('POST', '/v1/users', { loginName: 'joe', password: PW })).status).toBe(201);
  });
  afterAll(() => t.close());

  it('sets a __Host-, Secure, HttpOnly, SameSite=Strict session cookie that is never in the body', async () => {
    const r = await t.req('POST', '/v1/console/session', { loginName: 'root', password: PW }, { token: null });
    expect(r.status, r.raw).toBe(200);
    const { pair, attrs } = cookieOf(r);
    expect(pair).toMatch(/^__Host-sessiond-console=[A-Za-z0-9_-]{43,}$/);
    expect(attrs).toEqual(expect.arrayContaining(['Path=/', 'HttpOnly', 'SameSite=Strict', 'Secure']));
    expect(attrs.some((a) => a.startsWith('Domain') || a.startsWith('Max-Age'))).toBe(false);
    expect(r.raw).not.toContain(pair.split('=')[1]);
    expect(r.body).toMatchObject({ kind: 'user', name: 'root', organizationId: null, idleTimeoutSeconds: 1800 });
    expect(r.body.permissions).toContain('session_config:write');
    expect(r.headers['cache-control']).toBe('no-store');
  });

  it('authenticates /v1 with the cookie only together with the console header', async () => {
    const cookie = await consoleSignIn(t, { loginName: 'root', password: PW });
    expect((await t.req('GET', '/v1/policy', undefined, as(cookie))).status).toBe(200);
    // A cross-site form or image sends the cookie (were it not SameSite) but cannot add the header.
    expectError(await t.req('GET', '/v1/policy', undefined, as(cookie, {})), 401, 'unauthenticated');
    expectError(await t.req('PATCH', '/v1/policy', { idleTimeoutSeconds: 60 }, as(cookie, {})), 401, 'unauthenticated');
    expect((await t.req('GET', '/v1/policy')).body.idleTimeoutSeconds).toBe(1800);
    // The audit log names the person.
    const changed = await t.req('PATCH', '/v1/policy', { trackLocation: false }, as(cookie));
    expect(changed.status, changed.raw).toBe(200);
    const events = await t.req('GET', '/v1/events?type=policy.changed');
    expect(events.body.items.at(-1).actor).toMatch(/^user:/);
    await t.req('PATCH', '/v1/policy', { trackLocation: true });
  });

  it('refuses users who are not admins (403, no cookie) and answers wrong passwords as the native sign-in does', async () => {
    const joe = await t.req('POST', '/v1/console/session', { loginName: 'joe', password: PW }, { token: null });
    expectError(joe, 403, 'permission_denied');
    expect(joe.headers['set-cookie']).toBeUndefined();
    const wrong = await t.req('POST', '/v1/console/session', { loginName: 'root', password: 'not the password' }, { token: null });
    const unknown = await t.req('POST', '/v1/console/session', { loginName: 'nobody', password: 'not the password' }, { token: null });
    expectError(wrong, 401, 'invalid_credentials');
    expect(unknown.body.error.message).toBe(wrong.body.error.message);
    expectError(await t.req('POST', '/v1/console/session', { loginName: 'root' }, { token: null }), 400, 'invalid_argument');
    expectError(await t.req('POST', '/v1/console/session', { secret: 'x', loginName: 'root', password: PW }, { token: null }), 400, 'invalid_argument');
  });

  it('signs in with a credential secret', async () => {
    const c = await t.req('POST', '/v1/credentials', { name: 'viewer', permissions: ['session_config:read', 'sessions:read'] });
    const cookie = await consoleSignIn(t, { secret: c.body.secret });
    const me = await t.req('GET', '/v1/console/session', undefined, as(cookie, BACKGROUND));
    expect(me.body).toMatchObject({ kind: 'credential', name: 'viewer', permissions: ['session_config:read', 'sessions:read'] });
    expectError(await t.req('PATCH', '/v1/policy', { idleTimeoutSeconds: 60 }, as(cookie)), 403, 'permission_denied');
    expectError(
      await t.req('POST', '/v1/console/session', { secret: 'not-a-secret-of-anyone-0123456789abcdefghijk' }, { token: null }),
      401,
      'invalid_credentials',
    );
  });

  it('signs out: the session ends and the cookie is cleared', async () => {
    const cookie = await consoleSignIn(t, { loginName: 'root', password: PW });
    const out = await t.req('DELETE', '/v1/console/session', undefined, as(cookie));
    expect(out.status).toBe(204);
    expect(cookieOf(out).attrs).toContain('Max-Age=0');
    expectError(await t.req('GET', '/v1/console/session', undefined, as(cookie, BACKGROUND)), 401, 'unauthenticated');
    const introspect = await t.req('POST', '/v1/sessions/introspect', { token: cookie.split('=')[1] }, { token: null });
    expect(introspect.body).toEqual({ active: false, reason: 'revoked' });
  });
});

describe('console session obeys the policy', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    await t.req('POST', '/v1/users', { loginName: 'root', password: PW, role: 'admin' });
    await t.req('PATCH', '/v1/policy', { idleTimeoutSeconds: 2 });
  });
  afterAll(() => t.close());

  it("ends after the idle timeout when only background refreshes are made; a person's request keeps it", async () => {
    const cookie = await consoleSignIn(t, { loginName: 'root', password: PW });
    await sleep(1_200);
    expect((await t.req('GET', '/v1/sessions', undefined, as(cookie, BACKGROUND))).status).toBe(200);
    await sleep(1_200);
    expectError(await t.req('GET', '/v1/sessions', undefined, as(cookie, BACKGROUND)), 401, 'unauthenticated');

    const kept = await consoleSignIn(t, { loginName: 'root', password: PW });
    for (let i = 0; i < 3; i++) {
      await sleep(1_100);
      expect((await t.req('GET', '/v1/sessions', undefined, as(kept))).status).toBe(200);
    }
    const me = await t.req('GET', '/v1/console/session', undefined, as(kept, BACKGROUND));
    expect(me.body.idleTimeoutSeconds).toBe(2);
    expect(Date.parse(me.body.idleExpiresAt)).toBeGreaterThan(Date.now());
  });
});

describe('impact preview, overview and the session list over HTTP', () => {
  let t: TestApp;
  let cookie: Cookie;
  beforeAll(async () => {
    t = await startTestApp();
    await t.req('POST', '/v1/users', { loginName: 'root', password: PW, role: 'admin' });
    await t.req('POST', '/v1/users', { loginName: 'ada.lovelace', password: PW });
    cookie = await consoleSignIn(t, { loginName: 'root', password: PW });
  });
  afterAll(() => t.close());

  it('previews without saving, with the same 400 details as saving', async () => {
    const ua = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';
    const s = await t.req('POST', '/v1/sessions', { loginName: 'ada.lovelace', password: PW }, { token: null, headers: { 'user-agent': ua } });
    expect(s.status).toBe(201);
    await sleep(1_100);
    // Everything but the console session (used just now) has been idle for over a second.
    const p = await t.req('POST', '/v1/policy/preview', { idleTimeoutSeconds: 1 }, as(cookie));
    expect(p.status, p.raw).toBe(200);
    expect(p.body).toMatchObject({ sessionsEnded: 1, usersAffected: 1, byReason: { idle_timeout: 1, expired: 0 }, endsCallersSession: false });
    expect(p.body.policy.idleTimeoutSeconds).toBe(1);
    expect((await t.req('GET', '/v1/policy')).body.idleTimeoutSeconds).toBe(1800);
    expect((await t.req('POST', '/v1/sessions/introspect', { token: s.body.token }, { token: null })).body.active).toBe(true);

    const bad = await t.req('POST', '/v1/policy/preview', { idleTimeoutSeconds: -5, maxLifetimeSeconds: 'x' }, as(cookie));
    const badSave = await t.req('PATCH', '/v1/policy', { idleTimeoutSeconds: -5, maxLifetimeSeconds: 'x' }, as(cookie));
    expectError(bad, 400, 'invalid_argument'); // as docs/console.md and the README say
    expect(badSave.body.error.code).toBe('invalid_argument');
    expect(bad.body.error.details).toEqual(badSave.body.error.details);
    expectError(await t.req('POST', '/v1/policy/preview?replace=true', { idleTimeoutSeconds: 60 }, as(cookie)), 400, 'policy_invalid');
    expectError(await t.req('POST', '/v1/organizations/nope/policy/preview', { idleTimeoutSeconds: 60 }, as(cookie)), 404, 'not_found');

    const list = await t.req('GET', '/v1/sessions?search=lovelace', undefined, as(cookie));
    expect(list.body.total).toBe(1);
    expect(list.body.items[0]).toMatchObject({ subjectName: 'ada.lovelace', device: { browser: 'Chrome 126', operatingSystem: 'Linux', platform: 'desktop' } });
  });

  it('gives the overview: active sessions, ends by reason, sign-ins per 5 minutes', async () => {
    const s = await t.req('POST', '/v1/sessions', { loginName: 'ada.lovelace', password: PW }, { token: null });
    await t.req('DELETE', `/v1/sessions/${s.body.session.id}`);
    await t.req('POST', '/v1/sessions', { loginName: 'ada.lovelace', password: 'wrong password here' }, { token: null });
    const o = await t.req('GET', '/v1/overview', undefined, as(cookie, BACKGROUND));
    expect(o.status, o.raw).toBe(200);
    expect(o.body).toMatchObject({ activeSessions: 2, activeUsers: 2, ended: { revoked: 1 } });
    expect(o.body.signIns.buckets).toHaveLength(12);
    const sum = (k: string) => o.body.signIns.buckets.reduce((n: number, b: Record<string, number>) => n + (b[k] ?? 0), 0);
    expect(sum('success')).toBe(3); // root, and ada in each test
    expect(sum('failure')).toBe(1);
  });
});

describe('console files', () => {
  it('serves the console with a strict CSP and no external resources; off when SESSIOND_CONSOLE=false', async () => {
    const t = await startTestApp();
    try {
      const page = await t.raw('GET', '/console');
      expect(page.status).toBe(200);
      expect(page.headers['content-type']).toContain('text/html');
      expect(String(page.headers['content-security-policy'])).toContain("default-src 'none'; script-src 'self'");
      expect(page.headers['x-frame-options']).toBe('DENY');
      const main = await t.raw('GET', '/console/main.js');
      expect(main.status).toBe(200);
      expect(main.headers['content-type']).toContain('text/javascript');
      const again = await t.raw('GET', '/console/main.js', { headers: { 'if-none-match': String(main.headers.etag) } });
      expect(again.status).toBe(304);
      for (const body of [page.raw, main.raw, (await t.raw('GET', '/console/console.css')).raw]) expect(body).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
      expect((await t.raw('GET', '/console/..%2Fpackage.json')).status).toBe(404);
      expect((await t.raw('GET', '/console/tsconfig.json')).status).toBe(404);
    } finally {
      await t.close();
    }
    const off = await startTestApp({ console: false });
    try {
      expect((await off.raw('GET', '/console')).status).toBe(404);
      expect((await off.req('POST', '/v1/console/session', { loginName: 'x', password: 'y' }, { token: null })).status).toBe(404);
    } finally {
      await off.close();
    }
  });
});
