import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers.js';
import { NGINX, type RunningProxy, startProxy, startUpstream, type Upstream } from './reverse-proxy.js';

// The whole round trip a user makes, in Chromium, through real nginx running the documented config
// (docs/forward-auth.md): visit the protected app, get sent to the sign-in page, sign in with the
// keyboard, land back on the original URL with the app seeing who you are, sign out, and be sent to
// sign in again. Needs /usr/bin/chromium and nginx (`.ci/run` installs both); skipped without
// them, except under CI. Screenshots go to test-results/forward-auth/.

const CHROMIUM = process.env.SESSIOND_TEST_CHROMIUM ?? '/usr/bin/chromium';
const SHOTS = join(process.cwd(), 'test-results', 'forward-auth');
const PW = 'correct horse battery';
const present = existsSync(CHROMIUM) && existsSync(NGINX);
if (!present && process.env.CI) throw new Error(`${CHROMIUM} or ${NGINX} is missing: install Debian's chromium and nginx packages (.ci/run does)`);

describe.skipIf(!present)('an app behind nginx, signed in through the hosted page, in Chromium', () => {
  let t: TestApp & { url: string };
  let app: Upstream;
  let proxy: RunningProxy;
  let browser: Browser;
  let page: Page;
  let userId: string;
  const focusOn = (id: string) => page.waitForFunction(`document.activeElement && document.activeElement.id === '${id}'`, undefined, { timeout: 5_000 });
  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  const seenByApp = async () => JSON.parse((await page.textContent('body')) ?? '{}') as { url: string; identity: Record<string, string> };

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    // Plain http on 127.0.0.1: the cookie is `sessiond`, without Secure (accepted only on loopback). No
    // SESSIOND_ALLOWED_REDIRECT_DOMAINS, as in the README: the app's own host (X-Forwarded-Host from
    // the trusted proxy) is where the sign-in page may send the browser back.
    t = await startTestApp({ cookieSecure: false, trustProxy: '127.0.0.1,::1' }, { listen: true });
    userId = (await t.req('POST', '/v1/users', { loginName: 'erin', password: PW })).body.id;
    app = await startUpstream();
    proxy = await startProxy('nginx', { sessiondPort: Number(new URL(t.url).port), appPort: app.port });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    page.on('pageerror', (e) => {
      throw e;
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await proxy?.close();
    await app?.close();
    await t?.close();
  });

  it('signed out: visiting the app leads to the sign-in page, which knows where to send you back', async () => {
    await page.goto(`${proxy.url}/reports/2026?q=a`);
    expect(new URL(page.url()).pathname).toBe('/signin');
    expect(new URL(page.url()).searchParams.get('rd')).toBe(`${proxy.url}/reports/2026?q=a`);
    await focusOn('login');
    await shot('01-sent-to-sign-in');
  }, 30_000);

  it('signs in with the keyboard and lands on the original URL; the app sees the identity headers', async () => {
    await page.keyboard.type('erin');
    await page.keyboard.press('Tab');
    await page.keyboard.type(PW);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${proxy.url}/reports/2026?q=a`);
    const seen = await seenByApp();
    expect(seen.url).toBe('/reports/2026?q=a');
    expect(seen.identity).toMatchObject({ 'x-sessiond-user-id': userId, 'x-sessiond-login-name': 'erin', 'x-sessiond-role': 'user' });
    const cookie = (await page.context().cookies(proxy.url)).find((c) => c.name === 'sessiond');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/', expires: -1 });
    await shot('02-back-on-the-app');
  }, 30_000);

  it('revoked elsewhere: the next page load is sent to sign in again', async () => {
    const token = (await page.context().cookies(proxy.url)).find((c) => c.name === 'sessiond')?.value ?? '';
    const sessionId = (await seenByApp()).identity['x-sessiond-session-id'];
    expect((await t.req('DELETE', `/v1/sessions/${sessionId}`)).status).toBe(204);
    expect((await t.req('POST', '/v1/sessions/introspect', { token }, { token: null })).body).toEqual({ active: false, reason: 'revoked' });
    await page.goto(`${proxy.url}/inbox`);
    expect(new URL(page.url()).pathname).toBe('/signin');
    expect(new URL(page.url()).searchParams.get('rd')).toBe(`${proxy.url}/inbox`);
  }, 30_000);

  it('signs in again, then signs out through the proxy: the session ends and the app is closed again', async () => {
    await focusOn('login');
    await page.keyboard.type('erin');
    await page.keyboard.press('Tab');
    await page.keyboard.type(PW);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${proxy.url}/inbox`);
    const token = (await page.context().cookies(proxy.url)).find((c) => c.name === 'sessiond')?.value ?? '';
    await page.goto(`${proxy.url}/signout?rd=${encodeURIComponent(`${proxy.url}/inbox`)}`);
    await focusOn('signout');
    await shot('03-sign-out');
    await page.keyboard.press('Enter');
    // Back to /inbox, which nginx no longer lets through: the sign-in page again.
    await page.waitForURL((u) => u.pathname === '/signin');
    expect((await page.context().cookies(proxy.url)).map((c) => c.name)).not.toContain('sessiond');
    expect((await t.req('POST', '/v1/sessions/introspect', { token }, { token: null })).body).toEqual({ active: false, reason: 'revoked' });
    await shot('04-signed-out');
  }, 30_000);
});
