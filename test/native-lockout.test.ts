import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../src/config/config.js';
import { BOOTSTRAP, expectError, lockStorageWrites, startTestApp, storageOf, type TestApp } from './helpers.js';

// Lockout after repeated wrong passwords (src/core/lockout.ts) through the native API, on a real
// SQLite file (PostgreSQL + Redis on the postgres run): the policy fields, the user view, the
// events, the admin unlock, one answer for unknown / wrong / locked (bytes and time), and two
// nodes on one storage counting concurrent failures without losing any.

const PW = 'correct horse battery';
/** The sign-in rate limits (src/server/rate-limits.ts) are off here: these tests make many attempts on purpose. */
const NO_LIMITS: Partial<Config> = { signInRateLimitPerMinute: 0, signInAccountRateLimitPerMinute: 0, apiRateLimitPerMinute: 0 };

type Res = Awaited<ReturnType<TestApp['req']>>;

async function createUser(t: TestApp, loginName: string): Promise<string> {
  const r = await t.req('POST', '/v1/users', { loginName, password: PW });
  expect(r.status, r.raw).toBe(201);
  return r.body.id as string;
}
const signIn = (t: TestApp, loginName: string, password: string) => t.req('POST', '/v1/sessions', { loginName, password }, { token: null });
const userOf = async (t: TestApp, id: string) => (await t.req('GET', `/v1/users/${id}`)).body;
const eventsOf = async (t: TestApp, id: string, type: string) =>
  (await t.req('GET', `/v1/events?aggregateId=${id}&type=${type}&limit=500`)).body.items as { data: Record<string, unknown>; actor: string }[];

