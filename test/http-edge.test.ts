import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOOTSTRAP, expectError, startTestApp, type TestApp, type TestResponse } from './helpers.js';

// The HTTP edge answers right (issue 13): 429 in every surface's shape for every method, matched or
// not; 405 with Allow for a method a path lacks; RFC 6750 challenges on /v1 401s; empty bodies on
// routes that take none; validation messages that name a field once.

type App = TestApp & { url: string };
const AUTH = { authorization: `Bearer ${BOOTSTRAP}` };

/** One in-process request from `ip` with exactly these headers. */
const from = (t: TestApp, ip: string, method: string, url: string, headers: Record<string, string> = {}, body?: string) =>
  t.raw(method, url, { headers, remoteAddress: ip, ...(body !== undefined ? { body } : {}) });

/** The error shape of each surface, checked for one status. */
const shapes: Record<string, (r: TestResponse, status: number) => void> = {
  native: (r, status) => expectError(r, status, status === 429 ? 'rate_limited' : status === 405 ? 'method_not_allowed' : 'not_found'),
  looker: (r, status) => {
    expect(r.status, r.raw).toBe(status);
    expect(Object.keys(r.body)).toEqual(['message', 'documentation_url']);
    expect(r.body.documentation_url).toMatch(new RegExp(`^https://cloud\\.google\\.com/looker/docs/r/err/4\\.0/${status}/`));
  },
  dynatrace: (r, status) => {
    expect(r.status, r.raw).toBe(status);
    expect(r.body).toEqual({ error: { code: status, message: expect.any(String) } });
  },
  graphql: (r, status) => {
    expect(r.status, r.raw).toBe(status);
    const code = { 429: 'RATE_LIMITED', 405: 'METHOD_NOT_ALLOWED', 404: 'NOT_FOUND' }[status];
    expect(r.body).toEqual({ errors: [{ message: expect.any(String), extensions: expect.objectContaining({ code, requestId: r.headers['x-request-id'] }) }] });
  },
  zitadel: (r, status) => {
    expect(r.status, r.raw).toBe(status);
    const code = { 429: 8, 405: 12, 404: 5 }[status];
    expect(r.body).toEqual({
      code,
      message: expect.any(String),
      details: [{ '@type': 'type.googleapis.com/zitadel.v1.ErrorDetail', id: expect.stringMatching(/^SESSIOND-/), message: expect.any(String) }],
    });
  },
};

/** [surface, method, path, whether a route matches] */
const requests: [keyof typeof shapes, string, string, boolean][] = [
  ['native', 'GET', '/v1/policy', true],
  ['native', 'PUT', '/v1/policy', true],
  ['native', 'DELETE', '/v1/policy', false],
  ['native', 'PATCH', '/v1/nowhere', false],
  ['native', 'PUT', '/nowhere', false],
  ['native', 'POST', '/metrics', false],
  ['looker', 'GET', '/api/4.0/session_config', true],
  ['looker', 'PUT', '/api/4.0/session_config', false],
  ['looker', 'POST', '/api/4.0/nowhere', false],
  ['dynatrace', 'GET', '/api/cluster/v2/clusterConfig/userSessions', true],
  ['dynatrace', 'POST', '/api/cluster/v2/clusterConfig/userSessions', false],
  ['dynatrace', 'OPTIONS', '/api/cluster/v2/nowhere', false],
  ['graphql', 'POST', '/graphql', true],
  ['graphql', 'PUT', '/graphql', false],
  ['graphql', 'DELETE', '/graphql', false],
  ['graphql', 'GET', '/graphiql', true],
  ['graphql', 'PATCH', '/graphiql', false],
  ['zitadel', 'POST', '/v2/sessions/search', true],
  ['zitadel', 'PUT', '/v2/sessions/search', false],
  ['zitadel', 'PUT', '/v2/sessions/x/y', false],
];

/** The app of the tests that need no settings of their own. */
let t: App;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

describe('past the API limit: 429 with Retry-After in the surface’s shape, for every method, matched or not', () => {
  let limited: App;
  beforeAll(async () => {
    limited = await startTestApp({ apiRateLimitPerMinute: 1 });
  });
  afterAll(() => limited.close());

  it.each(requests.map(([surface, method, path, matched], i) => ({ surface, method, path, matched, i })))(
    '$surface $method $path (a route matches: $matched)',
    async ({ surface, method, path, i }) => {
      const ip = `198.51.100.${i + 1}`;
      await from(limited, ip, 'GET', '/v1/nowhere'); // spends the one request of the minute
      const r = await from(limited, ip, method, path, { 'content-type': 'application/json' }, '{}');
      shapes[surface]?.(r, 429);
      const retryAfter = Number(r.headers['retry-after']);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(String(r.headers['content-type'])).toMatch(/^application\/json/);
    },
  );
});

