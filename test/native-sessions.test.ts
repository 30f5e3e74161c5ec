import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOOTSTRAP, expectError, startTestApp, type TestApp } from './helpers.js';

// Integration tests of the /v1/sessions routes over a real app on a real SQLite file
// (PostgreSQL + Redis on the postgres run, see vitest.config.ts).

const PW = 'correct horse battery';

async function createUser(t: TestApp, loginName: string, extra: Record<string, unknown> = {}) {
  const r = await t.req('POST', '/v1/users', { loginName, password: PW, ...extra });
  expect(r.status, r.raw).toBe(201);
  return r.body as { id: string; loginName: string; role: string; organizationId: string };
}

async function signIn(t: TestApp, loginName: string, extra: Record<string, unknown> = {}) {
  const r = await t.req('POST', '/v1/sessions', { loginName, password: PW, ...extra }, { token: null });
  expect(r.status, r.raw).toBe(201);
  return r.body as { token: string; session: { id: string; userId: string; createdAt: string } };
}

const introspect = (t: TestApp, token: string) => t.req('POST', '/v1/sessions/introspect', { token }, { token: null });

/** Every stored session (ended ones too). */
async function allSessions(t: TestApp) {
  const r = await t.req('GET', '/v1/sessions?active=false&limit=500');
  expect(r.status).toBe(200);
  return r.body as { items: { id: string; endReason: string | null; userId: string }[]; total: number };
}

async function credentialWith(t: TestApp, permissions: string[]) {
  const r = await t.req('POST', '/v1/credentials', { name: `only ${permissions.join(',')}`, permissions });
  expect(r.status, r.raw).toBe(201);
  return r.body.secret as string;
}