describe('lockout through the native API', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(NO_LIMITS);
  });
  afterAll(() => t.close());

  it('the policy has the lockout fields (GET/PATCH/PUT, validated per field, in the OpenAPI document)', async () => {
    expect((await t.req('GET', '/v1/policy')).body).toMatchObject({ maxFailedPasswordAttempts: 10, lockoutSeconds: 900 });
    const bad = await t.req('PATCH', '/v1/policy', { maxFailedPasswordAttempts: -1, lockoutSeconds: 1.5 });
    expectError(bad, 400, 'invalid_argument');
    expect(bad.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['lockoutSeconds', 'maxFailedPasswordAttempts']);
    expectError(await t.req('PATCH', '/v1/policy', { maxFailedPasswordAttempts: 10_001 }), 400, 'invalid_argument');
    const doc = (await t.req('GET', '/v1/openapi.json')).body;
    const text = JSON.stringify(doc);
    expect(text).toContain('maxFailedPasswordAttempts');
    expect(text).toContain('lockoutSeconds');
    expect(Object.keys(doc.paths)).toContain('/v1/users/{id}/unlock');
    expect(JSON.stringify(doc.paths['/v1/users/{id}'])).toContain('failedPasswordAttempts');
  });

  it('locks after the limit, shows it on the user and in events, refuses the right password, and unlocks by an admin', async () => {
    expect((await t.req('PATCH', '/v1/policy', { maxFailedPasswordAttempts: 3, lockoutSeconds: 0 })).status).toBe(200);
    try {
      const id = await createUser(t, 'hal');
      expect(await userOf(t, id)).toMatchObject({ locked: false, lockedUntil: null, failedPasswordAttempts: 0 });
      for (let i = 0; i < 3; i++) expectError(await signIn(t, 'hal', 'wrong-password'), 401, 'invalid_credentials');
      expect(await userOf(t, id)).toMatchObject({ locked: true, lockedUntil: null, failedPasswordAttempts: 3 });
      expectError(await signIn(t, 'hal', PW), 401, 'invalid_credentials');
      // The refused right password is counted too.
      expect((await userOf(t, id)).failedPasswordAttempts).toBe(4);
      expect(await eventsOf(t, id, 'user.locked')).toEqual([
        expect.objectContaining({ actor: 'anonymous', data: { failedPasswordAttempts: 3, lockedUntilMs: null, via: 'sign_in', ip: '127.0.0.1' } }),
      ]);
      // Unlocking needs users:write; unknown users are 404.
      const reader = (await t.req('POST', '/v1/credentials', { name: 'reader', permissions: ['users:read'] })).body.secret as string;
      expectError(await t.req('POST', `/v1/users/${id}/unlock`, undefined, { token: reader }), 403, 'permission_denied');
      expectError(await t.req('POST', `/v1/users/${id}/unlock`, undefined, { token: null }), 401, 'unauthenticated');
      expectError(await t.req('POST', '/v1/users/no-such-user/unlock'), 404, 'not_found');
      const un = await t.req('POST', `/v1/users/${id}/unlock`);
      expect(un.status, un.raw).toBe(204);
      expect(await userOf(t, id)).toMatchObject({ locked: false, lockedUntil: null, failedPasswordAttempts: 0 });
      expect(await eventsOf(t, id, 'user.unlocked')).toEqual([
        expect.objectContaining({ actor: 'credential:bootstrap', data: { wasLocked: true, failedPasswordAttempts: 4 } }),
      ]);
      expect((await signIn(t, 'hal', PW)).status).toBe(201);
    } finally {
      await t.req('PATCH', '/v1/policy', { maxFailedPasswordAttempts: 10, lockoutSeconds: 900 });
    }
  });

  it('a timed lock shows lockedUntil; a success resets the count; a wrong current password on a password change counts', async () => {
    expect((await t.req('PATCH', '/v1/policy', { maxFailedPasswordAttempts: 3, lockoutSeconds: 600 })).status).toBe(200);
    try {
      const id = await createUser(t, 'ida');
      const { token } = (await signIn(t, 'ida', PW)).body;
      for (let i = 0; i < 2; i++) await signIn(t, 'ida', 'wrong-password');
      expect((await userOf(t, id)).failedPasswordAttempts).toBe(2);
      expect((await signIn(t, 'ida', PW)).status).toBe(201);
      expect((await userOf(t, id)).failedPasswordAttempts).toBe(0);
      const change = (currentPassword: string) =>
        t.req('POST', '/v1/sessions/password', { token, currentPassword, newPassword: 'a new passphrase' }, { token: null });
      for (let i = 0; i < 3; i++) expectError(await change('wrong-password'), 401, 'invalid_credentials');
      const before = Date.now();
      const u = await userOf(t, id);
      expect(u).toMatchObject({ locked: true, failedPasswordAttempts: 3 });
      const until = Date.parse(u.lockedUntil);
      expect(until).toBeGreaterThan(before + 590_000);
      expect(until).toBeLessThanOrEqual(before + 600_000);
      expectError(await change(PW), 401, 'invalid_credentials');
      expectError(await signIn(t, 'ida', PW), 401, 'invalid_credentials');
      expect((await userOf(t, id)).failedPasswordAttempts).toBe(5);
      expect(await eventsOf(t, id, 'user.locked')).toEqual([
        expect.objectContaining({ actor: expect.stringMatching(/^session:/), data: expect.objectContaining({ via: 'password_change', lockedUntilMs: until }) }),
      ]);
    } finally {
      await t.req('PATCH', '/v1/policy', { maxFailedPasswordAttempts: 10, lockoutSeconds: 900 });
    }
  });

  it('a failure count or reset while another writer holds the lock past its timeout answers 503 unavailable, not 500', { timeout: 45_000 }, async () => {
    await createUser(t, 'held');
    expect((await signIn(t, 'held', 'wrong password')).status).toBe(401); // a count to reset below
    const unlock = await lockStorageWrites(t);
    const answers: Res[] = [];
    try {
      // Each runs one statement outside any transaction: the count, the unknown-name count, the reset.
      answers.push(await signIn(t, 'held', 'another wrong password'));
      answers.push(await signIn(t, 'nobody-at-all', 'whatever'));
      answers.push(await signIn(t, 'held', PW));
    } finally {
      await unlock();
    }
    for (const r of answers) expectError(r, 503, 'unavailable');
    expect((await signIn(t, 'held', PW)).status).toBe(201);
  });

  it('writes through Looker and LogScale keep the lockout fields (they map only their own)', async () => {
    expect((await t.req('PATCH', '/v1/policy', { maxFailedPasswordAttempts: 4, lockoutSeconds: 60 })).status).toBe(200);
    try {
      const looker = await t.req(
        'PATCH',
        '/api/4.0/session_config',
        { session_minutes: 240 },
        { token: null, headers: { authorization: `token ${BOOTSTRAP}` } },
      );
      expect(looker.status, looker.raw).toBe(200);
      const gql = await t.req('POST', '/graphql', {
        query: 'mutation { updateSessionSettings(input: {maxInactivityPeriod: 900000, forceReauthenticationAfter: 14400000}) { id } }',
      });
      expect(gql.status, gql.raw).toBe(200);
      expect((await t.req('GET', '/v1/policy')).body).toMatchObject({ maxLifetimeSeconds: 14_400, maxFailedPasswordAttempts: 4, lockoutSeconds: 60 });
    } finally {
      await t.req('PATCH', '/v1/policy', { maxFailedPasswordAttempts: 10, lockoutSeconds: 900, maxLifetimeSeconds: 43_200, idleTimeoutSeconds: 1_800 });
    }
  });
});