describe('a method a path does not have: 405 with Allow, in the surface’s shape; unknown paths stay 404', () => {
  const cases: [keyof typeof shapes, string, string, string][] = [
    ['native', 'GET', '/v1/policy/preview', 'POST'],
    ['native', 'POST', '/v1/sessions/abc', 'GET, HEAD, DELETE'],
    ['native', 'DELETE', '/v1/openapi.json', 'GET, HEAD'],
    ['native', 'POST', '/healthz', 'GET, HEAD'],
    ['native', 'PUT', '/metrics', 'GET, HEAD'],
    ['looker', 'DELETE', '/api/4.0/session_config', 'GET, HEAD, PATCH'],
    ['dynatrace', 'PATCH', '/api/cluster/v2/clusterConfig/userSessions', 'GET, HEAD, PUT'],
    ['graphql', 'PATCH', '/graphql', 'GET, HEAD, POST'],
    ['graphql', 'POST', '/graphiql', 'GET, HEAD'],
    ['zitadel', 'PUT', '/v2/sessions/abc', 'GET, HEAD, PATCH, DELETE'],
  ];
  it.each(cases.map(([surface, method, path, allow]) => ({ surface, method, path, allow })))('$surface $method $path → Allow: $allow', async (c) => {
    const r = await from(t, '192.0.2.1', c.method, c.path, AUTH);
    shapes[c.surface]?.(r, 405);
    expect(r.headers.allow).toBe(c.allow);
  });

  it('paths without any route: 404 in the shape of the surface whose prefix they carry (the root: native)', async () => {
    for (const [surface, path] of [
      ['native', '/v1/nope'],
      ['native', '/nope'],
      ['looker', '/api/4.0/nope'],
      ['dynatrace', '/api/cluster/v2/nope'],
      ['zitadel', '/v2/sessions/a/b/c'],
    ] as const) {
      const r = await from(t, '192.0.2.1', 'PUT', path, AUTH);
      shapes[surface]?.(r, 404);
      expect(r.headers.allow).toBeUndefined();
    }
  });

  it('the PUT /graphql that needed a credential answers 405 before 401, never a 500', async () => {
    const r = await from(t, '192.0.2.1', 'PUT', '/graphql', { 'content-type': 'application/json' }, '{"query":"{ __typename }"}');
    shapes.graphql?.(r, 405);
  });
});

describe('/v1 401 answers carry an RFC 6750 challenge', () => {
  it('Bearer realm without a credential; error="invalid_token" with a bad one; the same challenge for any failed sign-in', async () => {
    const none = await from(t, '192.0.2.1', 'GET', '/v1/policy');
    expectError(none, 401, 'unauthenticated');
    expect(none.headers['www-authenticate']).toBe('Bearer realm="sessiond"');
    const bad = await from(t, '192.0.2.1', 'GET', '/v1/policy', { authorization: 'Bearer not-a-secret' });
    expectError(bad, 401, 'unauthenticated');
    expect(bad.headers['www-authenticate']).toBe('Bearer realm="sessiond", error="invalid_token"');
    const signIn = await from(
      t,
      '192.0.2.1',
      'POST',
      '/v1/sessions',
      { 'content-type': 'application/json' },
      '{"loginName":"nobody","password":"wrong password"}',
    );
    expectError(signIn, 401, 'invalid_credentials');
    expect(signIn.headers['www-authenticate']).toBe('Bearer realm="sessiond"');
  });
});

