import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers.js';
import { send } from './http-get.js';

// GET /v1/forward-auth at the HTTP level, with exactly the headers each proxy documents sending
// (the real nginx and Caddy: test/forward-auth-proxies.test.ts). On SQLite and PostgreSQL + Redis.

const PW = 'correct horse battery';
const COOKIE = 'sessiond'; // SESSIOND_COOKIE_SECURE=false on loopback
type App = TestApp & { url: string };

async function signIn(t: TestApp, loginName: string) {
  const r = await t.req('POST', '/v1/sessions', { loginName, password: PW }, { token: null });
  expect(r.status, r.raw).toBe(201);
  return r.body as { token: string; session: { id: string; userId: string } };
}

const BROWSER = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', 'sec-fetch-mode': 'navigate', 'user-agent': 'Mozilla/5.0 test' };

/** What Traefik's ForwardAuth sends (always a GET to the auth address): the original request's headers plus X-Forwarded-*. */
const traefik = (o: { method?: string; host?: string; uri?: string; proto?: string; headers?: Record<string, string> } = {}) => ({
  'x-forwarded-method': o.method ?? 'GET',
  'x-forwarded-proto': o.proto ?? 'https',
  'x-forwarded-host': o.host ?? 'app.example.com',
  'x-forwarded-uri': o.uri ?? '/reports?year=2026&q=a,b',
  'x-forwarded-for': '203.0.113.9',
  ...o.headers,
});

describe('GET /v1/forward-auth behind a trusted proxy (Traefik, Caddy)', () => {
  let t: App;
  let userId: string;
  const fa = (headers: Record<string, string>, o: { method?: string; path?: string } = {}) =>
    send(`${t.url}${o.path ?? '/v1/forward-auth'}`, { method: o.method ?? 'GET', headers });
  beforeAll(async () => {
    t = await startTestApp({ cookieSecure: false, trustProxy: '127.0.0.1,::1', allowedRedirectDomains: 'example.com' }, { listen: true });
    const u = await t.req('POST', '/v1/users', { loginName: 'carol', password: PW });
    userId = u.body.id;
  });
  afterAll(() => t.close());

  it('signed in: 200, the identity headers, no body, no-store; counts as use with the forwarded client IP', async () => {
    const s = await signIn(t, 'carol');
    const r = await fa(traefik({ headers: { ...BROWSER, cookie: `${COOKIE}=${s.token}` } }));
    expect(r.status).toBe(200);
    expect(r.text).toBe('');
    expect(r.headers['content-length']).toBe('0');
    expect(r.headers['content-type']).toBeUndefined();
    expect(r.headers['cache-control']).toBe('no-store');
    expect(r.headers).toMatchObject({
      'x-sessiond-user-id': userId,
      'x-sessiond-login-name': 'carol',
      'x-sessiond-role': 'user',
      'x-sessiond-session-id': s.session.id,
    });
    expect(Date.parse(r.headers['x-sessiond-session-expires'] as string)).toBeGreaterThan(Date.now());
    const view = await t.req('GET', `/v1/sessions/${s.session.id}`);
    expect(view.body.location.lastIp).toBe('203.0.113.9');
    // Bearer and X-Session-Token work too; HEAD answers the same without a body.
    expect((await fa(traefik({ headers: { authorization: `Bearer ${s.token}` } }))).status).toBe(200);
    expect((await fa(traefik({ headers: { 'x-session-token': s.token } }), { method: 'HEAD' })).status).toBe(200);
    // Revoked: the next request is refused.
    await t.req('DELETE', `/v1/sessions/${s.session.id}`);
    const after = await fa(traefik({ headers: { authorization: `Bearer ${s.token}` } }));
    expect(after.status).toBe(401);
    expect(JSON.parse(after.text)).toEqual({ active: false, reason: 'revoked' });
  });

  it('signed out, a browser navigation: 302 to /signin on the forwarded host with the original URL in rd; 303 after a POST', async () => {
    const r = await fa(traefik({ headers: BROWSER }));
    expect(r.status).toBe(302);
    expect(r.headers.location).toBe(`https://app.example.com/signin?rd=${encodeURIComponent('https://app.example.com/reports?year=2026&q=a,b')}`);
    expect(r.headers['cache-control']).toBe('no-store');
    expect((await fa(traefik({ method: 'POST', headers: BROWSER }))).status).toBe(303);
    // A token that is no longer good is the same as none for a browser.
    expect((await fa(traefik({ headers: { ...BROWSER, cookie: `${COOKIE}=${'x'.repeat(43)}` } }))).status).toBe(302);
  });

  it('signed out, an API call or XHR: 401 with WWW-Authenticate', async () => {
    for (const headers of [
      { accept: 'application/json' },
      { ...BROWSER, 'x-requested-with': 'XMLHttpRequest' },
      { ...BROWSER, 'sec-fetch-mode': 'cors' },
      {},
    ]) {
      const r = await fa(traefik({ headers }));
      expect(r.status, JSON.stringify(headers)).toBe(401);
      expect(r.headers['www-authenticate']).toBe('Bearer realm="sessiond"');
      expect(JSON.parse(r.text)).toEqual({ active: false, reason: 'unknown' });
    }
  });

  it('?mode=nginx: always 401, never a redirect (nginx redirects itself with error_page 401)', async () => {
    expect((await fa(traefik({ headers: BROWSER }), { path: '/v1/forward-auth?mode=nginx' })).status).toBe(401);
  });

  it('never an open redirect: hosts off the allow-list and smuggled hosts get 401', async () => {
    const bad: Record<string, string>[] = [
      { 'x-forwarded-host': 'evil.com' },
      { 'x-forwarded-host': 'example.com.evil.com' },
      { 'x-forwarded-host': 'badexample.com' },
      { 'x-forwarded-host': 'evil.com\\@example.com' },
      { 'x-forwarded-host': 'user:pw@app.example.com' },
      { 'x-forwarded-host': 'evil.com/.example.com' },
      { 'x-forwarded-host': 'evil.com#.example.com' },
      { 'x-forwarded-uri': '//evil.com/' },
      { 'x-forwarded-uri': '/\\evil.com' },
      { 'x-forwarded-uri': '@evil.com' },
      { 'x-forwarded-uri': 'https://evil.com/' },
      { 'x-forwarded-proto': 'javascript' },
      { 'x-forwarded-proto': 'ftp' },
    ];
    for (const h of bad) {
      const r = await fa({ ...traefik(), ...BROWSER, ...h });
      expect(r.status, JSON.stringify(h)).toBe(401);
      expect(r.headers.location).toBeUndefined();
    }
    // A subdomain of an allowed domain, and the domain itself, are fine.
    for (const host of ['example.com', 'a.b.example.com', 'APP.Example.COM:8443']) {
      const r = await fa({ ...traefik({ host }), ...BROWSER });
      expect(r.status, host).toBe(302);
      expect(new URL(r.headers.location as string).host).toBe(host.toLowerCase());
    }
  });

  it('Envoy ext_authz (HTTP service): the original method and path appended, Host and the allowed headers; only 200 allows', async () => {
    const s = await signIn(t, 'carol');
    const envoy = { host: 'app.example.com', 'x-forwarded-proto': 'https', 'x-envoy-internal': 'true', 'x-request-id': '0b6f9c2e-1c2d-4e5f-8a9b-0c1d2e3f4a5b' };
    const ok = await fa({ ...envoy, cookie: `${COOKIE}=${s.token}` }, { method: 'POST', path: '/v1/forward-auth/api/items?page=2' });
    expect(ok.status).toBe(200);
    expect(ok.headers['x-sessiond-user-id']).toBe(userId);
    expect(ok.headers['x-request-id']).toBe(envoy['x-request-id']);
    const no = await fa(envoy, { method: 'DELETE', path: '/v1/forward-auth/api/items/7' });
    expect(no.status).toBe(401);
    // The Fastify route answers the same (a request that reaches the framework).
    const framework = await t.raw('PUT', '/v1/forward-auth/x', { headers: { cookie: `${COOKIE}=${s.token}` } });
    expect(framework.status).toBe(200);
    expect(framework.headers['x-sessiond-session-id']).toBe(s.session.id);
  });

  it('SESSIOND_SIGNIN_URL replaces /signin on the forwarded host', async () => {
    const u = await startTestApp({ cookieSecure: false, trustProxy: true, signinUrl: 'https://auth.example.com/signin?lang=en' }, { listen: true });
    try {
      const r = await send(`${u.url}/v1/forward-auth`, { headers: { ...traefik({ host: 'localhost:9' }), ...BROWSER } });
      expect(r.status).toBe(302);
      expect(r.headers.location).toBe(`https://auth.example.com/signin?lang=en&rd=${encodeURIComponent('https://localhost:9/reports?year=2026&q=a,b')}`);
    } finally {
      await u.close();
    }
  });
});

