import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers.js';
import { send } from './http-get.js';
import { binaryOf, type ProxyKind, type RunningProxy, startProxy, startUpstream, type Upstream } from './reverse-proxy.js';

// Forward-auth through the real proxies, started from the configs of docs/forward-auth.md
// (test/reverse-proxy.ts): nginx (auth_request) and Caddy (forward_auth), each in front of a tiny
// app that echoes the identity headers it receives. Needs Debian's nginx and caddy (`.ci/run`
// installs them); without them the proxy's tests are skipped, except under CI, where that fails.

const PW = 'correct horse battery';
const BROWSER = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8', 'sec-fetch-mode': 'navigate' };
const API = { accept: 'application/json' };
const SPOOFED = { 'x-sessiond-user-id': 'someone-else', 'x-sessiond-role': 'admin', 'x-sessiond-login-name': 'root' };

for (const kind of ['nginx', 'caddy'] as ProxyKind[]) {
  const binary = binaryOf(kind);
  const present = existsSync(binary);
  if (!present && process.env.CI) throw new Error(`${binary} is missing: install Debian's ${kind} package (.ci/run does)`);

  describe.skipIf(!present)(`forward-auth behind ${kind}${present ? '' : ` [skipped: ${binary} is missing; apt-get install ${kind}]`}`, () => {
    let t: TestApp & { url: string };
    let app: Upstream;
    let proxy: RunningProxy;
    let userId: string;
    beforeAll(async () => {
      t = await startTestApp({ cookieSecure: false, trustProxy: '127.0.0.1,::1' }, { listen: true });
      userId = (await t.req('POST', '/v1/users', { loginName: 'erin', password: PW })).body.id;
      app = await startUpstream();
      proxy = await startProxy(kind, { sessiondPort: Number(new URL(t.url).port), appPort: app.port });
    });
    afterAll(async () => {
      await proxy?.close();
      await app?.close();
      await t?.close();
    });

    const signIn = async () => {
      const r = await t.req('POST', '/v1/sessions', { loginName: 'erin', password: PW }, { token: null });
      expect(r.status, r.raw).toBe(201);
      return r.body as { token: string; session: { id: string } };
    };
    const visit = (path: string, headers: Record<string, string>, method = 'GET') => send(`${proxy.url}${path}`, { method, headers });

    it('signed out: a browser is sent to /signin with the original URL; an API call or XHR gets 401', async () => {
      const r = await visit('/reports/2026?q=a&b=c', BROWSER);
      expect(r.status, r.text).toBe(302);
      expect(r.headers.location).toBe(`${proxy.url}/signin?rd=${encodeURIComponent(`${proxy.url}/reports/2026?q=a&b=c`)}`);
      const api = await visit('/api/items', API);
      expect(api.status).toBe(401);
      expect(api.headers['www-authenticate']).toMatch(/^Bearer realm="sessiond"/);
      expect((await visit('/page', { ...BROWSER, 'x-requested-with': 'XMLHttpRequest' })).status).toBe(401);
      // Spoofed identity headers alone never get through.
      expect((await visit('/api/items', { ...API, ...SPOOFED })).status).toBe(401);
    });

    it('signed in (bearer or cookie): the app sees the identity headers, never the client-sent copies', async () => {
      const s = await signIn();
      for (const auth of [{ authorization: `Bearer ${s.token}` }, { cookie: `theme=dark; sessiond=${s.token}` }]) {
        const r = await visit('/api/items?x=1', { ...API, ...auth, ...SPOOFED });
        expect(r.status, r.text).toBe(200);
        const seen = JSON.parse(r.text);
        expect(seen.url).toBe('/api/items?x=1');
        expect(seen.identity).toMatchObject({
          'x-sessiond-user-id': userId,
          'x-sessiond-login-name': 'erin',
          'x-sessiond-role': 'user',
          'x-sessiond-session-id': s.session.id,
          'x-sessiond-organization-id': 'default',
        });
        expect(Date.parse(seen.identity['x-sessiond-session-expires'])).toBeGreaterThan(Date.now());
      }
    });

    it('revoke: the next request is refused', async () => {
      const s = await signIn();
      const auth = { ...API, authorization: `Bearer ${s.token}` };
      expect((await visit('/x', auth)).status).toBe(200);
      expect((await t.req('DELETE', `/v1/sessions/${s.session.id}`)).status).toBe(204);
      expect((await visit('/x', auth)).status).toBe(401);
      expect((await visit('/x', { ...BROWSER, cookie: `sessiond=${s.token}` })).status).toBe(302);
    });

    it('an idle timeout ends access', async () => {
      expect((await t.req('PATCH', '/v1/policy', { idleTimeoutSeconds: 1 })).status).toBe(200);
      try {
        const s = await signIn();
        const auth = { ...API, authorization: `Bearer ${s.token}` };
        expect((await visit('/x', auth)).status).toBe(200);
        await sleep(1300);
        expect((await visit('/x', auth)).status).toBe(401);
      } finally {
        await t.req('PATCH', '/v1/policy', { idleTimeoutSeconds: 1800 });
      }
    });
  });
}
