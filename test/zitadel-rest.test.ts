import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers.js';

// The REST mapping of the ZITADEL SessionService (/v2/sessions), with the seed's JSON shapes.

const PW = 'correct horse battery';
const ERROR_DETAIL = 'type.googleapis.com/zitadel.v1.ErrorDetail';

type Res = Awaited<ReturnType<TestApp['req']>>;

function expectZitadelError(r: Res, status: number, code: number, contains?: string) {
  expect(r.status, r.raw).toBe(status);
  expect(Object.keys(r.body).sort()).toEqual(['code', 'details', 'message']);
  expect(r.body.code).toBe(code);
  expect(typeof r.body.message).toBe('string');
  expect(r.body.details).toHaveLength(1);
  expect(r.body.details[0]['@type']).toBe(ERROR_DETAIL);
  expect(typeof r.body.details[0].id).toBe('string');
  expect(r.body.details[0].message).toBe(r.body.message);
  if (contains) expect(r.body.message).toContain(contains);
}

describe('ZITADEL REST /v2/sessions', () => {
  let t: TestApp & { url: string };
  let secret: string;
  let roSecret: string;
  let userId: string;
  const as = (token: string | null) => ({ token });

  beforeAll(async () => {
    t = await startTestApp({}, { listen: true });
    secret = (await t.req('POST', '/v1/credentials', { name: 'ui', permissions: ['sessions:read', 'sessions:write'] })).body.secret;
    roSecret = (await t.req('POST', '/v1/credentials', { name: 'ro', permissions: ['sessions:read'] })).body.secret;
    userId = (await t.req('POST', '/v1/users', { loginName: 'erin', password: PW, displayName: 'Erin' })).body.id;
  });
  afterAll(() => t.close());

  it('creates (201), updates with the seed body, gets, searches and deletes', async () => {
    const c = await t.req(
      'POST',
      '/v2/sessions',
      { checks: { user: { loginName: 'erin' } }, metadata: { app: Buffer.from('shop').toString('base64') }, lifetime: '18000s' },
      as(secret),
    );
    expect(c.status, c.raw).toBe(201);
    expect(Object.keys(c.body).sort()).toEqual(['details', 'sessionId', 'sessionToken']);
    expect(c.body.details.sequence).toBe('1'); // uint64 as a decimal string
    expect(c.body.details.resourceOwner).toBe('default');
    expect(c.body.details.changeDate).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    const id = c.body.sessionId as string;

    // The seed's request body: sessionToken (ignored), checks.user + checks.password, metadata.
    const u = await t.req(
      'PATCH',
      `/v2/sessions/${id}`,
      { sessionToken: c.body.sessionToken, checks: { user: { userId }, password: { password: PW } }, metadata: { app: '' } },
      as(secret),
    );
    expect(u.status, u.raw).toBe(200);
    expect(Object.keys(u.body).sort()).toEqual(['details', 'sessionToken']);
    expect(Object.keys(u.body.details).sort()).toEqual(['changeDate', 'creationDate', 'resourceOwner', 'sequence']);
    expect(u.body.details.sequence).toBe('2');
    expect(u.body.sessionToken).not.toBe(c.body.sessionToken);

    const g = await t.req('GET', `/v2/sessions/${id}?sessionToken=${u.body.sessionToken}`, undefined, as(roSecret));
    expect(g.status, g.raw).toBe(200);
    const s = g.body.session;
    expect(s.id).toBe(id);
    expect(s.sequence).toBe('2');
    expect(s.factors.user).toMatchObject({ id: userId, loginName: 'erin', displayName: 'Erin', organizationId: 'default' });
    expect(typeof s.factors.user.verifiedAt).toBe('string');
    expect(typeof s.factors.password.verifiedAt).toBe('string');
    expect(s.metadata).toBeUndefined(); // the only key was deleted by empty bytes
    expect(Date.parse(s.expirationDate) - Date.parse(s.creationDate)).toBeGreaterThanOrEqual(18_000_000 - 1_000);
    expect(s.userAgent.ip).toBe('127.0.0.1');

    const wrongToken = await t.req('GET', `/v2/sessions/${id}?sessionToken=${c.body.sessionToken}`, undefined, as(secret));
    expectZitadelError(wrongToken, 403, 7);

    const search = await t.req(
      'POST',
      '/v2/sessions/search',
      { query: { offset: '0', limit: 10, asc: true }, queries: [{ userIdQuery: { id: userId } }], sortingColumn: 'SESSION_FIELD_NAME_CREATION_DATE' },
      as(secret),
    );
    expect(search.status, search.raw).toBe(200);
    expect(search.body.details.totalResult).toBe('1');
    expect(search.body.sessions.map((x: { id: string }) => x.id)).toEqual([id]);
    const empty = await t.req('POST', '/v2/sessions/search', {}, as(secret));
    expect(empty.status).toBe(200);
    expect(empty.body.sessions).toHaveLength(1);

    // Read back through /v1.
    const native = await t.req('GET', `/v1/sessions/${id}`);
    expect(native.status, native.raw).toBe(200);
    expect(native.body.userId ?? native.body.session?.userId).toBe(userId);

    const d = await t.req('DELETE', `/v2/sessions/${id}`, undefined, as(secret));
    expect(d.status, d.raw).toBe(200);
    expect(d.body.details.sequence).toBe('3');
    expectZitadelError(await t.req('GET', `/v2/sessions/${id}`, undefined, as(secret)), 404, 5);
    const again = await t.req('DELETE', `/v2/sessions/${id}`, { sessionToken: u.body.sessionToken }, as(secret));
    expect(again.status, again.raw).toBe(200);
  });

  it("answers 401, 403 and 404 in ZITADEL's error shape", async () => {
    expectZitadelError(await t.req('POST', '/v2/sessions/search', {}, as(null)), 401, 16);
    expectZitadelError(await t.req('POST', '/v2/sessions/search', {}, as('bogus-secret-0123456789abcdefghij')), 401, 16);
    const denied = await t.req('POST', '/v2/sessions', { checks: { user: { userId } } }, as(roSecret));
    expectZitadelError(denied, 403, 7, 'sessions:write');
    expectZitadelError(await t.req('GET', '/v2/sessions/does-not-exist', undefined, as(secret)), 404, 5);
    expectZitadelError(await t.req('PATCH', '/v2/sessions/does-not-exist', { metadata: { a: 'AQ==' } }, as(secret)), 404, 5);
    expectZitadelError(await t.req('POST', '/v2/sessions', { checks: { user: { loginName: 'nobody' } } }, as(secret)), 404, 5);
    expectZitadelError(await t.req('GET', '/v2/sessions/a/b/c', undefined, as(secret)), 404, 5);
  });

  it('answers 412 for a password without a usable user and for a locked user; 400 for a user change', async () => {
    const other = (await t.req('POST', '/v1/users', { loginName: 'frank', password: PW })).body.id;
    const c = await t.req('POST', '/v2/sessions', { checks: { user: { userId } } }, as(secret));
    expect(c.status).toBe(201);
    expectZitadelError(
      await t.req('PATCH', `/v2/sessions/${c.body.sessionId}`, { checks: { user: { userId: other } } }, as(secret)),
      400,
      3,
      'user change not possible',
    );
    expectZitadelError(await t.req('PATCH', `/v2/sessions/${c.body.sessionId}`, { checks: { password: { password: 'wrong-password' } } }, as(secret)), 400, 3);
    // A disabled user is refused with FailedPrecondition.
    expect((await t.req('PATCH', `/v1/users/${other}`, { disabled: true })).status).toBe(200);
    expectZitadelError(await t.req('POST', '/v2/sessions', { checks: { user: { userId: other } } }, as(secret)), 412, 9);
  });

  it('lockout follows the policy: a successful password check resets the count of failures', async () => {
    // The one rule of core/lockout.ts, with the policy's limit (set low here).
    const LOCKOUT_THRESHOLD = 4;
    expect((await t.req('PATCH', '/v1/policy', { maxFailedPasswordAttempts: LOCKOUT_THRESHOLD, lockoutSeconds: 0 })).status).toBe(200);
    const gil = (await t.req('POST', '/v1/users', { loginName: 'gil', password: PW })).body.id;
    const c = await t.req('POST', '/v2/sessions', { checks: { user: { userId: gil } } }, as(secret));
    const fail = async () =>
      expectZitadelError(
        await t.req('PATCH', `/v2/sessions/${c.body.sessionId}`, { checks: { password: { password: 'wrong-password' } } }, as(secret)),
        400,
        3,
      );
    for (let i = 0; i < LOCKOUT_THRESHOLD - 1; i++) await fail();
    const ok = await t.req('PATCH', `/v2/sessions/${c.body.sessionId}`, { checks: { password: { password: PW } } }, as(secret));
    expect(ok.status, ok.raw).toBe(200);
    for (let i = 0; i < LOCKOUT_THRESHOLD - 1; i++) await fail();
    expect((await t.req('PATCH', `/v2/sessions/${c.body.sessionId}`, { checks: { password: { password: PW } } }, as(secret))).status).toBe(200);
    for (let i = 0; i < LOCKOUT_THRESHOLD; i++) await fail();
    expectZitadelError(await t.req('PATCH', `/v2/sessions/${c.body.sessionId}`, { checks: { password: { password: PW } } }, as(secret)), 412, 9, 'locked');
    // Counted on the user (the wrong ones since the last success, and the right one refused while locked); the lock is an event.
    expect((await t.req('GET', `/v1/users/${gil}`)).body).toMatchObject({ locked: true, lockedUntil: null, failedPasswordAttempts: LOCKOUT_THRESHOLD + 1 });
    const ev = await t.req('GET', `/v1/events?type=user.locked&aggregateId=${gil}`);
    expect(ev.body.items).toEqual([
      expect.objectContaining({
        actor: expect.stringMatching(/^credential:/),
        data: expect.objectContaining({ via: 'session_check', failedPasswordAttempts: LOCKOUT_THRESHOLD }),
      }),
    ]);
    // An administrator's unlock lets the right password through again.
    expect((await t.req('POST', `/v1/users/${gil}/unlock`)).status).toBe(204);
    expect((await t.req('PATCH', `/v2/sessions/${c.body.sessionId}`, { checks: { password: { password: PW } } }, as(secret))).status).toBe(200);
    expect((await t.req('PATCH', '/v1/policy', { maxFailedPasswordAttempts: 10, lockoutSeconds: 900 })).status).toBe(200);
  });

  it('answers 501 for checks sessiond does not support', async () => {
    for (const checks of [
      { totp: { code: '1' } },
      { otpSms: {} },
      { otpEmail: { code: '1' } },
      { webAuthN: { credentialAssertionData: {} } },
      { idpIntent: { idpIntentId: 'a' } },
    ]) {
      const r = await t.req('POST', '/v2/sessions', { checks: { user: { userId }, ...checks } }, as(secret));
      expectZitadelError(r, 501, 12, 'not supported');
    }
  });

  it('never answers a 5xx to bad input, and changes nothing', async () => {
    const long = 'x'.repeat(201);
    const before = (await t.req('POST', '/v2/sessions/search', {}, as(secret))).body.details.totalResult;
    const cases: [string, string, unknown][] = [
      ['POST', '/v2/sessions', { checks: { user: { loginName: long } } }],
      ['POST', '/v2/sessions', { checks: { user: { loginName: '' } } }],
      ['POST', '/v2/sessions', { checks: { user: { userId: 42 } } }],
      ['POST', '/v2/sessions', { checks: { user: { userId } }, unknownField: true }],
      ['POST', '/v2/sessions', { checks: { user: { userId } }, lifetime: '0s' }],
      ['POST', '/v2/sessions', { checks: { user: { userId } }, lifetime: '-5s' }],
      ['POST', '/v2/sessions', { checks: { user: { userId } }, lifetime: 'soon' }],
      ['POST', '/v2/sessions', { checks: { user: { userId } }, metadata: { a: 'not base64!!' } }],
      ['POST', '/v2/sessions', { checks: { user: { userId } }, metadata: 'nope' }],
      ['POST', '/v2/sessions', { checks: { user: {} } }],
      ['POST', '/v2/sessions', {}],
      ['POST', '/v2/sessions', []],
      ['POST', '/v2/sessions', 'null'],
      ['POST', '/v2/sessions', '{"checks": '],
      ['POST', '/v2/sessions', ''],
      ['POST', '/v2/sessions/search', { query: { limit: 1e30 } }],
      ['POST', '/v2/sessions/search', { query: { offset: '-1' } }],
      ['POST', '/v2/sessions/search', { query: { limit: 5000 } }],
      ['POST', '/v2/sessions/search', { queries: [{ idsQuery: { ids: [long] } }] }],
      ['POST', '/v2/sessions/search', { queries: [{ userIdQuery: { id: '' } }] }],
      ['POST', '/v2/sessions/search', { queries: [{ creationDateQuery: { creationDate: 'yesterday' } }] }],
      ['POST', '/v2/sessions/search', { queries: [{}] }],
      ['POST', '/v2/sessions/search', { sortingColumn: 'NOPE' }],
      ['PATCH', '/v2/sessions/some-id', { checks: { password: { password: long } } }],
      ['PATCH', '/v2/sessions/some-id', { sessionToken: long }],
      ['PATCH', '/v2/sessions/some-id', { checks: 5 }],
      ['GET', `/v2/sessions/some-id?sessionToken=${long}`, undefined],
    ];
    for (const [method, url, body] of cases) {
      const r = await t.req(method, url, body, as(secret));
      expect(r.status, `${method} ${url} ${JSON.stringify(body)}: ${r.raw}`).toBeGreaterThanOrEqual(400);
      expect(r.status, `${method} ${url} ${JSON.stringify(body)}: ${r.raw}`).toBeLessThan(500);
      expect(r.body.code, r.raw).not.toBe(13);
      expect(r.body.details?.[0]?.['@type'], r.raw).toBe(ERROR_DETAIL);
    }
    // Every one of them was InvalidArgument except the unknown session (404).
    const after = (await t.req('POST', '/v2/sessions/search', {}, as(secret))).body.details.totalResult;
    expect(after).toBe(before);
  });
});
