import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BOOTSTRAP, DEFAULT_LOOKER_CONFIG, DEFAULT_POLICY, startTestApp, type TestApp } from './helpers.js';

// The Looker API 4.0 surface (/api/4.0): session_config, login/logout, user sessions, errors, rate limit.

const DOCS = 'https://cloud.google.com/looker/docs/r/err/4.0';
const PW = 'correct horse battery';
const CHROME_MAC = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';

interface Res {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON answers
  body: any;
  headers: Record<string, unknown>;
  raw: string;
}

/** A request to the app as a Looker client sends it: `Authorization: token …` unless told otherwise. */
async function looker(
  t: TestApp,
  method: string,
  url: string,
  o: { token?: string | null; scheme?: string; body?: unknown; contentType?: string | null; headers?: Record<string, string> } = {},
): Promise<Res> {
  const token = o.token === undefined ? BOOTSTRAP : o.token;
  const headers: Record<string, string> = { ...(o.headers ?? {}) };
  if (token !== null) headers.authorization = `${o.scheme ?? 'token'} ${token}`;
  if (o.body !== undefined && o.contentType !== null) headers['content-type'] = o.contentType ?? 'application/json';
  return t.raw(method, `/api/4.0${url}`, { body: o.body, headers });
}

/** Asserts Looker's plain error shape, exactly. */
function expectLookerError(r: Res, status: number, message: string | RegExp, docPath: string) {
  expect(r.status, r.raw).toBe(status);
  expect(String(r.headers['content-type'])).toMatch(/^application\/json/);
  expect(Object.keys(r.body)).toEqual(['message', 'documentation_url']);
  if (typeof message === 'string') expect(r.body.message).toBe(message);
  else expect(r.body.message).toMatch(message);
  expect(r.body.documentation_url).toBe(`${DOCS}/${status}/${docPath}`);
}

