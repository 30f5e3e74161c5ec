import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onPostgres, startTestApp, type TestApp } from './helpers.js';

describe('smoke', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('runs on the backend of this test run (SQLite, or PostgreSQL + Redis with SESSIOND_TEST_BACKEND=postgres)', async () => {
    if (onPostgres) {
      expect(t.app.core.store.description).toMatch(/^PostgreSQL \S+\/sessiond_test_[0-9a-f]{12} \+ Redis \S+ /);
      // Redis reads "down" within 1 s of a stale heartbeat, which a loaded machine can delay at start.
      let ready: unknown;
      for (let i = 0; i < 50; i++) {
        ready = (await t.req('GET', '/readyz', undefined, { token: null })).body;
        if ((ready as { redis?: string }).redis === 'ok') break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(ready).toEqual({ status: 'ready', storage: 'ok', redis: 'ok' });
    } else {
      expect(t.app.core.store.description).toBe(`SQLite ${t.dataDir}/sessiond.db`);
      expect((await t.req('GET', '/readyz', undefined, { token: null })).body).toEqual({ status: 'ready', storage: 'ok' });
    }
  });

  it('signs in, introspects, revokes', async () => {
    const u = await t.req('POST', '/v1/users', { loginName: 'alice', password: 'correct horse battery', role: 'user' });
    expect(u.status).toBe(201);
    expect(u.body).toMatchObject({ loginName: 'alice', role: 'user', organizationId: 'default' });
    const s = await t.req('POST', '/v1/sessions', { loginName: 'alice', password: 'correct horse battery' }, { token: null });
    expect(s.status).toBe(201);
    expect(s.body.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const i = await t.req('POST', '/v1/sessions/introspect', { token: s.body.token }, { token: null });
    expect(i.body).toMatchObject({ active: true, session: { id: s.body.session.id, userId: u.body.id } });
    expect(Date.parse(i.body.session.expiresAt)).toBeGreaterThan(Date.now());
    expect((await t.req('DELETE', `/v1/sessions/${s.body.session.id}`)).status).toBe(204);
    const after = await t.req('POST', '/v1/sessions/introspect', { token: s.body.token }, { token: null });
    expect(after.body).toEqual({ active: false, reason: 'revoked' });
  });
});
