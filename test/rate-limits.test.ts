import { Code, ConnectError } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import { createServerTransport } from '@zitadel/client/node';
import { createSessionServiceClient } from '@zitadel/client/v2';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../src/config/config.js';
import { BOOTSTRAP, expectError, onPostgres, startTestApp, storageOf, type TestApp, type TestResponse } from './helpers.js';
import { bearer } from './rpc-helpers.js';

// Request-rate limits at the edge (issue 6): the API limit per credential or client IP on every
// surface, the sign-in limits per client IP and per account, each 429 in its surface's shape with
// Retry-After, introspection left alone unless asked, and (PostgreSQL + Redis) limits shared by nodes.

const PW = 'correct horse battery';
const LOOKER_DOCS = 'https://cloud.google.com/looker/docs/r/err/4.0';
/** Every limit off but the ones a test sets. */
const OFF: Partial<Config> = { apiRateLimitPerMinute: 0, signInRateLimitPerMinute: 0, signInAccountRateLimitPerMinute: 0, introspectRateLimitPerSecond: 0 };

type App = TestApp & { url: string };

/** One in-process request from a given client address; auth defaults to the bootstrap credential. */
function from(
  t: TestApp,
  ip: string,
  method: string,
  url: string,
  o: { body?: unknown; token?: string | null; scheme?: string; headers?: Record<string, string> } = {},
): Promise<TestResponse> {
  const token = o.token === undefined ? BOOTSTRAP : o.token;
  return t.raw(method, url, {
    remoteAddress: ip,
    headers: {
      ...(o.body !== undefined && typeof o.body !== 'string' ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `${o.scheme ?? 'Bearer'} ${token}` } : {}),
      ...(o.headers ?? {}),
    },
    ...(o.body !== undefined ? { body: o.body } : {}),
  });
}

function expectRetryAfter(r: { headers: Record<string, unknown> } | { headers: Headers }) {
  const v = r.headers instanceof Headers ? r.headers.get('retry-after') : r.headers['retry-after'];
  const seconds = Number(v);
  expect(Number.isInteger(seconds), `Retry-After: ${String(v)}`).toBe(true);
  expect(seconds).toBeGreaterThanOrEqual(1);
  expect(seconds).toBeLessThanOrEqual(60);
}

async function credential(t: TestApp, permissions: string[], ip = '192.0.2.250') {
  const r = await from(t, ip, 'POST', '/v1/credentials', { body: { name: `c-${Math.random()}`, permissions } });
  expect(r.status, r.raw).toBe(201);
  return r.body as { clientId: string; secret: string };
}

async function user(t: TestApp, loginName: string, ip = '192.0.2.250') {
  const r = await from(t, ip, 'POST', '/v1/users', { body: { loginName, password: PW } });
  expect(r.status, r.raw).toBe(201);
  return r.body as { id: string };
}

const codeOf = (p: Promise<unknown>): Promise<Code | 'ok'> =>
  p.then(
    () => 'ok' as const,
    (e: unknown) => ConnectError.from(e).code,
  );

const signIn = (t: TestApp, ip: string, loginName: string, password = 'wrong password') =>
  from(t, ip, 'POST', '/v1/sessions', { token: null, body: { loginName, password } });

