import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exited, freePort, json, type ServerProcess, startServer } from './process-helpers.js';

// The hosted sign-in page end to end: a real `sessiond serve` process (SQLite) and Debian's Chromium
// driven by playwright-core, with the keyboard only. A tiny app on another port of 127.0.0.1 (an
// allowed redirect host; cookies ignore ports, so it receives the session cookie as an app behind
// the same proxy would) is where `rd` points. Screenshots go to test-results/signin/. Needs
// /usr/bin/chromium (`.ci/run` installs it); without it the file is skipped, except under CI.

const CHROMIUM = process.env.SESSIOND_TEST_CHROMIUM ?? '/usr/bin/chromium';
const SHOTS = join(process.cwd(), 'test-results', 'signin');
const PW = 'correct horse battery';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env.CI) throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (.ci/run does)`);

/** The protected app: says whether the browser sent it the session cookie. */
function startApp(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const signedIn = /(^|;\s*)__Host-sessiond=/.test(req.headers.cookie ?? '');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><title>app</title><p id="cookie">${signedIn ? 'yes' : 'no'}</p><p id="path">${req.url}</p>`);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}` })),
  );
}

describe.skipIf(!haveChromium)('hosted sign-in page in headless Chromium', () => {
  let server: ServerProcess;
  let app: { server: Server; url: string };
  let dataDir: string;
  let browser: Browser;
  let page: Page;
  let token = '';
  // Chromium applies `autofocus` once the page has rendered, a moment after load: wait for it before typing.
  const focusOn = (id: string) => page.waitForFunction(`document.activeElement && document.activeElement.id === '${id}'`, undefined, { timeout: 5_000 });
  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  const introspect = async (t: string) =>
    (await (await json(server.base, 'POST', '/v1/sessions/introspect', { token: t }, null)).json()) as Record<string, unknown>;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    dataDir = mkdtempSync(join(tmpdir(), 'sessiond-signin-e2e-'));
    app = await startApp();
    server = await startServer(dataDir, await freePort(), { SESSIOND_ALLOWED_REDIRECT_DOMAINS: '127.0.0.1' });
    expect((await json(server.base, 'POST', '/v1/users', { loginName: 'bob', password: PW })).status).toBe(201);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    page = await browser.newPage({ viewport: { width: 390, height: 844 } }); // a phone
    page.on('pageerror', (e) => {
      throw e;
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    if (server) {
      server.child.kill('SIGTERM');
      await exited(server.child);
    }
    app?.server.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('a wrong password: the error is announced (role=alert), the login name kept, focus in the password field', async () => {
    await page.goto(`${server.base}/signin?rd=${encodeURIComponent(`${app.url}/inbox?x=1`)}`);
    await focusOn('login');
    await shot('01-sign-in');
    await page.keyboard.type('bob');
    await page.keyboard.press('Tab');
    await page.keyboard.type('wrong password');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#signin-error:not(:empty)');
    expect(await page.getAttribute('#signin-error', 'role')).toBe('alert');
    expect(await page.textContent('#signin-error')).toContain('Wrong login name or password');
    expect(await page.inputValue('#login')).toBe('bob');
    await focusOn('password');
    await shot('02-wrong-password');
  }, 30_000);

  it('signs in with the keyboard and lands on rd with the HttpOnly session cookie', async () => {
    await page.keyboard.type(PW);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${app.url}/inbox?x=1`);
    expect(await page.textContent('#cookie')).toBe('yes');
    const cookies = await page.context().cookies(server.base);
    const session = cookies.find((c) => c.name === '__Host-sessiond');
    expect(session).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Lax', path: '/', expires: -1 });
    expect(cookies.map((c) => c.name)).not.toContain('__Host-sessiond-csrf'); // spent at sign-in
    expect(await page.evaluate('document.cookie')).toBe(''); // out of scripts' reach
    token = session!.value;
    expect(await introspect(token)).toMatchObject({ active: true });
    await shot('03-landed-on-app');
  }, 30_000);

  it('signs out with the keyboard: the session is revoked, the cookie gone, back on rd', async () => {
    await page.goto(`${server.base}/signout?rd=${encodeURIComponent(`${app.url}/bye`)}`);
    await focusOn('signout');
    await shot('04-sign-out');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${app.url}/bye`);
    expect(await page.textContent('#cookie')).toBe('no');
    expect((await page.context().cookies(server.base)).map((c) => c.name)).not.toContain('__Host-sessiond');
    expect(await introspect(token)).toEqual({ active: false, reason: 'revoked' });
  }, 30_000);

  it('without rd, sign-in ends on the signed-in page, whose button signs out', async () => {
    await page.goto(`${server.base}/signin`);
    await focusOn('login');
    await page.keyboard.type('bob');
    await page.keyboard.press('Tab');
    await page.keyboard.type(PW);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${server.base}/signin/done`);
    expect(await page.textContent('h1')).toBe('Signed in');
    await focusOn('signout');
    await shot('05-signed-in');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${server.base}/signin`);
    expect((await page.context().cookies(server.base)).map((c) => c.name)).not.toContain('__Host-sessiond');
  }, 30_000);
});
