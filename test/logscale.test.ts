import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOOTSTRAP, DEFAULT_POLICY, startTestApp, type TestApp } from './helpers.js';

// The LogScale GraphQL surface (POST /graphql): the seed's updateSessionSettings mutation, the
// organization read-back, sessions and revokeSession, and every error as a GraphQL body.

type Res = Awaited<ReturnType<TestApp['req']>>;

const PW = 'correct horse battery';

// The seed's mutation, character for character (the fifth line ends with a space).
const SEED_MUTATION = [
  'mutation {',
  '  updateSessionSettings( input:',
  '     { maxInactivityPeriod: 36000000,',
  '       forceReauthenticationAfter: 8640000000',
  '     } ',
  '  )',
  '  { id }',
  '}',
].join('\n');
// The file the seed's curl example feeds to `-d @-` (a heredoc ends with a line break)...
const SEED_HEREDOC = `{"query" : "${SEED_MUTATION}"\n}\n`;
// ...which curl sends with every CR and LF stripped.
const SEED_CURL_BODY = SEED_HEREDOC.replace(/[\r\n]/g, '');
// The seed's Python and Perl examples send the text as is: raw line breaks inside the JSON string.
const SEED_PYTHON_BODY = `{"query" : "${SEED_MUTATION}"\n}`;
const SEED_ANSWER = '{"data":{"updateSessionSettings":{"id":"default"}}}';

const READ_BACK = '{ organization { id name createdAt configs { session { maxInactivityPeriod forceReauthenticationAfter } } } }';
const MUTATION =
  'mutation($input: SessionInput!) { updateSessionSettings(input: $input) { id configs { session { maxInactivityPeriod forceReauthenticationAfter } } } }';

function gqlOf(t: TestApp) {
  return (query: string, variables?: Record<string, unknown>, token: string | null = BOOTSTRAP) =>
    t.req('POST', '/graphql', { query, ...(variables ? { variables } : {}) }, { token });
}

async function credentialWith(t: TestApp, permissions: string[], organizationId?: string): Promise<string> {
  const r = await t.req('POST', '/v1/credentials', { name: 'gql', permissions, ...(organizationId ? { organizationId } : {}) });
  expect(r.status, r.raw).toBe(201);
  return r.body.secret as string;
}

/** A request error: the status, one error with this code, its requestId, and no data entry. */
function expectRequestError(r: Res, status: number, code: string): void {
  expect(r.status, r.raw).toBe(status);
  expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
  expect(Object.keys(r.body)).toEqual(['errors']);
  expect(r.body.errors.length).toBeGreaterThan(0);
  for (const e of r.body.errors) {
    expect(e.message).toEqual(expect.any(String));
    expect(e.extensions.code).toBe(code);
    expect(e.extensions.requestId).toBe(r.headers['x-request-id']);
  }
}

/** A field error: 200, data null (the root field is non-null or nulled), one error with code and path. */
function expectFieldError(r: Res, code: string, path: (string | number)[]): Record<string, unknown> {
  expect(r.status, r.raw).toBe(200);
  expect(r.body.errors).toHaveLength(1);
  const e = r.body.errors[0];
  expect(e.extensions.code).toBe(code);
  expect(e.path).toEqual(path);
  expect(e.extensions.requestId).toBe(r.headers['x-request-id']);
  return e;
}