describe('API limit (native /v1): per credential, else per client IP', () => {
  let t: App;
  beforeAll(async () => {
    t = await startTestApp({ ...OFF, apiRateLimitPerMinute: 4 });
  });
  afterAll(() => t.close());

  it('counts each credential on its own; past the limit: 429 in the native shape with Retry-After', async () => {
    // The bootstrap credential spends 2 of its 4 here.
    const a = await credential(t, ['session_config:read']);
    const b = await credential(t, ['session_config:read']);
    for (let i = 1; i <= 4; i++) {
      const r = await from(t, '198.51.100.1', 'GET', '/v1/policy', { token: a.secret });
      expect(r.status, r.raw).toBe(200);
      expect(r.headers['x-ratelimit-limit']).toBe('4');
      expect(r.headers['x-ratelimit-remaining']).toBe(String(4 - i));
    }
    // Another address changes nothing: the credential is the key.
    const limited = await from(t, '198.51.100.2', 'GET', '/v1/policy', { token: a.secret });
    expectError(limited, 429, 'rate_limited');
    expectRetryAfter(limited);
    expect(limited.headers['x-ratelimit-remaining']).toBe('0');
    // b, and the bootstrap credential, have budgets of their own.
    for (let i = 0; i < 4; i++) expect((await from(t, '198.51.100.1', 'GET', '/v1/policy', { token: b.secret })).status).toBe(200);
    expectError(await from(t, '198.51.100.1', 'GET', '/v1/policy', { token: b.secret }), 429, 'rate_limited');
    for (let i = 0; i < 2; i++) expect((await from(t, '198.51.100.1', 'GET', '/v1/policy')).status).toBe(200);
    expectError(await from(t, '198.51.100.1', 'GET', '/v1/policy'), 429, 'rate_limited');
  });

  it('counts callers without a credential, and bad credentials, by client IP', async () => {
    const revoke = (ip: string, token?: string) => from(t, ip, 'POST', '/v1/sessions/revoke', { token: token ?? null, body: { token: 'x'.repeat(43) } });
    for (let i = 0; i < 4; i++) expect((await revoke('203.0.113.1')).status).toBe(204);
    const limited = await revoke('203.0.113.1');
    expectError(limited, 429, 'rate_limited');
    expectRetryAfter(limited);
    expect((await revoke('203.0.113.2')).status).toBe(204);
    // A bad credential is answered 401, but counted for its address first.
    for (let i = 0; i < 4; i++) expectError(await revoke('203.0.113.3', 'bogus-0123456789abcdefghij'), 401, 'unauthenticated');
    expectError(await revoke('203.0.113.3', 'bogus-0123456789abcdefghij'), 429, 'rate_limited');
    // IPv6 addresses count by /64: another host of the same /64 shares the budget.
    for (let i = 0; i < 4; i++) expect((await revoke('2001:db8:1:2::10')).status).toBe(204);
    expectError(await revoke('2001:db8:1:2::99'), 429, 'rate_limited');
    expect((await revoke('2001:db8:1:3::10')).status).toBe(204);
  });

  it('does not count health checks, nor introspection (the validation path has its own, opt-in limit)', async () => {
    for (let i = 0; i < 10; i++) {
      expect((await from(t, '203.0.113.9', 'GET', '/healthz', { token: null })).status).toBe(200);
      const r = await from(t, '203.0.113.9', 'POST', '/v1/sessions/introspect', { token: null, body: { token: 'y'.repeat(43) } });
      expect(r.body).toEqual({ active: false, reason: 'unknown' });
    }
    expect((await from(t, '203.0.113.9', 'POST', '/v1/sessions/revoke', { token: null, body: { token: 'x'.repeat(43) } })).status).toBe(204);
  });
});

