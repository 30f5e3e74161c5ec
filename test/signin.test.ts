import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../src/config/config.js';
import { startTestApp, type TestApp, type TestResponse } from './helpers.js';

// The hosted sign-in page (src/surfaces/signin/, docs/signin.md) over HTTP, in-process, on the
// backend of the run: the form, the session cookie, the redirect allow-list, the CSRF guards, one
// answer for unknown / wrong / locked, lockout and rate limits, sign-out, bad input.

const PW = 'correct horse battery';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
/** What Chromium sends with a same-origin form post (inject's Host is localhost:80). */
const SAME_ORIGIN = { 'sec-fetch-site': 'same-origin', origin: 'http://localhost:80' };

interface Page {
  res: TestResponse;
  csrf: string;
  /** The Cookie header a browser would send back (the CSRF cookie). */
  cookie: string;
}

const setCookies = (r: TestResponse): string[] => {
  const h = r.headers['set-cookie'];
  return h === undefined ? [] : Array.isArray(h) ? (h as string[]) : [String(h)];
};
const cookieNamed = (r: TestResponse, name: string) => setCookies(r).find((c) => c.startsWith(`${name}=`));
const cookieValue = (setCookie: string | undefined) => (setCookie ?? '').split(';')[0]!.split('=').slice(1).join('=');
const hiddenField = (html: string, name: string) => html.match(new RegExp(`name="${name}" value="([^"]*)"`))?.[1];

async function openForm(t: TestApp, query = ''): Promise<Page> {
  const res = await t.raw('GET', `/signin${query}`);
  expect(res.status, res.raw).toBe(200);
  const set = cookieNamed(res, '__Host-sessiond-csrf');
  const csrf = hiddenField(res.raw, 'csrf')!;
  expect(cookieValue(set)).toBe(csrf);
  return { res, csrf, cookie: `__Host-sessiond-csrf=${csrf}` };
}

/** A form post as a browser sends it; a header given as null is left out. */
function post(t: TestApp, path: string, fields: Record<string, string>, o: { cookie?: string; headers?: Record<string, string | null> } = {}) {
  const headers = Object.entries({ ...FORM, ...SAME_ORIGIN, ...(o.cookie ? { cookie: o.cookie } : {}), ...o.headers }).filter(
    (e): e is [string, string] => e[1] !== null,
  );
  return t.raw('POST', path, { body: new URLSearchParams(fields).toString(), headers: Object.fromEntries(headers) });
}

async function signIn(t: TestApp, loginName: string, password: string, extra: Record<string, string> = {}) {
  const f = await openForm(t);
  return post(t, '/signin', { csrf: f.csrf, username: loginName, password, ...extra }, { cookie: f.cookie });
}

const introspect = async (t: TestApp, token: string) => (await t.req('POST', '/v1/sessions/introspect', { token }, { token: null })).body;

async function createUser(t: TestApp, loginName: string, extra: Record<string, unknown> = {}): Promise<string> {
  const r = await t.req('POST', '/v1/users', { loginName, password: PW, ...extra });
  expect(r.status, r.raw).toBe(201);
  return r.body.id as string;
}

/** A forged post: its fields, its Cookie header, and the browser's headers. */
interface Forged {
  fields: Record<string, string>;
  cookie: string;
  headers?: Record<string, string | null>;
}

/** The page of a failed attempt with its per-form token blanked: what must not differ between failures. */
const withoutToken = (r: TestResponse) => r.raw.replace(/name="csrf" value="[^"]*"/, 'name="csrf" value=""');

