import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exited, freePort, json, type ServerProcess, startServer } from './process-helpers.js';

// The admin console end to end: a real `sessiond serve` process (SQLite) and Debian's Chromium
// driven by playwright-core, as an administrator would use it. Screenshots of every page are kept
// in test-results/console/ (CI keeps them as artifacts). Needs /usr/bin/chromium (`.ci/run`
// installs it); without it the file is skipped, except under CI, where that fails the run.

const require = createRequire(import.meta.url);
const CHROMIUM = process.env.SESSIOND_TEST_CHROMIUM ?? '/usr/bin/chromium';
const SHOTS = join(process.cwd(), 'test-results', 'console');
const PW = 'correct horse battery';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env.CI) throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (.ci/run does)`);

describe.skipIf(!haveChromium)('admin console in headless Chromium', () => {
  let server: ServerProcess;
  let dataDir: string;
  let browser: Browser;
  let page: Page;
  const tokens: Record<string, string> = {};
  const sessionIds: Record<string, string> = {};

  const api = async (method: string, path: string, body?: unknown, token?: string | null) => {
    const r = await json(server.base, method, path, body, token);
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : null };
  };
  const introspect = async (token: string) => (await api('POST', '/v1/sessions/introspect', { token }, null)).body;
  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    dataDir = mkdtempSync(join(tmpdir(), 'sessiond-e2e-'));
    server = await startServer(dataDir, await freePort());
    expect((await api('POST', '/v1/organizations', { id: 'acme', name: 'Acme' })).status).toBe(201);
    expect((await api('POST', '/v1/users', { loginName: 'root', password: PW, role: 'admin' })).status).toBe(201);
    expect((await api('POST', '/v1/users', { loginName: 'acme-admin', password: PW, role: 'admin', organizationId: 'acme' })).status).toBe(201);
    expect((await api('POST', '/v1/users', { loginName: 'bob', password: PW })).status).toBe(201);
    expect((await api('POST', '/v1/users', { loginName: 'ada', password: PW, organizationId: 'acme' })).status).toBe(201);
    // The apps' users sign in through the native API, as an app would.
    for (const [name, org] of [
      ['bob', 'default'],
      ['ada', 'acme'],
    ] as const) {
      const r = await api('POST', '/v1/sessions', { loginName: name, password: PW, organizationId: org }, null);
      expect(r.status).toBe(201);
      tokens[name] = r.body.token;
      sessionIds[name] = r.body.session.id;
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    page.on('dialog', (d) => void d.accept());
    if (process.env.E2E_DEBUG) page.on('response', (r) => console.log('res', r.status(), r.url()));
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
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('signs in with the keyboard and shows the overview', async () => {
    await page.goto(`${server.base}/console`);
    await page.waitForSelector('form.signin');
    await shot('01-sign-in');
    // Focus starts in the login field; Tab moves on; Enter submits.
    await page.keyboard.type('root');
    await page.keyboard.press('Tab');
    await page.keyboard.type(PW);
    await page.keyboard.press('Enter');
    await page.waitForSelector('.cards');
    expect(await page.textContent('.cards .card:first-child .card-value')).toBe('3'); // root, bob, ada
    const cookies = await page.context().cookies();
    expect(cookies).toHaveLength(1);
    expect(cookies[0]).toMatchObject({ name: '__Host-sessiond-console', httpOnly: true, secure: true, sameSite: 'Strict' });
    expect(await page.evaluate('document.cookie')).toBe(''); // out of scripts' reach
    await shot('02-overview');
  }, 30_000);

  it("changes an organization's idle timeout: inline validation, the impact preview, save; the app's idle session ends", async () => {
    await new Promise((r) => setTimeout(r, 2_500)); // ada's session has now been idle 2.5 s
    await page.click('a[href="#/policy"]');
    await page.waitForSelector('#scope');
    await page.selectOption('#scope', 'acme');
    await page.waitForSelector('#f-idleTimeoutSeconds-own');
    await page.check('#f-idleTimeoutSeconds-own');
    const field = page.locator('.field', { has: page.locator('#f-idleTimeoutSeconds') });
    await page.fill('#f-idleTimeoutSeconds', '-1');
    await expect.poll(() => field.locator('.field-error').textContent()).toBe('At least 0.');
    expect(await page.getAttribute('#f-idleTimeoutSeconds', 'aria-invalid')).toBe('true');
    expect(await page.isDisabled('form.policy button[type=submit]')).toBe(true);

    await field.locator('select').selectOption('seconds');
    await page.fill('#f-idleTimeoutSeconds', '2');
    await page.waitForSelector('.impact .warn-text');
    expect(await page.textContent('.impact')).toContain('Saving ends 1 active session of 1 user now');
    await shot('03-policy-preview');
    // Previewing saved nothing (an admin read does not count as use, introspection would).
    expect((await api('GET', `/v1/sessions/${sessionIds.ada}`)).body).toMatchObject({ active: true });

    await page.click('form.policy button[type=submit]');
    await expect.poll(() => page.textContent('#status')).toContain('Policy saved');
    expect((await api('GET', '/v1/organizations/acme/policy')).body.override).toEqual({ idleTimeoutSeconds: 2 });
    expect(await introspect(tokens.ada as string)).toEqual({ active: false, reason: 'idle_timeout' });
    await shot('04-policy-saved');
  }, 30_000);

  it('says so when removing an override fails (the organization was deleted meanwhile)', async () => {
    expect((await api('POST', '/v1/organizations', { id: 'gone', name: 'Gone soon' })).status).toBe(201);
    expect((await api('PUT', '/v1/organizations/gone/policy', { idleTimeoutSeconds: 600 })).status).toBe(200);
    await page.goto(`${server.base}/console#/policy/gone`);
    const remove = page.locator('button.danger', { hasText: 'Remove override' });
    await remove.waitFor();
    expect((await api('DELETE', '/v1/organizations/gone')).status).toBe(204);
    await remove.click(); // the confirmation is accepted (page.on('dialog'))
    await expect.poll(() => page.textContent('.impact [role=alert]')).toContain("The override was not removed: organization 'gone' not found");
    expect(await page.textContent('#status')).toContain('The override was not removed');
    expect(await remove.isEnabled()).toBe(true);
  }, 30_000);

  it("finds a session, shows its user, revokes it; the app's token is inactive at once", async () => {
    await page.click('a[href="#/sessions"]');
    await page.waitForSelector('tr[data-session]');
    expect(await page.locator('tr[data-session]').count()).toBe(2); // root (this console) and bob; ada's ended
    await page.fill('#search', 'bob');
    await expect.poll(() => page.locator('tr[data-session]').count()).toBe(1);
    expect(await page.textContent('tr[data-session] a')).toBe('bob');
    await shot('05-sessions');
    await page.click('tr[data-session] a:text("bob")');
    await page.waitForSelector('dl.facts');
    await shot('06-user');
    expect(await introspect(tokens.bob as string)).toMatchObject({ active: true });
    await page.click('tr[data-session] button:text("Revoke")');
    await page.waitForSelector('text=No sessions.');
    expect(await introspect(tokens.bob as string)).toEqual({ active: false, reason: 'revoked' });
  }, 30_000);

  it('filters the audit log by type and actor', async () => {
    await page.click('a[href="#/audit"]');
    await page.waitForSelector('form.filters');
    await page.fill('#type', 'session.revoked');
    await page.click('form.filters button[type=submit]');
    await page.waitForSelector('td code:text("session.revoked")');
    const rows = page.locator('tbody tr');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().textContent()).toMatch(/user:/); // the administrator, by user id
    await page.fill('#type', '');
    await page.fill('#actor', 'nobody-at-all');
    await page.click('form.filters button[type=submit]');
    await page.waitForSelector('text=No events match.');
    await page.fill('#actor', '');
    await page.fill('#type', 'organization.policy_override_set');
    await page.click('form.filters button[type=submit]');
    await page.waitForSelector('td code:text("organization.policy_override_set")');
    await shot('07-audit');
  }, 30_000);

  it('is readable on a phone: nothing wider than the screen but the scrollable tables', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const hash of ['#/overview', '#/policy', '#/sessions', '#/audit']) {
      await page.goto(`${server.base}/console${hash}`);
      await page.waitForSelector('main h1');
      await page.waitForLoadState('networkidle');
      expect(await page.evaluate('document.documentElement.scrollWidth'), hash).toBeLessThanOrEqual(390);
      await shot(`08-phone-${hash.slice(2)}`);
    }
    await page.setViewportSize({ width: 1280, height: 860 });
  }, 30_000);

  it('has no accessibility violations axe-core can find on any page (WCAG 2.1 A and AA), light and dark', async () => {
    // axe is injected as a script, which the console's CSP rightly forbids: a second context of the
    // same browser with the same cookie and CSP bypassed, for this check only.
    for (const colorScheme of ['light', 'dark'] as const) {
      const audit = await browser.newContext({ bypassCSP: true, colorScheme, viewport: { width: 1280, height: 860 } });
      await audit.addCookies(await page.context().cookies());
      const p = await audit.newPage();
      try {
        for (const hash of ['#/overview', '#/policy', '#/policy/acme', '#/sessions', '#/audit']) {
          await p.goto(`${server.base}/console${hash}`);
          await p.waitForSelector('main h1');
          await p.waitForLoadState('networkidle');
          await p.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
          const violations = (await p.evaluate(
            "axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }).then((r) => r.violations.map((v) => v.id + ': ' + v.help + ' at ' + v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')))",
          )) as string[];
          expect(violations, `${hash} (${colorScheme})`).toEqual([]);
          if (colorScheme === 'dark') await p.screenshot({ path: join(SHOTS, `11-dark-${hash.slice(2).replace('/', '-')}.png`), fullPage: true });
        }
      } finally {
        await audit.close();
      }
    }
  }, 90_000);

  it('signs out: the console session ends and the cookie is gone', async () => {
    const me = (await page.evaluate(() => fetch('/v1/console/session', { headers: { 'x-sessiond-console': 'background' } }).then((r) => r.json()))) as {
      sessionId: string;
    };
    await page.click('button:text("Sign out")');
    await page.waitForSelector('form.signin');
    expect(await page.context().cookies()).toHaveLength(0);
    expect((await api('GET', `/v1/sessions/${me.sessionId}`)).body).toMatchObject({ active: false, endReason: 'revoked' });
    await shot('09-signed-out');
  }, 30_000);

  it('logs an idle administrator out when the idle timeout of their policy passes', async () => {
    // acme's idle timeout is 2 s (saved above); its administrator signs in and does nothing.
    await page.fill('#login', 'acme-admin');
    await page.fill('#password', PW);
    await page.fill('#org', 'acme');
    await page.click('form.signin button[type=submit]');
    await page.waitForSelector('header.top .who');
    expect(await page.textContent('.who')).toContain('organization acme');
    await page.waitForSelector('form.signin', { timeout: 10_000 });
    expect(await page.textContent('#signin-error')).toMatch(/signed out after 2 seconds without activity|session has ended/);
    await shot('10-idle-signed-out');
  }, 30_000);
});