describe('sign-in limits (native POST /v1/sessions)', () => {
  it('limits attempts per client IP, right or wrong, whatever the account; other addresses go on', async () => {
    const t = await startTestApp({ ...OFF, signInRateLimitPerMinute: 3, apiRateLimitPerMinute: 2 });
    try {
      await user(t, 'alice');
      await user(t, 'bob', '192.0.2.251'); // the API limit (2) is per credential, not used by sign-in
      expectError(await signIn(t, '198.51.100.7', 'alice'), 401, 'invalid_credentials');
      expectError(await signIn(t, '198.51.100.7', 'bob'), 401, 'invalid_credentials');
      expect((await signIn(t, '198.51.100.7', 'alice', PW)).status).toBe(201);
      const limited = await signIn(t, '198.51.100.7', 'alice', PW);
      expectError(limited, 429, 'rate_limited');
      expectRetryAfter(limited);
      expect((await signIn(t, '198.51.100.8', 'alice', PW)).status).toBe(201);
      // A password change checks a password too: the same limit.
      const change = await from(t, '198.51.100.7', 'POST', '/v1/sessions/password', {
        token: null,
        body: { token: 'z'.repeat(43), currentPassword: PW, newPassword: 'another long password' },
      });
      expectError(change, 429, 'rate_limited');
    } finally {
      await t.close();
    }
  });

  it('limits attempts per login name across IPs (case-insensitive, per organization), behind a trusted proxy too', async () => {
    const t = await startTestApp({ ...OFF, signInAccountRateLimitPerMinute: 3, trustProxy: true });
    try {
      await user(t, 'alice');
      await user(t, 'bob');
      const via = (client: string, loginName: string, password = 'wrong password') =>
        from(t, '10.0.0.1', 'POST', '/v1/sessions', { token: null, body: { loginName, password }, headers: { 'x-forwarded-for': client } });
      expectError(await via('198.51.100.1', 'alice'), 401, 'invalid_credentials');
      expectError(await via('198.51.100.2', 'ALICE'), 401, 'invalid_credentials');
      expect((await via('198.51.100.3', 'alice', PW)).status).toBe(201);
      const limited = await via('198.51.100.4', 'Alice', PW);
      expectError(limited, 429, 'rate_limited');
      expectRetryAfter(limited);
      // The same answer for a login name that does not exist: the limit tells nothing about accounts.
      for (let i = 0; i < 3; i++) expectError(await via(`198.51.100.${10 + i}`, 'nobody'), 401, 'invalid_credentials');
      expectError(await via('198.51.100.20', 'nobody'), 429, 'rate_limited');
      // Other accounts are not affected, nor the same name in another organization.
      expect((await via('198.51.100.4', 'bob', PW)).status).toBe(201);
      const other = await from(t, '10.0.0.1', 'POST', '/v1/sessions', {
        token: null,
        body: { loginName: 'alice', password: PW, organizationId: 'elsewhere' },
        headers: { 'x-forwarded-for': '198.51.100.5' },
      });
      expectError(other, 401, 'invalid_credentials');
    } finally {
      await t.close();
    }
  });
});