/** Asserts a 422 naming exactly these fields, one entry each. */
function expect422(r: Res, fields: string[], docPath = 'patch/session_config') {
  expect(r.status, r.raw).toBe(422);
  expect(Object.keys(r.body)).toEqual(['message', 'errors', 'documentation_url']);
  expect(r.body.message).toBe('Validation Failed');
  expect(r.body.documentation_url).toBe(`${DOCS}/422/${docPath}`);
  expect(r.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([...fields].sort());
  for (const e of r.body.errors) {
    expect(e).toEqual({ field: expect.any(String), code: 'invalid', message: expect.any(String), documentation_url: `${DOCS}/422/${docPath}` });
  }
}

async function credential(t: TestApp, permissions: string[], organizationId?: string) {
  const r = await t.req('POST', '/v1/credentials', { name: `looker ${permissions.join(',')}`, permissions, ...(organizationId ? { organizationId } : {}) });
  expect(r.status, r.raw).toBe(201);
  return r.body as { id: string; clientId: string; secret: string };
}

const policy = async (t: TestApp) => (await t.req('GET', '/v1/policy')).body;
const policyEvents = async (t: TestApp) => (await t.req('GET', '/v1/events?type=policy.changed&limit=1000')).body.items.length as number;
const login = (t: TestApp, clientId: string, secret: string) =>
  looker(t, 'POST', '/login', {
    token: null,
    body: `client_id=${encodeURIComponent(clientId)}&client_secret=${encodeURIComponent(secret)}`,
    contentType: 'application/x-www-form-urlencoded',
  });

describe('GET/PATCH /api/4.0/session_config', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ apiRateLimitPerMinute: 0 });
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    expect((await t.req('PUT', '/v1/policy', DEFAULT_POLICY)).status).toBe(200);
  });

  it('GET answers the seed fields in order, with can from the permissions', async () => {
    const r = await looker(t, 'GET', '/session_config');
    expect(r.status, r.raw).toBe(200);
    expect(String(r.headers['content-type'])).toMatch(/^application\/json/);
    expect(r.raw).toBe(JSON.stringify(DEFAULT_LOOKER_CONFIG));
    const readOnly = await credential(t, ['session_config:read']);
    expect((await looker(t, 'GET', '/session_config', { token: readOnly.secret })).body.can).toEqual({ show: true, update: false });
    const sp = await credential(t, ['ServiceProviderAPI']);
    expect((await looker(t, 'GET', '/session_config', { token: sp.secret, scheme: 'Bearer' })).body).toEqual(DEFAULT_LOOKER_CONFIG);
  });

  it('PATCH changes only the given fields, answers the new config, and /v1 reads it back', async () => {
    const r = await looker(t, 'PATCH', '/session_config', { body: { session_minutes: 60, allow_persistent_sessions: true } });
    expect(r.status, r.raw).toBe(200);
    expect(r.body).toEqual({ ...DEFAULT_LOOKER_CONFIG, session_minutes: 60, allow_persistent_sessions: true });
    expect(await policy(t)).toEqual({ ...DEFAULT_POLICY, maxLifetimeSeconds: 3600, allowPersistentSessions: true });
    const ev = await t.req('GET', '/v1/events?type=policy.changed');
    expect(ev.body.items.at(-1)).toMatchObject({
      actor: 'credential:bootstrap',
      data: { changes: { maxLifetimeSeconds: { from: 43_200, to: 3600 }, allowPersistentSessions: { from: false, to: true } } },
    });
    expect((await looker(t, 'PATCH', '/session_config', { body: { track_session_location: false } })).body.track_session_location).toBe(false);
    expect((await policy(t)).trackLocation).toBe(false);
  });

  it('a change through /v1 is read through Looker at once', async () => {
    await t.req('PATCH', '/v1/policy', { maxLifetimeSeconds: 7200, idleTimeoutSeconds: 0, userSessionLimit: 2, trackLocation: false });
    expect((await looker(t, 'GET', '/session_config')).body).toEqual({
      ...DEFAULT_LOOKER_CONFIG,
      session_minutes: 120,
      use_inactivity_based_logout: false,
      unlimited_sessions_per_user: false,
      track_session_location: false,
    });
  });

  it('unlimited_sessions_per_user: false sets both limits to 1, true sets both to 0, the value read changes nothing', async () => {
    await looker(t, 'PATCH', '/session_config', { body: { unlimited_sessions_per_user: false } });
    expect(await policy(t)).toMatchObject({ userSessionLimit: 1, adminSessionLimit: 1 });
    await looker(t, 'PATCH', '/session_config', { body: { unlimited_sessions_per_user: true } });
    expect(await policy(t)).toMatchObject({ userSessionLimit: 0, adminSessionLimit: 0 });
    await t.req('PATCH', '/v1/policy', { userSessionLimit: 3, adminSessionLimit: 0 });
    expect((await looker(t, 'GET', '/session_config')).body.unlimited_sessions_per_user).toBe(false);
    const n = await policyEvents(t);
    expect((await looker(t, 'PATCH', '/session_config', { body: { unlimited_sessions_per_user: false } })).status).toBe(200);
    expect(await policy(t)).toMatchObject({ userSessionLimit: 3, adminSessionLimit: 0 });
    expect(await policyEvents(t)).toBe(n);
  });

  it('use_inactivity_based_logout: on keeps an exact timeout, off sets 0, on from off sets 15 minutes', async () => {
    expect((await looker(t, 'PATCH', '/session_config', { body: { use_inactivity_based_logout: true } })).status).toBe(200);
    expect((await policy(t)).idleTimeoutSeconds).toBe(1800);
    await looker(t, 'PATCH', '/session_config', { body: { use_inactivity_based_logout: false } });
    expect((await policy(t)).idleTimeoutSeconds).toBe(0);
    await looker(t, 'PATCH', '/session_config', { body: { use_inactivity_based_logout: true } });
    expect((await policy(t)).idleTimeoutSeconds).toBe(900);
  });

  it('session_minutes reads a lifetime that is not whole minutes rounded up; writing back what is read changes nothing', async () => {
    await t.req('PATCH', '/v1/policy', { maxLifetimeSeconds: 61 });
    const read = await looker(t, 'GET', '/session_config');
    expect(read.body.session_minutes).toBe(2);
    const n = await policyEvents(t);
    // The whole GET body (with its read-only can) sent back as is.
    const back = await looker(t, 'PATCH', '/session_config', { body: read.body });
    expect(back.status, back.raw).toBe(200);
    expect(back.body).toEqual(read.body);
    expect((await policy(t)).maxLifetimeSeconds).toBe(61);
    expect(await policyEvents(t)).toBe(n);
    // Outside Looker's range (set through /v1): still readable and writable back unchanged…
    await t.req('PATCH', '/v1/policy', { maxLifetimeSeconds: 1 });
    expect((await looker(t, 'GET', '/session_config')).body.session_minutes).toBe(1);
    expect((await looker(t, 'PATCH', '/session_config', { body: { session_minutes: 1 } })).status).toBe(200);
    expect((await policy(t)).maxLifetimeSeconds).toBe(1);
    // …but any other value must be in range.
    expect422(await looker(t, 'PATCH', '/session_config', { body: { session_minutes: 4 } }), ['session_minutes']);
  });

  it('accepts the boundaries 5 and 43200; an empty object changes nothing', async () => {
    expect((await looker(t, 'PATCH', '/session_config', { body: { session_minutes: 5 } })).body.session_minutes).toBe(5);
    expect((await policy(t)).maxLifetimeSeconds).toBe(300);
    expect((await looker(t, 'PATCH', '/session_config', { body: { session_minutes: 43_200 } })).body.session_minutes).toBe(43_200);
    expect((await policy(t)).maxLifetimeSeconds).toBe(2_592_000);
    const n = await policyEvents(t);
    expect((await looker(t, 'PATCH', '/session_config', { body: {} })).status).toBe(200);
    expect(await policyEvents(t)).toBe(n);
  });

  it('422 names every bad field once: wrong types, out of range, unknown fields; nothing changes', async () => {
    const before = await policy(t);
    const r = await looker(t, 'PATCH', '/session_config', {
      body: {
        session_minutes: '60',
        allow_persistent_sessions: 1,
        unlimited_sessions_per_user: null,
        use_inactivity_based_logout: 'true',
        track_session_location: {},
        sesion_minutes: 60,
        can: { update: false },
      },
    });
    expect422(r, [
      'session_minutes',
      'allow_persistent_sessions',
      'unlimited_sessions_per_user',
      'use_inactivity_based_logout',
      'track_session_location',
      'sesion_minutes',
    ]);
    expect(r.body.errors.find((e: { field: string }) => e.field === 'sesion_minutes').message).toMatch(/not a field/);
    for (const session_minutes of [4, 43_201, 0, -5, 5.5, 1e308, 2 ** 53, null]) {
      expect422(await looker(t, 'PATCH', '/session_config', { body: { session_minutes, track_session_location: false } }), ['session_minutes']);
    }
    expect(await policy(t)).toEqual(before);
  });

  it('bad bodies are 400 (or 413) in Looker shape, never 5xx, and leave the policy unchanged', async () => {
    const before = await policy(t);
    const events = await policyEvents(t);
    const bad: [string | undefined, string | null][] = [
      ['{"session_minutes": 60', 'application/json'],
      ['not json at all', 'text/plain'],
      ['[]', 'application/json'],
      ['[{"session_minutes":60}]', 'application/json'],
      ['"session_minutes"', 'application/json'],
      ['42', 'application/json'],
      ['null', 'application/json'],
      ['', 'application/json'],
      [undefined, null],
      ['{"__proto__":{"session_minutes":60}}', 'application/json'],
      ['{"constructor":{"prototype":{}}}', 'application/json'],
      ['session_minutes=60', 'application/x-www-form-urlencoded'],
    ];
    for (const [body, contentType] of bad) {
      const r = await looker(t, 'PATCH', '/session_config', { ...(body !== undefined ? { body } : {}), contentType });
      expectLookerError(r, 400, /./, 'patch/session_config');
    }
    const huge = await looker(t, 'PATCH', '/session_config', { body: JSON.stringify({ session_minutes: 60, pad: 'x'.repeat(70_000) }) });
    expectLookerError(huge, 413, /too large/, 'patch/session_config');
    expect(await policy(t)).toEqual(before);
    expect(await policyEvents(t)).toBe(events);
  });

  it('401 without or with a bad credential, 403 without the permission, in Looker shape', async () => {
    expectLookerError(await looker(t, 'GET', '/session_config', { token: null }), 401, 'Requires authentication.', 'get/session_config');
    expectLookerError(
      await looker(t, 'GET', '/session_config', { token: 'not-a-real-secret-0123456789' }),
      401,
      'Requires authentication.',
      'get/session_config',
    );
    expectLookerError(
      await looker(t, 'PATCH', '/session_config', { token: null, body: { session_minutes: 60 } }),
      401,
      'Requires authentication.',
      'patch/session_config',
    );
    const sessionsOnly = await credential(t, ['sessions:read']);
    expectLookerError(await looker(t, 'GET', '/session_config', { token: sessionsOnly.secret }), 403, /session_config:read/, 'get/session_config');
    const readOnly = await credential(t, ['session_config:read']);
    // 403 comes before the body is judged: a reader learns nothing about its values.
    expectLookerError(
      await looker(t, 'PATCH', '/session_config', { token: readOnly.secret, body: { session_minutes: 1 } }),
      403,
      /session_config:write/,
      'patch/session_config',
    );
    expect(await policy(t)).toEqual(DEFAULT_POLICY);
  });

  it('404 in Looker shape for unknown paths, 405 with Allow for other methods of a path', async () => {
    expectLookerError(await looker(t, 'GET', '/no_such_thing?x=1'), 404, 'Not found', 'get/no_such_thing');
    const post = await looker(t, 'POST', '/session_config', { body: {} });
    expectLookerError(post, 405, 'Method Not Allowed', 'post/session_config');
    expect(post.headers.allow).toBe('GET, HEAD, PATCH');
    const getLogin = await looker(t, 'GET', '/login');
    expectLookerError(getLogin, 405, 'Method Not Allowed', 'get/login');
    expect(getLogin.headers.allow).toBe('POST');
    // The native API's own error shape is untouched, and its OpenAPI document stays /v1 only.
    expect((await t.req('GET', '/v1/nope')).body.error.code).toBe('not_found');
    const paths = Object.keys((await t.req('GET', '/v1/openapi.json', undefined, { token: null })).body.paths);
    expect(paths.filter((p) => p.startsWith('/api/4.0'))).toEqual([]);
  });

  it('an organization-scoped credential reads and changes its organization override, not the instance policy', async () => {
    expect((await t.req('POST', '/v1/organizations', { id: 'tenant', name: 'Tenant' })).status).toBe(201);
    const scoped = await credential(t, ['ServiceProviderAPI'], 'tenant');
    const r = await looker(t, 'PATCH', '/session_config', { token: scoped.secret, body: { session_minutes: 20, use_inactivity_based_logout: false } });
    expect(r.status, r.raw).toBe(200);
    expect(r.body).toEqual({ ...DEFAULT_LOOKER_CONFIG, session_minutes: 20, use_inactivity_based_logout: false });
    const org = (await t.req('GET', '/v1/organizations/tenant/policy')).body;
    expect(org.override).toEqual({ maxLifetimeSeconds: 1200, idleTimeoutSeconds: 0 });
    expect(org).toMatchObject({ maxLifetimeSeconds: 1200, idleTimeoutSeconds: 0 });
    expect(await policy(t)).toEqual(DEFAULT_POLICY);
    // The instance-wide caller still sees the instance policy; the scoped one its organization's.
    expect((await looker(t, 'GET', '/session_config')).body.session_minutes).toBe(720);
    expect((await looker(t, 'GET', '/session_config', { token: scoped.secret })).body.session_minutes).toBe(20);
    // Its access token is a session in its organization, governed by the override.
    const access = await login(t, scoped.clientId, scoped.secret);
    expect(access.body.expires_in).toBe(1200);
    expect((await looker(t, 'GET', '/session_config', { token: access.body.access_token })).body.session_minutes).toBe(20);
    // A change of the override through /v1 shows through Looker.
    await t.req('PATCH', '/v1/organizations/tenant/policy', { allowPersistentSessions: true });
    expect((await looker(t, 'GET', '/session_config', { token: scoped.secret })).body.allow_persistent_sessions).toBe(true);
  });
});

