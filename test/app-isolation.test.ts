import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, expectError, startTestApp, type TestApp } from './helpers.js';

// Two apps in one process (createApp twice, through startTestApp), each on its own storage (its
// own SQLite directory, or its own PostgreSQL database and Redis prefix) and with its own config:
// nothing one of them holds may show in the other. Sessions, policies, events, metrics and rate
// limits all belong to the app, none to the module.

const PW = 'correct horse battery';

/** Counts one sample of a Prometheus text (labels given must match, the rest any; summed). */
function sample(text: string, name: string, labels: Record<string, string>): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    const m = /^(\w+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (m?.[1] !== name) continue;
    const has = Object.entries(labels).every(([k, v]) => (m[2] ?? '').includes(`${k}="${v}"`));
    if (has) sum += Number(m[3]);
  }
  return sum;
}

describe('two apps in one process share nothing', () => {
  let one: TestApp;
  let two: TestApp;

  const signIn = (t: TestApp, loginName = 'alice') => t.req('POST', '/v1/sessions', { loginName, password: PW }, { token: null });
  const metrics = async (t: TestApp) => (await t.raw('GET', '/metrics')).raw;

  beforeAll(async () => {
    // Different configs: only the second limits sign-ins per client address.
    one = await startTestApp();
    two = await startTestApp({ signInRateLimitPerMinute: 3 });
    for (const t of [one, two]) expect((await t.req('POST', '/v1/users', { loginName: 'alice', password: PW })).status).toBe(201);
  });
  afterAll(async () => {
    await one?.close();
    await two?.close();
  });

  it('a token issued by one app is unknown to the other', async () => {
    const s = await signIn(one);
    expect(s.status).toBe(201);
    expect((await one.req('POST', '/v1/sessions/introspect', { token: s.body.token }, { token: null })).body).toMatchObject({ active: true });
    expect((await two.req('POST', '/v1/sessions/introspect', { token: s.body.token }, { token: null })).body).toEqual({ active: false, reason: 'unknown' });
    expectError(await two.req('GET', `/v1/sessions/${s.body.session.id}`), 404, 'not_found');
  });

  it('a user and its events exist only in the app that created them', async () => {
    const bob = await one.req('POST', '/v1/users', { loginName: 'bob', password: PW });
    expect(bob.status).toBe(201);
    expectError(await two.req('GET', `/v1/users/${bob.body.id}`), 404, 'not_found');
    expectError(await signIn(two, 'bob'), 401, 'invalid_credentials');
    const events = await two.req('GET', `/v1/events?aggregateId=${bob.body.id}`);
    expect(events.status).toBe(200);
    expect(events.body.items).toEqual([]);
  });

  it('a policy change on one app does not bite on the other', async () => {
    expect((await one.req('PATCH', '/v1/policy', { userSessionLimit: 1, onLimit: 'deny_new', idleTimeoutSeconds: 60 })).status).toBe(200);
    try {
      expect((await two.req('GET', '/v1/policy')).body).toEqual(DEFAULT_POLICY);
      // At one's limit (alice holds a session there), one refuses the next sign-in; two does not.
      expectError(await signIn(one), 409, 'session_limit_reached');
      const a = await signIn(two);
      const b = await signIn(two);
      expect([a.status, b.status]).toEqual([201, 201]);
      expect(Date.parse(b.body.session.idleExpiresAt) - Date.parse(b.body.session.createdAt)).toBe(DEFAULT_POLICY.idleTimeoutSeconds * 1000);
    } finally {
      expect((await one.req('PUT', '/v1/policy', DEFAULT_POLICY)).status).toBe(200);
    }
  });

  it("the metrics of one app do not count the other's requests", async () => {
    const before = { one: await metrics(one), two: await metrics(two) };
    const route = '/v1/users/:id';
    for (let i = 0; i < 3; i++) expectError(await two.req('GET', '/v1/users/no-such-user'), 404, 'not_found');
    const after = { one: await metrics(one), two: await metrics(two) };
    const delta = (k: 'one' | 'two') =>
      sample(after[k], 'sessiond_http_requests_total', { route, status: '404' }) - sample(before[k], 'sessiond_http_requests_total', { route, status: '404' });
    expect(delta('two')).toBe(3);
    expect(delta('one')).toBe(0);
  });

  it("one app's sign-in rate limit (its own config) does not limit the other", async () => {
    const from = (t: TestApp) =>
      t.raw('POST', '/v1/sessions', {
        body: { loginName: 'nobody', password: PW },
        headers: { 'content-type': 'application/json' },
        remoteAddress: '198.51.100.7',
      });
    const statuses = { one: [] as number[], two: [] as number[] };
    for (let i = 0; i < 4; i++) {
      statuses.two.push((await from(two)).status);
      statuses.one.push((await from(one)).status);
    }
    expect(statuses.two).toEqual([401, 401, 401, 429]);
    expect(statuses.one).toEqual([401, 401, 401, 401]);
  });
});