describe('GET /v1/forward-auth from a peer that is not a trusted proxy', () => {
  let t: App;
  beforeAll(async () => {
    t = await startTestApp({ cookieSecure: false, trustProxy: '10.0.0.0/8,fd00::/8' }, { listen: true });
    await t.req('POST', '/v1/users', { loginName: 'dave', password: PW });
  });
  afterAll(() => t.close());

  it('ignores X-Forwarded-*: no redirect (401), and the socket address is the client', async () => {
    const r = await send(`${t.url}/v1/forward-auth`, { headers: { ...traefik({ host: 'localhost' }), ...BROWSER } });
    expect(r.status).toBe(401);
    const s = await signIn(t, 'dave');
    expect((await send(`${t.url}/v1/forward-auth`, { headers: { ...traefik(), authorization: `Bearer ${s.token}` } })).status).toBe(200);
    const view = await t.req('GET', `/v1/sessions/${s.session.id}`);
    expect(view.body.location.lastIp).not.toBe('203.0.113.9');
  });

  it('refuses a SESSIOND_TRUST_PROXY entry that is not an address or CIDR', async () => {
    const { loadConfig } = await import('../src/config/config.js');
    expect(() => loadConfig({ SESSIOND_TRUST_PROXY: '10.0.0.0/8,proxy.local' })).toThrow(/not an address or CIDR: proxy.local/);
    expect(() => loadConfig({ SESSIOND_TRUST_PROXY: '10.0.0.0/33' })).toThrow(/10.0.0.0\/33/);
    expect(loadConfig({ SESSIOND_TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ SESSIOND_TRUST_PROXY: 'off' }).trustProxy).toBe(false);
    expect(loadConfig({ SESSIOND_TRUST_PROXY: '192.0.2.1, 2001:db8::/32' }).trustProxy).toBe('192.0.2.1, 2001:db8::/32');
  });
});
