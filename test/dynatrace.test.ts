import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, lockStorageWrites, startTestApp, type TestApp } from './helpers.js';

// The Dynatrace Managed cluster API v2 surface (/api/cluster/v2) over a real app on a real
// SQLite file (PostgreSQL + Redis on the postgres run). Seeds: dynatrace-get/update-cluster-user-sessions.txt; docs/compat-dynatrace.md.

const PW = 'correct horse battery';
const CONFIG = '/api/cluster/v2/clusterConfig/userSessions';
const SESSIONS = '/api/cluster/v2/userSessions';
const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';

// The seed's examples, byte for byte (the docs render them with spaces; the wire has none).
const SEED_PUT_BODY =
  '{"concurrentSessionPolicyDto":{"userLimit":3,"adminLimit":5},"automaticLogoutDto":{"logoutInactiveUsersEnabled":true,"userInactivityTimeout":900}}';
const SEED_CURL_BODY =
  '{"concurrentSessionPolicyDto":{"userLimit":0,"adminLimit":0},"automaticLogoutDto":{"logoutInactiveUsersEnabled":true,"userInactivityTimeout":900}}';
const SEED_GET_RESPONSE =
  '{"concurrentSessionPolicyDto":{"userLimit":2,"adminLimit":5},"automaticLogoutDto":{"logoutInactiveUsersEnabled":true,"userInactivityTimeout":900}}';

type Body = Record<string, unknown>;
const valid = (): { concurrentSessionPolicyDto: Body; automaticLogoutDto: Body } & Body => ({
  concurrentSessionPolicyDto: { userLimit: 4, adminLimit: 6 },
  automaticLogoutDto: { logoutInactiveUsersEnabled: true, userInactivityTimeout: 1200 },
});

interface Res {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON answers
  body: any;
  raw: string;
  headers: Record<string, unknown>;
}