describe('sign-in, introspection, revocation', () => {
  let t: TestApp;
  let alice: { id: string };
  beforeAll(async () => {
    t = await startTestApp();
    alice = await createUser(t, 'alice');
    await createUser(t, 'bob');
  });
  afterAll(() => t.close());

  it('POST /v1/sessions signs a user in without any credential', async () => {
    const r = await t.req('POST', '/v1/sessions', { loginName: 'alice', password: PW }, { token: null, headers: { 'user-agent': 'native-test/1.0' } });
    expect(r.status, r.raw).toBe(201);
    expect(r.body.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const s = r.body.session;
    expect(s).toMatchObject({
      subjectType: 'user',
      userId: alice.id,
      credentialId: null,
      organizationId: 'default',
      role: 'user',
      persistent: false,
      active: true,
      endReason: null,
      endedAt: null,
      location: { ip: '127.0.0.1', userAgent: 'native-test/1.0' },
    });
    // The default policy: 12 h absolute lifetime, 30 min idle timeout.
    expect(Date.parse(s.expiresAt) - Date.parse(s.createdAt)).toBe(43_200_000);
    expect(Date.parse(s.idleExpiresAt) - Date.parse(s.lastActiveAt)).toBe(1_800_000);
    // The token is shown once: never part of a session view.
    const got = await t.req('GET', `/v1/sessions/${s.id}`);
    expect(got.status).toBe(200);
    expect(got.raw).not.toContain(r.body.token);
  });

  it('matches the login name case-insensitively', async () => {
    const s = await signIn(t, 'ALICE');
    expect(s.session.userId).toBe(alice.id);
  });

  it('wrong login name, wrong password, unknown organization and a disabled user give byte-identical 401 bodies except requestId', async () => {
    const dora = await createUser(t, 'dora');
    expect((await t.req('PATCH', `/v1/users/${dora.id}`, { disabled: true })).status).toBe(200);
    const attempts = [
      { loginName: 'nobody', password: PW },
      { loginName: 'alice', password: 'wrong password!' },
      { loginName: 'alice', password: PW, organizationId: 'no-such-org' },
      { loginName: 'dora', password: PW },
    ];
    const before = (await allSessions(t)).total;
    const bodies: string[] = [];
    for (const a of attempts) {
      const r = await t.req('POST', '/v1/sessions', a, { token: null });
      expectError(r, 401, 'invalid_credentials');
      expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(r.raw.split(r.body.error.requestId)).toHaveLength(2);
      bodies.push(r.raw.replace(r.body.error.requestId, '<id>'));
    }
    expect(new Set(bodies).size).toBe(1);
    expect(bodies[0]).not.toMatch(/alice|nobody|dora|organization/i);
    expect((await allSessions(t)).total).toBe(before);
  });

  it('POST /v1/sessions refuses invalid bodies with 400 and creates nothing', async () => {
    const before = (await allSessions(t)).total;
    const cases: [unknown, string][] = [
      [{ password: PW }, 'loginName'],
      [{ loginName: 'alice' }, 'password'],
      [{ loginName: 'alice', password: '' }, 'password'],
      [{ loginName: 42, password: PW }, 'loginName'],
      [{ loginName: 'alice', password: PW, persistent: 'yes' }, 'persistent'],
      [{ loginName: 'alice', password: PW, admin: true }, 'admin'],
      [{ loginName: 'a'.repeat(201), password: PW }, 'loginName'],
      [{ loginName: 'alice', password: PW, organizationId: '' }, 'organizationId'],
    ];
    for (const [body, field] of cases) {
      const r = await t.req('POST', '/v1/sessions', body, { token: null });
      expectError(r, 400, 'invalid_argument');
      expect(r.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
    }
    expect((await allSessions(t)).total).toBe(before);
  });

  it('an Authorization header with an unknown secret is refused with 401 even on public session routes', async () => {
    const r = await t.req('POST', '/v1/sessions', { loginName: 'alice', password: PW }, { token: 'x'.repeat(43) });
    expectError(r, 401, 'unauthenticated');
  });

  it('POST /v1/sessions/introspect answers active with the session, and counts as use', async () => {
    const s = await signIn(t, 'bob');
    await sleep(1050); // use is recorded with 1 s granularity (docs/architecture.md)
    const r = await introspect(t, s.token);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ active: true, session: { id: s.session.id, active: true, endReason: null } });
    expect(r.body.reason).toBeUndefined();
    const usedAt = Date.parse(r.body.session.lastActiveAt);
    expect(usedAt).toBeGreaterThan(Date.parse(s.session.createdAt));
    // GET does not count as use; the list (which flushes pending activity) shows the introspection's time.
    await sleep(15);
    expect((await t.req('GET', `/v1/sessions/${s.session.id}`)).status).toBe(200);
    const listed = await t.req('GET', `/v1/sessions?userId=${s.session.userId}`);
    const row = listed.body.items.find((x: { id: string }) => x.id === s.session.id);
    expect(Date.parse(row.lastActiveAt)).toBe(usedAt);
  });

  it('introspect answers unknown for tokens it never issued (including a credential secret)', async () => {
    for (const token of ['x'.repeat(43), 'abc', BOOTSTRAP, '../../etc/passwd', '💥'.repeat(10)]) {
      const r = await introspect(t, token);
      expect(r.status).toBe(200);
      expect(r.body).toEqual({ active: false, reason: 'unknown' });
    }
  });

  it('introspect refuses invalid bodies with 400', async () => {
    for (const body of [{}, { token: '' }, { token: 'x'.repeat(513) }, { token: 5 }, { token: 'x'.repeat(43), extra: 1 }]) {
      const r = await t.req('POST', '/v1/sessions/introspect', body, { token: null });
      expectError(r, 400, 'invalid_argument');
      expect(r.body.error.details.length).toBeGreaterThan(0);
    }
  });

  it('POST /v1/sessions/revoke signs the token holder out (204, then revoked), idempotently', async () => {
    const s = await signIn(t, 'alice');
    const r = await t.req('POST', '/v1/sessions/revoke', { token: s.token }, { token: null });
    expect(r.status).toBe(204);
    expect(r.raw).toBe('');
    expect((await introspect(t, s.token)).body).toEqual({ active: false, reason: 'revoked' });
    expect((await t.req('POST', '/v1/sessions/revoke', { token: s.token }, { token: null })).status).toBe(204);
    // Unknown tokens: nothing to end, nothing revealed.
    expect((await t.req('POST', '/v1/sessions/revoke', { token: 'y'.repeat(43) }, { token: null })).status).toBe(204);
    const events = await t.req('GET', `/v1/events?aggregateId=${s.session.id}&type=session.revoked`);
    expect(events.body.items).toHaveLength(1);
    expect(events.body.items[0].actor).toBe(`session:${s.session.id}`);
    expectError(await t.req('POST', '/v1/sessions/revoke', {}, { token: null }), 400, 'invalid_argument');
  });

  it('POST /v1/sessions/revoke-others ends the holder’s other sessions only', async () => {
    const carol = await createUser(t, 'carol');
    const [s1, s2, s3] = [await signIn(t, 'carol'), await signIn(t, 'carol'), await signIn(t, 'carol')];
    const bob = await signIn(t, 'bob');
    const r = await t.req('POST', '/v1/sessions/revoke-others', { token: s1!.token }, { token: null });
    expect(r.status, r.raw).toBe(200);
    expect(r.body).toEqual({ revoked: 2 });
    expect((await introspect(t, s1!.token)).body.active).toBe(true);
    expect((await introspect(t, s2!.token)).body).toEqual({ active: false, reason: 'revoked' });
    expect((await introspect(t, s3!.token)).body).toEqual({ active: false, reason: 'revoked' });
    expect((await introspect(t, bob.token)).body.active).toBe(true);
    const ev = await t.req('GET', `/v1/events?type=session.revoked&actor=session:${s1!.session.id}`);
    expect(ev.body.items.map((e: { aggregateId: string }) => e.aggregateId).sort()).toEqual([s2!.session.id, s3!.session.id].sort());
    // Again: nothing left to end.
    expect((await t.req('POST', '/v1/sessions/revoke-others', { token: s1!.token }, { token: null })).body).toEqual({ revoked: 0 });
    // A token that is not active cannot act.
    expectError(await t.req('POST', '/v1/sessions/revoke-others', { token: s2!.token }, { token: null }), 401, 'unauthenticated');
    expectError(await t.req('POST', '/v1/sessions/revoke-others', { token: 'z'.repeat(43) }, { token: null }), 401, 'unauthenticated');
    expectError(await t.req('POST', '/v1/sessions/revoke-others', { token: s1!.token, all: true }, { token: null }), 400, 'invalid_argument');
    expect((await t.req('GET', `/v1/users/${carol.id}/sessions`)).body.total).toBe(1);
  });

  it('POST /v1/sessions/password: self-service change keeps the current session and ends the others', async () => {
    await createUser(t, 'pat');
    const cur = await signIn(t, 'pat');
    const other = await signIn(t, 'pat');
    const body = { token: cur.token, currentPassword: PW, newPassword: 'a brand new passphrase' };

    // Wrong current password: 401, nothing changes.
    expectError(await t.req('POST', '/v1/sessions/password', { ...body, currentPassword: 'not the password' }, { token: null }), 401, 'invalid_credentials');
    // Too short a new password: 400, nothing changes.
    const short = await t.req('POST', '/v1/sessions/password', { ...body, newPassword: 'short' }, { token: null });
    expectError(short, 400, 'invalid_argument');
    expect(short.body.error.details[0].field).toBe('password');
    expectError(await t.req('POST', '/v1/sessions/password', { ...body, extra: 1 }, { token: null }), 400, 'invalid_argument');
    expectError(await t.req('POST', '/v1/sessions/password', { token: cur.token, newPassword: 'x'.repeat(10) }, { token: null }), 400, 'invalid_argument');
    expect((await introspect(t, other.token)).body.active).toBe(true);
    const third = await signIn(t, 'pat'); // the old password still works

    const r = await t.req('POST', '/v1/sessions/password', body, { token: null });
    expect(r.status, r.raw).toBe(200);
    expect(r.body).toEqual({ sessionsEnded: 2 });
    expect((await introspect(t, cur.token)).body.active).toBe(true);
    expect((await introspect(t, other.token)).body).toEqual({ active: false, reason: 'revoked' });
    expect((await introspect(t, third.token)).body).toEqual({ active: false, reason: 'revoked' });
    expectError(await t.req('POST', '/v1/sessions', { loginName: 'pat', password: PW }, { token: null }), 401, 'invalid_credentials');
    expect((await t.req('POST', '/v1/sessions', { loginName: 'pat', password: body.newPassword }, { token: null })).status).toBe(201);
    // An ended session cannot change the password.
    expectError(
      await t.req('POST', '/v1/sessions/password', { token: other.token, currentPassword: body.newPassword, newPassword: 'yet another one' }, { token: null }),
      401,
      'unauthenticated',
    );
  });

  it('GET /v1/sessions lists active sessions newest first, with filters and paging', async () => {
    const erin = await createUser(t, 'erin');
    const a = await signIn(t, 'erin');
    await sleep(5);
    const b = await signIn(t, 'erin');
    const r = await t.req('GET', `/v1/sessions?userId=${erin.id}`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ total: 2, limit: 50, offset: 0 });
    expect(r.body.items.map((s: { id: string }) => s.id)).toEqual([b.session.id, a.session.id]);
    const page = await t.req('GET', `/v1/sessions?userId=${erin.id}&limit=1&offset=1`);
    expect(page.body).toMatchObject({ total: 2, limit: 1, offset: 1 });
    expect(page.body.items.map((s: { id: string }) => s.id)).toEqual([a.session.id]);

    expect((await t.req('DELETE', `/v1/sessions/${a.session.id}`)).status).toBe(204);
    const active = await t.req('GET', `/v1/sessions?userId=${erin.id}`);
    expect(active.body.items.map((s: { id: string }) => s.id)).toEqual([b.session.id]);
    const all = await t.req('GET', `/v1/sessions?userId=${erin.id}&active=false`);
    expect(all.body.items.map((s: { id: string; endReason: string | null }) => [s.id, s.endReason])).toEqual([
      [b.session.id, null],
      [a.session.id, 'revoked'],
    ]);
    expect((await t.req('GET', '/v1/sessions?organizationId=no-such-org')).body).toMatchObject({ items: [], total: 0 });
    expect((await t.req('GET', '/v1/sessions?userId=no-such-user')).body).toMatchObject({ items: [], total: 0 });
  });

  it('GET /v1/sessions: 400 on bad query, 401 without a credential, 403 without sessions:read', async () => {
    expectError(await t.req('GET', '/v1/sessions?limit=0'), 400, 'invalid_argument');
    expectError(await t.req('GET', '/v1/sessions?active=maybe'), 400, 'invalid_argument');
    expectError(await t.req('GET', '/v1/sessions?sort=asc'), 400, 'invalid_argument');
    expectError(await t.req('GET', '/v1/sessions', undefined, { token: null }), 401, 'unauthenticated');
    expectError(await t.req('GET', '/v1/sessions', undefined, { token: 'q'.repeat(43) }), 401, 'unauthenticated');
    const usersOnly = await credentialWith(t, ['users:read', 'sessions:write']);
    expectError(await t.req('GET', '/v1/sessions', undefined, { token: usersOnly }), 403, 'permission_denied');
    const reader = await credentialWith(t, ['sessions:read']);
    expect((await t.req('GET', '/v1/sessions', undefined, { token: reader })).status).toBe(200);
  });

  it('GET /v1/sessions/:id reads a session; 404 unknown; 401; 403 says nothing about existence', async () => {
    const s = await signIn(t, 'alice');
    const r = await t.req('GET', `/v1/sessions/${s.session.id}`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: s.session.id, userId: alice.id, active: true });
    expectError(await t.req('GET', '/v1/sessions/no-such-session'), 404, 'not_found');
    expectError(await t.req('GET', `/v1/sessions/${s.session.id}`, undefined, { token: null }), 401, 'unauthenticated');
    const noRead = await credentialWith(t, ['sessions:write', 'users:read']);
    const existing = await t.req('GET', `/v1/sessions/${s.session.id}`, undefined, { token: noRead });
    const missing = await t.req('GET', '/v1/sessions/no-such-session', undefined, { token: noRead });
    expectError(existing, 403, 'permission_denied');
    expectError(missing, 403, 'permission_denied');
    expect(existing.raw.replace(existing.body.error.requestId, '')).toBe(missing.raw.replace(missing.body.error.requestId, ''));
    const unauthExisting = await t.req('GET', `/v1/sessions/${s.session.id}`, undefined, { token: null });
    const unauthMissing = await t.req('GET', '/v1/sessions/no-such-session', undefined, { token: null });
    expect(unauthExisting.raw.replace(unauthExisting.body.error.requestId, '')).toBe(unauthMissing.raw.replace(unauthMissing.body.error.requestId, ''));
  });

  it('DELETE /v1/sessions/:id revokes (204, revoked at once); 404 unknown; 401; 403 without sessions:write', async () => {
    const s = await signIn(t, 'alice');
    const reader = await credentialWith(t, ['sessions:read']);
    expectError(await t.req('DELETE', `/v1/sessions/${s.session.id}`, undefined, { token: reader }), 403, 'permission_denied');
    expectError(await t.req('DELETE', `/v1/sessions/${s.session.id}`, undefined, { token: null }), 401, 'unauthenticated');
    expect((await introspect(t, s.token)).body.active).toBe(true);

    const writer = await credentialWith(t, ['sessions:write']);
    const r = await t.req('DELETE', `/v1/sessions/${s.session.id}`, undefined, { token: writer });
    expect(r.status).toBe(204);
    expect((await introspect(t, s.token)).body).toEqual({ active: false, reason: 'revoked' });
    const view = await t.req('GET', `/v1/sessions/${s.session.id}`);
    expect(view.body).toMatchObject({ active: false, endReason: 'revoked', idleExpiresAt: null });
    expect(Date.parse(view.body.endedAt)).toBeLessThanOrEqual(Date.now());
    // Revoking again is a no-op; no second event.
    expect((await t.req('DELETE', `/v1/sessions/${s.session.id}`)).status).toBe(204);
    const ev = await t.req('GET', `/v1/events?aggregateId=${s.session.id}&type=session.revoked`);
    expect(ev.body.items).toHaveLength(1);
    expectError(await t.req('DELETE', '/v1/sessions/no-such-session'), 404, 'not_found');
  });
});