/** An answer without what must differ between two requests: the date and the request id. */
interface Answer {
  status: number;
  headers: string;
  body: string;
  ms: number;
}
async function post(url: string, body: unknown): Promise<Answer> {
  const started = performance.now();
  const res = await fetch(`${url}/v1/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await res.text();
  const ms = performance.now() - started;
  const requestId = res.headers.get('x-request-id') ?? '';
  expect(requestId).not.toBe('');
  const headers = [...res.headers.entries()]
    .filter(([k]) => k !== 'date' && k !== 'x-request-id')
    .map(([k, v]) => `${k}: ${v}`)
    .join('\n');
  return { status: res.status, headers, body: text.split(requestId).join('<request id>'), ms };
}
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const bytesOf = (a: Answer) => ({ status: a.status, headers: a.headers, body: a.body });

/**
 * Median answer times of two kinds of request, `n` of each, interleaved and alternating which goes
 * first so that drift in machine load hits both alike; `check` sees every round's answers. Another
 * process's burst of load can still skew one round, so up to three rounds are measured and the
 * first whose medians are within 20% is returned (else the last): a real difference in work, such
 * as a skipped password hash (~30 ms against ~1 ms), shows in every round.
 */
async function closeMedians(
  nameA: string,
  a: () => Promise<Answer>,
  nameB: string,
  b: () => Promise<Answer>,
  n: number,
  check: (as: Answer[], bs: Answer[]) => void,
): Promise<[number, number]> {
  let medians: [number, number] = [0, 0];
  for (let round = 0; round < 3; round++) {
    const as: Answer[] = [];
    const bs: Answer[] = [];
    for (let i = 0; i < n; i++) {
      if (i % 2) {
        as.push(await a());
        bs.push(await b());
      } else {
        bs.push(await b());
        as.push(await a());
      }
    }
    check(as, bs);
    medians = [median(as.map((x) => x.ms)), median(bs.map((x) => x.ms))];
    console.log(`[lockout] median sign-in answer: ${nameA} ${medians[0].toFixed(1)} ms, ${nameB} ${medians[1].toFixed(1)} ms`);
    if (Math.abs(medians[0] - medians[1]) / Math.min(...medians) < 0.2) break;
  }
  return medians;
}

describe('no enumeration: unknown login name, wrong password and locked account answer alike', () => {
  let t: TestApp & { url: string };
  beforeAll(async () => {
    // Real argon2id at the production cost (OWASP: 19 MiB, t=2), so the timing comparison means something.
    t = await startTestApp({ ...NO_LIMITS, argon2MemoryKiB: 19_456, argon2TimeCost: 2 }, { listen: true });
  });
  afterAll(() => t.close());

  it('the same bytes, and median times within 20%', async () => {
    // Wrong passwords are counted (a write each) but lock nobody during the measurement.
    expect((await t.req('PATCH', '/v1/policy', { maxFailedPasswordAttempts: 1000, lockoutSeconds: 0 })).status).toBe(200);
    await createUser(t, 'erin');
    const unknown = () => post(t.url, { loginName: 'nobody-here', password: 'wrong-password' });
    const wrong = () => post(t.url, { loginName: 'erin', password: 'wrong-password' });
    for (let i = 0; i < 3; i++) {
      await unknown(); // warm-up
      await wrong();
    }
    const first = await unknown();
    expect(first.status).toBe(401);
    expect(JSON.parse(first.body).error.code).toBe('invalid_credentials');
    let wrongCount = 3;
    const [mu, mw] = await closeMedians('unknown login', unknown, 'wrong password', wrong, 30, (u, w) => {
      for (const a of [...u, ...w]) expect(bytesOf(a)).toEqual(bytesOf(first));
      wrongCount += w.length;
    });
    expect(Math.abs(mu - mw) / Math.min(mu, mw)).toBeLessThan(0.2);
    expect((await t.req('GET', `/v1/users?search=erin`)).body.items[0].failedPasswordAttempts).toBe(wrongCount);

    // A locked account with the right password: the same bytes, in about the same time.
    expect((await t.req('PATCH', '/v1/policy', { maxFailedPasswordAttempts: 2 })).status).toBe(200);
    const fay = await createUser(t, 'fay');
    for (let i = 0; i < 2; i++) await post(t.url, { loginName: 'fay', password: 'wrong-password' });
    expect((await userOf(t, fay)).locked).toBe(true);
    const locked = () => post(t.url, { loginName: 'fay', password: PW });
    const [mu2, ml] = await closeMedians('unknown login', unknown, 'locked with the right password', locked, 20, (_, l) => {
      for (const a of l) expect(bytesOf(a)).toEqual(bytesOf(first));
    });
    expect(Math.abs(mu2 - ml) / Math.min(mu2, ml)).toBeLessThan(0.2);
  }, 120_000);
});

describe('two nodes on one storage', () => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    a = await startTestApp(NO_LIMITS);
    // The policy before the second node starts, so it reads it at start.
    expect((await a.req('PATCH', '/v1/policy', { maxFailedPasswordAttempts: 5, lockoutSeconds: 0 })).status).toBe(200);
    b = await startTestApp({ ...NO_LIMITS, ...storageOf(a) });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('20 concurrent wrong passwords spread over both: every one counted, locked once at the limit', async () => {
    const id = await createUser(a, 'gus');
    const answers: Res[] = await Promise.all(Array.from({ length: 20 }, (_, i) => signIn(i % 2 ? b : a, 'gus', `wrong-password-${i}`)));
    for (const r of answers) expectError(r, 401, 'invalid_credentials');
    expect(await userOf(b, id)).toMatchObject({ locked: true, lockedUntil: null, failedPasswordAttempts: 20 });
    const locked = await eventsOf(a, id, 'user.locked');
    expect(locked).toHaveLength(1);
    expect(locked[0]?.data.failedPasswordAttempts).toBe(5);
    expectError(await signIn(a, 'gus', PW), 401, 'invalid_credentials');
    expectError(await signIn(b, 'gus', PW), 401, 'invalid_credentials');
    // Unlocked through one node, the other lets the right password in.
    expect((await b.req('POST', `/v1/users/${id}/unlock`)).status).toBe(204);
    expect((await signIn(a, 'gus', PW)).status).toBe(201);
  });
});