describe('Dynatrace cluster API v2', () => {
  let t: TestApp;
  let sp: string; // ServiceProviderAPI
  let sess: string; // sessions:read + sessions:write
  beforeAll(async () => {
    t = await startTestApp();
    sp = await credentialWith(['ServiceProviderAPI']);
    sess = await credentialWith(['sessions:read', 'sessions:write']);
  });
  afterAll(() => t.close());

  async function credentialWith(permissions: string[], organizationId?: string) {
    const r = await t.req('POST', '/v1/credentials', { name: 'dt', permissions, ...(organizationId ? { organizationId } : {}) });
    expect(r.status, r.raw).toBe(201);
    return r.body.secret as string;
  }

  /** A request as a Dynatrace client sends it: `Authorization: Api-Token <secret>`. */
  async function dt(method: string, url: string, o: { token?: string | null; body?: unknown; headers?: Record<string, string> } = {}): Promise<Res> {
    const token = o.token === undefined ? sp : o.token;
    const headers: Record<string, string> = { accept: 'application/json', ...(token ? { authorization: `Api-Token ${token}` } : {}) };
    if (o.body !== undefined) headers['content-type'] = 'application/json';
    Object.assign(headers, o.headers);
    return t.raw(method, url, { body: o.body, headers });
  }

  const policy = async () => {
    const r = await t.req('GET', '/v1/policy');
    expect(r.status).toBe(200);
    return r.body;
  };
  const policyEvents = async () => (await t.req('GET', '/v1/events?type=policy.changed&limit=1000')).body.items.length as number;
  const put = (body: unknown, o: { token?: string | null; headers?: Record<string, string> } = {}) => dt('PUT', CONFIG, { ...o, body });

  /** Dynatrace's envelope with exactly these violations (all in the body unless told). */
  function expectViolations(r: Res, violations: [path: string, message: string | RegExp][], where = 'PAYLOAD_BODY') {
    expect(r.status, r.raw).toBe(400);
    expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(Object.keys(r.body)).toEqual(['error']);
    expect(r.body.error.code).toBe(400);
    expect(r.body.error.message).toBe('Constraints violated.');
    const got = [...r.body.error.constraintViolations].sort((a: { path: string }, b: { path: string }) => a.path.localeCompare(b.path));
    const want = [...violations].sort((a, b) => a[0].localeCompare(b[0]));
    expect(got).toHaveLength(want.length);
    want.forEach(([path, message], i) => {
      expect(got[i]).toEqual({ path, message: expect.any(String), parameterLocation: where, location: null });
      if (typeof message === 'string') expect(got[i].message).toBe(message);
      else expect(got[i].message).toMatch(message);
    });
  }

  /** Dynatrace's envelope without violations. */
  function expectEnvelope(r: Res, status: number, message?: string | RegExp) {
    expect(r.status, r.raw).toBe(status);
    expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(r.body).toEqual({ error: { code: status, message: expect.any(String) } });
    if (typeof message === 'string') expect(r.body.error.message).toBe(message);
    else if (message) expect(r.body.error.message).toMatch(message);
  }

  describe('GET and PUT /clusterConfig/userSessions', () => {
    it('GET answers the defaults in the seed shape (logout on at the 30-minute idle timeout, no limits)', async () => {
      const r = await dt('GET', CONFIG);
      expect(r.status, r.raw).toBe(200);
      expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(r.raw).toBe(
        '{"concurrentSessionPolicyDto":{"userLimit":0,"adminLimit":0},"automaticLogoutDto":{"logoutInactiveUsersEnabled":true,"userInactivityTimeout":1800}}',
      );
    });

    it("PUT with the seed's example request answers 204; GET and /v1/policy read it back", async () => {
      const r = await put(SEED_PUT_BODY, { headers: { accept: '*/*' } });
      expect(r.status, r.raw).toBe(204);
      expect(r.raw).toBe('');
      expect((await dt('GET', CONFIG)).raw).toBe(SEED_PUT_BODY);
      expect(await policy()).toEqual({ ...DEFAULT_POLICY, userSessionLimit: 3, adminSessionLimit: 5, idleTimeoutSeconds: 900 });
      const ev = await t.req('GET', '/v1/events?type=policy.changed');
      expect(ev.body.items.at(-1)).toMatchObject({
        actor: expect.stringMatching(/^credential:/),
        data: { changes: { userSessionLimit: { from: 0, to: 3 }, adminSessionLimit: { from: 0, to: 5 }, idleTimeoutSeconds: { from: 1800, to: 900 } } },
      });
    });

    it("the seed's curl (Content-Type: */*, both limits 0) is accepted", async () => {
      const r = await put(SEED_CURL_BODY, { headers: { accept: '*/*', 'content-type': '*/*' } });
      expect(r.status, r.raw).toBe(204);
      expect((await dt('GET', CONFIG)).raw).toBe(SEED_CURL_BODY);
      expect(await policy()).toMatchObject({ userSessionLimit: 0, adminSessionLimit: 0, idleTimeoutSeconds: 900 });
    });

    it("a /v1 PATCH reads back through GET as the seed's example response, byte for byte", async () => {
      const p = await t.req('PATCH', '/v1/policy', { userSessionLimit: 2, adminSessionLimit: 5, idleTimeoutSeconds: 900 });
      expect(p.status, p.raw).toBe(200);
      const r = await dt('GET', CONFIG, { headers: { accept: 'application/json' } });
      expect(r.status).toBe(200);
      expect(r.raw).toBe(SEED_GET_RESPONSE);
    });

    it('logout off stores idle 0 (the given timeout is not kept); GET shows false and 0, and PUT takes that back', async () => {
      const off = valid();
      off.automaticLogoutDto = { logoutInactiveUsersEnabled: false, userInactivityTimeout: 900 };
      expect((await put(off)).status).toBe(204);
      expect(await policy()).toMatchObject({ userSessionLimit: 4, adminSessionLimit: 6, idleTimeoutSeconds: 0 });
      const got = await dt('GET', CONFIG);
      expect(got.body).toEqual({
        concurrentSessionPolicyDto: { userLimit: 4, adminLimit: 6 },
        automaticLogoutDto: { logoutInactiveUsersEnabled: false, userInactivityTimeout: 0 },
      });
      // A client that writes back what it read (read-modify-write) is accepted.
      expect((await put(got.raw)).status).toBe(204);
      expect(await policy()).toMatchObject({ idleTimeoutSeconds: 0 });
      // The native idle timeout 0 reads as logout off too.
      await t.req('PATCH', '/v1/policy', { idleTimeoutSeconds: 0, userSessionLimit: 7 });
      expect((await dt('GET', CONFIG)).body.automaticLogoutDto).toEqual({ logoutInactiveUsersEnabled: false, userInactivityTimeout: 0 });
    });

    it('PUT changes only the limits and the idle timeout; the other canonical fields stay', async () => {
      await t.req('PUT', '/v1/policy', {
        ...DEFAULT_POLICY,
        maxLifetimeSeconds: 3600,
        onLimit: 'deny_new',
        allowPersistentSessions: true,
        trackLocation: false,
        maxFailedPasswordAttempts: 3,
        lockoutSeconds: 0,
      });
      expect((await put(valid())).status).toBe(204);
      expect(await policy()).toEqual({
        maxLifetimeSeconds: 3600,
        idleTimeoutSeconds: 1200,
        userSessionLimit: 4,
        adminSessionLimit: 6,
        onLimit: 'deny_new',
        allowPersistentSessions: true,
        trackLocation: false,
        maxFailedPasswordAttempts: 3,
        lockoutSeconds: 0,
      });
      await t.req('PUT', '/v1/policy', { ...DEFAULT_POLICY });
    });

    it('accepts the bounds: limits 0 together or 1..100000, timeout 1..315360000', async () => {
      const hi = {
        concurrentSessionPolicyDto: { userLimit: 100_000, adminLimit: 1 },
        automaticLogoutDto: { logoutInactiveUsersEnabled: true, userInactivityTimeout: 315_360_000 },
      };
      expect((await put(hi)).status).toBe(204);
      expect(await policy()).toMatchObject({ userSessionLimit: 100_000, adminSessionLimit: 1, idleTimeoutSeconds: 315_360_000 });
      const lo = {
        concurrentSessionPolicyDto: { userLimit: 1, adminLimit: 100_000 },
        automaticLogoutDto: { logoutInactiveUsersEnabled: true, userInactivityTimeout: 1 },
      };
      expect((await put(lo)).status).toBe(204);
      expect(await policy()).toMatchObject({ userSessionLimit: 1, adminSessionLimit: 100_000, idleTimeoutSeconds: 1 });
    });

    it('a limit written through Dynatrace is enforced at sign-in (oldest session evicted)', async () => {
      await t.req('POST', '/v1/users', { loginName: 'limited', password: PW });
      const body = valid();
      body.concurrentSessionPolicyDto = { userLimit: 1, adminLimit: 1 };
      expect((await put(body)).status).toBe(204);
      const first = await t.req('POST', '/v1/sessions', { loginName: 'limited', password: PW }, { token: null });
      const second = await t.req('POST', '/v1/sessions', { loginName: 'limited', password: PW }, { token: null });
      expect(second.status).toBe(201);
      expect((await t.req('POST', '/v1/sessions/introspect', { token: first.body.token }, { token: null })).body).toEqual({ active: false, reason: 'evicted' });
      expect((await t.req('POST', '/v1/sessions/introspect', { token: second.body.token }, { token: null })).body.active).toBe(true);
    });
  });

  describe('400: wrong parameters, never a 5xx, the policy unchanged', () => {
    let before: unknown;
    let events: number;
    beforeAll(async () => {
      expect((await put(valid())).status).toBe(204);
    });

    const cases: [name: string, body: () => unknown, violations: [string, string | RegExp][]][] = [
      [
        'userLimit 0 with adminLimit above 0',
        () => ({ ...valid(), concurrentSessionPolicyDto: { userLimit: 0, adminLimit: 5 } }),
        [['concurrentSessionPolicyDto.adminLimit', 'must be 0 when userLimit is 0 (both limits 0 for unlimited sessions, or both above 0)']],
      ],
      [
        'adminLimit 0 with userLimit above 0',
        () => ({ ...valid(), concurrentSessionPolicyDto: { userLimit: 3, adminLimit: 0 } }),
        [['concurrentSessionPolicyDto.userLimit', 'must be 0 when adminLimit is 0 (both limits 0 for unlimited sessions, or both above 0)']],
      ],
      [
        'negative numbers',
        () => ({
          concurrentSessionPolicyDto: { userLimit: -1, adminLimit: -5 },
          automaticLogoutDto: { logoutInactiveUsersEnabled: true, userInactivityTimeout: -900 },
        }),
        [
          ['concurrentSessionPolicyDto.userLimit', 'must be between 0 and 100000'],
          ['concurrentSessionPolicyDto.adminLimit', 'must be between 0 and 100000'],
          ['automaticLogoutDto.userInactivityTimeout', 'must be between 0 and 315360000'],
        ],
      ],
      [
        'huge numbers',
        () => ({
          concurrentSessionPolicyDto: { userLimit: 1e30, adminLimit: 100_001 },
          automaticLogoutDto: { logoutInactiveUsersEnabled: true, userInactivityTimeout: 315_360_001 },
        }),
        [
          ['concurrentSessionPolicyDto.userLimit', 'must be between 0 and 100000'],
          ['concurrentSessionPolicyDto.adminLimit', 'must be between 0 and 100000'],
          ['automaticLogoutDto.userInactivityTimeout', 'must be between 0 and 315360000'],
        ],
      ],
      [
        'logout enabled with a timeout of 0',
        () => ({ ...valid(), automaticLogoutDto: { logoutInactiveUsersEnabled: true, userInactivityTimeout: 0 } }),
        [['automaticLogoutDto.userInactivityTimeout', 'must be at least 1 when logoutInactiveUsersEnabled is true']],
      ],
      [
        'both cross-field rules at once',
        () => ({
          concurrentSessionPolicyDto: { userLimit: 2, adminLimit: 0 },
          automaticLogoutDto: { logoutInactiveUsersEnabled: true, userInactivityTimeout: 0 },
        }),
        [
          ['concurrentSessionPolicyDto.userLimit', /must be 0 when adminLimit is 0/],
          ['automaticLogoutDto.userInactivityTimeout', /at least 1/],
        ],
      ],
      ['a missing object', () => ({ automaticLogoutDto: valid().automaticLogoutDto }), [['concurrentSessionPolicyDto', 'is required']]],
      [
        'both objects missing',
        () => ({}),
        [
          ['concurrentSessionPolicyDto', 'is required'],
          ['automaticLogoutDto', 'is required'],
        ],
      ],
      [
        'missing fields',
        () => ({ concurrentSessionPolicyDto: { userLimit: 1 }, automaticLogoutDto: { logoutInactiveUsersEnabled: true } }),
        [
          ['concurrentSessionPolicyDto.adminLimit', 'is required'],
          ['automaticLogoutDto.userInactivityTimeout', 'is required'],
        ],
      ],
      [
        'wrong types',
        () => ({
          concurrentSessionPolicyDto: { userLimit: '3', adminLimit: 2.5 },
          automaticLogoutDto: { logoutInactiveUsersEnabled: 'true', userInactivityTimeout: null },
        }),
        [
          ['concurrentSessionPolicyDto.userLimit', 'must be an integer'],
          ['concurrentSessionPolicyDto.adminLimit', 'must be an integer'],
          ['automaticLogoutDto.logoutInactiveUsersEnabled', 'must be a boolean'],
          ['automaticLogoutDto.userInactivityTimeout', 'must be an integer'],
        ],
      ],
      ['an object that is not an object', () => ({ ...valid(), automaticLogoutDto: [true, 900] }), [['automaticLogoutDto', 'must be an object']]],
      ['a body that is not an object', () => '[1,2]', [['body', 'must be an object']]],
      ['a JSON null body', () => 'null', [['body', 'must be an object']]],
      [
        'unknown fields, at the top and inside',
        () => ({ ...valid(), sessionTimeout: 5, concurrentSessionPolicyDto: { userLimit: 1, adminLimit: 1, guestLimit: 2 } }),
        [
          ['sessionTimeout', 'is not a known field'],
          ['concurrentSessionPolicyDto.guestLimit', 'is not a known field'],
        ],
      ],
    ];

    for (const [name, body, violations] of cases) {
      it(`${name}: 400 with one violation per bad field`, async () => {
        before = await policy();
        events = await policyEvents();
        expectViolations(await put(body()), violations);
        expect(await policy()).toEqual(before);
        expect(await policyEvents()).toBe(events);
      });
    }

    const plain: [name: string, send: () => Promise<Res>, status: number, message: RegExp][] = [
      ['bad JSON', () => put('{"concurrentSessionPolicyDto":{"userLimit":1,'), 400, /not valid JSON/],
      ['an empty body', () => put(''), 400, /empty/],
      ['no body and no content type', () => dt('PUT', CONFIG), 400, /./],
      ['a __proto__ key', () => put('{"__proto__":{"userLimit":1},"concurrentSessionPolicyDto":{"userLimit":1,"adminLimit":1}}'), 400, /not valid JSON/],
      ['text/plain', () => put(JSON.stringify(valid()), { headers: { 'content-type': 'text/plain' } }), 415, /application\/json/],
      ['a form body', () => put('a=1', { headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415, /application\/json/],
      ['a body over the limit', () => put(JSON.stringify({ ...valid(), pad: 'x'.repeat(70_000) })), 413, /too large/],
    ];
    for (const [name, send, status, message] of plain) {
      it(`${name}: ${status} in the envelope`, async () => {
        before = await policy();
        const r = await send();
        if (name === 'no body and no content type') {
          // Fastify hands the route no body at all: the schema names the body itself.
          expectViolations(r, [['body', /object/]]);
        } else {
          expectEnvelope(r, status, message);
        }
        expect(await policy()).toEqual(before);
      });
    }
  });

  describe('401, 403, 404', () => {
    it('401 without a credential, with an unknown one, or with an unusable header (and before looking at the body)', async () => {
      const before = await policy();
      for (const token of [null, 'not-a-real-secret-0123456789abcdefghijklmnop']) {
        expectEnvelope(await dt('GET', CONFIG, { token }), 401);
        expectEnvelope(await put('{bad json', { token }), 401);
        expectEnvelope(await dt('GET', `${SESSIONS}?userId=x`, { token }), 401);
        expectEnvelope(await dt('DELETE', SESSIONS, { token }), 401);
      }
      const missing = await dt('GET', CONFIG, { token: null });
      expect(missing.body.error.message).toBe('Missing authorization parameter.');
      expect(missing.headers['www-authenticate']).toBe('Api-Token');
      expectEnvelope(await dt('GET', CONFIG, { token: null, headers: { authorization: 'Api-Token' } }), 401, 'Token Authentication failed');
      expectEnvelope(await dt('GET', CONFIG, { token: null, headers: { authorization: 'Basic dXNlcjpwYXNz' } }), 401, 'Token Authentication failed');
      expect(await policy()).toEqual(before);
    });

    it('the secret is also taken as Bearer (CONTRACT §2)', async () => {
      expect((await dt('GET', CONFIG, { token: null, headers: { authorization: `Bearer ${sp}` } })).status).toBe(200);
    });

    it('403 without the permission, whatever the body', async () => {
      const before = await policy();
      const readOnly = await credentialWith(['session_config:read']);
      expect((await dt('GET', CONFIG, { token: readOnly })).status).toBe(200);
      expectEnvelope(
        await put(valid(), { token: readOnly }),
        403,
        "Token is missing required permission 'session_config:write' (granted by ServiceProviderAPI).",
      );
      expectEnvelope(await put('{bad', { token: readOnly }), 403);
      expectEnvelope(await dt('GET', CONFIG, { token: sess }), 403, /'session_config:read'/);
      expectEnvelope(await put(valid(), { token: sess }), 403);
      // ServiceProviderAPI grants the configuration only; the session calls need sessions:read/write.
      expectEnvelope(await dt('GET', `${SESSIONS}?userId=x`), 403, "Token is missing required permission 'sessions:read'.");
      expectEnvelope(await dt('DELETE', `${SESSIONS}?userId=x`), 403, "Token is missing required permission 'sessions:write'.");
      const readSessions = await credentialWith(['sessions:read']);
      expectEnvelope(await dt('DELETE', `${SESSIONS}?userId=x`, { token: readSessions }), 403);
      expect(await policy()).toEqual(before);
    });

    it('in the envelope: 404 for unknown paths, 405 with Allow for other methods of a path under /api/cluster/v2', async () => {
      expectEnvelope(await dt('GET', '/api/cluster/v2/clusterConfig/nope'), 404, 'no route GET /api/cluster/v2/clusterConfig/nope');
      expectEnvelope(await dt('GET', '/api/cluster/v2/'), 404);
      for (const method of ['POST', 'PATCH']) {
        const r = await dt(method, CONFIG, { body: valid() });
        expectEnvelope(r, 405, `${method} is not allowed on ${CONFIG}; allowed: GET, HEAD, PUT`);
        expect(r.headers.allow).toBe('GET, HEAD, PUT');
      }
      expectEnvelope(
        await dt('GET', '/api/cluster/v2/clusterConfig/userSessions/extra?x=1'),
        404,
        'no route GET /api/cluster/v2/clusterConfig/userSessions/extra',
      );
    });
  });

  describe('user sessions: GET and DELETE /userSessions', () => {
    let alice: { id: string };
    let bob: { id: string };
    let aliceTokens: string[];
    let bobToken: string;
    const signIn = async (loginName: string, ua: string) => {
      const r = await t.req('POST', '/v1/sessions', { loginName, password: PW }, { token: null, headers: { 'user-agent': ua } });
      expect(r.status, r.raw).toBe(201);
      return r.body as { token: string; session: { id: string; createdAt: string } };
    };
    const introspect = async (token: string) => (await t.req('POST', '/v1/sessions/introspect', { token }, { token: null })).body;

    beforeAll(async () => {
      await t.req('PATCH', '/v1/policy', { ...DEFAULT_POLICY });
      alice = (await t.req('POST', '/v1/users', { loginName: 'alice', password: PW })).body;
      bob = (await t.req('POST', '/v1/users', { loginName: 'bob', password: PW, role: 'admin' })).body;
      const a1 = await signIn('alice', CHROME);
      const a2 = await signIn('alice', 'curl/8.5.0');
      aliceTokens = [a1.token, a2.token];
      bobToken = (await signIn('bob', CHROME)).token;
    });

    it("GET ?userId= lists that user's active sessions, newest first, in Dynatrace's fields (ms since the epoch)", async () => {
      const r = await dt('GET', `${SESSIONS}?userId=${alice.id}`, { token: sess });
      expect(r.status, r.raw).toBe(200);
      expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
      const native = (await t.req('GET', `/v1/sessions?userId=${alice.id}`)).body.items as { id: string; createdAt: string; lastActiveAt: string }[];
      expect(native).toHaveLength(2);
      expect(r.body).toEqual(
        native.map((s, i) => ({
          userId: alice.id,
          nodeId: 1,
          sessionId: s.id,
          creationTime: Date.parse(s.createdAt),
          lastAccessedTimestamp: Date.parse(s.lastActiveAt),
          tenantUuid: 'default',
          loginType: 'LOCAL',
          device: i === 0 ? 'curl/8.5.0' : 'Chrome 126 on Windows 10',
          ip: '127.0.0.1',
        })),
      );
      // Field order as in Dynatrace's JSON model.
      expect(Object.keys(r.body[0])).toEqual([
        'userId',
        'nodeId',
        'sessionId',
        'creationTime',
        'lastAccessedTimestamp',
        'tenantUuid',
        'loginType',
        'device',
        'ip',
      ]);
    });

    it('lastAccessedTimestamp follows use', async () => {
      const first = (await dt('GET', `${SESSIONS}?userId=${alice.id}`, { token: sess })).body as { lastAccessedTimestamp: number; creationTime: number }[];
      await new Promise((r) => setTimeout(r, 1100));
      expect((await introspect(aliceTokens[0] as string)).active).toBe(true);
      const after = (await dt('GET', `${SESSIONS}?userId=${alice.id}`, { token: sess })).body as { lastAccessedTimestamp: number; creationTime: number }[];
      const used = after.find((s) => s.lastAccessedTimestamp > s.creationTime);
      expect(used).toBeDefined();
      expect(used?.lastAccessedTimestamp).toBeGreaterThan(Math.max(...first.map((s) => s.lastAccessedTimestamp)));
    });

    it('GET without userId lists every active user session the caller can see; an unknown user has none', async () => {
      const all = await dt('GET', SESSIONS, { token: sess });
      expect(all.status).toBe(200);
      const users = (all.body as { userId: string }[]).map((s) => s.userId);
      expect(users.filter((u) => u === alice.id)).toHaveLength(2);
      expect(users.filter((u) => u === bob.id)).toHaveLength(1);
      const none = await dt('GET', `${SESSIONS}?userId=no-such-user`, { token: sess });
      expect(none.status).toBe(200);
      expect(none.raw).toBe('[]');
    });

    it('bad query parameters: 400 with a QUERY violation', async () => {
      expectViolations(await dt('DELETE', SESSIONS, { token: sess }), [['userId', 'is required']], 'QUERY');
      expectViolations(await dt('DELETE', `${SESSIONS}?userId=`, { token: sess }), [['userId', /./]], 'QUERY');
      expectViolations(await dt('GET', `${SESSIONS}?userId=`, { token: sess }), [['userId', /./]], 'QUERY');
      expectViolations(await dt('GET', `${SESSIONS}?userId=${'x'.repeat(129)}`, { token: sess }), [['userId', /./]], 'QUERY');
      expectViolations(await dt('GET', `${SESSIONS}?user=${alice.id}`, { token: sess }), [['user', 'is not a known field']], 'QUERY');
      // Nothing ended.
      expect((await introspect(aliceTokens[0] as string)).active).toBe(true);
    });

    it("DELETE ?userId= ends all of that user's sessions (200), and only theirs; again: 404", async () => {
      const r = await dt('DELETE', `${SESSIONS}?userId=${alice.id}`, { token: sess, headers: { accept: '*/*' } });
      expect(r.status, r.raw).toBe(200);
      expect(r.raw).toBe('');
      for (const token of aliceTokens) expect(await introspect(token)).toEqual({ active: false, reason: 'revoked' });
      expect((await introspect(bobToken)).active).toBe(true);
      expect((await dt('GET', `${SESSIONS}?userId=${alice.id}`, { token: sess })).body).toEqual([]);
      expectEnvelope(await dt('DELETE', `${SESSIONS}?userId=${alice.id}`, { token: sess }), 404, 'User sessions not found');
      expectEnvelope(await dt('DELETE', `${SESSIONS}?userId=no-such-user`, { token: sess }), 404, 'User sessions not found');
    });

    it('device and ip are null when the policy does not track location', async () => {
      await t.req('PATCH', '/v1/policy', { trackLocation: false });
      try {
        await signIn('alice', CHROME);
        expect((await dt('GET', `${SESSIONS}?userId=${alice.id}`, { token: sess })).body).toEqual([
          expect.objectContaining({ userId: alice.id, device: null, ip: null, loginType: 'LOCAL' }),
        ]);
      } finally {
        await t.req('PATCH', '/v1/policy', { trackLocation: true });
      }
    });
  });

  describe('organization-scoped credentials', () => {
    let orgSp: string;
    let orgSess: string;
    beforeAll(async () => {
      expect((await t.req('POST', '/v1/organizations', { id: 'acme', name: 'Acme' })).status).toBe(201);
      orgSp = await credentialWith(['ServiceProviderAPI'], 'acme');
      orgSess = await credentialWith(['sessions:read', 'sessions:write'], 'acme');
    });

    it("PUT changes the organization's override only; GET reads the organization's effective policy", async () => {
      const instance = await policy();
      const body = {
        concurrentSessionPolicyDto: { userLimit: 2, adminLimit: 3 },
        automaticLogoutDto: { logoutInactiveUsersEnabled: true, userInactivityTimeout: 600 },
      };
      expect((await put(body, { token: orgSp })).status).toBe(204);
      expect(await policy()).toEqual(instance);
      const org = await t.req('GET', '/v1/organizations/acme/policy');
      expect(org.body.override).toEqual({ userSessionLimit: 2, adminSessionLimit: 3, idleTimeoutSeconds: 600 });
      expect(org.body).toMatchObject({ userSessionLimit: 2, adminSessionLimit: 3, idleTimeoutSeconds: 600, maxLifetimeSeconds: instance.maxLifetimeSeconds });
      expect((await dt('GET', CONFIG, { token: orgSp })).body).toEqual(body);
      expect((await dt('GET', CONFIG)).body).toEqual({
        concurrentSessionPolicyDto: { userLimit: instance.userSessionLimit, adminLimit: instance.adminSessionLimit },
        automaticLogoutDto: { logoutInactiveUsersEnabled: instance.idleTimeoutSeconds > 0, userInactivityTimeout: instance.idleTimeoutSeconds },
      });
      // A /v1 change of the override shows through the organization's Dynatrace view.
      await t.req('PATCH', '/v1/organizations/acme/policy', { idleTimeoutSeconds: 0 });
      expect((await dt('GET', CONFIG, { token: orgSp })).body.automaticLogoutDto).toEqual({ logoutInactiveUsersEnabled: false, userInactivityTimeout: 0 });
    });

    it("sees and ends only its organization's user sessions", async () => {
      const carol = (await t.req('POST', '/v1/users', { loginName: 'carol', password: PW, organizationId: 'acme' })).body;
      const dave = (await t.req('POST', '/v1/users', { loginName: 'dave', password: PW })).body;
      const c = await t.req('POST', '/v1/sessions', { loginName: 'carol', password: PW, organizationId: 'acme' }, { token: null });
      const d = await t.req('POST', '/v1/sessions', { loginName: 'dave', password: PW }, { token: null });
      const all = (await dt('GET', SESSIONS, { token: orgSess })).body as { userId: string; tenantUuid: string }[];
      expect(all.map((s) => [s.userId, s.tenantUuid])).toEqual([[carol.id, 'acme']]);
      expect((await dt('GET', `${SESSIONS}?userId=${dave.id}`, { token: orgSess })).body).toEqual([]);
      expectEnvelope(await dt('DELETE', `${SESSIONS}?userId=${dave.id}`, { token: orgSess }), 404, 'User sessions not found');
      expect((await t.req('POST', '/v1/sessions/introspect', { token: d.body.token }, { token: null })).body.active).toBe(true);
      expect((await dt('DELETE', `${SESSIONS}?userId=${carol.id}`, { token: orgSess })).status).toBe(200);
      expect((await t.req('POST', '/v1/sessions/introspect', { token: c.body.token }, { token: null })).body).toEqual({ active: false, reason: 'revoked' });
    });
  });

  describe('510 / 500 when storage fails', () => {
    /** Another connection holds the database's write lock, so sessiond's writes time out busy. */
    const lockDatabase = () => lockStorageWrites(t);

    it('PUT answers 510 "Configuration update failed" and changes nothing', { timeout: 30_000 }, async () => {
      const before = await policy();
      const events = await policyEvents();
      const unlock = await lockDatabase();
      let r: Res;
      try {
        r = await put({
          concurrentSessionPolicyDto: { userLimit: 9, adminLimit: 9 },
          automaticLogoutDto: { logoutInactiveUsersEnabled: true, userInactivityTimeout: 99 },
        });
      } finally {
        await unlock();
      }
      expect(r.raw).toBe('{"error":{"code":510,"message":"Configuration update failed"}}');
      expectEnvelope(r, 510);
      expect(await policy()).toEqual(before);
      expect(await policyEvents()).toBe(events);
      expect((await dt('GET', CONFIG)).body.concurrentSessionPolicyDto.userLimit).toBe(before.userSessionLimit);
    });

    it('DELETE /userSessions answers 510 "Failed to invalidate sessions" and ends nothing', { timeout: 30_000 }, async () => {
      const erin = (await t.req('POST', '/v1/users', { loginName: 'erin', password: PW })).body;
      const s = await t.req('POST', '/v1/sessions', { loginName: 'erin', password: PW }, { token: null });
      const unlock = await lockDatabase();
      let r: Res;
      try {
        r = await dt('DELETE', `${SESSIONS}?userId=${erin.id}`, { token: sess });
      } finally {
        await unlock();
      }
      expect(r.raw).toBe('{"error":{"code":510,"message":"Failed to invalidate sessions"}}');
      expect((await t.req('POST', '/v1/sessions/introspect', { token: s.body.token }, { token: null })).body.active).toBe(true);
      expect((await dt('DELETE', `${SESSIONS}?userId=${erin.id}`, { token: sess })).status).toBe(200);
    });
  });
});
