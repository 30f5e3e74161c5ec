import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOOTSTRAP, startTestApp, type TestApp } from './helpers.js';

// Ended is final, seen alike on every surface (issue 13): sign in, let the session pass a short
// idle timeout, loosen the policy; /v1 (introspection, the session, the console's live list),
// Looker user sessions, Dynatrace userSessions, LogScale `sessions` and ZITADEL all show it ended.

const PW = 'password-1';

describe('a session ended under a stricter policy stays ended on every surface', () => {
  let t: TestApp;
  let userId: string;
  let session: { id: string; token: string };
  let zitadelId: string;
  beforeAll(async () => {
    t = await startTestApp({ apiRateLimitPerMinute: 0 });
    userId = (await t.req('POST', '/v1/users', { loginName: 'zoe', password: PW })).body.id;
    const r = await t.req('POST', '/v1/sessions', { loginName: 'zoe', password: PW }, { token: null });
    expect(r.status, r.raw).toBe(201);
    session = { id: r.body.session.id, token: r.body.token };
    const z = await t.req('POST', '/v2/sessions', { checks: { user: { loginName: 'zoe' }, password: { password: PW } } });
    expect(z.status, z.raw).toBe(201);
    zitadelId = z.body.sessionId;
    expect((await t.req('PATCH', '/v1/policy', { idleTimeoutSeconds: 1 })).status).toBe(200);
    await sleep(1_300);
    // Loosened through a compatibility surface (Dynatrace), then through /v1.
    const put = await t.req(
      'PUT',
      '/api/cluster/v2/clusterConfig/userSessions',
      { concurrentSessionPolicyDto: { userLimit: 0, adminLimit: 0 }, automaticLogoutDto: { logoutInactiveUsersEnabled: true, userInactivityTimeout: 900 } },
      { token: null, headers: { authorization: `Api-Token ${BOOTSTRAP}` } },
    );
    expect(put.status, put.raw).toBe(204);
    expect((await t.req('PATCH', '/v1/policy', { idleTimeoutSeconds: 1800 })).status).toBe(200);
  });
  afterAll(() => t.close());

  it('/v1: introspection, the session and the live list (the console)', async () => {
    expect((await t.req('POST', '/v1/sessions/introspect', { token: session.token }, { token: null })).body).toEqual({ active: false, reason: 'idle_timeout' });
    const s = (await t.req('GET', `/v1/sessions/${session.id}`)).body;
    expect(s).toMatchObject({ active: false, endReason: 'idle_timeout' });
    expect(Date.parse(s.endedAt)).toBeLessThan(Date.now() - 200);
    expect((await t.req('GET', '/v1/sessions?active=true')).body.items).toEqual([]);
    const events = (await t.req('GET', '/v1/events?type=session.idle_timeout')).body.items;
    expect(events).toHaveLength(2);
    expect(events.find((e: { aggregateId: string }) => e.aggregateId === session.id)).toMatchObject({ data: { cause: 'policy_loosened' } });
  });

  it('Looker user sessions and Dynatrace userSessions list nothing', async () => {
    const looker = await t.req('GET', `/api/4.0/users/${userId}/sessions`, undefined, { token: null, headers: { authorization: `token ${BOOTSTRAP}` } });
    expect(looker.status, looker.raw).toBe(200);
    expect(looker.body).toEqual([]);
    const dt = await t.req('GET', `/api/cluster/v2/userSessions?userId=${userId}`, undefined, {
      token: null,
      headers: { authorization: `Api-Token ${BOOTSTRAP}` },
    });
    expect(dt.status, dt.raw).toBe(200);
    expect(JSON.stringify(dt.body)).not.toContain(session.id);
  });

  it('LogScale sessions: not among the active ones', async () => {
    const q = (only: boolean) => `{ sessions(limit: 10, skip: 0, onlyActiveSessions: ${only}, level: Organization) { totalResults results { id } } }`;
    const active = await t.req('POST', '/graphql', { query: q(true) });
    expect(active.status, active.raw).toBe(200);
    expect(active.body.data.sessions).toEqual({ totalResults: 0, results: [] });
  });

  it('ZITADEL: expirationDate in the past', async () => {
    const one = await t.req('GET', `/v2/sessions/${zitadelId}`);
    expect(one.status, one.raw).toBe(200);
    expect(Date.parse(one.body.session.expirationDate)).toBeLessThan(Date.now() - 200);
    const r = await t.req('POST', '/v2/sessions/search', { queries: [{ userIdQuery: { id: userId } }] });
    expect(r.status, r.raw).toBe(200);
    const found = (r.body.sessions as { id: string; expirationDate: string }[]).find((s) => s.id === zitadelId);
    expect(Date.parse(found?.expirationDate ?? '')).toBeLessThan(Date.now() - 200);
  });
});
