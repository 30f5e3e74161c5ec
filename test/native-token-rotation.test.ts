import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createArgon2Hasher } from '../src/adapters/argon2-hasher.js';
import { systemContext } from '../src/core/auth.js';
import { FakeClock } from '../src/core/clock.js';
import { createCore } from '../src/core/index.js';
import { expectError, onPostgres, openTestStore, startTestApp, storageOf, type TestApp } from './helpers.js';
import { codeOf, within } from './records.js';

// POST /v1/sessions/rotate: the holder of an active token exchanges it for a new one. The old
// token must be inactive at once, also where it was cached by an earlier validation (the session
// cache of this node, the fast introspection path, and on PostgreSQL + Redis the memory and Redis
// tiers of another node sharing the database). Runs on SQLite and on PostgreSQL + Redis.

const PW = 'correct horse battery';

type SignedIn = { token: string; session: { id: string; userId: string; createdAt: string; expiresAt: string; lastActiveAt: string; active: boolean } };

async function signIn(t: TestApp, loginName = 'alice'): Promise<SignedIn> {
  const r = await t.req('POST', '/v1/sessions', { loginName, password: PW }, { token: null });
  expect(r.status, r.raw).toBe(201);
  return r.body;
}

const rotate = (t: TestApp, token: string) => t.req('POST', '/v1/sessions/rotate', { token }, { token: null });
/** Introspection in process (the Fastify route). */
const introspect = async (t: TestApp, token: string) => (await t.req('POST', '/v1/sessions/introspect', { token }, { token: null })).body;
/** Introspection over the socket without credentials: served by the fast path (src/surfaces/native/fast-introspect.ts). */
async function introspectFast(url: string, token: string) {
  const r = await fetch(`${url}/v1/sessions/introspect`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) });
  expect(r.status).toBe(200);
  return (await r.json()) as { active: boolean; reason?: string; session?: { id: string } };
}

describe('session token rotation (native API)', () => {
  let t: TestApp & { url: string };
  beforeAll(async () => {
    t = await startTestApp({}, { listen: true });
    expect((await t.req('POST', '/v1/users', { loginName: 'alice', password: PW })).status).toBe(201);
  });
  afterAll(() => t.close());

  it('answers a new 256-bit token for the same session; the lifetime does not restart', async () => {
    const s = await signIn(t);
    const r = await rotate(t, s.token);
    expect(r.status, r.raw).toBe(200);
    expect(r.body.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(r.body.token).not.toBe(s.token);
    expect(r.body.session).toMatchObject({
      id: s.session.id,
      userId: s.session.userId,
      active: true,
      createdAt: s.session.createdAt,
      expiresAt: s.session.expiresAt,
    });
    // The same shape as sign-in's answer.
    expect(Object.keys(r.body).sort()).toEqual(['session', 'token']);
    expect(Object.keys(r.body.session).sort()).toEqual(Object.keys(s.session).sort());
    const now = await introspect(t, r.body.token);
    expect(now).toMatchObject({ active: true, session: { id: s.session.id, createdAt: s.session.createdAt, expiresAt: s.session.expiresAt } });
  });

  it('the old token is inactive at once, also after validations cached it (in process and on the fast path)', async () => {
    const s = await signIn(t);
    // Cache the old token everywhere a validation may answer from memory.
    for (let i = 0; i < 3; i++) {
      expect((await introspect(t, s.token)).active).toBe(true);
      expect((await introspectFast(t.url, s.token)).active).toBe(true);
    }
    const r = await rotate(t, s.token);
    expect(r.status, r.raw).toBe(200);
    expect(await introspect(t, s.token)).toMatchObject({ active: false, reason: 'rotated' });
    expect(await introspectFast(t.url, s.token)).toMatchObject({ active: false, reason: 'rotated' });
    expect(await introspectFast(t.url, r.body.token)).toMatchObject({ active: true, session: { id: s.session.id } });
    // The old token opens nothing else either.
    expectError(await rotate(t, s.token), 401, 'unauthenticated');
    expectError(await t.req('POST', '/v1/sessions/revoke-others', { token: s.token }, { token: null }), 401, 'unauthenticated');
  });

  it('rotates again and again; each earlier token dies', async () => {
    const s = await signIn(t);
    const tokens = [s.token];
    for (let i = 0; i < 3; i++) {
      const r = await rotate(t, tokens.at(-1) as string);
      expect(r.status, r.raw).toBe(200);
      tokens.push(r.body.token);
    }
    expect(new Set(tokens).size).toBe(4);
    for (const old of tokens.slice(0, -1)) expect(await introspectFast(t.url, old)).toEqual({ active: false, reason: 'rotated' });
    // A token never issued is told apart from one rotated away.
    expect(await introspectFast(t.url, 'x'.repeat(43))).toEqual({ active: false, reason: 'unknown' });
    expect((await introspectFast(t.url, tokens.at(-1) as string)).active).toBe(true);
  });

  it('two rotations of one token at once: exactly one new token is handed out', async () => {
    const s = await signIn(t);
    await introspect(t, s.token);
    const both = await Promise.all([rotate(t, s.token), rotate(t, s.token)]);
    const statuses = both.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 401]);
    const winner = both.find((r) => r.status === 200);
    expect((await introspect(t, winner?.body.token)).active).toBe(true);
    expect((await introspect(t, s.token)).active).toBe(false);
  });

  it('records session.token_rotated with no secret in it, and counts as use', async () => {
    const s = await signIn(t);
    const r = await rotate(t, s.token);
    expect(r.status).toBe(200);
    expect(Date.parse(r.body.session.lastActiveAt)).toBeGreaterThanOrEqual(Date.parse(s.session.lastActiveAt));
    const ev = await t.req('GET', `/v1/events?aggregateType=session&aggregateId=${s.session.id}&type=session.token_rotated`);
    expect(ev.status).toBe(200);
    expect(ev.body.items).toHaveLength(1);
    expect(ev.body.items[0]).toMatchObject({ type: 'session.token_rotated', aggregateId: s.session.id, actor: `session:${s.session.id}` });
    expect(ev.raw).not.toContain(s.token);
    expect(ev.raw).not.toContain(r.body.token);
    expect(t.logs.lines.join('')).not.toContain(r.body.token);
  });

  it('refuses unknown, revoked and ended tokens with 401 unauthenticated', async () => {
    expectError(await rotate(t, 'x'.repeat(43)), 401, 'unauthenticated');
    expectError(await rotate(t, 'short'), 401, 'unauthenticated');
    const s = await signIn(t);
    expect((await t.req('POST', '/v1/sessions/revoke', { token: s.token }, { token: null })).status).toBe(204);
    expectError(await rotate(t, s.token), 401, 'unauthenticated');
    const other = await signIn(t);
    expect((await t.req('DELETE', `/v1/sessions/${other.session.id}`)).status).toBe(204);
    expectError(await rotate(t, other.token), 401, 'unauthenticated');
  });

  it('bad input: 400 in the native shape, nothing changed', async () => {
    const s = await signIn(t);
    const send = (payload: string, contentType = 'application/json') =>
      t.raw('POST', '/v1/sessions/rotate', { body: payload, headers: { 'content-type': contentType } });
    for (const body of ['{}', '{"token":7}', '{"token":null}', `{"token":"${s.token}","extra":1}`, '[]', '{"token":', `{"token":"${'a'.repeat(600)}"}`]) {
      const r = await send(body);
      expect(r.status, `${body}: ${r.raw}`).toBe(400);
      expect(r.body.error.code).toBe('invalid_argument');
    }
    expect((await send(`token=${s.token}`, 'application/x-www-form-urlencoded')).status).toBe(415);
    // Still the first token: none of these rotated it.
    expect((await introspect(t, s.token)).active).toBe(true);
  });
});

