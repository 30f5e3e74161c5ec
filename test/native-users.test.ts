import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, startTestApp, type TestApp } from './helpers.js';

// Integration tests of the /v1/users routes over a real app on a real SQLite file
// (PostgreSQL + Redis on the postgres run, see vitest.config.ts).

type Res = Awaited<ReturnType<TestApp['req']>>;

const PW = 'correct horse battery';

const fields = (r: Res) => (r.body.error.details as { field: string }[]).map((d) => d.field);

describe('users', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    expect((await t.req('POST', '/v1/organizations', { id: 'acme', name: 'Acme' })).status).toBe(201);
  });
  afterAll(() => t.close());

  async function createUser(loginName: string, extra: Record<string, unknown> = {}) {
    const r = await t.req('POST', '/v1/users', { loginName, password: PW, ...extra });
    expect(r.status, r.raw).toBe(201);
    return r.body as { id: string; loginName: string; organizationId: string; role: string; updatedAt: string };
  }
  async function signIn(loginName: string, password = PW, organizationId?: string) {
    const r = await t.req('POST', '/v1/sessions', { loginName, password, ...(organizationId ? { organizationId } : {}) }, { token: null });
    return r;
  }
  async function session(loginName: string, organizationId?: string) {
    const r = await signIn(loginName, PW, organizationId);
    expect(r.status, r.raw).toBe(201);
    return r.body as { token: string; session: { id: string } };
  }
  const introspect = async (token: string) => (await t.req('POST', '/v1/sessions/introspect', { token }, { token: null })).body;
  async function credentialWith(permissions: string[], organizationId?: string) {
    const r = await t.req('POST', '/v1/credentials', { name: 'limited', permissions, ...(organizationId ? { organizationId } : {}) });
    expect(r.status, r.raw).toBe(201);
    return r.body.secret as string;
  }
  const userCount = async () => (await t.req('GET', '/v1/users?limit=500')).body.total as number;

  it('POST /v1/users creates a user (201) and never returns the password or its hash', async () => {
    const r = await t.req('POST', '/v1/users', { loginName: 'Alice', password: PW, role: 'admin', displayName: 'Alice A.' });
    expect(r.status, r.raw).toBe(201);
    expect(r.body).toEqual({
      id: expect.any(String),
      loginName: 'Alice',
      displayName: 'Alice A.',
      role: 'admin',
      organizationId: 'default',
      disabled: false,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      locked: false,
      lockedUntil: null,
      failedPasswordAttempts: 0,
    });
    expect(r.raw).not.toContain(PW);
    expect(r.raw).not.toMatch(/argon2|hash/i);
    const d = await createUser('plain');
    expect(d).toMatchObject({ role: 'user', organizationId: 'default' });
    // Any well-formed Unicode is stored exactly as given.
    const fancy = await createUser('zoë 😀 用户', { displayName: 'Zoë 🎉' });
    expect((await t.req('GET', `/v1/users/${fancy.id}`)).body).toMatchObject({ loginName: 'zoë 😀 用户', displayName: 'Zoë 🎉' });
    expect((await signIn('ZOË 😀 用户')).status).toBe(201);
    const inOrg = await createUser('alice', { organizationId: 'acme' }); // the same name in another organization
    expect(inOrg.organizationId).toBe('acme');
    const events = await t.req('GET', `/v1/events?aggregateId=${r.body.id}`);
    expect(events.body.items).toEqual([expect.objectContaining({ type: 'user.created', actor: 'credential:bootstrap', organizationId: 'default' })]);
    expect(events.raw).not.toContain(PW);
  });

  it('POST /v1/users: 409 when the login name is taken in the organization, case-insensitively', async () => {
    await createUser('Émile');
    const before = await userCount();
    for (const loginName of ['alice', 'ALICE', 'aLiCe', 'ÉMILE', 'E\u0301mile']) {
      const r = await t.req('POST', '/v1/users', { loginName, password: 'another password' });
      expectError(r, 409, 'already_exists');
    }
    expect(await userCount()).toBe(before);
    // The original keeps its password.
    expect((await signIn('alice')).status).toBe(201);
  });

  it('POST /v1/users: 400 on invalid fields (each named), 404 on an unknown organization; nothing stored', async () => {
    const before = await userCount();
    const cases: [Record<string, unknown>, string][] = [
      [{ password: PW }, 'loginName'],
      [{ loginName: 'x' }, 'password'],
      [{ loginName: 'x', password: 'short' }, 'password'],
      [{ loginName: 'x', password: 'p'.repeat(1025) }, 'password'],
      [{ loginName: '', password: PW }, 'loginName'],
      [{ loginName: 'a'.repeat(201), password: PW }, 'loginName'],
      [{ loginName: 'bad\u0000name', password: PW }, 'loginName'],
      [{ loginName: 'x', password: PW, role: 'root' }, 'role'],
      [{ loginName: 'x', password: PW, role: 1 }, 'role'],
      [{ loginName: ['x'], password: PW }, 'loginName'],
      [{ loginName: 'x', password: PW, isAdmin: true }, 'isAdmin'],
      [{ loginName: 'x', password: PW, organizationId: '' }, 'organizationId'],
    ];
    for (const [body, field] of cases) {
      const r = await t.req('POST', '/v1/users', body);
      expectError(r, 400, 'invalid_argument');
      expect(fields(r)).toContain(field);
    }
    expectError(await t.req('POST', '/v1/users', { loginName: 'x', password: PW, organizationId: 'nope' }), 404, 'not_found');
    expect(await userCount()).toBe(before);
  });

  it('POST /v1/users: 401 without a credential, 403 without users:write', async () => {
    const before = await userCount();
    expectError(await t.req('POST', '/v1/users', { loginName: 'x', password: PW }, { token: null }), 401, 'unauthenticated');
    expectError(await t.req('POST', '/v1/users', { loginName: 'x', password: PW }, { token: 'u'.repeat(43) }), 401, 'unauthenticated');
    const reader = await credentialWith(['users:read', 'sessions:write']);
    expectError(await t.req('POST', '/v1/users', { loginName: 'x', password: PW }, { token: reader }), 403, 'permission_denied');
    expect(await userCount()).toBe(before);
  });

  it('GET /v1/users lists users with paging, search and organization filter', async () => {
    const all = await t.req('GET', '/v1/users');
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ limit: 50, offset: 0 });
    expect(all.body.items).toHaveLength(all.body.total);
    const names = all.body.items.map((u: { loginName: string }) => u.loginName);
    expect(names).toEqual(expect.arrayContaining(['Alice', 'plain', 'alice', 'Émile']));
    const page = await t.req('GET', '/v1/users?limit=1&offset=1');
    expect(page.body.items).toEqual([all.body.items[1]]);
    expect(page.body.total).toBe(all.body.total);
    const acme = await t.req('GET', '/v1/users?organizationId=acme');
    expect(acme.body.items.map((u: { loginName: string }) => u.loginName)).toEqual(['alice']);
    const search = await t.req('GET', '/v1/users?search=LIC&organizationId=default');
    expect(search.body.items.map((u: { loginName: string }) => u.loginName)).toEqual(['Alice']);
    // LIKE wildcards in the search are taken literally.
    expect((await t.req('GET', '/v1/users?search=%25')).body.total).toBe(0);
    expect((await t.req('GET', '/v1/users?search=_')).body.total).toBe(0);
    expectError(await t.req('GET', '/v1/users?limit=501'), 400, 'invalid_argument');
    expectError(await t.req('GET', '/v1/users?offset=-1'), 400, 'invalid_argument');
    expectError(await t.req('GET', '/v1/users?role=admin'), 400, 'invalid_argument');
    expectError(await t.req('GET', '/v1/users', undefined, { token: null }), 401, 'unauthenticated');
    expectError(await t.req('GET', '/v1/users', undefined, { token: await credentialWith(['sessions:read']) }), 403, 'permission_denied');
  });

  it('GET /v1/users/:id: 200, 404 unknown, 401, and 403 identical for existing and missing users', async () => {
    const u = await createUser('gina');
    const r = await t.req('GET', `/v1/users/${u.id}`);
    expect(r.status).toBe(200);
    expect(r.body).toEqual(u);
    expectError(await t.req('GET', '/v1/users/no-such-user'), 404, 'not_found');
    expectError(await t.req('GET', `/v1/users/${u.id}`, undefined, { token: null }), 401, 'unauthenticated');
    const other = await credentialWith(['sessions:read', 'users:write']);
    const a = await t.req('GET', `/v1/users/${u.id}`, undefined, { token: other });
    const b = await t.req('GET', '/v1/users/no-such-user', undefined, { token: other });
    expectError(a, 403, 'permission_denied');
    expect(a.raw.replace(a.body.error.requestId, '')).toBe(b.raw.replace(b.body.error.requestId, ''));
  });

  it('PATCH /v1/users/:id changes the role; bad bodies change nothing', async () => {
    const u = await createUser('hank');
    const r = await t.req('PATCH', `/v1/users/${u.id}`, { role: 'admin' });
    expect(r.status, r.raw).toBe(200);
    expect(r.body).toMatchObject({ id: u.id, role: 'admin', disabled: false });
    expect(Date.parse(r.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(u.updatedAt));
    const s = await session('hank');
    expect((await t.req('GET', `/v1/sessions/${s.session.id}`)).body.role).toBe('admin');
    expect((await t.req('PATCH', `/v1/users/${u.id}`, {})).body).toMatchObject({ role: 'admin', disabled: false });

    const stored = (await t.req('GET', `/v1/users/${u.id}`)).body;
    for (const [body, field] of [
      [{ role: 'owner' }, 'role'],
      [{ disabled: 'yes' }, 'disabled'],
      [{ disabled: 1 }, 'disabled'],
      [{ loginName: 'renamed' }, 'loginName'],
      [{ role: 'user', password: 'new password!' }, 'password'],
    ] as const) {
      const bad = await t.req('PATCH', `/v1/users/${u.id}`, body);
      expectError(bad, 400, 'invalid_argument');
      expect(fields(bad)).toContain(field);
    }
    expect((await t.req('GET', `/v1/users/${u.id}`)).body).toEqual(stored);
    expectError(await t.req('PATCH', '/v1/users/no-such-user', { role: 'user' }), 404, 'not_found');
    expectError(await t.req('PATCH', `/v1/users/${u.id}`, { role: 'user' }, { token: null }), 401, 'unauthenticated');
    const reader = await credentialWith(['users:read', 'sessions:write']);
    expectError(await t.req('PATCH', `/v1/users/${u.id}`, { role: 'user' }, { token: reader }), 403, 'permission_denied');
    expect((await t.req('GET', `/v1/users/${u.id}`)).body).toEqual(stored);
  });

  it('disabling a user ends all their sessions and refuses sign-in like a wrong password; enabling lets them in again', async () => {
    const u = await createUser('ivy');
    const s1 = await session('ivy');
    const s2 = await session('ivy');
    const r = await t.req('PATCH', `/v1/users/${u.id}`, { disabled: true });
    expect(r.status).toBe(200);
    expect(r.body.disabled).toBe(true);
    expect(await introspect(s1.token)).toEqual({ active: false, reason: 'revoked' });
    expect(await introspect(s2.token)).toEqual({ active: false, reason: 'revoked' });
    const disabled = await signIn('ivy');
    const wrong = await signIn('ivy', 'not the password');
    expectError(disabled, 401, 'invalid_credentials');
    expect(disabled.raw.replace(disabled.body.error.requestId, '')).toBe(wrong.raw.replace(wrong.body.error.requestId, ''));
    const ev = await t.req('GET', `/v1/events?aggregateId=${u.id}&type=user.disabled`);
    expect(ev.body.items).toEqual([expect.objectContaining({ actor: 'credential:bootstrap', data: { sessionsEnded: 2 } })]);

    expect((await t.req('PATCH', `/v1/users/${u.id}`, { disabled: false })).body.disabled).toBe(false);
    const again = await session('ivy');
    expect((await introspect(again.token)).active).toBe(true);
    expect(await introspect(s1.token)).toEqual({ active: false, reason: 'revoked' });
  });

  it('DELETE /v1/users/:id deletes the user and ends all their sessions', async () => {
    const u = await createUser('jack');
    const s1 = await session('jack');
    const s2 = await session('jack');
    const reader = await credentialWith(['users:read']);
    expectError(await t.req('DELETE', `/v1/users/${u.id}`, undefined, { token: reader }), 403, 'permission_denied');
    expectError(await t.req('DELETE', `/v1/users/${u.id}`, undefined, { token: null }), 401, 'unauthenticated');
    expect((await introspect(s1.token)).active).toBe(true);

    const r = await t.req('DELETE', `/v1/users/${u.id}`);
    expect(r.status).toBe(204);
    expect(r.raw).toBe('');
    expect(await introspect(s1.token)).toEqual({ active: false, reason: 'revoked' });
    expect(await introspect(s2.token)).toEqual({ active: false, reason: 'revoked' });
    expectError(await t.req('GET', `/v1/users/${u.id}`), 404, 'not_found');
    expectError(await signIn('jack'), 401, 'invalid_credentials');
    expectError(await t.req('DELETE', `/v1/users/${u.id}`), 404, 'not_found');
    const ev = await t.req('GET', `/v1/events?aggregateId=${u.id}&type=user.deleted`);
    expect(ev.body.items).toEqual([expect.objectContaining({ actor: 'credential:bootstrap', data: { sessionsEnded: 2 } })]);
    // The login name is free again.
    await createUser('JACK');
  });

  it('PUT /v1/users/:id/password sets the password and ends all the user’s sessions', async () => {
    const u = await createUser('kim');
    const s1 = await session('kim');
    const s2 = await session('kim');
    const short = await t.req('PUT', `/v1/users/${u.id}/password`, { password: 'short' });
    expectError(short, 400, 'invalid_argument');
    expect(fields(short)).toEqual(['password']);
    expectError(await t.req('PUT', `/v1/users/${u.id}/password`, { password: 'long enough', old: 'x' }), 400, 'invalid_argument');
    expectError(await t.req('PUT', `/v1/users/${u.id}/password`, {}), 400, 'invalid_argument');
    expectError(await t.req('PUT', `/v1/users/${u.id}/password`, { password: 'long enough' }, { token: null }), 401, 'unauthenticated');
    expectError(
      await t.req('PUT', `/v1/users/${u.id}/password`, { password: 'long enough' }, { token: await credentialWith(['users:read']) }),
      403,
      'permission_denied',
    );
    expectError(await t.req('PUT', '/v1/users/no-such-user/password', { password: 'long enough' }), 404, 'not_found');
    expect((await introspect(s1.token)).active).toBe(true);
    expect((await signIn('kim')).status).toBe(201); // unchanged so far (a third session)

    const r = await t.req('PUT', `/v1/users/${u.id}/password`, { password: 'a new password' });
    expect(r.status, r.raw).toBe(200);
    expect(r.body).toEqual({ sessionsEnded: 3 });
    expect(await introspect(s1.token)).toEqual({ active: false, reason: 'revoked' });
    expect(await introspect(s2.token)).toEqual({ active: false, reason: 'revoked' });
    expectError(await signIn('kim'), 401, 'invalid_credentials');
    expect((await signIn('kim', 'a new password')).status).toBe(201);
    const ev = await t.req('GET', `/v1/events?aggregateId=${u.id}&type=user.password_changed`);
    expect(ev.body.items).toEqual([expect.objectContaining({ actor: 'credential:bootstrap', data: { sessionsEnded: 3 } })]);
    expect(ev.raw).not.toContain('a new password');
  });

  it('GET /v1/users/:id/sessions lists the user’s sessions with location and activity', async () => {
    const u = await createUser('lea');
    const s1 = await session('lea');
    const s2 = await session('lea');
    await session('plain'); // someone else's
    const r = await t.req('GET', `/v1/users/${u.id}/sessions`);
    expect(r.status).toBe(200);
    expect(r.body.total).toBe(2);
    expect(r.body.items.map((s: { id: string }) => s.id).sort()).toEqual([s1.session.id, s2.session.id].sort());
    for (const s of r.body.items) {
      expect(s).toMatchObject({ userId: u.id, active: true, location: { ip: '127.0.0.1', lastIp: '127.0.0.1' } });
      expect(Date.parse(s.lastActiveAt)).toBeGreaterThanOrEqual(Date.parse(s.createdAt));
    }
    expect((await t.req('DELETE', `/v1/sessions/${s1.session.id}`)).status).toBe(204);
    expect((await t.req('GET', `/v1/users/${u.id}/sessions`)).body.items.map((s: { id: string }) => s.id)).toEqual([s2.session.id]);
    const all = await t.req('GET', `/v1/users/${u.id}/sessions?active=false`);
    expect(all.body.items).toHaveLength(2);
    expectError(await t.req('GET', '/v1/users/no-such-user/sessions'), 404, 'not_found');
    expectError(await t.req('GET', `/v1/users/${u.id}/sessions?limit=x`), 400, 'invalid_argument');
    expectError(await t.req('GET', `/v1/users/${u.id}/sessions`, undefined, { token: null }), 401, 'unauthenticated');
    expectError(await t.req('GET', `/v1/users/${u.id}/sessions`, undefined, { token: await credentialWith(['users:read']) }), 403, 'permission_denied');
  });

  it('DELETE /v1/users/:id/sessions ends every session of the user', async () => {
    const u = await createUser('max');
    const s1 = await session('max');
    const s2 = await session('max');
    const other = await session('plain');
    expectError(
      await t.req('DELETE', `/v1/users/${u.id}/sessions`, undefined, { token: await credentialWith(['users:read', 'sessions:read']) }),
      403,
      'permission_denied',
    );
    expectError(await t.req('DELETE', `/v1/users/${u.id}/sessions`, undefined, { token: null }), 401, 'unauthenticated');
    expect((await introspect(s1.token)).active).toBe(true);
    const r = await t.req('DELETE', `/v1/users/${u.id}/sessions`);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ revoked: 2 });
    expect(await introspect(s1.token)).toEqual({ active: false, reason: 'revoked' });
    expect(await introspect(s2.token)).toEqual({ active: false, reason: 'revoked' });
    expect((await introspect(other.token)).active).toBe(true);
    expect((await t.req('DELETE', `/v1/users/${u.id}/sessions`)).body).toEqual({ revoked: 0 });
    expectError(await t.req('DELETE', '/v1/users/no-such-user/sessions'), 404, 'not_found');
    // The user still exists and can sign in.
    expect((await signIn('max')).status).toBe(201);
  });

  it('an organization-scoped credential cannot see or touch another organization’s users (404)', async () => {
    const victim = await createUser('victim');
    const victimSession = await session('victim');
    const acmeUser = await createUser('acme-user', { organizationId: 'acme' });
    const acme = await credentialWith(['users:read', 'users:write', 'sessions:read', 'sessions:write'], 'acme');
    const as = { token: acme };

    expect((await t.req('GET', `/v1/users/${acmeUser.id}`, undefined, as)).status).toBe(200);
    const list = await t.req('GET', '/v1/users?limit=500', undefined, as);
    expect(list.body.items.every((u: { organizationId: string }) => u.organizationId === 'acme')).toBe(true);
    expect(list.body.items.map((u: { id: string }) => u.id)).toContain(acmeUser.id);
    expect((await t.req('GET', '/v1/users?organizationId=default', undefined, as)).body).toMatchObject({ items: [], total: 0 });

    expectError(await t.req('GET', `/v1/users/${victim.id}`, undefined, as), 404, 'not_found');
    expectError(await t.req('PATCH', `/v1/users/${victim.id}`, { disabled: true }, as), 404, 'not_found');
    expectError(await t.req('PUT', `/v1/users/${victim.id}/password`, { password: 'hijacked password' }, as), 404, 'not_found');
    expectError(await t.req('GET', `/v1/users/${victim.id}/sessions`, undefined, as), 404, 'not_found');
    expectError(await t.req('DELETE', `/v1/users/${victim.id}/sessions`, undefined, as), 404, 'not_found');
    expectError(await t.req('DELETE', `/v1/users/${victim.id}`, undefined, as), 404, 'not_found');
    expectError(await t.req('GET', `/v1/sessions/${victimSession.session.id}`, undefined, as), 404, 'not_found');
    expectError(await t.req('DELETE', `/v1/sessions/${victimSession.session.id}`, undefined, as), 404, 'not_found');
    expect((await t.req('GET', '/v1/sessions?limit=500', undefined, as)).body.items.every((s: { organizationId: string }) => s.organizationId === 'acme')).toBe(
      true,
    );
    expectError(await t.req('POST', '/v1/users', { loginName: 'planted', password: PW, organizationId: 'default' }, as), 404, 'not_found');

    // Nothing happened to the victim.
    expect((await t.req('GET', `/v1/users/${victim.id}`)).body).toMatchObject({ disabled: false });
    expect((await introspect(victimSession.token)).active).toBe(true);
    expect((await signIn('victim')).status).toBe(201);
    expect((await t.req('GET', '/v1/users?search=planted')).body.total).toBe(0);

    // Without an organizationId it creates users in its own organization.
    const own = await t.req('POST', '/v1/users', { loginName: 'acme-two', password: PW }, as);
    expect(own.status).toBe(201);
    expect(own.body.organizationId).toBe('acme');
    expect((await signIn('acme-two', PW, 'acme')).status).toBe(201);
    expectError(await signIn('acme-two'), 401, 'invalid_credentials'); // not in default
  });
});
