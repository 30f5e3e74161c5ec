import { connect, dynatrace, logscale, looker, native, nativeSessionCheck, type Res, zitadelRest } from './fuzz-client.js';
import { isEnum, MISSING, PW, type Route, type Shape, typesOf } from './fuzz-input.js';
import { BOOTSTRAP } from './helpers.js';

// Every route the fuzz test attacks (test/fuzz.test.ts), each with a base request that passes the
// surface's schema and still changes nothing: conflicts, ids that name nothing, no-op writes.

/** The session checks by GET: a session token, not a credential; their 401 is the inactive introspection answer. */
const SESSION_CHECKS = ['GET /v1/sessions/whoami', 'GET /v1/forward-auth'];

/**
 * The native routes from the OpenAPI document, and the compatibility surfaces' routes by hand;
 * `unbounded` lists every string or array of a /v1 request schema without a size limit.
 */
export async function fuzzRoutes(api: (method: string, path: string, body?: unknown) => Promise<Res>): Promise<{ routes: Route[]; unbounded: string[] }> {
  const routes: Route[] = [];
  const unbounded: string[] = [];
  const policy = (await api('GET', '/v1/policy')).json;
  const lookerConfig = (await api('GET', '/api/4.0/session_config')).json;
  const { can: _can, ...lookerBase } = lookerConfig;
  const dynatraceBase = (await api('GET', '/api/cluster/v2/clusterConfig/userSessions')).json;
  const bearer = `Bearer ${BOOTSTRAP}`;

  // Native: every operation of the OpenAPI document.
  const doc = (await api('GET', '/v1/openapi.json')).json;
  const limitsOf = (where: string, x: Shape | undefined): void => {
    if (!x) return;
    const types = typesOf(x);
    if (types?.has('string') && x.maxLength === undefined && !isEnum(x) && x.const === undefined && !x.anyOf)
      unbounded.push(`${where}: a string without maxLength`);
    if (types?.has('array') && (x as { maxItems?: number }).maxItems === undefined) unbounded.push(`${where}: an array without maxItems`);
    for (const [k, v] of Object.entries(x.properties ?? {})) limitsOf(`${where}.${k}`, v);
    if (typeof x.additionalProperties === 'object') limitsOf(`${where}.*`, x.additionalProperties);
    if (x.items) limitsOf(`${where}[]`, x.items);
    for (const v of x.anyOf ?? []) limitsOf(where, v);
  };
  const resolve = (s: Shape | undefined): Shape | undefined => {
    if (!s?.$ref) return s;
    const name = s.$ref.split('/').pop() ?? '';
    return resolve(doc.components?.schemas?.[name]);
  };
  const deref = (s: Shape | undefined): Shape | undefined => {
    const r = resolve(s);
    if (!r) return r;
    return {
      ...r,
      ...(r.properties ? { properties: Object.fromEntries(Object.entries(r.properties).map(([k, v]) => [k, deref(v) as Shape])) } : {}),
      ...(r.items ? { items: deref(r.items) as Shape } : {}),
      ...(r.anyOf ? { anyOf: r.anyOf.map((x) => deref(x) as Shape) } : {}),
    };
  };
  /** Bodies that pass the schema and still change nothing: conflicts, missing ids, no-op writes. */
  const nativeBases: Record<string, () => unknown> = {
    'POST /v1/sessions': () => ({ loginName: 'nobody-fuzz', password: PW, organizationId: 'default', persistent: false }),
    'POST /v1/sessions/introspect': () => ({ token: 'x'.repeat(43) }),
    'POST /v1/sessions/revoke': () => ({ token: 'x'.repeat(43) }),
    'POST /v1/sessions/revoke-others': () => ({ token: 'x'.repeat(43) }),
    'POST /v1/sessions/rotate': () => ({ token: 'x'.repeat(43) }),
    'POST /v1/sessions/password': () => ({ token: 'x'.repeat(43), currentPassword: PW, newPassword: 'a new passphrase' }),
    'POST /v1/users': () => ({ loginName: 'alice', password: PW, role: 'user', organizationId: 'default', displayName: 'Alice' }),
    'PATCH /v1/users/{id}': () => ({ role: 'admin', disabled: true }),
    'PUT /v1/users/{id}/password': () => ({ password: 'a new passphrase' }),
    'POST /v1/credentials': () => ({ name: 'fuzz', permissions: ['users:read'], organizationId: MISSING }),
    'PUT /v1/policy': () => policy,
    'PATCH /v1/policy': () => policy,
    'PUT /v1/organizations/{id}/policy': () => ({ idleTimeoutSeconds: 5, allowPersistentSessions: true }),
    'PATCH /v1/organizations/{id}/policy': () => ({ userSessionLimit: 5, maxLifetimeSeconds: 100 }),
    'POST /v1/organizations': () => ({ id: 'acme', name: 'Acme' }),
  };
  // Signing out of the console without a console cookie ends nothing: 204, whatever the (empty) body.
  const passes = new Set(['POST /v1/sessions/introspect', 'POST /v1/sessions/revoke', 'PUT /v1/policy', 'PATCH /v1/policy', 'DELETE /v1/console/session']);
  const example = (s: Shape | undefined): unknown => {
    if (!s) return 'fuzz';
    if (s.anyOf) return example(s.anyOf[0]);
    if (s.const !== undefined) return s.const;
    if (s.enum) return s.enum[0];
    const type = Array.isArray(s.type) ? s.type[0] : s.type;
    if (type === 'object' || s.properties) return Object.fromEntries((s.required ?? []).map((k) => [k, example(s.properties?.[k])]));
    if (type === 'integer' || type === 'number') return s.minimum ?? 1;
    if (type === 'boolean') return false;
    if (type === 'array') return [];
    return 'f'.repeat(Math.max(4, s.minLength ?? 0));
  };
  for (const [tpl, ops] of Object.entries(
    doc.paths as Record<
      string,
      Record<
        string,
        { parameters?: { in: string; name: string; required?: boolean; schema: Shape }[]; requestBody?: { content?: Record<string, { schema: Shape }> } }
      >
    >,
  )) {
    if (!tpl.startsWith('/v1/')) continue;
    for (const [m, op] of Object.entries(ops)) {
      const method = m.toUpperCase();
      const name = `${method} ${tpl}`;
      const pathParams = (op.parameters ?? []).filter((p) => p.in === 'path');
      const queryParams = (op.parameters ?? []).filter((p) => p.in === 'query');
      const bodyShape = deref(op.requestBody?.content?.['application/json']?.schema);
      limitsOf(`${name} body`, bodyShape);
      for (const p of op.parameters ?? []) limitsOf(`${name} ${p.in} ${p.name}`, deref(p.schema));
      const hand = nativeBases[name];
      const reads = method === 'GET';
      routes.push({
        surface: SESSION_CHECKS.includes(name) ? nativeSessionCheck : native,
        name,
        method,
        path: tpl,
        ...(pathParams.length ? { params: Object.fromEntries(pathParams.map((p) => [p.name, MISSING])) } : {}),
        ...(queryParams.length
          ? {
              query: {
                shape: {
                  type: 'object',
                  properties: Object.fromEntries(queryParams.map((p) => [p.name, deref(p.schema) as Shape])),
                  additionalProperties: false,
                },
                base: {},
                strict: true,
              },
            }
          : {}),
        ...(bodyShape
          ? { body: { shape: bodyShape, base: hand ?? (() => example(bodyShape)) } }
          : reads
            ? {}
            : { body: { shape: undefined, base: () => ({}), optional: true } }),
        auth: bearer,
        needsAuth: ![
          'POST /v1/sessions',
          'POST /v1/sessions/introspect',
          'POST /v1/sessions/revoke',
          'POST /v1/sessions/revoke-others',
          'POST /v1/sessions/rotate',
          'POST /v1/sessions/password',
          ...SESSION_CHECKS,
        ].includes(name),
        mayPass: reads || passes.has(name),
        hand: !bodyShape || hand !== undefined,
      });
    }
  }
  // Sign-in and token routes are used without a credential.
  for (const r of routes) if (!r.needsAuth) r.auth = null;

  // Looker API 4.0.
  const lookerConfigShape: Shape = {
    type: 'object',
    additionalProperties: false,
    properties: {
      allow_persistent_sessions: { type: 'boolean' },
      session_minutes: { type: 'integer', minimum: 5, maximum: 43_200 },
      unlimited_sessions_per_user: { type: 'boolean' },
      use_inactivity_based_logout: { type: 'boolean' },
      track_session_location: { type: 'boolean' },
    },
  };
  const lookerFields: Shape = { type: 'object', properties: { fields: { type: 'string' } } };
  routes.push(
    {
      surface: looker,
      name: 'GET /api/4.0/session_config',
      method: 'GET',
      path: '/api/4.0/session_config',
      query: { shape: lookerFields, base: {}, strict: false },
      auth: `token ${BOOTSTRAP}`,
      needsAuth: true,
      mayPass: true,
      hand: true,
    },
    {
      surface: looker,
      name: 'PATCH /api/4.0/session_config',
      method: 'PATCH',
      path: '/api/4.0/session_config',
      body: { shape: lookerConfigShape, base: () => lookerBase },
      auth: `token ${BOOTSTRAP}`,
      needsAuth: true,
      mayPass: true,
      hand: true,
    },
    {
      surface: looker,
      name: 'POST /api/4.0/login',
      method: 'POST',
      path: '/api/4.0/login',
      body: { shape: undefined, base: () => 'client_id=nobody&client_secret=wrong', form: true },
      auth: null,
      needsAuth: false,
      mayPass: false,
      hand: true,
    },
    {
      surface: looker,
      name: 'DELETE /api/4.0/logout',
      method: 'DELETE',
      path: '/api/4.0/logout',
      auth: `token ${BOOTSTRAP}`,
      needsAuth: true,
      mayPass: false,
      hand: true,
    },
    {
      surface: looker,
      name: 'GET /api/4.0/users/{user_id}/sessions',
      method: 'GET',
      path: '/api/4.0/users/{user_id}/sessions',
      params: { user_id: MISSING },
      query: { shape: lookerFields, base: {}, strict: false },
      auth: `token ${BOOTSTRAP}`,
      needsAuth: true,
      mayPass: false,
      hand: true,
    },
    {
      surface: looker,
      name: 'GET /api/4.0/users/{user_id}/sessions/{session_id}',
      method: 'GET',
      path: '/api/4.0/users/{user_id}/sessions/{session_id}',
      params: { user_id: MISSING, session_id: MISSING },
      query: { shape: lookerFields, base: {}, strict: false },
      auth: `token ${BOOTSTRAP}`,
      needsAuth: true,
      mayPass: false,
      hand: true,
    },
    {
      surface: looker,
      name: 'DELETE /api/4.0/users/{user_id}/sessions/{session_id}',
      method: 'DELETE',
      path: '/api/4.0/users/{user_id}/sessions/{session_id}',
      params: { user_id: MISSING, session_id: MISSING },
      auth: `token ${BOOTSTRAP}`,
      needsAuth: true,
      mayPass: false,
      hand: true,
    },
  );

  // Dynatrace Managed cluster API v2.
  const dtLimit: Shape = { type: 'integer', minimum: 0, maximum: 100_000 };
  const dtShape: Shape = {
    type: 'object',
    additionalProperties: false,
    properties: {
      concurrentSessionPolicyDto: { type: 'object', additionalProperties: false, properties: { userLimit: dtLimit, adminLimit: dtLimit } },
      automaticLogoutDto: {
        type: 'object',
        additionalProperties: false,
        properties: { logoutInactiveUsersEnabled: { type: 'boolean' }, userInactivityTimeout: { type: 'integer', minimum: 0, maximum: 315_360_000 } },
      },
    },
  };
  const userIdQuery: Shape = { type: 'object', additionalProperties: false, properties: { userId: { type: 'string', minLength: 1, maxLength: 128 } } };
  const apiToken = `Api-Token ${BOOTSTRAP}`;
  routes.push(
    {
      surface: dynatrace,
      name: 'GET /api/cluster/v2/clusterConfig/userSessions',
      method: 'GET',
      path: '/api/cluster/v2/clusterConfig/userSessions',
      query: { shape: { type: 'object', properties: {} }, base: {}, strict: false },
      auth: apiToken,
      needsAuth: true,
      mayPass: true,
      hand: true,
    },
    {
      surface: dynatrace,
      name: 'PUT /api/cluster/v2/clusterConfig/userSessions',
      method: 'PUT',
      path: '/api/cluster/v2/clusterConfig/userSessions',
      body: { shape: dtShape, base: () => dynatraceBase },
      auth: apiToken,
      needsAuth: true,
      mayPass: true,
      hand: true,
    },
    {
      surface: dynatrace,
      name: 'GET /api/cluster/v2/userSessions',
      method: 'GET',
      path: '/api/cluster/v2/userSessions',
      query: { shape: userIdQuery, base: { userId: MISSING }, strict: true },
      auth: apiToken,
      needsAuth: true,
      mayPass: true,
      hand: true,
    },
    {
      surface: dynatrace,
      name: 'DELETE /api/cluster/v2/userSessions',
      method: 'DELETE',
      path: '/api/cluster/v2/userSessions',
      query: { shape: userIdQuery, base: { userId: MISSING }, strict: true },
      auth: apiToken,
      needsAuth: true,
      mayPass: false,
      hand: true,
    },
  );

  // LogScale GraphQL: variables of each operation, and the documents themselves.
  const long = (minimum: number): Shape => ({ type: 'integer', minimum, maximum: 315_360_000_000 });
  const gqlInt = (minimum: number, maximum: number): Shape => ({ type: 'integer', minimum, maximum });
  const enumOf = (...values: string[]): Shape => ({ anyOf: values.map((v) => ({ const: v })) });
  const gql = (name: string, query: string, variables: Shape, base: () => unknown, mayPass: boolean): Route => ({
    surface: logscale,
    name: `POST /graphql ${name}`,
    method: 'POST',
    path: '/graphql',
    body: {
      // GraphQL over HTTP: unknown keys of the request are ignored, variables may be null.
      shape: {
        type: 'object',
        properties: { query: { type: 'string' }, variables: { ...variables, type: ['object', 'null'] }, operationName: { type: ['string', 'null'] } },
      },
      base: () => ({ query, variables: base() }),
    },
    auth: bearer,
    needsAuth: true,
    mayPass,
    hand: true,
  });
  routes.push(
    gql(
      'updateSessionSettings',
      'mutation U($input: SessionInput!) { updateSessionSettings(input: $input) { id } }',
      {
        type: 'object',
        properties: {
          input: {
            type: 'object',
            additionalProperties: false,
            properties: { maxInactivityPeriod: long(0), forceReauthenticationAfter: long(1000) },
          },
        },
      },
      () => ({ input: { maxInactivityPeriod: policy.idleTimeoutSeconds * 1000, forceReauthenticationAfter: policy.maxLifetimeSeconds * 1000 } }),
      true,
    ),
    gql(
      'sessions',
      'query S($f: String, $level: Sessions__Filter_Level, $sortBy: Sessions__SortBy, $orderBy: OrderBy, $skip: Int, $limit: Int, $only: Boolean) { sessions(searchFilter: $f, level: $level, sortBy: $sortBy, orderBy: $orderBy, skip: $skip, limit: $limit, onlyActiveSessions: $only) { totalResults results { id user { username } } } }',
      {
        type: 'object',
        properties: {
          f: { type: ['string', 'null'] },
          // Every variable is nullable: an explicit null is a valid value (see the documents test).
          level: { anyOf: [...(enumOf('Organization', 'User').anyOf ?? []), { type: 'null' }] },
          sortBy: { anyOf: [...(enumOf('ClientInfo', 'IPAddress', 'LastActivityTime', 'Location', 'LoginTime', 'User').anyOf ?? []), { type: 'null' }] },
          orderBy: { anyOf: [...(enumOf('ASC', 'DESC').anyOf ?? []), { type: 'null' }] },
          skip: { ...gqlInt(0, 2 ** 31 - 1), type: ['integer', 'null'] },
          limit: { ...gqlInt(0, 1000), type: ['integer', 'null'] },
          only: { type: ['boolean', 'null'] },
        },
      },
      () => ({ f: 'alice', level: 'Organization', sortBy: 'LoginTime', orderBy: 'DESC', skip: 0, limit: 10, only: false }),
      true,
    ),
    gql(
      'revokeSession',
      'mutation R($input: RevokeSessionInput!) { revokeSession(input: $input) }',
      {
        type: 'object',
        properties: {
          input: {
            type: 'object',
            additionalProperties: false,
            properties: { id: { type: 'string' }, revocationType: enumOf('Organization', 'Session', 'User') },
          },
        },
      },
      () => ({ input: { id: MISSING, revocationType: 'Session' } }),
      false,
    ),
  );

  // ZITADEL SessionService: REST mapping and Connect JSON, with protobuf JSON's types.
  const str = (maxLength = 200): Shape => ({ type: 'string', minLength: 1, maxLength });
  const message = (properties: Record<string, Shape>): Shape => ({ type: 'object', additionalProperties: false, properties });
  const timestamp: Shape = { type: 'string' };
  const createShape = message({
    checks: message({ user: message({ loginName: str(), userId: str() }), password: message({ password: str() }) }),
    metadata: { type: 'object', additionalProperties: { type: 'string' } },
    lifetime: { type: 'string' },
    userAgent: message({
      fingerprintId: str(),
      ip: str(),
      description: str(),
      header: { type: 'object', additionalProperties: message({ values: { type: 'array', items: { type: 'string' } } }) },
    }),
  });
  const createBase = () => ({
    checks: { user: { loginName: 'nobody-fuzz' }, password: { password: 'wrong password' } },
    metadata: { app: 'c2hvcA==' },
    lifetime: '18000s',
    userAgent: { fingerprintId: 'fp', ip: '127.0.0.1', description: 'fuzz', header: { 'x-h': { values: ['v'] } } },
  });
  const setShape = message({
    sessionId: str(),
    checks: message({ user: message({ loginName: str(), userId: str() }), password: message({ password: str() }) }),
    metadata: { type: 'object', additionalProperties: { type: 'string' } },
    lifetime: { type: 'string' },
  });
  const setBase = (withId: boolean) => () => ({
    ...(withId ? { sessionId: MISSING } : {}),
    checks: { password: { password: 'wrong password' } },
    metadata: { k: 'dg==' },
    lifetime: '100s',
  });
  const searchShape = message({
    query: message({
      offset: { type: ['string', 'integer'], minimum: 0, maximum: 1_000_000 },
      limit: { type: 'integer', minimum: 0, maximum: 1000 },
      asc: { type: 'boolean' },
    }),
    queries: {
      type: 'array',
      items: message({
        userIdQuery: message({ id: str() }),
        creationDateQuery: message({
          creationDate: timestamp,
          method: { anyOf: ['TIMESTAMP_QUERY_METHOD_EQUALS', 'TIMESTAMP_QUERY_METHOD_GREATER'].map((c) => ({ const: c })) },
        }),
        idsQuery: message({ ids: { type: 'array', items: str() } }),
      }),
    },
  });
  const searchBase = () => ({
    query: { offset: '0', limit: 10, asc: true },
    queries: [
      { userIdQuery: { id: MISSING } },
      { creationDateQuery: { creationDate: '2020-01-01T00:00:00Z', method: 'TIMESTAMP_QUERY_METHOD_GREATER' } },
      { idsQuery: { ids: [MISSING] } },
    ],
  });
  const idTokenShape = message({ sessionId: str(), sessionToken: str() });
  const zr = (name: string, method: string, path: string, extra: Partial<Route>, mayPass = false): Route => ({
    surface: zitadelRest,
    name: `${method} ${name}`,
    method,
    path,
    auth: bearer,
    needsAuth: true,
    mayPass,
    hand: true,
    ...extra,
  });
  routes.push(
    zr('/v2/sessions', 'POST', '/v2/sessions', { body: { shape: createShape, base: createBase } }),
    // An empty body is an empty request message, as grpc-gateway decodes it (io.EOF is no error).
    zr('/v2/sessions/search', 'POST', '/v2/sessions/search', { body: { shape: searchShape, base: searchBase, optional: true } }, true),
    zr('/v2/sessions/{sessionId}', 'PATCH', '/v2/sessions/{sessionId}', { params: { sessionId: MISSING }, body: { shape: setShape, base: setBase(false) } }),
    zr('/v2/sessions/{sessionId}', 'GET', '/v2/sessions/{sessionId}', {
      params: { sessionId: MISSING },
      query: { shape: { type: 'object', properties: { sessionToken: str() } }, base: { sessionToken: 'x' }, strict: false },
    }),
    zr('/v2/sessions/{sessionId}', 'DELETE', '/v2/sessions/{sessionId}', {
      params: { sessionId: MISSING },
      body: { shape: message({ sessionToken: str() }), base: () => ({ sessionToken: 'x' }) },
    }),
  );
  const rpc = (method: string, shape: Shape, base: () => unknown, mayPass = false): Route => ({
    surface: connect,
    name: `Connect ${method}`,
    method: 'POST',
    path: `/zitadel.session.v2.SessionService/${method}`,
    body: { shape, base },
    auth: bearer,
    needsAuth: true,
    mayPass,
    hand: true,
  });
  routes.push(
    rpc('CreateSession', createShape, createBase),
    rpc('SetSession', setShape, setBase(true)),
    rpc('GetSession', idTokenShape, () => ({ sessionId: MISSING, sessionToken: 'x' })),
    rpc('ListSessions', searchShape, searchBase, true),
    rpc('DeleteSession', idTokenShape, () => ({ sessionId: MISSING, sessionToken: 'x' })),
  );
  return { routes, unbounded };
}