describe('the concurrent-session limit', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('evict_oldest: a sign-in beyond the limit ends the oldest session with reason evicted', async () => {
    await createUser(t, 'eve');
    const p = await t.req('PATCH', '/v1/policy', { userSessionLimit: 2, onLimit: 'evict_oldest' });
    expect(p.status).toBe(200);
    const s1 = await signIn(t, 'eve');
    await sleep(5);
    const s2 = await signIn(t, 'eve');
    await sleep(5);
    const s3 = await signIn(t, 'eve');
    expect((await introspect(t, s1.token)).body).toEqual({ active: false, reason: 'evicted' });
    expect((await introspect(t, s2.token)).body.active).toBe(true);
    expect((await introspect(t, s3.token)).body.active).toBe(true);
    expect((await t.req('GET', `/v1/sessions/${s1.session.id}`)).body).toMatchObject({ active: false, endReason: 'evicted' });
    const ev = await t.req('GET', `/v1/events?aggregateId=${s1.session.id}&type=session.evicted`);
    expect(ev.body.items).toHaveLength(1);
    expect(ev.body.items[0].actor).toBe('system');
  });

  it('the limit is chosen by role: admins follow adminSessionLimit', async () => {
    await createUser(t, 'root', { role: 'admin' });
    const a = [await signIn(t, 'root'), await signIn(t, 'root'), await signIn(t, 'root')];
    for (const s of a) expect((await introspect(t, s.token)).body.active).toBe(true); // adminSessionLimit 0 = unlimited
    expect((await t.req('PATCH', '/v1/policy', { adminSessionLimit: 1 })).status).toBe(200);
    const last = await signIn(t, 'root');
    for (const s of a) expect((await introspect(t, s.token)).body).toEqual({ active: false, reason: 'evicted' });
    expect((await introspect(t, last.token)).body.active).toBe(true);
  });

  it('deny_new: a sign-in at the limit is refused with 409 session_limit_reached and ends nothing', async () => {
    await createUser(t, 'dan');
    expect((await t.req('PATCH', '/v1/policy', { userSessionLimit: 1, onLimit: 'deny_new' })).status).toBe(200);
    const s1 = await signIn(t, 'dan');
    const r = await t.req('POST', '/v1/sessions', { loginName: 'dan', password: PW }, { token: null });
    expectError(r, 409, 'session_limit_reached');
    expect((await introspect(t, s1.token)).body.active).toBe(true);
    const dan = (await t.req('GET', '/v1/users?search=dan')).body.items[0];
    expect((await t.req('GET', `/v1/users/${dan.id}/sessions?active=false`)).body.total).toBe(1);
    // After signing out, there is room again.
    expect((await t.req('POST', '/v1/sessions/revoke', { token: s1.token }, { token: null })).status).toBe(204);
    await signIn(t, 'dan');
  });
});