describe('updateSessionSettings: the seed, read back through GraphQL and /v1', () => {
  let t: TestApp & { url: string };
  let gql: ReturnType<typeof gqlOf>;
  beforeAll(async () => {
    t = await startTestApp({}, { listen: true });
    gql = gqlOf(t);
  });
  afterAll(() => t.close());

  const policy = async () => (await t.req('GET', '/v1/policy')).body;
  const rawPost = (body: string) =>
    fetch(`${t.url}/graphql`, { method: 'POST', headers: { authorization: `Bearer ${BOOTSTRAP}`, 'content-type': 'application/json' }, body });

  it("answers the seed's curl request over a real socket with the seed's shape, byte for byte", async () => {
    expect(await policy()).toEqual(DEFAULT_POLICY);
    const res = await rawPost(SEED_CURL_BODY);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await res.text()).toBe(SEED_ANSWER);
    // Milliseconds became seconds in the canonical policy; nothing else moved.
    expect(await policy()).toEqual({ ...DEFAULT_POLICY, idleTimeoutSeconds: 36_000, maxLifetimeSeconds: 8_640_000 });
  });

  it('reads the settings back through the organization query, in milliseconds', async () => {
    const r = await gql(READ_BACK);
    expect(r.status, r.raw).toBe(200);
    expect(r.body).toEqual({
      data: {
        organization: {
          id: 'default',
          name: 'Default',
          createdAt: expect.any(Number),
          configs: { session: { maxInactivityPeriod: 36_000_000, forceReauthenticationAfter: 8_640_000_000 } },
        },
      },
    });
    expect(r.body.data.organization.createdAt).toBeGreaterThan(Date.UTC(2020, 0));
    expect(r.body.data.organization.createdAt).toBeLessThanOrEqual(Date.now());
  });

  it("accepts the seed's Python/Perl bodies (raw line breaks inside the JSON string) and a proper JSON client, again and again (JIT)", async () => {
    for (const body of [SEED_PYTHON_BODY, JSON.stringify({ query: SEED_MUTATION }), SEED_CURL_BODY, SEED_PYTHON_BODY]) {
      expect((await t.req('PATCH', '/v1/policy', { idleTimeoutSeconds: 60, maxLifetimeSeconds: 120 })).status).toBe(200);
      const res = await rawPost(body);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe(SEED_ANSWER);
      expect(await policy()).toEqual({ ...DEFAULT_POLICY, idleTimeoutSeconds: 36_000, maxLifetimeSeconds: 8_640_000 });
    }
  });

  it('reads a /v1 PATCH back through GraphQL', async () => {
    expect((await t.req('PATCH', '/v1/policy', { idleTimeoutSeconds: 900, maxLifetimeSeconds: 7_200 })).status).toBe(200);
    const r = await gql(READ_BACK);
    expect(r.body.data.organization.configs.session).toEqual({ maxInactivityPeriod: 900_000, forceReauthenticationAfter: 7_200_000 });
  });

  it('round-trips the Long 8640000000 exactly, as a literal and as a variable, up to the 10-year bound', async () => {
    const literal = await gql(
      'mutation { updateSessionSettings(input: {maxInactivityPeriod: 0, forceReauthenticationAfter: 8640000000}) { configs { session { forceReauthenticationAfter } } } }',
    );
    expect(literal.raw).toBe('{"data":{"updateSessionSettings":{"configs":{"session":{"forceReauthenticationAfter":8640000000}}}}}');
    for (const ms of [8_640_000_000, 315_360_000_000]) {
      const r = await gql(MUTATION, { input: { maxInactivityPeriod: ms, forceReauthenticationAfter: ms } });
      expect(r.raw).toBe(
        `{"data":{"updateSessionSettings":{"id":"default","configs":{"session":{"maxInactivityPeriod":${ms},"forceReauthenticationAfter":${ms}}}}}}`,
      );
      expect(await policy()).toMatchObject({ idleTimeoutSeconds: ms / 1000, maxLifetimeSeconds: ms / 1000 });
      expect((await gql(READ_BACK)).raw).toContain(`"maxInactivityPeriod":${ms},"forceReauthenticationAfter":${ms}`);
    }
  });

  it('takes a maxInactivityPeriod of 0 as "no inactivity timeout" (idleTimeoutSeconds 0)', async () => {
    const r = await gql(MUTATION, { input: { maxInactivityPeriod: 0, forceReauthenticationAfter: 3_600_000 } });
    expect(r.body.data.updateSessionSettings.configs.session).toEqual({ maxInactivityPeriod: 0, forceReauthenticationAfter: 3_600_000 });
    expect(await policy()).toMatchObject({ idleTimeoutSeconds: 0, maxLifetimeSeconds: 3_600 });
  });

  it('records the change in the audit log as the calling credential', async () => {
    await gql(MUTATION, { input: { maxInactivityPeriod: 1_800_000, forceReauthenticationAfter: 3_600_000 } });
    const ev = await t.req('GET', '/v1/events?type=policy.changed&limit=1000');
    expect(ev.body.items.at(-1)).toMatchObject({
      actor: 'credential:bootstrap',
      data: { changes: { idleTimeoutSeconds: { from: 0, to: 1_800 } } },
    });
  });
});