describe('the limits in each surface’s shape', () => {
  let t: App;
  /** Another node on the same storage without limits, so setting up spends no budget of `t`. */
  let admin: App;
  beforeAll(async () => {
    t = await startTestApp({ ...OFF, apiRateLimitPerMinute: 2, signInRateLimitPerMinute: 2, signInAccountRateLimitPerMinute: 2 }, { listen: true });
    admin = await startTestApp({ ...storageOf(t), ...OFF });
  });
  afterAll(async () => {
    await admin.close();
    await t.close();
  });

  it('Looker /api/4.0: {message, documentation_url} on the API and on login (per IP, and per client_id across IPs)', async () => {
    const c = await credential(admin, ['ServiceProviderAPI']);
    const get = () => from(t, '198.51.100.30', 'GET', '/api/4.0/session_config', { token: c.secret, scheme: 'token' });
    expect((await get()).status).toBe(200);
    expect((await get()).status).toBe(200);
    const limited = await get();
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ message: 'Too Many Requests', documentation_url: `${LOOKER_DOCS}/429/get/session_config` });
    expectRetryAfter(limited);

    const login = (ip: string, clientId: string) =>
      from(t, ip, 'POST', '/api/4.0/login', { token: null, body: `client_id=${clientId}&client_secret=wrong-secret-0123456789` });
    expect((await login('198.51.100.31', 'one')).status).toBe(404);
    expect((await login('198.51.100.31', 'two')).status).toBe(404);
    const byIp = await login('198.51.100.31', 'three');
    expect(byIp.status).toBe(429);
    expect(byIp.body).toEqual({ message: 'Too Many Requests', documentation_url: `${LOOKER_DOCS}/429/post/login` });
    expectRetryAfter(byIp);
    expect((await login('198.51.100.32', c.clientId)).status).toBe(404);
    expect((await login('198.51.100.33', c.clientId)).status).toBe(404);
    const byClient = await login('198.51.100.34', c.clientId);
    expect(byClient.status).toBe(429);
    expect(byClient.body).toEqual({ message: 'Too Many Requests', documentation_url: `${LOOKER_DOCS}/429/post/login` });
    expectRetryAfter(byClient);
  });

  it('Dynatrace /api/cluster/v2: the error envelope {error: {code: 429, message}}', async () => {
    const c = await credential(admin, ['ServiceProviderAPI']);
    const get = () => from(t, '198.51.100.40', 'GET', '/api/cluster/v2/clusterConfig/userSessions', { token: c.secret, scheme: 'Api-Token' });
    expect((await get()).status).toBe(200);
    expect((await get()).status).toBe(200);
    const limited = await get();
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ error: { code: 429, message: expect.stringMatching(/too many requests/) } });
    expect(limited.headers['content-type']).toMatch(/^application\/json/);
    expectRetryAfter(limited);
  });

  it('LogScale /graphql: HTTP 429 with a GraphQL errors body (no data)', async () => {
    const c = await credential(admin, ['session_config:read']);
    const query = { query: '{ organization { configs { session { maxInactivityPeriod } } } }' };
    const post = () => from(t, '198.51.100.50', 'POST', '/graphql', { token: c.secret, body: query });
    expect((await post()).status).toBe(200);
    expect((await post()).status).toBe(200);
    const limited = await post();
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({
      errors: [
        {
          message: expect.stringMatching(/too many requests/),
          extensions: { code: 'RATE_LIMITED', reason: 'rate_limited', requestId: limited.headers['x-request-id'] },
        },
      ],
    });
    expectRetryAfter(limited);
  });

  it('ZITADEL REST /v2/sessions: 429 with {code: 8, message, details}', async () => {
    const c = await credential(admin, ['sessions:read', 'sessions:write']);
    const search = () => from(t, '198.51.100.60', 'POST', '/v2/sessions/search', { token: c.secret, body: {} });
    expect((await search()).status).toBe(200);
    expect((await search()).status).toBe(200);
    const limited = await search();
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({
      code: Code.ResourceExhausted,
      message: expect.stringMatching(/too many requests/),
      details: [{ '@type': 'type.googleapis.com/zitadel.v1.ErrorDetail', id: 'SESSIOND-rate_limited', message: expect.any(String) }],
    });
    expectRetryAfter(limited);
  });

  it('ZITADEL over Connect: resource_exhausted, HTTP 429 and Retry-After; over gRPC: RESOURCE_EXHAUSTED with retry-after metadata', async () => {
    const c = await credential(admin, ['sessions:read', 'sessions:write']);
    const list = () =>
      fetch(`${t.url}/zitadel.session.v2.SessionService/ListSessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${c.secret}` },
        body: '{}',
      });
    expect((await list()).status).toBe(200);
    expect((await list()).status).toBe(200);
    const limited = await list();
    expect(limited.status).toBe(429);
    expectRetryAfter(limited);
    expect(await limited.json()).toEqual({
      code: 'resource_exhausted',
      message: expect.stringMatching(/too many requests/),
      details: [{ type: 'zitadel.v1.ErrorDetail', value: expect.any(String), debug: expect.anything() }],
    });

    // The official client over gRPC (h2c), with another credential.
    const d = await credential(admin, ['sessions:read', 'sessions:write']);
    const grpc = createSessionServiceClient(createServerTransport(d.secret, { baseUrl: t.url }));
    await grpc.listSessions({});
    await grpc.listSessions({});
    const err = await grpc.listSessions({}).then(
      () => null,
      (e: unknown) => ConnectError.from(e),
    );
    expect(err?.code).toBe(Code.ResourceExhausted);
    expect(Number(err?.metadata.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  it('ZITADEL RPCs with a bad credential are counted by client IP, then answered unauthenticated', async () => {
    const bad = createSessionServiceClient(createServerTransport('bogus-0123456789abcdefghij', { baseUrl: t.url }));
    const codes: (Code | 'ok')[] = [];
    for (let i = 0; i < 3; i++) codes.push(await codeOf(bad.listSessions({})));
    expect(codes).toEqual([Code.Unauthenticated, Code.Unauthenticated, Code.ResourceExhausted]);
  });
});