describe('persistent sessions', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    await createUser(t, 'remy');
  });
  afterAll(() => t.close());

  it('are refused unless the policy allows them', async () => {
    const before = (await allSessions(t)).total;
    const r = await t.req('POST', '/v1/sessions', { loginName: 'remy', password: PW, persistent: true }, { token: null });
    expectError(r, 400, 'persistent_not_allowed');
    expect((await allSessions(t)).total).toBe(before);
    expect((await signIn(t, 'remy', { persistent: false })).session).toMatchObject({ persistent: false });

    expect((await t.req('PATCH', '/v1/policy', { allowPersistentSessions: true })).status).toBe(200);
    const ok = await signIn(t, 'remy', { persistent: true });
    expect(ok.session).toMatchObject({ persistent: true, active: true });
    expect((await introspect(t, ok.token)).body.session.persistent).toBe(true);
  });
});

describe('a tightened policy applies to existing sessions at once', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    for (const n of ['ua', 'ub', 'uc']) await createUser(t, n);
  });
  afterAll(() => t.close());

  it('idle timeout and absolute lifetime end sessions on their next validation', async () => {
    const a = await signIn(t, 'ua');
    const b = await signIn(t, 'ub');
    const c = await signIn(t, 'uc');
    expect((await t.req('PATCH', '/v1/policy', { idleTimeoutSeconds: 1 })).status).toBe(200);
    // The view reflects the new policy immediately.
    const view = await t.req('GET', `/v1/sessions/${b.session.id}`);
    expect(Date.parse(view.body.idleExpiresAt) - Date.parse(view.body.lastActiveAt)).toBe(1000);

    await sleep(600);
    expect((await introspect(t, a.token)).body.active).toBe(true); // use keeps it alive
    await sleep(600);
    expect((await introspect(t, a.token)).body.active).toBe(true);
    expect((await introspect(t, b.token)).body).toEqual({ active: false, reason: 'idle_timeout' });
    expect((await t.req('GET', `/v1/sessions/${b.session.id}`)).body).toMatchObject({ active: false, endReason: 'idle_timeout' });

    expect((await t.req('PATCH', '/v1/policy', { maxLifetimeSeconds: 1 })).status).toBe(200);
    expect((await introspect(t, a.token)).body).toEqual({ active: false, reason: 'expired' });
    expect((await introspect(t, c.token)).body).toEqual({ active: false, reason: 'expired' });
    expect((await t.req('GET', '/v1/sessions')).body.items).toEqual([]);
  });
});