describe('POST /api/4.0/login and DELETE /api/4.0/logout', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ apiRateLimitPerMinute: 0 });
  });
  afterAll(() => t.close());

  it('a form body answers an access token usable with either scheme; the token is a session of the credential', async () => {
    const c = await credential(t, ['ServiceProviderAPI']);
    const r = await login(t, c.clientId, c.secret);
    expect(r.status, r.raw).toBe(200);
    expect(String(r.headers['content-type'])).toMatch(/^application\/json/);
    expect(r.headers['cache-control']).toBe('no-store');
    expect(Object.keys(r.body)).toEqual(['access_token', 'token_type', 'expires_in']);
    expect(r.body.token_type).toBe('Bearer');
    expect(r.body.access_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(r.body.access_token).not.toBe(c.secret);
    // Defaults: 12 h lifetime, 30 min idle timeout; the token ends first by idleness.
    expect(r.body.expires_in).toBe(1800);
    for (const scheme of ['token', 'Bearer']) {
      expect((await looker(t, 'GET', '/session_config', { token: r.body.access_token, scheme })).status).toBe(200);
    }
    const sessions = (await t.req('GET', '/v1/sessions?limit=500')).body.items as { subjectType: string; credentialId: string }[];
    expect(sessions.filter((s) => s.subjectType === 'credential' && s.credentialId === c.id)).toHaveLength(1);
  });

  it('expires_in is the whole seconds until the token ends under the policy in force', async () => {
    await t.req('PATCH', '/v1/policy', { maxLifetimeSeconds: 7200, idleTimeoutSeconds: 0 });
    expect((await login(t, 'bootstrap', BOOTSTRAP)).body.expires_in).toBe(7200);
    await t.req('PATCH', '/v1/policy', { maxLifetimeSeconds: 600, idleTimeoutSeconds: 1800 });
    expect((await login(t, 'bootstrap', BOOTSTRAP)).body.expires_in).toBe(600);
    await t.req('PUT', '/v1/policy', DEFAULT_POLICY);
  });

  it('accepts the credentials as query parameters, and a form body without any Content-Type', async () => {
    const q = await looker(t, 'POST', `/login?client_id=bootstrap&client_secret=${BOOTSTRAP}`, { token: null });
    expect(q.status, q.raw).toBe(200);
    expect(q.body.token_type).toBe('Bearer');
    const bare = await t.app.http.app.inject({ method: 'POST', url: '/api/4.0/login', payload: Buffer.from(`client_id=bootstrap&client_secret=${BOOTSTRAP}`) });
    expect(bare.headers['content-type'] ?? '').toMatch(/^application\/json/);
    expect(bare.statusCode, bare.body).toBe(200);
    // The body is read as a form whatever Content-Type claims.
    const claimsJson = await looker(t, 'POST', '/login', {
      token: null,
      body: `client_id=bootstrap&client_secret=${BOOTSTRAP}`,
      contentType: 'application/json',
    });
    expect(claimsJson.status, claimsJson.raw).toBe(200);
    // A login request carrying a stale Authorization header still logs in.
    const stale = await looker(t, 'POST', '/login', { token: 'stale-token-0123456789abcdef', body: `client_id=bootstrap&client_secret=${BOOTSTRAP}` });
    expect(stale.status, stale.raw).toBe(200);
  });

  it('wrong secret and unknown client give the same 404; missing fields are 400', async () => {
    const wrong = await login(t, 'bootstrap', 'wrong-secret-0123456789abcdefghij');
    const unknown = await login(t, 'no-such-client', 'wrong-secret-0123456789abcdefghij');
    expectLookerError(wrong, 404, 'Not found', 'post/login');
    expect(unknown.status).toBe(404);
    expect(unknown.raw).toBe(wrong.raw);
    const revoked = await credential(t, ['sessions:read']);
    const tok = (await login(t, revoked.clientId, revoked.secret)).body.access_token as string;
    expect((await t.req('DELETE', `/v1/credentials/${revoked.id}`)).status).toBe(204);
    expect((await login(t, revoked.clientId, revoked.secret)).raw).toBe(wrong.raw);
    expectLookerError(await looker(t, 'GET', '/users/x/sessions', { token: tok }), 401, 'Requires authentication.', 'get/users/:user_id/sessions');
    for (const body of ['', 'client_id=bootstrap', `client_secret=${BOOTSTRAP}`, 'client_id=&client_secret=', '{"client_id":"bootstrap"}', '%%%']) {
      expectLookerError(
        await looker(t, 'POST', '/login', { token: null, body, contentType: 'application/x-www-form-urlencoded' }),
        400,
        /client_id/,
        'post/login',
      );
    }
    expectLookerError(await looker(t, 'POST', '/login', { token: null }), 400, /client_id/, 'post/login');
  });

  it('logout ends the access token (204), which is then refused; a secret or no credential cannot log out', async () => {
    const tok = (await login(t, 'bootstrap', BOOTSTRAP)).body.access_token as string;
    const other = (await login(t, 'bootstrap', BOOTSTRAP)).body.access_token as string;
    const r = await looker(t, 'DELETE', '/logout', { token: tok });
    expect(r.status, r.raw).toBe(204);
    expect(r.raw).toBe('');
    expectLookerError(await looker(t, 'GET', '/session_config', { token: tok }), 401, 'Requires authentication.', 'get/session_config');
    expectLookerError(await looker(t, 'DELETE', '/logout', { token: tok }), 401, 'Requires authentication.', 'delete/logout');
    // Only that token ended.
    expect((await looker(t, 'GET', '/session_config', { token: other, scheme: 'Bearer' })).status).toBe(200);
    expectLookerError(await looker(t, 'DELETE', '/logout'), 404, 'Not found', 'delete/logout');
    expectLookerError(await looker(t, 'DELETE', '/logout', { token: null }), 401, 'Requires authentication.', 'delete/logout');
    // The credential's own secret still works.
    expect((await looker(t, 'GET', '/session_config')).status).toBe(200);
  });
});