describe('bad input: a GraphQL error, never a 5xx, and the policy unchanged', () => {
  let t: TestApp;
  let gql: ReturnType<typeof gqlOf>;
  let before: unknown;
  beforeAll(async () => {
    t = await startTestApp();
    gql = gqlOf(t);
    expect((await t.req('PATCH', '/v1/policy', { idleTimeoutSeconds: 600, maxLifetimeSeconds: 7_200 })).status).toBe(200);
    before = (await t.req('GET', '/v1/policy')).body;
  });
  afterAll(() => t.close());

  const unchanged = async () => expect((await t.req('GET', '/v1/policy')).body).toEqual(before);
  const mutate = (input: string) => gql(`mutation { updateSessionSettings(input: ${input}) { id } }`);

  it.each([
    ['not whole seconds', '{maxInactivityPeriod: 1500, forceReauthenticationAfter: 8640000000}', ['input.maxInactivityPeriod'], 'format'],
    ['a negative inactivity', '{maxInactivityPeriod: -1000, forceReauthenticationAfter: 8640000000}', ['input.maxInactivityPeriod'], 'range'],
    ['reauthentication 0', '{maxInactivityPeriod: 36000000, forceReauthenticationAfter: 0}', ['input.forceReauthenticationAfter'], 'range'],
    ['reauthentication under a second', '{maxInactivityPeriod: 36000000, forceReauthenticationAfter: 999}', ['input.forceReauthenticationAfter'], 'range'],
    ['beyond 10 years', '{maxInactivityPeriod: 315360001000, forceReauthenticationAfter: 8640000000}', ['input.maxInactivityPeriod'], 'range'],
    ['the largest exact Long', '{maxInactivityPeriod: 36000000, forceReauthenticationAfter: 9007199254740991}', ['input.forceReauthenticationAfter'], 'range'],
    ['both wrong', '{maxInactivityPeriod: -5, forceReauthenticationAfter: 1500}', ['input.maxInactivityPeriod', 'input.forceReauthenticationAfter'], 'range'],
  ])('%s: BAD_USER_INPUT naming the field path', async (_name, input, fields, firstCode) => {
    const r = await mutate(input);
    const e = expectFieldError(r, 'BAD_USER_INPUT', ['updateSessionSettings']);
    expect(r.body.data).toBeNull();
    expect(e.extensions).toMatchObject({ reason: 'policy_invalid', field: fields[0] });
    const issues = (e.extensions as { issues: { field: string; code: string }[] }).issues;
    expect(issues.map((i) => i.field)).toEqual(fields);
    expect(issues[0]?.code).toBe(firstCode);
    for (const f of fields) expect(e.message).toContain(f);
    await unchanged();
  });

  it.each([
    ['a fraction', '{maxInactivityPeriod: 1.5, forceReauthenticationAfter: 8640000000}', 'Long'],
    ['a string', '{maxInactivityPeriod: "36000000", forceReauthenticationAfter: 8640000000}', 'Long'],
    ['a boolean', '{maxInactivityPeriod: true, forceReauthenticationAfter: 8640000000}', 'Long'],
    ['null', '{maxInactivityPeriod: null, forceReauthenticationAfter: 8640000000}', 'Long!'],
    ['beyond 2^53 (would round)', '{maxInactivityPeriod: 36000000, forceReauthenticationAfter: 9007199254740993}', '9007199254740993'],
    ['a huge number', '{maxInactivityPeriod: 36000000, forceReauthenticationAfter: 100000000000000000000000000000}', 'Long'],
    ['a missing field', '{maxInactivityPeriod: 36000000}', 'forceReauthenticationAfter'],
    ['an unknown field', '{maxInactivityPeriod: 36000000, forceReauthenticationAfter: 8640000000, sessionLimit: 3}', 'sessionLimit'],
  ])('%s: 400 GRAPHQL_VALIDATION_FAILED', async (_name, input, mentioned) => {
    const r = await mutate(input);
    expectRequestError(r, 400, 'GRAPHQL_VALIDATION_FAILED');
    expect(r.body.errors[0].message).toContain(mentioned);
    expect(r.body.errors[0].locations).toEqual([expect.objectContaining({ line: 1 })]);
    await unchanged();
  });

  it('refuses bad variables the same way on every run (parsed, JIT-compiled, cached)', async () => {
    for (const value of [1e30, 1.5, -0.5, '36000000', 2 ** 53]) {
      for (let i = 0; i < 3; i++) {
        const r = await gql(MUTATION, { input: { maxInactivityPeriod: value, forceReauthenticationAfter: 8_640_000_000 } });
        expectRequestError(r, 400, 'GRAPHQL_VALIDATION_FAILED');
        expect(r.body.errors[0].message).toContain('maxInactivityPeriod');
      }
    }
    await unchanged();
  });

  it.each([
    ['bad JSON', 400, 'BAD_REQUEST', '{"query": "mutation {', 'application/json'],
    ['bad JSON with a raw line break', 400, 'BAD_REQUEST', '{"query": "mutation {\n', 'application/json'],
    ['an empty body', 400, 'BAD_REQUEST', '', 'application/json'],
    ['a JSON array', 400, 'BAD_REQUEST', '[{"query": "{ organization { id } }"}]', 'application/json'],
    ['JSON null', 400, 'BAD_REQUEST', 'null', 'application/json'],
    ['a query that is not a string', 400, 'BAD_REQUEST', '{"query": 5}', 'application/json'],
    ['variables that are not an object', 400, 'BAD_REQUEST', '{"query": "{ organization { id } }", "variables": [1]}', 'application/json'],
    ['no query', 400, 'BAD_REQUEST', '{"variables": {}}', 'application/json'],
    ['a query that is JSON, not GraphQL', 400, 'BAD_REQUEST', '{"query": "{\\"kind\\": \\"Document\\"}"}', 'application/json'],
    ['a __proto__ key', 400, 'BAD_REQUEST', '{"query": "{ organization { id } }", "__proto__": {"x": 1}}', 'application/json'],
    ['a GraphQL syntax error', 400, 'GRAPHQL_PARSE_FAILED', '{"query": "mutation { updateSessionSettings(input: "}', 'application/json'],
    ['an unknown root field', 400, 'GRAPHQL_VALIDATION_FAILED', '{"query": "mutation { updateSessionPolicy { id } }"}', 'application/json'],
    [
      'a mutation with no selection',
      400,
      'GRAPHQL_VALIDATION_FAILED',
      '{"query": "mutation { updateSessionSettings(input: {maxInactivityPeriod: 0, forceReauthenticationAfter: 1000}) }"}',
      'application/json',
    ],
    ['text/plain', 415, 'UNSUPPORTED_MEDIA_TYPE', 'mutation { x }', 'text/plain'],
    ['a form', 415, 'UNSUPPORTED_MEDIA_TYPE', 'query=mutation', 'application/x-www-form-urlencoded'],
  ])('%s: %i %s', async (_name, status, code, body, contentType) => {
    const r = await t.req('POST', '/graphql', body, { headers: { 'content-type': contentType } });
    expectRequestError(r, status, code);
    await unchanged();
  });

  it('takes application/graphql bodies too (mercurius), with the same rules', async () => {
    const r = await t.req('POST', '/graphql', '{ organization { id } }', { headers: { 'content-type': 'application/graphql' } });
    expect(r.status, r.raw).toBe(200);
    expect(r.body).toEqual({ data: { organization: { id: 'default' } } });
  });

  it('refuses a body over 32 KiB with 413', async () => {
    const r = await t.req('POST', '/graphql', { query: `{ organization { id } } # ${'x'.repeat(33_000)}` });
    expectRequestError(r, 413, 'PAYLOAD_TOO_LARGE');
    await unchanged();
  });

  it('refuses more than 10 root fields (aliases count) and queries deeper than 16 levels', async () => {
    const wide = await gql(`{ ${Array.from({ length: 11 }, (_, i) => `o${i}: organization { id }`).join(' ')} }`);
    expectRequestError(wide, 400, 'GRAPHQL_VALIDATION_FAILED');
    expect(wide.body.errors[0].message).toContain('at most 10 root fields');
    const ten = await gql(`{ ${Array.from({ length: 10 }, (_, i) => `o${i}: organization { id }`).join(' ')} }`);
    expect(ten.status, ten.raw).toBe(200);
    const deep = await gql(`{ __schema { types { fields { type ${'{ ofType '.repeat(12)}{ name }${' }'.repeat(12)} } } } }`);
    expectRequestError(deep, 400, 'GRAPHQL_VALIDATION_FAILED');
    expect(deep.body.errors[0].message).toContain('query depth');
  });

  it('answers 401 UNAUTHENTICATED with WWW-Authenticate without a credential or with a wrong one', async () => {
    for (const headers of [
      {},
      { authorization: 'Bearer not-a-valid-secret-at-all-0123456789abcdefg' },
      { authorization: `Basic ${btoa('a:b')}` },
      { authorization: 'Bearer' },
    ]) {
      const r = await t.req('POST', '/graphql', { query: SEED_MUTATION }, { token: null, headers });
      expectRequestError(r, 401, 'UNAUTHENTICATED');
      expect(r.headers['www-authenticate']).toBe('Bearer realm="sessiond"');
    }
    // Authentication comes first: an anonymous bad body is a 401, not a 400.
    expectRequestError(await t.req('POST', '/graphql', '{"query":', { token: null }), 401, 'UNAUTHENTICATED');
    await unchanged();
  });

  it('answers FORBIDDEN (200, data null) to a credential without session_config:write, and changes nothing', async () => {
    const reader = await credentialWith(t, ['session_config:read']);
    const r = await gql(SEED_MUTATION, undefined, reader);
    const e = expectFieldError(r, 'FORBIDDEN', ['updateSessionSettings']);
    expect(e.message).toContain('session_config:write');
    expect(r.body.data).toBeNull();
    await unchanged();
    // It may read them, though.
    expect((await gql(READ_BACK, undefined, reader)).body.data.organization.configs.session).toEqual({
      maxInactivityPeriod: 600_000,
      forceReauthenticationAfter: 7_200_000,
    });
  });

  it('lets a write-only credential run the seed; reading the settings back needs session_config:read', async () => {
    const writer = await credentialWith(t, ['session_config:write']);
    const r = await gql(SEED_MUTATION, undefined, writer);
    expect(r.raw).toBe(SEED_ANSWER);
    // The mutation answers with what it wrote, without a read permission.
    const w = await gql(MUTATION, { input: { maxInactivityPeriod: 600_000, forceReauthenticationAfter: 7_200_000 } }, writer);
    expect(w.body.data.updateSessionSettings.configs.session).toEqual({ maxInactivityPeriod: 600_000, forceReauthenticationAfter: 7_200_000 });
    await unchanged();
    const read = await gql('{ organization { id configs { session { maxInactivityPeriod } } } }', undefined, writer);
    expectFieldError(read, 'FORBIDDEN', ['organization', 'configs', 'session']);
    expect(read.body.data).toBeNull();
  });

  it('answers 405 to a mutation over GET and to other methods', async () => {
    const get = await t.req('GET', `/graphql?query=${encodeURIComponent(SEED_MUTATION)}`);
    expectRequestError(get, 405, 'METHOD_NOT_ALLOWED');
    expect(get.headers.allow).toBe('POST');
    for (const method of ['PUT', 'PATCH', 'DELETE']) {
      const r = await t.req(method, '/graphql', { query: SEED_MUTATION });
      expectRequestError(r, 405, 'METHOD_NOT_ALLOWED');
      expect(r.headers.allow).toBe('GET, HEAD, POST');
    }
    await unchanged();
  });

  it('logged no internal error for any of the bad input above', () => {
    const errors = t.logs.lines.filter((l) => /"level":(50|60)/.test(l));
    expect(errors).toEqual([]);
  });

  it('answers GET queries, and a GET without a query gets a 400 (a browser gets the explorer)', async () => {
    const q = await t.req('GET', `/graphql?query=${encodeURIComponent('{ organization { id } }')}`);
    expect(q.status, q.raw).toBe(200);
    expect(q.body).toEqual({ data: { organization: { id: 'default' } } });
    expectRequestError(await t.req('GET', '/graphql'), 400, 'BAD_REQUEST');
    expectRequestError(await t.req('GET', `/graphql?query=${encodeURIComponent('{ organization { id } }')}&variables=%7Bnope`), 400, 'BAD_REQUEST');
    const browser = await t.req('GET', '/graphql', undefined, { token: null, headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
    expect(browser.status).toBe(302);
    expect(browser.headers.location).toBe('/graphiql');
  });
});

describe('an organization-scoped credential acts on its organization', () => {
  let t: TestApp;
  let gql: ReturnType<typeof gqlOf>;
  let acme: string;
  beforeAll(async () => {
    t = await startTestApp();
    gql = gqlOf(t);
    expect((await t.req('POST', '/v1/organizations', { id: 'acme', name: 'Acme Corp' })).status).toBe(201);
    acme = await credentialWith(t, ['session_config:read', 'session_config:write'], 'acme');
  });
  afterAll(() => t.close());

  it("writes the organization's override, answers its id, and leaves the instance policy alone", async () => {
    const r = await gql(SEED_MUTATION, undefined, acme);
    expect(r.raw).toBe('{"data":{"updateSessionSettings":{"id":"acme"}}}');
    const org = await t.req('GET', '/v1/organizations/acme/policy');
    expect(org.body).toMatchObject({
      idleTimeoutSeconds: 36_000,
      maxLifetimeSeconds: 8_640_000,
      override: { idleTimeoutSeconds: 36_000, maxLifetimeSeconds: 8_640_000 },
    });
    expect((await t.req('GET', '/v1/policy')).body).toEqual(DEFAULT_POLICY);
    expect((await t.req('GET', '/v1/organizations/default/policy')).body).toMatchObject({ idleTimeoutSeconds: 1_800, override: null });
  });

  it('reads its organization back; the bootstrap credential still sees the instance policy as `default`', async () => {
    const r = await gql(READ_BACK, undefined, acme);
    expect(r.body.data.organization).toEqual({
      id: 'acme',
      name: 'Acme Corp',
      createdAt: expect.any(Number),
      configs: { session: { maxInactivityPeriod: 36_000_000, forceReauthenticationAfter: 8_640_000_000 } },
    });
    const instance = await gql(READ_BACK);
    expect(instance.body.data.organization).toMatchObject({
      id: 'default',
      configs: { session: { maxInactivityPeriod: 1_800_000, forceReauthenticationAfter: 43_200_000 } },
    });
  });

  it("sees a /v1 change of its organization's override through GraphQL", async () => {
    expect((await t.req('PATCH', '/v1/organizations/acme/policy', { idleTimeoutSeconds: 0, maxLifetimeSeconds: 600 })).status).toBe(200);
    expect((await gql(READ_BACK, undefined, acme)).body.data.organization.configs.session).toEqual({
      maxInactivityPeriod: 0,
      forceReauthenticationAfter: 600_000,
    });
  });
});

describe('sessions: filter, sort, page', () => {
  let t: TestApp;
  let gql: ReturnType<typeof gqlOf>;
  const ids: Record<string, string> = {};
  const tokens: Record<string, string> = {};
  const UA = {
    chrome: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
    firefox: 'Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0',
    safari: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_2) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15',
  };

  async function signIn(key: string, loginName: string, ip: string, ua: string, organizationId?: string) {
    const r = await t.req(
      'POST',
      '/v1/sessions',
      { loginName, password: PW, ...(organizationId ? { organizationId } : {}) },
      { token: null, headers: { 'x-forwarded-for': ip, 'user-agent': ua } },
    );
    expect(r.status, r.raw).toBe(201);
    ids[key] = r.body.session.id;
    tokens[key] = r.body.token;
    await new Promise((res) => setTimeout(res, 5)); // distinct creation times
  }

  beforeAll(async () => {
    t = await startTestApp({ trustProxy: true });
    gql = gqlOf(t);
    expect((await t.req('POST', '/v1/organizations', { id: 'acme', name: 'Acme' })).status).toBe(201);
    for (const [loginName, displayName, organizationId] of [
      ['alice@company.com', 'Alice Anders', undefined],
      ['bob@company.com', 'Bob Berg', undefined],
      ['carol@other.org', 'Carol Chen', undefined],
      ['dave@acme.io', null, 'acme'],
    ] as const) {
      const r = await t.req('POST', '/v1/users', {
        loginName,
        password: PW,
        ...(displayName ? { displayName } : {}),
        ...(organizationId ? { organizationId } : {}),
      });
      expect(r.status, r.raw).toBe(201);
      ids[loginName] = r.body.id;
    }
    await signIn('alice1', 'alice@company.com', '10.0.0.10', UA.chrome);
    await signIn('bob1', 'bob@company.com', '10.0.0.2', UA.firefox);
    await signIn('carol1', 'carol@other.org', '192.168.7.3', UA.safari);
    await signIn('alice2', 'alice@company.com', '10.0.0.1', UA.firefox);
    await signIn('dave1', 'dave@acme.io', '10.9.9.9', UA.chrome, 'acme');
  });
  afterAll(() => t.close());

  const LIST = (args: string) =>
    `{ sessions${args ? `(${args})` : ''} { totalResults results { id user { id username displayName } ip clientInfo country city createdAt lastActivityAt isCurrentSession } } }`;

  it('lists the user sessions of the organization, by last activity ascending (the defaults), with LogScale fields', async () => {
    const r = await gql(
      '{ sessions { totalResults results { id user { id username displayName } ip clientInfo country city createdAt lastActivityAt isCurrentSession } } }',
    );
    expect(r.status, r.raw).toBe(200);
    const { totalResults, results } = r.body.data.sessions;
    expect(totalResults).toBe(4);
    expect(results.map((s: { id: string }) => s.id)).toEqual([ids.alice1, ids.bob1, ids.carol1, ids.alice2]);
    expect(results[0]).toEqual({
      id: ids.alice1,
      user: { id: ids['alice@company.com'], username: 'alice@company.com', displayName: 'Alice Anders' },
      ip: '10.0.0.10',
      clientInfo: 'Chrome 120 on Windows 10',
      country: null,
      city: null,
      createdAt: expect.any(Number),
      lastActivityAt: expect.any(Number),
      isCurrentSession: false,
    });
    expect(results[1].clientInfo).toBe('Firefox 121 on Linux');
    expect(results[2].clientInfo).toBe('Safari 17 on macOS Sonoma');
    expect(results[0].createdAt).toBeLessThan(results[3].createdAt);
    expect(results[0].lastActivityAt).toBeGreaterThanOrEqual(results[0].createdAt);
  });

  it("answers LogScale's own example: searchFilter company.com, sortBy User DESC", async () => {
    const example = `query{
  sessions(
    searchFilter: "company.com"
    limit: 10
    skip: 0
    onlyActiveSessions: false 
    level: Organization
    sortBy: User
    orderBy: DESC
  )
  {totalResults, results {id, user{username}}}
}`;
    const r = await gql(example);
    expect(r.body).toEqual({
      data: {
        sessions: {
          totalResults: 3,
          results: [
            { id: ids.bob1, user: { username: 'bob@company.com' } },
            // DESC reverses the whole order, ties (oldest login first) included.
            { id: ids.alice2, user: { username: 'alice@company.com' } },
            { id: ids.alice1, user: { username: 'alice@company.com' } },
          ],
        },
      },
    });
  });

  it('matches searchFilter against IP addresses and display names, case-insensitively', async () => {
    const byIp = await gql(LIST('searchFilter: "192.168."'));
    expect(byIp.body.data.sessions.results.map((s: { id: string }) => s.id)).toEqual([ids.carol1]);
    const byName = await gql(LIST('searchFilter: "  BOB berg "'));
    expect(byName.body.data.sessions.results.map((s: { id: string }) => s.id)).toEqual([ids.bob1]);
    const none = await gql(LIST('searchFilter: "nobody"'));
    expect(none.body.data.sessions).toEqual({ totalResults: 0, results: [] });
  });

  it('sorts by every LogScale key, both ways, and pages with skip and limit', async () => {
    const order = async (args: string) => (await gql(LIST(args))).body.data.sessions.results.map((s: { id: string }) => s.id);
    // Numeric-aware: 10.0.0.1 < 10.0.0.2 < 10.0.0.10 < 192.168.7.3.
    expect(await order('sortBy: IPAddress')).toEqual([ids.alice2, ids.bob1, ids.alice1, ids.carol1]);
    expect(await order('sortBy: IPAddress, orderBy: DESC')).toEqual([ids.carol1, ids.alice1, ids.bob1, ids.alice2]);
    expect(await order('sortBy: LoginTime, orderBy: DESC')).toEqual([ids.alice2, ids.carol1, ids.bob1, ids.alice1]);
    // Chrome < Firefox (bob1 first: equal keys keep login order) < Safari.
    expect(await order('sortBy: ClientInfo')).toEqual([ids.alice1, ids.bob1, ids.alice2, ids.carol1]);
    expect(await order('sortBy: User')).toEqual([ids.alice1, ids.alice2, ids.bob1, ids.carol1]);
    // No GeoIP database here: every location is empty, so login order decides.
    expect(await order('sortBy: Location')).toEqual([ids.alice1, ids.bob1, ids.carol1, ids.alice2]);
    const page = await gql(LIST('sortBy: LoginTime, skip: 1, limit: 2'));
    expect(page.body.data.sessions.totalResults).toBe(4);
    expect(page.body.data.sessions.results.map((s: { id: string }) => s.id)).toEqual([ids.bob1, ids.carol1]);
    expect((await gql(LIST('skip: 4'))).body.data.sessions).toEqual({ totalResults: 4, results: [] });
    expect((await gql(LIST('limit: 0'))).body.data.sessions).toEqual({ totalResults: 4, results: [] });
  });

  it('refuses a negative skip and a limit over 1000, naming the argument', async () => {
    const skip = await gql(LIST('skip: -1'));
    expect(expectFieldError(skip, 'BAD_USER_INPUT', ['sessions']).extensions).toMatchObject({ field: 'skip' });
    const limit = await gql(LIST('limit: 1001'));
    expect(expectFieldError(limit, 'BAD_USER_INPUT', ['sessions']).extensions).toMatchObject({ field: 'limit' });
    expectRequestError(await gql(LIST('limit: 99999999999')), 400, 'GRAPHQL_VALIDATION_FAILED');
    expectRequestError(await gql(LIST('sortBy: Nonsense')), 400, 'GRAPHQL_VALIDATION_FAILED');
  });

  it('answers level: User with no sessions (API credentials have none of their own)', async () => {
    expect((await gql(LIST('level: User'))).body.data.sessions).toEqual({ totalResults: 0, results: [] });
  });

  it('leaves ended sessions out unless onlyActiveSessions is false', async () => {
    expect((await t.req('DELETE', `/v1/sessions/${ids.carol1}`)).status).toBe(204);
    const active = await gql(LIST(''));
    expect(active.body.data.sessions.results.map((s: { id: string }) => s.id)).toEqual([ids.alice1, ids.bob1, ids.alice2]);
    const all = await gql(LIST('onlyActiveSessions: false'));
    expect(all.body.data.sessions.totalResults).toBe(4);
  });

  it('needs sessions:read, and users:read for user names', async () => {
    const noRead = await credentialWith(t, ['session_config:read']);
    expectFieldError(await gql(LIST(''), undefined, noRead), 'FORBIDDEN', ['sessions']);
    const sessionsOnly = await credentialWith(t, ['sessions:read']);
    const plain = await gql('{ sessions { totalResults results { id ip } } }', undefined, sessionsOnly);
    expect(plain.body.data.sessions.totalResults).toBe(3);
    const named = await gql('{ sessions { results { id user { username } } } }', undefined, sessionsOnly);
    expect(named.status).toBe(200);
    expect(named.body.data).toBeNull();
    expect(named.body.errors[0].extensions.code).toBe('FORBIDDEN');
    expect(named.body.errors[0].message).toContain('users:read');
    // The path keeps list indexes as numbers.
    expect(named.body.errors[0].path).toEqual(['sessions', 'results', expect.any(Number), 'user']);
  });

  it('shows an organization-scoped credential only its own organization', async () => {
    const acme = await credentialWith(t, ['sessions:read', 'users:read'], 'acme');
    const r = await gql(LIST(''), undefined, acme);
    expect(r.body.data.sessions.totalResults).toBe(1);
    expect(r.body.data.sessions.results[0]).toMatchObject({ id: ids.dave1, user: { username: 'dave@acme.io', displayName: null }, ip: '10.9.9.9' });
  });
});

describe('revokeSession: Session, User, Organization', () => {
  let t: TestApp;
  let gql: ReturnType<typeof gqlOf>;
  const REVOKE = 'mutation($input: RevokeSessionInput!) { revokeSession(input: $input) }';

  beforeAll(async () => {
    t = await startTestApp();
    gql = gqlOf(t);
    expect((await t.req('POST', '/v1/organizations', { id: 'acme', name: 'Acme' })).status).toBe(201);
  });
  afterAll(() => t.close());

  async function user(loginName: string, organizationId?: string): Promise<string> {
    const r = await t.req('POST', '/v1/users', { loginName, password: PW, ...(organizationId ? { organizationId } : {}) });
    expect(r.status, r.raw).toBe(201);
    return r.body.id;
  }
  async function signIn(loginName: string, organizationId?: string): Promise<{ id: string; token: string }> {
    const r = await t.req('POST', '/v1/sessions', { loginName, password: PW, ...(organizationId ? { organizationId } : {}) }, { token: null });
    expect(r.status, r.raw).toBe(201);
    return { id: r.body.session.id, token: r.body.token };
  }
  const reason = async (s: { token: string }) => {
    const r = await t.req('POST', '/v1/sessions/introspect', { token: s.token }, { token: null });
    return r.body.active ? 'active' : r.body.reason;
  };
  const revoke = (id: string, revocationType: string, token: string | null = BOOTSTRAP) => gql(REVOKE, { input: { id, revocationType } }, token);

  it('Session ends that one session: its token answers revoked', async () => {
    await user('erin');
    const [a, b] = [await signIn('erin'), await signIn('erin')];
    const r = await gql(`mutation { revokeSession(input: {id: "${a.id}", revocationType: Session}) }`);
    expect(r.raw).toBe('{"data":{"revokeSession":true}}');
    expect(await reason(a)).toBe('revoked');
    expect(await reason(b)).toBe('active');
  });

  it("User, given one of the user's sessions or the user's id, ends all of that user's sessions only", async () => {
    const frank = await user('frank');
    await user('grace');
    const [f1, f2, g1] = [await signIn('frank'), await signIn('frank'), await signIn('grace')];
    expect((await revoke(f1.id, 'User')).body).toEqual({ data: { revokeSession: true } });
    expect([await reason(f1), await reason(f2), await reason(g1)]).toEqual(['revoked', 'revoked', 'active']);
    const [f3, f4] = [await signIn('frank'), await signIn('frank')];
    expect((await revoke(frank, 'User')).body).toEqual({ data: { revokeSession: true } });
    expect([await reason(f3), await reason(f4), await reason(g1)]).toEqual(['revoked', 'revoked', 'active']);
  });

  it('Organization ends every user session of that organization, and no other', async () => {
    await user('heidi');
    await user('ivan', 'acme');
    const [h1, h2, i1] = [await signIn('heidi'), await signIn('heidi'), await signIn('ivan', 'acme')];
    // An API credential's session (as a Looker login makes): not a LogScale user session.
    const api = await t.app.core.sessions.createFor({ type: 'credential', id: 'some-credential', organizationId: 'default', role: 'user' }, { actor: 'test' });
    const r = await revoke('default', 'Organization');
    expect(r.raw).toBe('{"data":{"revokeSession":true}}');
    expect([await reason(h1), await reason(h2), await reason(i1), await reason(api)]).toEqual(['revoked', 'revoked', 'active', 'active']);
    const listed = await gql('{ sessions { totalResults } }');
    expect(listed.body.data.sessions.totalResults).toBe(0);
  });

  it('answers NOT_FOUND for ids it does not know, for every type', async () => {
    for (const type of ['Session', 'User', 'Organization']) {
      const r = await revoke('no-such-id', type);
      const e = expectFieldError(r, 'NOT_FOUND', ['revokeSession']);
      expect(r.body.data).toEqual({ revokeSession: null });
      expect(e.extensions).toMatchObject({ reason: 'not_found' });
    }
    expectRequestError(await revoke('x', 'Everything'), 400, 'GRAPHQL_VALIDATION_FAILED');
    expectFieldError(await revoke('', 'Session'), 'BAD_USER_INPUT', ['revokeSession']);
  });

  it('keeps an organization-scoped credential inside its organization', async () => {
    await user('judy');
    await user('ken', 'acme');
    const [j1, k1] = [await signIn('judy'), await signIn('ken', 'acme')];
    const acme = await credentialWith(t, ['sessions:write'], 'acme');
    for (const [id, type] of [
      [j1.id, 'Session'],
      [j1.id, 'User'],
      ['default', 'Organization'],
    ] as const) {
      expectFieldError(await revoke(id, type, acme), 'NOT_FOUND', ['revokeSession']);
    }
    expect(await reason(j1)).toBe('active');
    expect((await revoke('acme', 'Organization', acme)).body).toEqual({ data: { revokeSession: true } });
    expect([await reason(k1), await reason(j1)]).toEqual(['revoked', 'active']);
  });

  it('needs sessions:write', async () => {
    await user('leo');
    const l1 = await signIn('leo');
    const reader = await credentialWith(t, ['sessions:read']);
    for (const type of ['Session', 'User']) expectFieldError(await revoke(l1.id, type, reader), 'FORBIDDEN', ['revokeSession']);
    expectFieldError(await revoke('default', 'Organization', reader), 'FORBIDDEN', ['revokeSession']);
    expect(await reason(l1)).toBe('active');
  });
});

describe('schema introspection and the explorer', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it("answers GraphiQL's full introspection query", async () => {
    const r = await gqlOf(t)(getIntrospectionQuery());
    expect(r.status, r.raw).toBe(200);
    const types = r.body.data.__schema.types as {
      name: string;
      kind: string;
      inputFields: { name: string; type: { kind: string; ofType: { name: string } } }[] | null;
    }[];
    expect(types.find((x) => x.name === 'Long')?.kind).toBe('SCALAR');
    const input = types.find((x) => x.name === 'SessionInput');
    expect(input?.inputFields?.map((f) => [f.name, f.type.kind, f.type.ofType.name])).toEqual([
      ['maxInactivityPeriod', 'NON_NULL', 'Long'],
      ['forceReauthenticationAfter', 'NON_NULL', 'Long'],
    ]);
    for (const name of [
      'Organization',
      'OrganizationConfigs',
      'OrganizationSession',
      'SessionQueryResultSet',
      'Session',
      'Sessions__SortBy',
      'SessionRevocation__Type',
    ]) {
      expect(types.map((x) => x.name)).toContain(name);
    }
  });

  it('needs a credential for introspection too', async () => {
    expectRequestError(await t.req('POST', '/graphql', { query: '{ __schema { queryType { name } } }' }, { token: null }), 401, 'UNAUTHENTICATED');
  });

  it('serves GraphiQL at /graphiql, pointed at /graphql', async () => {
    const page = await t.req('GET', '/graphiql', undefined, { token: null });
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.raw).toContain('GraphiQL');
    const main = await t.req('GET', '/graphiql/main.js', undefined, { token: null });
    expect(main.raw).toContain("new URL('/graphql', window.location.href)");
  });

  it('stays out of the native OpenAPI document', async () => {
    const doc = await t.req('GET', '/v1/openapi.json');
    expect(Object.keys(doc.body.paths).filter((p) => p.includes('graph'))).toEqual([]);
  });
});