describe('empty bodies', () => {
  const JSON_TYPE = { ...AUTH, 'content-type': 'application/json' };

  it('a route that takes no body accepts an empty one whatever Content-Type says, on every surface', async () => {
    for (const id of ['with-header', 'without-header']) {
      expect((await t.req('POST', '/v1/organizations', { id, name: id })).status).toBe(201);
    }
    const withHeader = await from(t, '192.0.2.1', 'DELETE', '/v1/organizations/with-header', JSON_TYPE, '');
    expect(withHeader.status, withHeader.raw).toBe(204);
    expect((await from(t, '192.0.2.1', 'DELETE', '/v1/organizations/without-header', AUTH, '')).status).toBe(204);

    const u = await t.req('POST', '/v1/users', { loginName: 'erin', password: 'correct horse battery' });
    const dt = await from(t, '192.0.2.1', 'DELETE', `/api/cluster/v2/userSessions?userId=${u.body.id}`, JSON_TYPE, '');
    expect(dt.status, dt.raw).not.toBe(400);
    expect(dt.status).toBeLessThan(500);

    const created = await from(
      t,
      '192.0.2.1',
      'POST',
      '/v2/sessions',
      JSON_TYPE,
      JSON.stringify({ checks: { user: { loginName: 'erin' }, password: { password: 'correct horse battery' } } }),
    );
    expect(created.status, created.raw).toBe(201);
    const z = await from(t, '192.0.2.1', 'DELETE', `/v2/sessions/${created.body.sessionId}`, JSON_TYPE, '');
    expect(z.status, z.raw).toBe(200);
  });

  it('a route that takes a body still answers an empty one 400 "the JSON body is empty"', async () => {
    const r = await from(t, '192.0.2.1', 'PATCH', '/v1/policy', JSON_TYPE, '');
    expectError(r, 400, 'invalid_argument');
    expect(r.body.error.message).toBe('the JSON body is empty');
    const dt = await from(t, '192.0.2.1', 'PUT', '/api/cluster/v2/clusterConfig/userSessions', JSON_TYPE, '');
    expect(dt.status, dt.raw).toBe(400);
  });
});

describe('validation messages name each field once', () => {
  it('"<field> is required", "<field> is not a known field"; details carry the field apart', async () => {
    const r = await t.req('POST', '/v1/users', { foo: 1 });
    expectError(r, 400, 'invalid_argument');
    expect(r.body.error.message).toBe('invalid body: loginName is required; password is required; foo is not a known field');
    expect(r.body.error.details).toEqual([
      { field: 'loginName', code: 'required', message: 'is required' },
      { field: 'password', code: 'required', message: 'is required' },
      { field: 'foo', code: 'unknown_field', message: 'is not a known field' },
    ]);
    const p = await t.req('PUT', '/v1/policy', { trackLocation: true });
    expect(p.body.error.message).toMatch(/^invalid body: maxLifetimeSeconds is required; /);
  });
});

describe('GET /metrics: open by default, a metrics:read credential with SESSIOND_METRICS_REQUIRE_CREDENTIAL', () => {
  it('without the setting anyone who reaches the port reads it (a scraper configured per the docs keeps working)', async () => {
    const r = await from(t, '192.0.2.1', 'GET', '/metrics');
    expect(r.status).toBe(200);
    expect(r.raw).toMatch(/^# HELP /m);
  });

  it('with it: 401 with a challenge without a credential, 403 without metrics:read or for an organization, 200 with it', async () => {
    const m = await startTestApp({ metricsRequireCredential: true });
    try {
      const none = await from(m, '192.0.2.1', 'GET', '/metrics');
      expectError(none, 401, 'unauthenticated');
      expect(none.headers['www-authenticate']).toBe('Bearer realm="sessiond"');
      expectError(await from(m, '192.0.2.1', 'GET', '/metrics', { authorization: 'Bearer wrong-secret' }), 401, 'unauthenticated');

      const other = await m.req('POST', '/v1/credentials', { name: 'reader', permissions: ['sessions:read'] });
      expectError(await from(m, '192.0.2.1', 'GET', '/metrics', { authorization: `Bearer ${other.body.secret}` }), 403, 'permission_denied');
      expect((await m.req('POST', '/v1/organizations', { id: 'acme', name: 'Acme' })).status).toBe(201);
      const scoped = await m.req('POST', '/v1/credentials', { name: 'acme-prom', permissions: ['metrics:read'], organizationId: 'acme' });
      expect(scoped.status, scoped.raw).toBe(201);
      expectError(await from(m, '192.0.2.1', 'GET', '/metrics', { authorization: `Bearer ${scoped.body.secret}` }), 403, 'permission_denied');

      const prom = await m.req('POST', '/v1/credentials', { name: 'prometheus', permissions: ['metrics:read'] });
      expect(prom.status, prom.raw).toBe(201);
      const ok = await from(m, '192.0.2.1', 'GET', '/metrics', { authorization: `Bearer ${prom.body.secret}` });
      expect(ok.status, ok.raw).toBe(200);
      expect(ok.raw).toMatch(/^sessiond_http_requests_total\{/m);
      // The other probes stay open: load balancers call them without credentials.
      expect((await from(m, '192.0.2.1', 'GET', '/healthz')).status).toBe(200);
    } finally {
      await m.close();
    }
  });
});