describe('the old token on another node sharing the storage', () => {
  it('is inactive there too, after that node cached it', async () => {
    const a = await startTestApp({}, { listen: true });
    const b = await startTestApp(storageOf(a), { listen: true });
    try {
      expect((await a.req('POST', '/v1/users', { loginName: 'alice', password: PW })).status).toBe(201);
      const s = await signIn(a);
      // Node B validates the token several times: now in B's memory (and in Redis on the postgres run).
      for (let i = 0; i < 3; i++) expect((await introspectFast(b.url, s.token)).active).toBe(true);
      const r = await rotate(a, s.token);
      expect(r.status, r.raw).toBe(200);
      // PostgreSQL + Redis: the invalidation is published before and after the commit (milliseconds);
      // SQLite: B notices another process's commit through data_version within ~100 ms under traffic.
      const ms = await within(1000, async () => !(await introspectFast(b.url, s.token)).active);
      expect(ms).toBeLessThan(1000);
      expect(await introspectFast(b.url, s.token)).toMatchObject({ active: false, reason: 'rotated' });
      expect(await introspectFast(b.url, r.body.token)).toMatchObject({ active: true, session: { id: s.session.id } });
      if (onPostgres) expect(await introspect(b, s.token)).toMatchObject({ active: false, reason: 'rotated' });
    } finally {
      await b.close();
      await a.close();
    }
  });
});

describe('rotation in the core, with a fake clock', () => {
  it('keeps the absolute deadline of the first sign-in and counts as use', async () => {
    const { store, close } = await openTestStore({ activityFlushMs: 60_000 });
    try {
      const clock = new FakeClock();
      const hasher = await createArgon2Hasher({ memoryKiB: 1024, timeCost: 1, parallelism: 1 });
      const core = createCore({ store, clock, hasher });
      await core.start();
      await core.users.create(systemContext, { loginName: 'ann', password: 'password-1' });
      await core.policies.patchInstance(systemContext, { maxLifetimeSeconds: 3600, idleTimeoutSeconds: 600 });
      const first = await core.sessions.signIn({ loginName: 'ann', password: 'password-1' });
      const createdAtMs = first.session.record.createdAtMs;
      clock.advanceSeconds(500);
      const second = await core.sessions.rotateToken(first.token, { ip: '203.0.113.9' });
      expect(second.session.record).toMatchObject({ id: first.session.record.id, createdAtMs, lastActiveAtMs: clock.nowMs() });
      expect(second.session.verdict).toMatchObject({ active: true, absoluteDeadlineMs: createdAtMs + 3_600_000, idleDeadlineMs: clock.nowMs() + 600_000 });
      expect(await codeOf(core.sessions.rotateToken(first.token))).toBe('unauthenticated');
      // 500 s after the rotation: still within the idle timeout only because the rotation was a use.
      clock.advanceSeconds(500);
      const third = await core.sessions.rotateToken(second.token);
      clock.advanceSeconds(500);
      const fourth = await core.sessions.rotateToken(third.token);
      // 3600 s after the sign-in: ended by the absolute lifetime whatever the rotations.
      clock.advanceSeconds(2100);
      expect((await core.sessions.introspect(fourth.token)).verdict).toMatchObject({ active: false, reason: 'expired' });
      expect(await codeOf(core.sessions.rotateToken(fourth.token))).toBe('unauthenticated');
      const events = await store.listEvents({ aggregateType: 'session', aggregateId: first.session.record.id, limit: 100 });
      const rotated = events.filter((e) => e.type === 'session.token_rotated');
      expect(rotated).toHaveLength(3);
      expect(rotated[0]?.data).toEqual({ ip: '203.0.113.9' });
    } finally {
      await close();
    }
  });
});
