import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { permissions } from '../src/core/permissions.js';
import { BOOTSTRAP, DEFAULT_POLICY, expectError, startTestApp, type TestApp } from './helpers.js';

// API credentials (/v1/credentials) and how every /v1 route authenticates and authorizes.

type Res = Awaited<ReturnType<TestApp['req']>>;

const PW = 'correct horse battery';

const withoutId = (r: Res) => r.raw.replace(r.body.error.requestId, '<id>');

describe('credentials', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    expect((await t.req('POST', '/v1/organizations', { id: 'acme', name: 'Acme' })).status).toBe(201);
  });
  afterAll(() => t.close());

  async function create(body: Record<string, unknown>, token: string = BOOTSTRAP) {
    const r = await t.req('POST', '/v1/credentials', body, { token });
    expect(r.status, r.raw).toBe(201);
    return r.body as { id: string; clientId: string; secret: string; permissions: string[]; organizationId: string | null };
  }
  const list = async () => (await t.req('GET', '/v1/credentials')).body.items as { id: string; clientId: string; revokedAt: string | null }[];

  it('POST /v1/credentials creates a credential and shows its secret once', async () => {
    const r = await t.req('POST', '/v1/credentials', { name: 'ci', permissions: ['users:read', 'users:read', 'sessions:read'] });
    expect(r.status, r.raw).toBe(201);
    expect(r.body).toEqual({
      id: expect.any(String),
      clientId: expect.any(String),
      name: 'ci',
      permissions: ['users:read', 'sessions:read'],
      organizationId: null,
      createdAt: expect.any(String),
      revokedAt: null,
      secret: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    });
    const { secret, id, clientId } = r.body;
    // The secret works, and is never shown again.
    expect((await t.req('GET', '/v1/users', undefined, { token: secret })).status).toBe(200);
    const listed = await t.req('GET', '/v1/credentials');
    expect(listed.status).toBe(200);
    expect(listed.raw).not.toContain(secret);
    expect(listed.raw).not.toMatch(/secret/i);
    expect(listed.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id, clientId, name: 'ci', revokedAt: null }),
        expect.objectContaining({ clientId: 'bootstrap', permissions: ['admin'], organizationId: null }),
      ]),
    );
    const ev = await t.req('GET', `/v1/events?aggregateId=${id}`);
    expect(ev.body.items).toEqual([expect.objectContaining({ type: 'credential.created', actor: 'credential:bootstrap' })]);
    expect(ev.raw).not.toContain(secret);
    expect(t.logs.lines.join('')).not.toContain(secret);
  });

  it('POST /v1/credentials: 400 on invalid bodies, 404 on unknown organization; nothing stored', async () => {
    const before = (await list()).length;
    const cases: [unknown, string][] = [
      [{ permissions: ['users:read'] }, 'name'],
      [{ name: '', permissions: ['users:read'] }, 'name'],
      [{ name: 'x' }, 'permissions'],
      [{ name: 'x', permissions: [] }, 'permissions'],
      [{ name: 'x', permissions: 'users:read' }, 'permissions'],
      [{ name: 'x', permissions: ['superuser'] }, 'permissions.0'],
      [{ name: 'x', permissions: ['users:read', 7] }, 'permissions.1'],
      [{ name: 'x', permissions: Array(33).fill('users:read') }, 'permissions'],
      [{ name: 'x', permissions: ['users:read'], secret: 'my-own-secret-value-1234' }, 'secret'],
      [{ name: 'x', permissions: ['users:read'], organizationId: 5 }, 'organizationId'],
    ];
    for (const [body, field] of cases) {
      const r = await t.req('POST', '/v1/credentials', body);
      expectError(r, 400, 'invalid_argument');
      expect(r.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
    }
    expectError(await t.req('POST', '/v1/credentials', { name: 'x', permissions: ['users:read'], organizationId: 'nope' }), 404, 'not_found');
    expect((await list()).length).toBe(before);
  });

  it('a caller can grant only permissions it holds itself (aliases expanded)', async () => {
    const limited = await create({ name: 'limited', permissions: ['credentials:write', 'users:read'] });
    const before = (await list()).length;
    expectError(await t.req('POST', '/v1/credentials', { name: 'x', permissions: ['users:write'] }, { token: limited.secret }), 403, 'permission_denied');
    expectError(await t.req('POST', '/v1/credentials', { name: 'x', permissions: ['admin'] }, { token: limited.secret }), 403, 'permission_denied');
    expectError(
      await t.req('POST', '/v1/credentials', { name: 'x', permissions: ['ServiceProviderAPI'] }, { token: limited.secret }),
      403,
      'permission_denied',
    );
    expect((await list()).length).toBe(before);
    const child = await create({ name: 'child', permissions: ['users:read'] }, limited.secret);
    expect(child.permissions).toEqual(['users:read']);
  });

  it('ServiceProviderAPI grants exactly the two session_config permissions', async () => {
    const sp = await create({ name: 'sp', permissions: ['ServiceProviderAPI'] });
    const as = { token: sp.secret };
    expect((await t.req('GET', '/v1/policy', undefined, as)).status).toBe(200);
    const p = await t.req('PATCH', '/v1/policy', { idleTimeoutSeconds: 900 }, as);
    expect(p.status).toBe(200);
    expect(p.body.idleTimeoutSeconds).toBe(900);
    expect((await t.req('GET', '/v1/organizations/default/policy', undefined, as)).status).toBe(200);
    expectError(await t.req('GET', '/v1/users', undefined, as), 403, 'permission_denied');
    expectError(await t.req('GET', '/v1/sessions', undefined, as), 403, 'permission_denied');
    expectError(await t.req('GET', '/v1/events', undefined, as), 403, 'permission_denied');
    const ev = await t.req('GET', '/v1/events?type=policy.changed');
    expect(ev.body.items.at(-1)).toMatchObject({ actor: `credential:${sp.clientId}`, data: { changes: { idleTimeoutSeconds: { from: 1800, to: 900 } } } });
  });

  it('GET /v1/credentials: 401 without a credential, 403 without credentials:read', async () => {
    expectError(await t.req('GET', '/v1/credentials', undefined, { token: null }), 401, 'unauthenticated');
    const w = await create({ name: 'w', permissions: ['credentials:write'] });
    expectError(await t.req('GET', '/v1/credentials', undefined, { token: w.secret }), 403, 'permission_denied');
    const r = await create({ name: 'r', permissions: ['credentials:read'] });
    expect((await t.req('GET', '/v1/credentials', undefined, { token: r.secret })).status).toBe(200);
  });

  it('POST /v1/credentials/:id/rotate gives a new secret; the old one stops working at once', async () => {
    const c = await create({ name: 'rot', permissions: ['users:read'] });
    const r = await t.req('POST', `/v1/credentials/${c.id}/rotate`);
    expect(r.status, r.raw).toBe(200);
    expect(r.body).toMatchObject({ id: c.id, clientId: c.clientId, name: 'rot', revokedAt: null });
    expect(r.body.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(r.body.secret).not.toBe(c.secret);
    expectError(await t.req('GET', '/v1/users', undefined, { token: c.secret }), 401, 'unauthenticated');
    expect((await t.req('GET', '/v1/users', undefined, { token: r.body.secret })).status).toBe(200);
    // By client id too.
    const r2 = await t.req('POST', `/v1/credentials/${c.clientId}/rotate`);
    expect(r2.status).toBe(200);
    expectError(await t.req('GET', '/v1/users', undefined, { token: r.body.secret }), 401, 'unauthenticated');
    expect((await t.req('GET', '/v1/users', undefined, { token: r2.body.secret })).status).toBe(200);
    const ev = await t.req('GET', `/v1/events?aggregateId=${c.id}&type=credential.rotated`);
    expect(ev.body.items).toHaveLength(2);
    expect(ev.raw).not.toContain(r2.body.secret);
    expectError(await t.req('POST', '/v1/credentials/no-such-credential/rotate'), 404, 'not_found');
    expectError(await t.req('POST', `/v1/credentials/${c.id}/rotate`, undefined, { token: null }), 401, 'unauthenticated');
    const ro = await create({ name: 'ro', permissions: ['credentials:read'] });
    expectError(await t.req('POST', `/v1/credentials/${c.id}/rotate`, undefined, { token: ro.secret }), 403, 'permission_denied');
    expect((await t.req('GET', '/v1/users', undefined, { token: r2.body.secret })).status).toBe(200);
  });

  it('DELETE /v1/credentials/:id revokes a credential at once; rotating it then is 409', async () => {
    const c = await create({ name: 'del', permissions: ['users:read'] });
    const ro = await create({ name: 'ro2', permissions: ['credentials:read'] });
    expectError(await t.req('DELETE', `/v1/credentials/${c.id}`, undefined, { token: ro.secret }), 403, 'permission_denied');
    expectError(await t.req('DELETE', `/v1/credentials/${c.id}`, undefined, { token: null }), 401, 'unauthenticated');
    expect((await t.req('GET', '/v1/users', undefined, { token: c.secret })).status).toBe(200);

    const r = await t.req('DELETE', `/v1/credentials/${c.clientId}`);
    expect(r.status).toBe(204);
    expectError(await t.req('GET', '/v1/users', undefined, { token: c.secret }), 401, 'unauthenticated');
    const row = (await list()).find((x) => x.id === c.id);
    expect(row?.revokedAt).toEqual(expect.any(String));
    expect((await t.req('DELETE', `/v1/credentials/${c.id}`)).status).toBe(204); // idempotent
    expectError(await t.req('POST', `/v1/credentials/${c.id}/rotate`), 409, 'failed_precondition');
    expectError(await t.req('GET', '/v1/users', undefined, { token: c.secret }), 401, 'unauthenticated');
    expectError(await t.req('DELETE', '/v1/credentials/no-such-credential'), 404, 'not_found');
    const ev = await t.req('GET', `/v1/events?aggregateId=${c.id}&type=credential.revoked`);
    expect(ev.body.items).toEqual([expect.objectContaining({ actor: 'credential:bootstrap' })]);
  });

  it('an organization-scoped credential sees and manages only its organization’s credentials', async () => {
    const admin = await create({ name: 'acme admin', permissions: ['credentials:read', 'credentials:write', 'users:read'], organizationId: 'acme' });
    expect(admin.organizationId).toBe('acme');
    const global = await create({ name: 'global', permissions: ['users:read'] });
    const as = { token: admin.secret };
    const seen = (await t.req('GET', '/v1/credentials', undefined, as)).body.items as { organizationId: string | null }[];
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((c) => c.organizationId === 'acme')).toBe(true);
    expectError(await t.req('DELETE', `/v1/credentials/${global.id}`, undefined, as), 404, 'not_found');
    expectError(await t.req('DELETE', '/v1/credentials/bootstrap', undefined, as), 404, 'not_found');
    expectError(await t.req('POST', `/v1/credentials/${global.id}/rotate`, undefined, as), 404, 'not_found');
    expect((await t.req('GET', '/v1/users', undefined, { token: global.secret })).status).toBe(200);
    // What it creates is scoped to its organization; it cannot create for another.
    const child = await create({ name: 'child', permissions: ['users:read'] }, admin.secret);
    expect(child.organizationId).toBe('acme');
    expectError(await t.req('POST', '/v1/credentials', { name: 'x', permissions: ['users:read'], organizationId: 'default' }, as), 404, 'not_found');
  });
});

