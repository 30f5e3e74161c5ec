import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOOTSTRAP, startTestApp, type TestApp } from './helpers.js';

// GraphiQL at /graphiql works offline: every file it loads comes from sessiond (the npm packages,
// not a CDN), and it renders in Debian's Chromium under its Content-Security-Policy. Needs
// /usr/bin/chromium (`.ci/run` installs it; SESSIOND_TEST_CHROMIUM names another); without it
// the browser test is skipped, except under CI, where that fails the run.

const CHROMIUM = process.env.SESSIOND_TEST_CHROMIUM ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env.CI) throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (.ci/run does)`);

describe('GraphiQL at /graphiql, offline', () => {
  let t: TestApp & { url: string };
  let browser: Browser | undefined;
  let page: Page;
  const elsewhere: string[] = [];
  const problems: string[] = [];

  beforeAll(async () => {
    t = await startTestApp({}, { listen: true });
    if (!haveChromium) return;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    page = await browser.newPage();
    const origin = new URL(t.url).origin;
    // Offline: anything for another origin is refused, and noted.
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(`${origin}/`)) return route.continue();
      elsewhere.push(url);
      return route.abort('internetdisconnected');
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('references no other origin, and serves each file it references with its type', async () => {
    const html = await t.req('GET', '/graphiql', undefined, { token: null });
    expect(html.status).toBe(200);
    expect(html.headers['content-type']).toMatch(/^text\/html/);
    expect(String(html.headers['content-security-policy'])).toMatch(/script-src 'self';/);
    const refs = [...html.raw.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] as string);
    expect(refs.length).toBeGreaterThanOrEqual(6);
    for (const ref of refs) {
      expect(ref, 'a path on this origin').toMatch(/^\/graphiql\/[\w.-]+$/);
      const r = await t.req('GET', ref, undefined, { token: null });
      expect(r.status, ref).toBe(200);
      expect(r.headers['content-type'], ref).toBe(ref.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8');
      expect(r.headers['x-content-type-options'], ref).toBe('nosniff');
    }
    expect((await t.req('GET', '/graphiql/main.js', undefined, { token: null })).raw).not.toMatch(/https?:/);
    const missing = await t.req('GET', '/graphiql/nope.js', undefined, { token: null });
    expect(missing.status).toBe(404);
    expect(missing.body.errors[0].extensions.code).toBe('NOT_FOUND');
  });

  it.skipIf(!haveChromium)('in headless Chromium: renders, and runs a query with the credential given in its Headers pane', async () => {
    await page.goto(`${t.url}/graphiql`);
    await page.waitForSelector('.graphiql-container .graphiql-execute-button', { timeout: 20_000 });
    expect(await page.title()).toContain('GraphiQL');
    // Its first schema fetch carries the placeholder credential: a 401, shown in the page.
    const editor = (selector: string) => `document.querySelector(${JSON.stringify(selector)}).CodeMirror`;
    await page.getByRole('button', { name: /^headers$/i }).click();
    await page.evaluate(`${editor('.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror')}.setValue('{"Authorization": "Bearer ${BOOTSTRAP}"}')`);
    await page.evaluate(`${editor('.graphiql-query-editor .CodeMirror')}.setValue('{ organization { id } }')`);
    await page.click('.graphiql-execute-button');
    // Polled from here: waitForFunction's string predicate would need eval, which the page's CSP forbids.
    const response = () => page.evaluate(`${editor('.graphiql-response .CodeMirror')}.getValue()`) as Promise<string>;
    await expect.poll(response, { timeout: 10_000 }).toContain('"default"');
    expect(JSON.parse(await response())).toEqual({ data: { organization: { id: 'default' } } });
    // A dialog (its scroll lock adds a <style> element) opens under the CSP too.
    await page.getByRole('button', { name: /settings/i }).click();
    await page.waitForSelector('[role="dialog"]');
    await page.keyboard.press('Escape');
    expect(elsewhere).toEqual([]);
    expect(problems.filter((p) => !p.includes('status of 401'))).toEqual([]);
  });
});