describe('hosted sign-in page', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ allowedRedirectDomains: 'app.example.com' });
    await createUser(t, 'alice');
  });
  afterAll(() => t.close());

  it('serves the form: strict CSP, labels and autocomplete, a CSRF token in a __Host- SameSite=Strict cookie, no "remember me" by default', async () => {
    const { res, csrf } = await openForm(t, '?rd=https%3A%2F%2Fapp.example.com%2Fhome');
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toMatch(/form-action 'self' /);
    expect(csp).not.toContain('unsafe');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(cookieNamed(res, '__Host-sessiond-csrf')).toBe(`__Host-sessiond-csrf=${csrf}; Path=/; HttpOnly; SameSite=Strict; Secure; Max-Age=3600`);
    expect(res.raw).toContain('<label for="login">');
    expect(res.raw).toContain('autocomplete="username"');
    expect(res.raw).toContain('autocomplete="current-password"');
    expect(res.raw).toContain('role="alert"');
    expect(res.raw).not.toContain('<script');
    expect(res.raw).not.toContain('name="persistent"');
    expect(hiddenField(res.raw, 'rd')).toBe('https://app.example.com/home');
    // An rd the allow-list refuses is dropped, never echoed.
    const evil = await openForm(t, '?rd=%2F%2Fevil.com');
    expect(hiddenField(evil.res.raw, 'rd')).toBeUndefined();
    expect(evil.res.raw).not.toContain('evil.com');
    // A second tab keeps the browser's token, so the first tab's form stays good; a bad cookie value is replaced.
    const second = await t.raw('GET', '/signin', { headers: { cookie: `__Host-sessiond-csrf=${csrf}` } });
    expect(hiddenField(second.raw, 'csrf')).toBe(csrf);
    expect(cookieNamed(second, '__Host-sessiond-csrf')).toMatch(/Max-Age=3600$/);
    const replaced = await t.raw('GET', '/signin', { headers: { cookie: '__Host-sessiond-csrf=short' } });
    expect(hiddenField(replaced.raw, 'csrf')).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const css = await t.raw('GET', '/signin/console.css');
    expect(css.status).toBe(200);
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it('signs in: the session cookie (__Host-, HttpOnly, SameSite=Lax, Secure, no Max-Age) and 303 to the allowed rd', async () => {
    const f = await openForm(t);
    const r = await post(t, '/signin', { csrf: f.csrf, username: 'alice', password: PW, rd: 'https://x.app.example.com/a?b=1' }, { cookie: f.cookie });
    expect(r.status, r.raw).toBe(303);
    expect(r.headers.location).toBe('https://x.app.example.com/a?b=1');
    const session = cookieNamed(r, '__Host-sessiond')!;
    expect(session).toMatch(/^__Host-sessiond=[^;]+; Path=\/; HttpOnly; SameSite=Lax; Secure$/);
    expect(cookieNamed(r, '__Host-sessiond-csrf')).toMatch(/Max-Age=0$/);
    expect(await introspect(t, cookieValue(session))).toMatchObject({ active: true, session: { persistent: false } });
    // The signed-in page, with a sign-out form.
    const done = await t.raw('GET', '/signin/done', { headers: { cookie: session.split(';')[0]! } });
    expect(done.status).toBe(200);
    expect(done.raw).toContain('action="/signout"');
    expect(hiddenField(done.raw, 'csrf')).toBeTruthy();
  });

  it.each([
    ['no rd', undefined, '/signin/done'],
    ['a path on this host', '/account?tab=2', '/account?tab=2'],
    ['another domain', 'https://evil.com/', '/signin/done'],
    ['a lookalike suffix', 'https://app.example.com.evil.com/', '/signin/done'],
    ['scheme-relative', '//evil.com/', '/signin/done'],
    ['javascript:', 'javascript:alert(1)', '/signin/done'],
    ['user info', 'https://app.example.com@evil.com/', '/signin/done'],
    ['a backslash', '/\\evil.com', '/signin/done'],
  ])('redirects after sign-in: %s', async (_name, rd, location) => {
    const r = await signIn(t, 'alice', PW, rd === undefined ? {} : { rd });
    expect(r.status, r.raw).toBe(303);
    expect(r.headers.location).toBe(location);
  });

  it('without a signed-in session, /signin/done sends the browser to the form', async () => {
    expect((await t.raw('GET', '/signin/done')).headers.location).toBe('/signin');
    expect((await t.raw('GET', '/signin/done', { headers: { cookie: '__Host-sessiond=nope' } })).headers.location).toBe('/signin');
  });

  it('offers "remember me" only where the policy allows persistent sessions; a persistent cookie lives until the absolute deadline', async () => {
    // Asked for where the policy forbids it: an ordinary session, never an error.
    const plain = await signIn(t, 'alice', PW, { persistent: 'on' });
    expect(plain.status).toBe(303);
    expect(cookieNamed(plain, '__Host-sessiond')).not.toContain('Max-Age');
    expect((await t.req('PATCH', '/v1/policy', { allowPersistentSessions: true })).status).toBe(200);
    try {
      expect((await openForm(t)).res.raw).toContain('name="persistent"');
      const r = await signIn(t, 'alice', PW, { persistent: 'on' });
      expect(r.status).toBe(303);
      const cookie = cookieNamed(r, '__Host-sessiond')!;
      expect(cookie).toMatch(/; Max-Age=43200$/);
      expect(await introspect(t, cookieValue(cookie))).toMatchObject({ active: true, session: { persistent: true } });
    } finally {
      expect((await t.req('PATCH', '/v1/policy', { allowPersistentSessions: false })).status).toBe(200);
    }
  });

  it('one answer for unknown user, wrong password, locked and disabled: 401, the same page, the login name kept', async () => {
    expect((await t.req('PATCH', '/v1/policy', { maxFailedPasswordAttempts: 2, lockoutSeconds: 0 })).status).toBe(200);
    try {
      const lockedId = await createUser(t, 'locky');
      const disabledId = await createUser(t, 'dizzy');
      expect((await t.req('PATCH', `/v1/users/${disabledId}`, { disabled: true })).status).toBe(200);
      for (let i = 0; i < 2; i++) expect((await signIn(t, 'locky', 'wrong-password')).status).toBe(401);
      // The page counts toward lockout as POST /v1/sessions does.
      expect((await t.req('GET', `/v1/users/${lockedId}`)).body).toMatchObject({ locked: true, failedPasswordAttempts: 2 });
      const answers = [await signIn(t, 'nobody', PW), await signIn(t, 'alice', 'wrong-password'), await signIn(t, 'locky', PW), await signIn(t, 'dizzy', PW)];
      for (const r of answers) {
        expect(r.status).toBe(401);
        expect(cookieNamed(r, '__Host-sessiond')).toBeUndefined();
        expect(r.raw).toContain('Wrong login name or password, or the account is locked or disabled.');
      }
      const pages = answers.map((r) => withoutToken(r).replace(/value="(nobody|alice|locky|dizzy)"/, 'value=""'));
      expect(new Set(pages).size).toBe(1);
      expect(answers[0]!.raw).toContain('value="nobody"');
      // The password field has the focus after a failure with a login name.
      expect(answers[0]!.raw).toMatch(/id="password"[^>]*autofocus/);
    } finally {
      expect((await t.req('PATCH', '/v1/policy', { maxFailedPasswordAttempts: 10, lockoutSeconds: 900 })).status).toBe(200);
    }
  });

  it('keeps a safe rd across a failed attempt and escapes what it echoes', async () => {
    const f = await openForm(t);
    const r = await post(t, '/signin', { csrf: f.csrf, username: '<b>"x"</b>', password: 'nope', rd: '/back?q=<x>' }, { cookie: f.cookie });
    expect(r.status).toBe(401);
    expect(r.raw).toContain('value="&lt;b&gt;&quot;x&quot;&lt;/b&gt;"');
    expect(hiddenField(r.raw, 'rd')).toBe('/back?q=&lt;x&gt;');
    expect(r.raw).not.toContain('<b>');
  });

  it.each([
    ['no CSRF cookie', (f: Page): Forged => ({ fields: { csrf: f.csrf }, cookie: '' })],
    ['no token in the form', (f: Page): Forged => ({ fields: {}, cookie: f.cookie })],
    ['a token that differs', (f: Page): Forged => ({ fields: { csrf: `${f.csrf.slice(0, -1)}${f.csrf.endsWith('A') ? 'B' : 'A'}` }, cookie: f.cookie })],
    ['Sec-Fetch-Site: cross-site', (f: Page): Forged => ({ fields: { csrf: f.csrf }, cookie: f.cookie, headers: { 'sec-fetch-site': 'cross-site' } })],
    ['Sec-Fetch-Site: same-site', (f: Page): Forged => ({ fields: { csrf: f.csrf }, cookie: f.cookie, headers: { 'sec-fetch-site': 'same-site' } })],
    [
      'Sec-Fetch-Site: same-site and its Origin',
      (f: Page): Forged => ({ fields: { csrf: f.csrf }, cookie: f.cookie, headers: { 'sec-fetch-site': 'same-site', origin: 'http://localhost:80' } }),
    ],
    [
      'no Sec-Fetch-Site and an Origin of another site',
      (f: Page): Forged => ({ fields: { csrf: f.csrf }, cookie: f.cookie, headers: { 'sec-fetch-site': null, origin: 'https://evil.com' } }),
    ],
    [
      'no Sec-Fetch-Site and Origin: null',
      (f: Page): Forged => ({ fields: { csrf: f.csrf }, cookie: f.cookie, headers: { 'sec-fetch-site': null, origin: 'null' } }),
    ],
    [
      'no Sec-Fetch-Site and the same host on another port',
      (f: Page): Forged => ({ fields: { csrf: f.csrf }, cookie: f.cookie, headers: { 'sec-fetch-site': null, origin: 'http://localhost:81' } }),
    ],
  ])('refuses a sign-in with %s: 403, nothing changes', async (_name, make) => {
    const id = await createUser(t, `csrf-${Math.random().toString(36).slice(2, 10)}`);
    const loginName = (await t.req('GET', `/v1/users/${id}`)).body.loginName as string;
    const f = await openForm(t);
    const m = make(f);
    const r = await post(t, '/signin', { ...m.fields, username: loginName, password: 'wrong-password' }, m);
    expect(r.status, r.raw).toBe(403);
    expect(r.raw).toContain('Nothing was changed');
    expect(cookieNamed(r, '__Host-sessiond')).toBeUndefined();
    // No password was checked: no failed attempt counted.
    expect((await t.req('GET', `/v1/users/${id}`)).body.failedPasswordAttempts).toBe(0);
    // And a right password is not signed in either.
    const ok = await post(t, '/signin', { ...m.fields, username: loginName, password: PW }, m);
    expect(ok.status).toBe(403);
    expect(cookieNamed(ok, '__Host-sessiond')).toBeUndefined();
  });

  it('a form post without Origin or Sec-Fetch-Site (an old browser) passes on the token alone; Sec-Fetch-Site: same-origin outweighs Origin: null', async () => {
    const f = await openForm(t);
    const r = await t.raw('POST', '/signin', {
      body: new URLSearchParams({ csrf: f.csrf, username: 'alice', password: PW }).toString(),
      headers: { ...FORM, cookie: f.cookie },
    });
    expect(r.status).toBe(303);
    // A browser under a strict referrer setting sends `Origin: null` from the page itself: Sec-Fetch-Site decides.
    const g = await openForm(t);
    const strict = await post(t, '/signin', { csrf: g.csrf, username: 'alice', password: PW }, { cookie: g.cookie, headers: { origin: 'null' } });
    expect(strict.status).toBe(303);
  });

  it('signs out: ends the session (introspection says revoked), clears the cookie, 303 to the checked rd; an ended session too', async () => {
    const signedIn = await signIn(t, 'alice', PW);
    const session = cookieNamed(signedIn, '__Host-sessiond')!.split(';')[0]!;
    const token = cookieValue(session);
    const page = await t.raw('GET', '/signout?rd=https%3A%2F%2Fapp.example.com%2Fbye', { headers: { cookie: session } });
    expect(page.status).toBe(200);
    const csrf = hiddenField(page.raw, 'csrf')!;
    expect(hiddenField(page.raw, 'rd')).toBe('https://app.example.com/bye');
    const cookie = `${session}; __Host-sessiond-csrf=${csrf}`;

    // Forged: refused, the session stays.
    const forged = await post(t, '/signout', { csrf }, { cookie, headers: { 'sec-fetch-site': 'cross-site' } });
    expect(forged.status).toBe(403);
    expect((await introspect(t, token)).active).toBe(true);

    const r = await post(t, '/signout', { csrf, rd: 'https://app.example.com/bye' }, { cookie });
    expect(r.status).toBe(303);
    expect(r.headers.location).toBe('https://app.example.com/bye');
    expect(cookieNamed(r, '__Host-sessiond')).toBe('__Host-sessiond=; Path=/; HttpOnly; SameSite=Lax; Secure; Max-Age=0');
    expect(await introspect(t, token)).toEqual({ active: false, reason: 'revoked' });

    // Again with the ended session, and with an rd the allow-list refuses.
    const again = await post(t, '/signout', { csrf, rd: 'https://evil.com/' }, { cookie });
    expect(again.status).toBe(303);
    expect(again.headers.location).toBe('/signin');
    expect(cookieNamed(again, '__Host-sessiond')).toMatch(/Max-Age=0$/);
  });

  it.each([
    ['a JSON body', 'POST', '/signin', { 'content-type': 'application/json' }, '{"username":"alice"}', 415],
    ['a text body', 'POST', '/signout', { 'content-type': 'text/plain' }, 'x', 415],
    ['a body over the limit', 'POST', '/signin', FORM, `csrf=${'a'.repeat(9000)}`, 413],
    ['a field sent twice', 'POST', '/signin', FORM, 'username=a&username=b', 400],
    ['no body', 'POST', '/signin', {}, undefined, 403],
    ['another method', 'PUT', '/signin', {}, undefined, 405],
    ['DELETE /signout', 'DELETE', '/signout', {}, undefined, 405],
    ['an unknown page', 'GET', '/signin/nope', {}, undefined, 404],
    ['rd twice', 'GET', '/signin?rd=%2Fa&rd=%2Fb', {}, undefined, 200],
  ])('bad input is a 4xx page, never a 5xx: %s', async (_name, method, path, headers, body, status) => {
    const r = await t.raw(method, path, { headers: { ...SAME_ORIGIN, ...headers }, ...(body === undefined ? {} : { body }) });
    expect(r.status, r.raw).toBe(status);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
  });

  // The fuzz harness (test/fuzz.test.ts) builds JSON bodies from OpenAPI shapes; form posts are attacked here instead.
  it('odd form bodies and queries (a seeded random mix) are answered with a page below 500 and change nothing', async () => {
    let seed = 15;
    const rand = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed % n;
    };
    const pieces = [
      '',
      'a',
      '%',
      '%zz',
      '%00',
      '%ff%fe',
      '%E2%80%AE',
      '\\',
      '//evil.com',
      'javascript:x',
      '<script>',
      '"',
      '&',
      '=',
      '+',
      'x'.repeat(300),
      'é',
      '\u0000',
    ];
    const names = ['csrf', 'rd', 'username', 'password', 'organization', 'persistent', '__proto__', 'constructor', ''];
    const before = (await t.req('GET', '/v1/sessions?active=false&limit=500')).body.items.length;
    const f = await openForm(t);
    for (let i = 0; i < 150; i++) {
      const fields = Array.from({ length: 1 + rand(6) }, () => `${names[rand(names.length)]}=${pieces[rand(pieces.length)]}${pieces[rand(pieces.length)]}`);
      if (rand(2)) fields.push(`csrf=${f.csrf}`);
      const path = ['/signin', '/signout', `/signin?rd=${pieces[rand(pieces.length)]}`][rand(3)]!;
      const method = rand(4) === 0 ? 'GET' : 'POST';
      const r = await t.raw(method, path, {
        headers: { ...FORM, ...SAME_ORIGIN, cookie: f.cookie },
        ...(method === 'POST' ? { body: fields.join('&') } : {}),
      });
      expect(r.status, `${method} ${path} ${fields.join('&')}: ${r.raw.slice(0, 200)}`).toBeLessThan(500);
      if (r.status !== 303) expect(r.headers['content-type'], `${method} ${path} ${fields.join('&')}`).toMatch(/^text\/html/);
    }
    expect((await t.req('GET', '/v1/sessions?active=false&limit=500')).body.items.length).toBe(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('hosted sign-in page: deployment settings and limits', () => {
  const apps: TestApp[] = [];
  const start = async (o: Partial<Config>) => {
    const t = await startTestApp(o);
    apps.push(t);
    await createUser(t, 'alice');
    return t;
  };
  afterAll(async () => {
    for (const t of apps) await t.close();
  });

  it('SESSIOND_COOKIE_DOMAIN: __Secure-sessiond with Domain, so the apps of the parent domain get it', async () => {
    const t = await start({ cookieDomain: 'example.com' });
    const r = await signIn(t, 'alice', PW);
    expect(r.status).toBe(303);
    expect(cookieNamed(r, '__Secure-sessiond')).toMatch(/^__Secure-sessiond=[^;]+; Path=\/; HttpOnly; SameSite=Lax; Secure; Domain=example\.com$/);
    // The CSRF cookie stays host-only.
    expect(cookieNamed((await openForm(t)).res, '__Host-sessiond-csrf')).not.toContain('Domain');
  });

  it('without allowed domains, rd may name only the request host itself', async () => {
    const t = await start({});
    expect((await signIn(t, 'alice', PW, { rd: 'http://localhost:80/app' })).headers.location).toBe('http://localhost/app');
    expect((await signIn(t, 'alice', PW, { rd: 'http://other.localhost/app' })).headers.location).toBe('/signin/done');
  });

  it('the sign-in limit by address applies at the edge (429 page with Retry-After), as for POST /v1/sessions', async () => {
    const t = await start({ signInRateLimitPerMinute: 2 });
    const f = await openForm(t);
    const attempt = () => post(t, '/signin', { csrf: f.csrf, username: 'alice', password: 'wrong-password' }, { cookie: f.cookie });
    expect((await attempt()).status).toBe(401);
    // POST /v1/sessions shares the budget of the address.
    expect((await t.req('POST', '/v1/sessions', { loginName: 'alice', password: 'wrong-password' }, { token: null })).status).toBe(401);
    const limited = await attempt();
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(limited.raw).toContain('Too many attempts');
  });

  it('the per-account sign-in limit applies too, re-rendering the form with 429', async () => {
    const t = await start({ signInAccountRateLimitPerMinute: 1 });
    expect((await signIn(t, 'alice', 'wrong-password')).status).toBe(401);
    const limited = await signIn(t, 'alice', PW);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.raw).toContain('Too many sign-in attempts');
    expect(hiddenField(limited.raw, 'csrf')).toBeTruthy();
  });
});