describe('authentication and authorization of every /v1 route', () => {
  let t: TestApp;
  /** Secret of a credential holding exactly the given permissions. */
  const exact = new Map<string, string>();
  /** Secret of a credential holding every permission except the given ones. */
  const allBut = new Map<string, string>();
  const ids: Record<string, string> = {};
  let token = '';

  beforeAll(async () => {
    t = await startTestApp();
    expect((await t.req('POST', '/v1/organizations', { id: 'acme', name: 'Acme' })).status).toBe(201);
    expect((await t.req('POST', '/v1/organizations', { id: 'doomed', name: 'Doomed' })).status).toBe(201);
    for (const n of ['target', 'doomed-user']) {
      const u = await t.req('POST', '/v1/users', { loginName: n, password: PW });
      ids[n] = u.body.id;
    }
    const s = await t.req('POST', '/v1/sessions', { loginName: 'target', password: PW }, { token: null });
    ids.session = s.body.session.id;
    token = s.body.token;
    const s2 = await t.req('POST', '/v1/sessions', { loginName: 'target', password: PW }, { token: null });
    ids.doomedSession = s2.body.session.id;
    for (const n of ['c-del', 'c-rot']) ids[n] = (await t.req('POST', '/v1/credentials', { name: n, permissions: ['users:read'] })).body.id;
  });
  afterAll(() => t.close());

  async function secretFor(map: Map<string, string>, perms: string[], all: boolean) {
    const key = perms.join(',');
    let s = map.get(key);
    if (!s) {
      const granted = all ? permissions.filter((p) => !perms.includes(p)) : perms;
      const r = await t.req('POST', '/v1/credentials', { name: `${all ? 'all but' : 'only'} ${key}`, permissions: granted });
      expect(r.status, r.raw).toBe(201);
      s = r.body.secret as string;
      map.set(key, s);
    }
    return s;
  }

  // method, path, body, the permissions it needs, the status with exactly those.
  const routes: [string, () => string, (() => unknown) | undefined, string[], number][] = [
    ['GET', () => '/v1/sessions', undefined, ['sessions:read'], 200],
    ['GET', () => `/v1/sessions/${ids.session}`, undefined, ['sessions:read'], 200],
    ['DELETE', () => `/v1/sessions/${ids.doomedSession}`, undefined, ['sessions:write'], 204],
    ['POST', () => '/v1/users', () => ({ loginName: 'new-user', password: PW }), ['users:write'], 201],
    ['GET', () => '/v1/users', undefined, ['users:read'], 200],
    ['GET', () => `/v1/users/${ids.target}`, undefined, ['users:read'], 200],
    ['PATCH', () => `/v1/users/${ids.target}`, () => ({ role: 'admin' }), ['users:read', 'users:write'], 200],
    ['PUT', () => `/v1/users/${ids.target}/password`, () => ({ password: 'another password' }), ['users:write'], 200],
    ['GET', () => `/v1/users/${ids.target}/sessions`, undefined, ['users:read', 'sessions:read'], 200],
    ['DELETE', () => `/v1/users/${ids.target}/sessions`, undefined, ['users:read', 'sessions:write'], 200],
    ['DELETE', () => `/v1/users/${ids['doomed-user']}`, undefined, ['users:write'], 204],
    ['POST', () => '/v1/credentials', () => ({ name: 'made', permissions: ['credentials:write'] }), ['credentials:write'], 201],
    ['GET', () => '/v1/credentials', undefined, ['credentials:read'], 200],
    ['POST', () => `/v1/credentials/${ids['c-rot']}/rotate`, undefined, ['credentials:write'], 200],
    ['DELETE', () => `/v1/credentials/${ids['c-del']}`, undefined, ['credentials:write'], 204],
    ['GET', () => '/v1/policy', undefined, ['session_config:read'], 200],
    ['PUT', () => '/v1/policy', () => ({ ...defaults, idleTimeoutSeconds: 1200 }), ['session_config:write'], 200],
    ['PATCH', () => '/v1/policy', () => ({ idleTimeoutSeconds: 1500 }), ['session_config:write'], 200],
    ['GET', () => '/v1/organizations/acme/policy', undefined, ['session_config:read'], 200],
    ['PUT', () => '/v1/organizations/acme/policy', () => ({ userSessionLimit: 3 }), ['session_config:write'], 200],
    ['PATCH', () => '/v1/organizations/acme/policy', () => ({ adminSessionLimit: 2 }), ['session_config:write'], 200],
    ['DELETE', () => '/v1/organizations/acme/policy', undefined, ['session_config:write'], 200],
    ['POST', () => '/v1/organizations', () => ({ id: 'fresh', name: 'Fresh' }), ['organizations:write'], 201],
    ['GET', () => '/v1/organizations', undefined, ['organizations:read'], 200],
    ['GET', () => '/v1/organizations/acme', undefined, ['organizations:read'], 200],
    ['DELETE', () => '/v1/organizations/doomed', undefined, ['organizations:read', 'organizations:write'], 204],
    ['GET', () => '/v1/events', undefined, ['audit:read'], 200],
  ];
  const defaults = DEFAULT_POLICY;

  it.each(routes)('%s %s: 401 without or with an unknown credential, 403 without the permission, else success', async (method, url, body, perms, ok) => {
    const b = body?.();
    const none = await t.req(method, url(), b, { token: null });
    expectError(none, 401, 'unauthenticated');
    for (const bad of ['k'.repeat(43), 'short', `${BOOTSTRAP}x`]) expectError(await t.req(method, url(), b, { token: bad }), 401, 'unauthenticated');
    const lacking = await t.req(method, url(), b, { token: await secretFor(allBut, perms, true) });
    expectError(lacking, 403, 'permission_denied');
    const r = await t.req(method, url(), b, { token: await secretFor(exact, perms, false) });
    expect(r.status, r.raw).toBe(ok);
  });

  it('the public session routes need no credential', async () => {
    // Runs after the table above: its PUT password and DELETE sessions ended `token` and set 'another password'.
    expect((await t.req('POST', '/v1/sessions/introspect', { token }, { token: null })).body).toMatchObject({ active: false, reason: 'revoked' });
    const s = await t.req('POST', '/v1/sessions', { loginName: 'target', password: 'another password' }, { token: null });
    expect(s.status).toBe(201);
    expect((await t.req('POST', '/v1/sessions/revoke-others', { token: s.body.token }, { token: null })).status).toBe(200);
    expect(
      (await t.req('POST', '/v1/sessions/password', { token: s.body.token, currentPassword: 'another password', newPassword: PW }, { token: null })).status,
    ).toBe(200);
    expect((await t.req('POST', '/v1/sessions/revoke', { token: s.body.token }, { token: null })).status).toBe(204);
  });

  it('accepts the secret as Bearer, Api-Token and token (any case); refuses other schemes', async () => {
    for (const scheme of ['Bearer', 'bearer', 'BEARER', 'Api-Token', 'api-token', 'token', 'Token']) {
      const r = await t.req('GET', '/v1/policy', undefined, { token: null, headers: { authorization: `${scheme} ${BOOTSTRAP}` } });
      expect(r.status, scheme).toBe(200);
    }
    for (const header of [
      `Basic ${BOOTSTRAP}`,
      BOOTSTRAP,
      'Bearer',
      'Bearer ',
      `Bearer ${BOOTSTRAP} extra`,
      `ApiToken ${BOOTSTRAP}`,
      '',
      `Bearer ${'k'.repeat(43)}`,
    ]) {
      const r = await t.req('GET', '/v1/policy', undefined, { token: null, headers: { authorization: header } });
      expectError(r, 401, 'unauthenticated');
    }
    for (const scheme of ['Bearer', 'Api-Token', 'token']) {
      const r = await t.req('GET', '/v1/policy', undefined, { token: null, headers: { authorization: `${scheme} ${'k'.repeat(43)}` } });
      expectError(r, 401, 'unauthenticated');
    }
  });

  it('401 and 403 answers do not say whether the resource exists', async () => {
    const lacking = await secretFor(allBut, ['users:read'], true);
    for (const [a, b] of [
      [`/v1/users/${ids.target}`, '/v1/users/no-such-user'],
      [`/v1/users/${ids.target}/sessions`, '/v1/users/no-such-user/sessions'],
    ] as const) {
      for (const tok of [null, 'k'.repeat(43), lacking]) {
        const ra = await t.req('GET', a, undefined, { token: tok });
        const rb = await t.req('GET', b, undefined, { token: tok });
        expect(ra.status).toBe(rb.status);
        expect([401, 403]).toContain(ra.status);
        expect(withoutId(ra)).toBe(withoutId(rb));
      }
    }
    const noCredWrite = await secretFor(allBut, ['credentials:write'], true);
    const x = await t.req('DELETE', `/v1/credentials/${ids['c-rot']}`, undefined, { token: noCredWrite });
    const y = await t.req('DELETE', '/v1/credentials/no-such-credential', undefined, { token: noCredWrite });
    expectError(x, 403, 'permission_denied');
    expect(withoutId(x)).toBe(withoutId(y));
  });

  it('no secret reaches the logs', async () => {
    const logs = t.logs.lines.join('');
    expect(logs).not.toContain(BOOTSTRAP);
    expect(logs).not.toContain(token);
    expect(logs).not.toContain(PW);
    for (const s of [...exact.values(), ...allBut.values()]) expect(logs).not.toContain(s);
  });
});