describe('/api/4.0/users/:user_id/sessions', () => {
  let t: TestApp;
  let alice: { id: string };
  let bob: { id: string };
  beforeAll(async () => {
    t = await startTestApp({ apiRateLimitPerMinute: 0 });
    alice = (await t.req('POST', '/v1/users', { loginName: 'alice', password: PW })).body;
    bob = (await t.req('POST', '/v1/users', { loginName: 'bob', password: PW })).body;
  });
  afterAll(() => t.close());

  const signIn = async (loginName: string) => {
    const r = await t.req('POST', '/v1/sessions', { loginName, password: PW }, { token: null, headers: { 'user-agent': CHROME_MAC } });
    expect(r.status, r.raw).toBe(201);
    return r.body as { token: string; session: { id: string; createdAt: string; expiresAt: string; idleExpiresAt: string } };
  };

  it("lists a user's active sessions with Looker's fields", async () => {
    const s = await signIn('alice');
    await signIn('bob');
    const r = await looker(t, 'GET', `/users/${alice.id}/sessions`);
    expect(r.status, r.raw).toBe(200);
    expect(r.body).toEqual([
      {
        can: { show: true, destroy: true },
        id: s.session.id,
        ip_address: '127.0.0.1',
        browser: 'Chrome 120',
        operating_system: 'macOS Catalina',
        city: null,
        state: null,
        country: null,
        credentials_type: 'email',
        extended_at: null,
        extended_count: null,
        sudo_user_id: null,
        created_at: s.session.createdAt,
        expires_at: s.session.idleExpiresAt,
        url: `http://localhost:80/api/4.0/users/${alice.id}/sessions/${s.session.id}`,
      },
    ]);
    const one = await looker(t, 'GET', `/users/${alice.id}/sessions/${s.session.id}`);
    expect(one.status).toBe(200);
    expect(one.body).toEqual(r.body[0]);
    const some = await looker(t, 'GET', `/users/${alice.id}/sessions/${s.session.id}?fields=id,created_at`);
    expect(some.body).toEqual({ id: s.session.id, created_at: s.session.createdAt });
    // Use of the session extends it (use is recorded at a 1 s granularity, written behind).
    await sleep(1100);
    expect((await t.req('POST', '/v1/sessions/introspect', { token: s.token }, { token: null })).body.active).toBe(true);
    const used = await looker(t, 'GET', `/users/${alice.id}/sessions/${s.session.id}`);
    expect(Date.parse(used.body.extended_at) - Date.parse(s.session.createdAt)).toBeGreaterThanOrEqual(1000);
    expect(Date.parse(used.body.expires_at)).toBeGreaterThan(Date.parse(s.session.idleExpiresAt));
    // A user without sessions: an empty list.
    const carol = (await t.req('POST', '/v1/users', { loginName: 'carol', password: PW })).body;
    expect((await looker(t, 'GET', `/users/${carol.id}/sessions`)).body).toEqual([]);
  });

  it("404 for an unknown user, another user's session, an unknown or ended session", async () => {
    const s = await signIn('alice');
    expectLookerError(await looker(t, 'GET', '/users/nobody/sessions'), 404, 'Not found', 'get/users/:user_id/sessions');
    expectLookerError(await looker(t, 'GET', `/users/${bob.id}/sessions/${s.session.id}`), 404, 'Not found', 'get/users/:user_id/sessions/:session_id');
    expectLookerError(await looker(t, 'DELETE', `/users/${bob.id}/sessions/${s.session.id}`), 404, 'Not found', 'delete/users/:user_id/sessions/:session_id');
    expectLookerError(await looker(t, 'GET', `/users/${alice.id}/sessions/nope`), 404, 'Not found', 'get/users/:user_id/sessions/:session_id');
    // The session of an API credential is not a user's session.
    const c = await credential(t, ['sessions:read']);
    await login(t, c.clientId, c.secret);
    const credSession = ((await t.req('GET', '/v1/sessions?limit=500')).body.items as { id: string; credentialId: string }[]).find(
      (x) => x.credentialId === c.id,
    );
    expect(credSession).toBeDefined();
    expectLookerError(await looker(t, 'GET', `/users/${c.id}/sessions/${credSession?.id}`), 404, 'Not found', 'get/users/:user_id/sessions/:session_id');
    expect((await t.req('DELETE', `/v1/sessions/${s.session.id}`)).status).toBe(204);
    expectLookerError(await looker(t, 'GET', `/users/${alice.id}/sessions/${s.session.id}`), 404, 'Not found', 'get/users/:user_id/sessions/:session_id');
  });

  it('DELETE ends the session (204): its token is refused, a second DELETE is 404', async () => {
    const s = await signIn('bob');
    const r = await looker(t, 'DELETE', `/users/${bob.id}/sessions/${s.session.id}`);
    expect(r.status, r.raw).toBe(204);
    const intro = await t.req('POST', '/v1/sessions/introspect', { token: s.token }, { token: null });
    expect(intro.body).toEqual({ active: false, reason: 'revoked' });
    expect((await looker(t, 'GET', `/users/${bob.id}/sessions`)).body.map((x: { id: string }) => x.id)).not.toContain(s.session.id);
    expect((await looker(t, 'DELETE', `/users/${bob.id}/sessions/${s.session.id}`)).status).toBe(404);
  });

  it('needs sessions:read to read and sessions:write to delete; other organizations are invisible', async () => {
    const s = await signIn('alice');
    const reader = await credential(t, ['sessions:read']);
    const writer = await credential(t, ['sessions:write']);
    const list = await looker(t, 'GET', `/users/${alice.id}/sessions`, { token: reader.secret });
    expect(list.status).toBe(200);
    expect(list.body[0].can).toEqual({ show: true, destroy: false });
    expectLookerError(await looker(t, 'GET', `/users/${alice.id}/sessions`, { token: writer.secret }), 403, /sessions:read/, 'get/users/:user_id/sessions');
    expectLookerError(
      await looker(t, 'DELETE', `/users/${alice.id}/sessions/${s.session.id}`, { token: reader.secret }),
      403,
      /sessions:write/,
      'delete/users/:user_id/sessions/:session_id',
    );
    expectLookerError(await looker(t, 'GET', `/users/${alice.id}/sessions`, { token: null }), 401, 'Requires authentication.', 'get/users/:user_id/sessions');
    expect((await t.req('POST', '/v1/organizations', { id: 'elsewhere', name: 'Elsewhere' })).status).toBe(201);
    const outsider = await credential(t, ['sessions:read', 'sessions:write'], 'elsewhere');
    expectLookerError(await looker(t, 'GET', `/users/${alice.id}/sessions`, { token: outsider.secret }), 404, 'Not found', 'get/users/:user_id/sessions');
    expectLookerError(
      await looker(t, 'DELETE', `/users/${alice.id}/sessions/${s.session.id}`, { token: outsider.secret }),
      404,
      'Not found',
      'delete/users/:user_id/sessions/:session_id',
    );
    expect((await looker(t, 'DELETE', `/users/${alice.id}/sessions/${s.session.id}`, { token: writer.secret })).status).toBe(204);
  });
});