describe('ZITADEL password checks: the sign-in limits', () => {
  it('count per login name across reported addresses, and per reported userAgent.ip, on REST and RPC alike', async () => {
    const t = await startTestApp({ ...OFF, signInRateLimitPerMinute: 3, signInAccountRateLimitPerMinute: 3 }, { listen: true });
    try {
      await user(t, 'alice');
      await user(t, 'bob');
      await user(t, 'carol');
      const c = await credential(t, ['sessions:read', 'sessions:write']);
      const rest = (loginName: string, ip: string) =>
        from(t, '192.0.2.10', 'POST', '/v2/sessions', {
          token: c.secret,
          body: { checks: { user: { loginName }, password: { password: 'wrong password' } }, userAgent: { ip } },
        });
      const rpc = createSessionServiceClient(createConnectTransport({ baseUrl: t.url, httpVersion: '1.1', interceptors: [bearer(c.secret)] }));
      const viaRpc = (loginName: string, ip?: string) =>
        codeOf(
          rpc.createSession({
            checks: { user: { search: { case: 'loginName', value: loginName } }, password: { password: 'wrong password' } },
            ...(ip ? { userAgent: { ip } } : {}),
          }),
        );
      // Per login name: alice from three reported addresses (REST and RPC share the count), the fourth refused.
      expect((await rest('alice', '198.51.100.1')).status).toBe(400);
      expect((await rest('alice', '198.51.100.2')).status).toBe(400);
      expect(await viaRpc('alice', '198.51.100.3')).toBe(Code.InvalidArgument);
      const limited = await rest('alice', '198.51.100.4');
      expect(limited.status).toBe(429);
      expect(limited.body.details[0].id).toBe('SESSIOND-rate_limited');
      expectRetryAfter(limited);
      expect(await viaRpc('alice')).toBe(Code.ResourceExhausted);
      // Per reported address: 198.51.100.9 tries bob twice and carol once, then carol again is refused.
      expect((await rest('bob', '198.51.100.9')).status).toBe(400);
      expect(await viaRpc('bob', '198.51.100.9')).toBe(Code.InvalidArgument);
      expect((await rest('carol', '198.51.100.9')).status).toBe(400);
      expect((await rest('carol', '198.51.100.9')).status).toBe(429);
      // Without a reported address the front-end's own address is not counted: only the account limit.
      expect(await viaRpc('carol')).toBe(Code.InvalidArgument);
      // The same login name at native sign-in shares the account's count (alice is spent).
      expectError(await signIn(t, '198.51.100.77', 'alice', PW), 429, 'rate_limited');
    } finally {
      await t.close();
    }
  });
});

