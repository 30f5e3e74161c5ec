import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WRONG_CONTENT_TYPES } from './fuzz-input.js';
import { BOOTSTRAP, onPostgres, STORED_STATE_URLS, startTestApp, type TestApp } from './helpers.js';

// Hostile and malformed input on every /v1 route that takes a body or a query: always a 4xx in
// the native error shape, never a 5xx, and the stored data is unchanged afterwards.

type Res = Awaited<ReturnType<TestApp['req']>>;

const PW = 'correct horse battery';
const HUGE = ['1e400', '-1e400', '123456789012345678901234567890', '-9007199254740993'];

function expectError(r: Res, status: number, code: string, what: string) {
  expect(r.status, `${what}: ${r.raw}`).toBe(status);
  expect(r.body, what).toEqual({ error: { code, message: expect.any(String), requestId: expect.any(String), details: expect.any(Array) } });
  expect(r.body.error.requestId, what).toBe(r.headers['x-request-id']);
}

interface BodyRoute {
  method: string;
  url: () => string;
  /** A body the route accepts (never sent as is: each case breaks it). */
  valid?: () => Record<string, unknown>;
  /** Each field of the wrong type. */
  wrong?: Record<string, unknown>;
}

describe('bad input', () => {
  let t: TestApp;
  let userId = '';
  let token = '';
  let credentialId = '';
  let credentialSecret = '';
  let requests = 0;

  beforeAll(async () => {
    t = await startTestApp();
    expect((await t.req('POST', '/v1/organizations', { id: 'acme', name: 'Acme' })).status).toBe(201);
    expect((await t.req('PUT', '/v1/organizations/acme/policy', { idleTimeoutSeconds: 600 })).status).toBe(200);
    const u = await t.req('POST', '/v1/users', { loginName: 'alice', password: PW });
    userId = u.body.id;
    const s = await t.req('POST', '/v1/sessions', { loginName: 'alice', password: PW }, { token: null });
    token = s.body.token;
    const c = await t.req('POST', '/v1/credentials', { name: 'c', permissions: ['users:read'] });
    credentialId = c.body.id;
    credentialSecret = c.body.secret;
  });
  afterAll(() => t.close());

  /** Everything a bad request could have changed. */
  async function snapshot() {
    const out: Record<string, unknown> = {};
    for (const url of STORED_STATE_URLS) {
      const r = await t.req('GET', url);
      expect(r.status, url).toBe(200);
      out[url] = r.body;
    }
    return out;
  }

  async function stillIntact(before: Record<string, unknown>) {
    expect(await snapshot()).toEqual(before);
    expect((await t.req('POST', '/v1/sessions/introspect', { token }, { token: null })).body.active).toBe(true);
    expect((await t.req('GET', '/v1/users', undefined, { token: credentialSecret })).status).toBe(200);
    const s = await t.req('POST', '/v1/sessions', { loginName: 'alice', password: PW }, { token: null });
    expect(s.status).toBe(201);
    // Sign out again so the snapshot of the next test starts from the same sessions.
    expect((await t.req('POST', '/v1/sessions/revoke', { token: s.body.token }, { token: null })).status).toBe(204);
    const logs = t.logs.lines.join('');
    expect(logs).not.toContain('unhandled error');
    expect(logs).not.toContain('internal error');
  }

  const send = async (method: string, url: string, payload: string, contentType = 'application/json') => {
    requests++;
    return t.req(method, url, payload, { headers: { 'content-type': contentType } });
  };

  const routes = (): BodyRoute[] => [
    {
      method: 'POST',
      url: () => '/v1/sessions',
      valid: () => ({ loginName: 'alice', password: PW, organizationId: 'default', persistent: false }),
      wrong: { loginName: 1, password: true, organizationId: [], persistent: 'no' },
    },
    { method: 'POST', url: () => '/v1/sessions/introspect', valid: () => ({ token }), wrong: { token: 7 } },
    { method: 'POST', url: () => '/v1/sessions/revoke', valid: () => ({ token }), wrong: { token: { $ne: null } } },
    { method: 'POST', url: () => '/v1/sessions/revoke-others', valid: () => ({ token }), wrong: { token: [token] } },
    {
      method: 'POST',
      url: () => '/v1/sessions/password',
      valid: () => ({ token, currentPassword: PW, newPassword: 'a new passphrase' }),
      wrong: { token: null, currentPassword: 1, newPassword: false },
    },
    {
      method: 'POST',
      url: () => '/v1/users',
      valid: () => ({ loginName: 'newbie', password: PW, role: 'admin', organizationId: 'default', displayName: 'N' }),
      wrong: { loginName: {}, password: 12345678, role: true, organizationId: 1, displayName: [] },
    },
    { method: 'PATCH', url: () => `/v1/users/${userId}`, valid: () => ({ role: 'admin', disabled: true }), wrong: { role: 0, disabled: 'true' } },
    { method: 'PUT', url: () => `/v1/users/${userId}/password`, valid: () => ({ password: 'a new passphrase' }), wrong: { password: 123456789 } },
    {
      method: 'POST',
      url: () => '/v1/credentials',
      valid: () => ({ name: 'n', permissions: ['users:read'], organizationId: 'default' }),
      wrong: { name: 1, permissions: { 0: 'users:read' }, organizationId: false },
    },
    { method: 'POST', url: () => `/v1/credentials/${credentialId}/rotate` },
    {
      method: 'PUT',
      url: () => '/v1/policy',
      valid: () => ({
        maxLifetimeSeconds: 60,
        idleTimeoutSeconds: 0,
        userSessionLimit: 1,
        adminSessionLimit: 1,
        onLimit: 'deny_new',
        allowPersistentSessions: true,
        trackLocation: false,
        maxFailedPasswordAttempts: 5,
        lockoutSeconds: 0,
      }),
      wrong: {
        maxLifetimeSeconds: '60',
        idleTimeoutSeconds: null,
        userSessionLimit: [1],
        adminSessionLimit: true,
        onLimit: 1,
        allowPersistentSessions: 'true',
        trackLocation: 0,
        maxFailedPasswordAttempts: '5',
        lockoutSeconds: false,
      },
    },
    {
      method: 'PATCH',
      url: () => '/v1/policy',
      valid: () => ({ maxLifetimeSeconds: 60, onLimit: 'deny_new', trackLocation: false, maxFailedPasswordAttempts: 3 }),
      wrong: { maxLifetimeSeconds: '1', onLimit: null, trackLocation: 'no', maxFailedPasswordAttempts: 2.5, lockoutSeconds: -1 },
    },
    {
      method: 'PUT',
      url: () => '/v1/organizations/acme/policy',
      valid: () => ({ idleTimeoutSeconds: 5, allowPersistentSessions: true }),
      wrong: { idleTimeoutSeconds: '5', allowPersistentSessions: 1 },
    },
    {
      method: 'PATCH',
      url: () => '/v1/organizations/acme/policy',
      valid: () => ({ userSessionLimit: 5, maxLifetimeSeconds: 100 }),
      wrong: { userSessionLimit: 5.5, maxLifetimeSeconds: {} },
    },
    { method: 'POST', url: () => '/v1/organizations', valid: () => ({ id: 'neworg', name: 'New' }), wrong: { id: 5, name: ['New'] } },
  ];

  it('malformed JSON, empty and non-object bodies: 400', async () => {
    const before = await snapshot();
    const malformed = ['{', '{"a":', "{'token':'x'}", '{"a":1}}', '{"a":1,}', 'nul', '{"a":"\\x"}', '\u0000', `${'['.repeat(50_000)}`];
    const nonObject = ['null', '[]', '"text"', '42', 'true', '[{"token":"x"}]'];
    for (const r of routes()) {
      const url = r.url();
      for (const p of malformed) expectError(await send(r.method, url, p), 400, 'invalid_argument', `${r.method} ${url} ${p.slice(0, 20)}`);
      // A route without a body takes an empty one whatever Content-Type says (test/http-edge.test.ts).
      if (r.valid) expectError(await send(r.method, url, ''), 400, 'invalid_argument', `${r.method} ${url} empty`);
      if (r.valid) for (const p of nonObject) expectError(await send(r.method, url, p), 400, 'invalid_argument', `${r.method} ${url} ${p}`);
    }
    await stillIntact(before);
  });

  it('prototype pollution attempts: 400, and no object is polluted', async () => {
    const before = await snapshot();
    for (const r of routes()) {
      const url = r.url();
      for (const p of ['{"__proto__":{"polluted":true}}', '{"constructor":{"prototype":{"polluted":true}}}']) {
        expectError(await send(r.method, url, p), 400, 'invalid_argument', `${r.method} ${url} ${p}`);
      }
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    await stillIntact(before);
  });

  it('any content type but JSON: 415', async () => {
    const before = await snapshot();
    for (const r of routes()) {
      const url = r.url();
      const body = JSON.stringify(r.valid?.() ?? {});
      for (const ct of WRONG_CONTENT_TYPES) expectError(await send(r.method, url, body, ct), 415, 'unsupported_media_type', `${r.method} ${url} ${ct}`);
      // A body without any Content-Type header.
      const res = await t.app.http.app.inject({ method: r.method as 'POST', url, payload: body, headers: { authorization: `Bearer ${BOOTSTRAP}` } });
      const parsed = { status: res.statusCode, body: JSON.parse(res.body), headers: res.headers, raw: res.body };
      expectError(parsed, 415, 'unsupported_media_type', `${r.method} ${url} no content type`);
    }
    await stillIntact(before);
  });

  it('unknown fields: 400 naming exactly the unknown field', async () => {
    const before = await snapshot();
    for (const r of routes()) {
      if (!r.valid) continue;
      const url = r.url();
      for (const extra of ['zzz', 'isAdmin', 'id_']) {
        const res = await send(r.method, url, JSON.stringify({ ...r.valid(), [extra]: 1 }));
        expectError(res, 400, 'invalid_argument', `${r.method} ${url} +${extra}`);
        expect(res.body.error.details).toEqual([{ field: extra, code: 'unknown_field', message: expect.any(String) }]);
      }
    }
    await stillIntact(before);
  });

  it('wrong types: 400 naming every bad field', async () => {
    const before = await snapshot();
    for (const r of routes()) {
      if (!r.valid || !r.wrong) continue;
      const url = r.url();
      const res = await send(r.method, url, JSON.stringify({ ...r.valid(), ...r.wrong }));
      expectError(res, 400, 'invalid_argument', `${r.method} ${url}`);
      const fields = res.body.error.details.map((d: { field: string }) => d.field);
      for (const f of Object.keys(r.wrong)) expect(fields, `${r.method} ${url} ${f}`).toContain(f);
      // One field at a time, too.
      for (const [f, v] of Object.entries(r.wrong)) {
        const one = await send(r.method, url, JSON.stringify({ ...r.valid(), [f]: v }));
        expectError(one, 400, 'invalid_argument', `${r.method} ${url} ${f}`);
        expect(one.body.error.details.map((d: { field: string }) => d.field)).toEqual([f]);
      }
    }
    await stillIntact(before);
  });

  it('huge numbers in any field: 400', async () => {
    const before = await snapshot();
    for (const r of routes()) {
      if (!r.valid) continue;
      const url = r.url();
      for (const f of Object.keys(r.valid())) {
        for (const n of HUGE) {
          const payload = JSON.stringify({ ...r.valid(), [f]: '__HUGE__' }).replace('"__HUGE__"', n);
          const res = await send(r.method, url, payload);
          expectError(res, 400, 'invalid_argument', `${r.method} ${url} ${f}=${n}`);
          expect(res.body.error.details.map((d: { field: string }) => d.field)).toEqual([f]);
        }
      }
    }
    await stillIntact(before);
  });

  it('oversized bodies: 413 above bodyLimitBytes (65536), never a 5xx', async () => {
    const before = await snapshot();
    expect(t.config.bodyLimitBytes).toBe(65_536);
    for (const r of routes()) {
      const url = r.url();
      const base = JSON.stringify({ ...(r.valid?.() ?? {}), pad: '' });
      const sized = (n: number) => base.replace('"pad":""', `"pad":"${'x'.repeat(n - base.length)}"`);
      const over = sized(65_537);
      expect(Buffer.byteLength(over)).toBe(65_537);
      expectError(await send(r.method, url, over), 413, 'payload_too_large', `${r.method} ${url}`);
      expectError(await send(r.method, url, `"${'y'.repeat(1_000_000)}"`), 413, 'payload_too_large', `${r.method} ${url} 1 MB`);
      // At the limit the body is read and then refused for its content, not its size
      // (not for rotate: it takes no body, so any JSON body would just rotate the secret).
      if (!r.valid) continue;
      const res = await send(r.method, url, sized(65_536));
      expectError(res, 400, 'invalid_argument', `${r.method} ${url} at limit`);
    }
    await stillIntact(before);
  });

  it('strange strings: control characters, lone surrogates, very long values: 4xx only', async () => {
    const before = await snapshot();
    const cases: [string, string, string][] = [
      ['POST', '/v1/users', JSON.stringify({ loginName: 'nul\u0000byte', password: PW })],
      ['POST', '/v1/users', JSON.stringify({ loginName: 'tab\there', password: PW })],
      ['POST', '/v1/users', '{"loginName":"\\ud800","password":"correct horse battery","displayName":"\\udfff"}'],
      ['POST', '/v1/users', JSON.stringify({ loginName: 'x'.repeat(60_000), password: PW })],
      ['POST', '/v1/sessions', JSON.stringify({ loginName: 'alice', password: 'p'.repeat(60_000) })],
      ['POST', '/v1/organizations', JSON.stringify({ id: '../etc', name: 'x' })],
      ['POST', '/v1/organizations', JSON.stringify({ id: "x'; drop table users; --", name: 'x' })],
      ['POST', '/v1/credentials', JSON.stringify({ name: 'x', permissions: ['users:read\u0000'] })],
    ];
    for (const [m, u, p] of cases) {
      const r = await send(m, u, p);
      expect(r.status, `${m} ${u} ${p.slice(0, 40)}`).toBeGreaterThanOrEqual(400);
      expect(r.status, `${m} ${u} ${p.slice(0, 40)}`).toBeLessThan(500);
      expect(r.body.error.code).toBe('invalid_argument');
    }
    // Unpaired surrogates cannot be stored as UTF-8: refused, each field named.
    const lone = await send('POST', '/v1/users', '{"loginName":"\\ud800","password":"correct horse battery","displayName":"a\\udfffb"}');
    expectError(lone, 400, 'invalid_argument', 'lone surrogates');
    expect(lone.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['displayName', 'loginName']);
    const key = await send('PATCH', '/v1/policy', '{"\\udc00":1}');
    expectError(key, 400, 'invalid_argument', 'lone surrogate key');
    // A token with a NUL byte appended is simply not a known token.
    expect((await send('POST', '/v1/sessions/introspect', JSON.stringify({ token: `${token}\u0000` }))).body).toEqual({ active: false, reason: 'unknown' });
    await stillIntact(before);
  });

  it('bad query strings on every listing route: 400', async () => {
    const before = await snapshot();
    const lists = ['/v1/sessions', '/v1/users', `/v1/users/${userId}/sessions`, '/v1/events'];
    const bad = ['limit=0', 'limit=-1', 'limit=2.5', 'limit=abc', 'limit=1e400', 'limit=99999999999999999999', 'limit=1&limit=2', 'limit[]=1', 'zzz=1'];
    for (const path of lists) {
      for (const q of bad) expectError(await t.req('GET', `${path}?${q}`), 400, 'invalid_argument', `${path}?${q}`);
    }
    for (const path of ['/v1/sessions', '/v1/users', `/v1/users/${userId}/sessions`]) {
      for (const q of ['offset=-1', 'offset=0.5', 'offset=1e30', 'offset=x'])
        expectError(await t.req('GET', `${path}?${q}`), 400, 'invalid_argument', `${path}?${q}`);
    }
    for (const q of ['active=maybe', 'active=2', `userId=${'u'.repeat(129)}`, `organizationId=${'o'.repeat(65)}`]) {
      expectError(await t.req('GET', `/v1/sessions?${q}`), 400, 'invalid_argument', q);
    }
    expectError(await t.req('GET', `/v1/users?search=${'s'.repeat(201)}`), 400, 'invalid_argument', 'search');
    // Valid but odd values are fine.
    expect((await t.req('GET', '/v1/users?search=%00%25_%5C')).status).toBe(200);
    expect((await t.req('GET', '/v1/events?afterId=9007199254740993')).body.items).toEqual([]);
    await stillIntact(before);
  });

  it('bad path parameters: 4xx, never a 5xx', async () => {
    const before = await snapshot();
    const id129 = 'i'.repeat(129);
    for (const [m, u] of [
      ['GET', `/v1/users/${id129}`],
      ['DELETE', `/v1/users/${id129}`],
      ['GET', `/v1/sessions/${id129}`],
      ['DELETE', `/v1/credentials/${id129}`],
      ['GET', `/v1/organizations/${id129}/policy`],
    ] as const) {
      const r = await t.req(m, u);
      expectError(r, 400, 'invalid_argument', `${m} ${u}`);
      expect(r.body.error.details[0].field).toBe('params.id');
    }
    for (const u of ['/v1/users/%00', '/v1/users/..%2F..%2Fetc', "/v1/users/'%20or%201=1", '/v1/sessions/%F0%9F%92%A5']) {
      expectError(await t.req('GET', u), 404, 'not_found', u);
    }
    // Malformed percent-encoding and overlong parameters are refused by the router (its own body shape).
    expect((await t.req('GET', '/v1/users/%zz')).status).toBe(400);
    expect((await t.req('GET', `/v1/users/${'x'.repeat(250)}`)).status).toBe(414);
    await stillIntact(before);
  });

  it('sent a meaningful number of hostile requests', () => {
    expect(requests).toBeGreaterThan(500);
  });
});

describe('the NUL character (U+0000) in text', () => {
  // PostgreSQL's text cannot hold it (SQLite's can): a lookup must still answer "not found" or an
  // empty list on both backends, and a value that cannot be stored is a 400, never a 500.
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('in a lookup: not found, or an empty list, on both backends', async () => {
    for (const [m, u] of [
      ['GET', '/v1/users/%00'],
      ['PATCH', '/v1/users/a%00b'],
      ['DELETE', '/v1/users/%00'],
      ['GET', '/v1/sessions/%00'],
      ['DELETE', '/v1/sessions/%00'],
      ['DELETE', '/v1/credentials/%00'],
      ['GET', '/v1/organizations/%00'],
      ['DELETE', '/v1/organizations/%00'],
      ['GET', '/v1/organizations/%00/policy'],
      ['PUT', '/v1/organizations/%00/policy'],
    ] as const) {
      const body = m === 'PATCH' ? { disabled: true } : m === 'PUT' ? { idleTimeoutSeconds: 60 } : undefined;
      expectError(await t.req(m, u, body), 404, 'not_found', `${m} ${u}`);
    }
    for (const u of [
      '/v1/users?search=%00',
      '/v1/sessions?userId=%00',
      '/v1/sessions?organizationId=a%00',
      '/v1/events?actor=%00',
      '/v1/events?aggregateId=%00',
    ]) {
      const r = await t.req('GET', u);
      expect(r.status, `${u}: ${r.raw}`).toBe(200);
      expect(r.body.items, u).toEqual([]);
    }
    expect((await t.req('POST', '/v1/users', { loginName: 'nul-signin', password: PW })).status).toBe(201);
    const signIn = await t.req('POST', '/v1/sessions', { loginName: 'nul-signin', password: PW, organizationId: 'default\u0000' }, { token: null });
    expectError(signIn, 401, 'invalid_credentials', 'sign-in in an organization id with NUL');
  });

  it('in a value to store: stored on SQLite, refused as invalid_argument on PostgreSQL', async () => {
    const org = await t.req('POST', '/v1/organizations', { id: 'nul-org', name: 'a\u0000b' });
    const credential = await t.req('POST', '/v1/credentials', { name: 'c\u0000', permissions: ['users:read'] });
    const user = await t.req('POST', '/v1/users', { loginName: 'nul-user', password: PW, displayName: 'd\u0000' });
    if (onPostgres) {
      for (const [r, what] of [
        [org, 'organization name'],
        [credential, 'credential name'],
        [user, 'display name'],
      ] as const)
        expectError(r, 400, 'invalid_argument', what);
      expect((await t.req('GET', '/v1/organizations/nul-org')).status).toBe(404);
      expect((await t.req('GET', '/v1/users?search=nul-user')).body.items).toEqual([]);
    } else {
      expect([org.status, credential.status, user.status]).toEqual([201, 201, 201]);
      expect((await t.req('GET', '/v1/organizations/nul-org')).body.name).toBe('a\u0000b');
      expect((await t.req('GET', `/v1/users/${user.body.id}`)).body.displayName).toBe('d\u0000');
    }
  });
});