describe('rate limit', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ apiRateLimitPerMinute: 3 });
  });
  afterAll(() => t.close());

  it('answers 429 with Retry-After in Looker shape past the limit, counted per credential', async () => {
    const c = await credential(t, ['ServiceProviderAPI']);
    const tok = (await login(t, c.clientId, c.secret)).body.access_token as string; // a sign-in: its own limits
    for (let i = 0; i < 2; i++) {
      const r = await looker(t, 'GET', '/session_config', { token: c.secret });
      expect(r.status, r.raw).toBe(200);
      expect(r.headers['x-ratelimit-limit']).toBe('3');
    }
    // The access token is the same credential: third request allowed, fourth refused.
    expect((await looker(t, 'GET', '/session_config', { token: tok })).status).toBe(200);
    const limited = await looker(t, 'PATCH', '/session_config', { token: tok, body: { session_minutes: 5 } });
    expectLookerError(limited, 429, 'Too Many Requests', 'patch/session_config');
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect((await t.req('GET', '/v1/policy')).body.maxLifetimeSeconds).toBe(43_200);
    // Another credential has its own budget.
    expect((await looker(t, 'GET', '/session_config')).status).toBe(200);
  });

  it('counts unauthenticated callers (login, bad tokens) by client IP', async () => {
    // X-Forwarded-For is not trusted without SESSIOND_TRUST_PROXY: the socket address counts.
    const ip = { 'x-forwarded-for': '203.0.113.9' };
    // Login has the sign-in limit per IP (test/rate-limits.test.ts covers the one per client_id).
    const fresh = await startTestApp({ apiRateLimitPerMinute: 2, signInRateLimitPerMinute: 2 });
    try {
      const from = (remoteAddress: string) =>
        fresh.app.http.app.inject({ method: 'POST', url: '/api/4.0/login', remoteAddress, payload: 'client_id=x&client_secret=y', headers: ip });
      expect((await from('198.51.100.1')).statusCode).toBe(404);
      expect((await from('198.51.100.1')).statusCode).toBe(404);
      const third = await from('198.51.100.1');
      expect(third.statusCode).toBe(429);
      expect(Number(third.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(JSON.parse(third.body)).toEqual({ message: 'Too Many Requests', documentation_url: `${DOCS}/429/post/login` });
      // Another address is not affected.
      expect((await from('198.51.100.2')).statusCode).toBe(404);
      const badToken = () =>
        fresh.app.http.app.inject({
          method: 'GET',
          url: '/api/4.0/session_config',
          remoteAddress: '198.51.100.3',
          headers: { authorization: 'token bogus-0123456789abcdef' },
        });
      expect((await badToken()).statusCode).toBe(401);
      expect((await badToken()).statusCode).toBe(401);
      expect((await badToken()).statusCode).toBe(429);
    } finally {
      await fresh.close();
    }
  });

  it('0 turns the limit off', async () => {
    const off = await startTestApp({ apiRateLimitPerMinute: 0 });
    try {
      for (let i = 0; i < 5; i++) {
        const r = await looker(off, 'GET', '/session_config');
        expect(r.status).toBe(200);
        expect(r.headers['x-ratelimit-limit']).toBeUndefined();
      }
    } finally {
      await off.close();
    }
  });
});