describe('introspection', () => {
  it('is not limited by default, even under a tiny API limit', async () => {
    const t = await startTestApp({ ...OFF, apiRateLimitPerMinute: 1 }, { listen: true });
    try {
      const answers = await Promise.all(
        Array.from({ length: 30 }, () =>
          fetch(`${t.url}/v1/sessions/introspect`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ token: 'q'.repeat(43) }),
          }),
        ),
      );
      expect(answers.map((r) => r.status)).toEqual(Array(30).fill(200));
    } finally {
      await t.close();
    }
  });

  it('SESSIOND_INTROSPECT_RATE_LIMIT_PER_SECOND limits it per client IP, in memory, on the fast path and the framework path', async () => {
    const t = await startTestApp({ ...OFF, introspectRateLimitPerSecond: 3 }, { listen: true });
    try {
      const body = JSON.stringify({ token: 'q'.repeat(43) });
      // 12 at once land in at most two one-second windows: at most 6 are answered.
      const fast = await Promise.all(
        Array.from({ length: 12 }, () => fetch(`${t.url}/v1/sessions/introspect`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })),
      );
      const statuses = fast.map((r) => r.status);
      expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(3);
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(6);
      const limited = fast.find((r) => r.status === 429);
      expect(limited?.headers.get('retry-after')).toBe('1');
      const err = (await limited?.json()) as { error: { code: string; requestId: string } };
      expect(err).toEqual({ error: { code: 'rate_limited', message: expect.any(String), requestId: limited?.headers.get('x-request-id'), details: [] } });

      // The framework path (here: in-process, no socket) counts by the same rule.
      const viaFastify = await Promise.all(
        Array.from({ length: 12 }, () => from(t, '198.51.100.99', 'POST', '/v1/sessions/introspect', { token: null, body: { token: 'q'.repeat(43) } })),
      );
      expect(viaFastify.filter((r) => r.status === 429).length).toBeGreaterThanOrEqual(6);
      const r = viaFastify.find((x) => x.status === 429) as TestResponse;
      expectError(r, 429, 'rate_limited');
      expect(r.headers['retry-after']).toBe('1');
      // Another address is not affected.
      expect((await from(t, '198.51.100.98', 'POST', '/v1/sessions/introspect', { token: null, body: { token: 'q'.repeat(43) } })).status).toBe(200);
    } finally {
      await t.close();
    }
  });
});

describe.skipIf(!onPostgres)('PostgreSQL + Redis: limits shared by the nodes of one Redis prefix', () => {
  it('two apps count the API limit and the sign-in limit per account together', async () => {
    const a = await startTestApp({ ...OFF, apiRateLimitPerMinute: 3, signInAccountRateLimitPerMinute: 2 });
    const b = await startTestApp({ ...storageOf(a), ...OFF, apiRateLimitPerMinute: 3, signInAccountRateLimitPerMinute: 2 });
    const redis = new Redis(a.config.redisUrl as string);
    try {
      const c = await credential(a, ['session_config:read']); // the bootstrap credential's budget, not c's
      await user(b, 'alice');
      expect((await from(a, '198.51.100.1', 'GET', '/v1/policy', { token: c.secret })).status).toBe(200);
      expect((await from(b, '198.51.100.1', 'GET', '/v1/policy', { token: c.secret })).status).toBe(200);
      expect((await from(a, '198.51.100.1', 'GET', '/v1/policy', { token: c.secret })).status).toBe(200);
      expectError(await from(b, '198.51.100.1', 'GET', '/v1/policy', { token: c.secret }), 429, 'rate_limited');
      expectError(await from(a, '198.51.100.1', 'GET', '/v1/policy', { token: c.secret }), 429, 'rate_limited');

      expectError(await signIn(a, '198.51.100.2', 'alice'), 401, 'invalid_credentials');
      expect((await signIn(b, '198.51.100.3', 'alice', PW)).status).toBe(201);
      expectError(await signIn(a, '198.51.100.4', 'alice', PW), 429, 'rate_limited');

      const prefix = a.config.redisPrefix;
      expect(await redis.keys(`${prefix}ratelimit:api:*`)).toHaveLength(2); // bootstrap (on a) and c
      const accounts = await redis.keys(`${prefix}ratelimit:signin-account:*`);
      expect(accounts).toHaveLength(1);
      expect(accounts[0]).not.toContain('alice'); // login names are hashed
    } finally {
      redis.disconnect();
      await b.close();
      await a.close();
    }
  });
});
