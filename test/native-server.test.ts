import http2 from 'node:http2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOOTSTRAP, onPostgres, startTestApp, type TestApp } from './helpers.js';

// /healthz, /readyz, /metrics, /v1/openapi.json, request ids, and a real socket (HTTP/1.1 and h2c).

const PW = 'correct horse battery';

/** Every /v1 route, as OpenAPI spells it. */
const ROUTES: [string, string][] = [
  ['post', '/v1/sessions'],
  ['get', '/v1/sessions'],
  ['post', '/v1/sessions/introspect'],
  ['get', '/v1/sessions/whoami'],
  ['get', '/v1/forward-auth'],
  ['post', '/v1/console/session'],
  ['get', '/v1/console/session'],
  ['delete', '/v1/console/session'],
  ['post', '/v1/policy/preview'],
  ['post', '/v1/organizations/{id}/policy/preview'],
  ['get', '/v1/overview'],
  ['post', '/v1/sessions/revoke'],
  ['post', '/v1/sessions/revoke-others'],
  ['post', '/v1/sessions/rotate'],
  ['post', '/v1/sessions/password'],
  ['get', '/v1/sessions/{id}'],
  ['delete', '/v1/sessions/{id}'],
  ['post', '/v1/users'],
  ['get', '/v1/users'],
  ['get', '/v1/users/{id}'],
  ['patch', '/v1/users/{id}'],
  ['delete', '/v1/users/{id}'],
  ['put', '/v1/users/{id}/password'],
  ['post', '/v1/users/{id}/unlock'],
  ['get', '/v1/users/{id}/sessions'],
  ['delete', '/v1/users/{id}/sessions'],
  ['post', '/v1/credentials'],
  ['get', '/v1/credentials'],
  ['delete', '/v1/credentials/{id}'],
  ['post', '/v1/credentials/{id}/rotate'],
  ['get', '/v1/policy'],
  ['put', '/v1/policy'],
  ['patch', '/v1/policy'],
  ['get', '/v1/organizations/{id}/policy'],
  ['put', '/v1/organizations/{id}/policy'],
  ['patch', '/v1/organizations/{id}/policy'],
  ['delete', '/v1/organizations/{id}/policy'],
  ['post', '/v1/organizations'],
  ['get', '/v1/organizations'],
  ['get', '/v1/organizations/{id}'],
  ['delete', '/v1/organizations/{id}'],
  ['get', '/v1/events'],
];

interface Operation {
  parameters?: { name: string; in: string; required?: boolean }[];
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, unknown>;
  summary?: string;
}

describe('health, readiness, metrics and the OpenAPI document (in process)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('GET /healthz answers 200 without credentials (and ignores Authorization)', async () => {
    const r = await t.req('GET', '/healthz', undefined, { token: null });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ status: 'ok' });
    expect((await t.req('GET', '/healthz', undefined, { token: 'not-a-valid-secret-at-all-0000' })).status).toBe(200);
  });

  it('GET /readyz answers 200 while storage is reachable', async () => {
    const r = await t.req('GET', '/readyz', undefined, { token: null });
    expect(r.status).toBe(200);
    // With Redis (the postgres run), its subscription is reported too.
    expect(r.body).toEqual({ status: 'ready', storage: 'ok', ...(onPostgres ? { redis: 'ok' } : {}) });
  });

  it('GET /metrics exposes Prometheus metrics of requests, sign-ins and open sessions', async () => {
    expect((await t.req('POST', '/v1/users', { loginName: 'm', password: PW })).status).toBe(201);
    expect((await t.req('POST', '/v1/sessions', { loginName: 'm', password: PW }, { token: null })).status).toBe(201);
    expect((await t.req('POST', '/v1/sessions', { loginName: 'm', password: 'wrong password' }, { token: null })).status).toBe(401);
    const r = await t.req('GET', '/metrics', undefined, { token: null });
    expect(r.status).toBe(200);
    expect(String(r.headers['content-type'])).toMatch(/^text\/plain/);
    expect(r.raw).toMatch(/^sessiond_sign_ins_total\{surface="native",result="success"\} 1$/m);
    expect(r.raw).toMatch(/^sessiond_sign_ins_total\{surface="native",result="failure"\} 1$/m);
    expect(r.raw).toMatch(/^sessiond_open_sessions 1$/m);
    expect(r.raw).toMatch(/^sessiond_http_requests_total\{route="\/v1\/users",method="POST",status="201"\} 1$/m);
    expect(r.raw).toContain('sessiond_http_request_duration_seconds_bucket');
    expect(r.raw).not.toContain(PW);
  });

  it('GET /v1/openapi.json is an OpenAPI 3.1 document listing every /v1 route', async () => {
    const r = await t.req('GET', '/v1/openapi.json', undefined, { token: null });
    expect(r.status).toBe(200);
    const doc = r.body as {
      openapi: string;
      info: { title: string; version: string };
      paths: Record<string, Record<string, Operation>>;
      components?: Record<string, Record<string, unknown>>;
    };
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.info.title).toEqual(expect.any(String));
    expect(doc.info.version).toEqual(expect.any(String));
    expect(doc.components?.securitySchemes?.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });

    const listed = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => [m, p]));
    expect(listed.sort()).toEqual([...ROUTES].sort());
    for (const hidden of ['/healthz', '/readyz', '/metrics', '/v1/openapi.json']) expect(doc.paths[hidden]).toBeUndefined();

    for (const [method, path] of ROUTES) {
      const op = doc.paths[path]?.[method];
      expect(op, `${method} ${path}`).toBeDefined();
      if (!op) continue;
      expect(op.summary, `${method} ${path}`).toEqual(expect.any(String));
      const success = Object.keys(op.responses).filter((c) => /^2\d\d$/.test(c));
      expect(success, `${method} ${path}`).toHaveLength(1);
      // Every templated segment is declared as a required path parameter.
      for (const name of [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1])) {
        expect(op.parameters?.find((p) => p.in === 'path' && p.name === name)?.required, `${method} ${path} ${name}`).toBe(true);
      }
      if (['post', 'put', 'patch'].includes(method) && !path.endsWith('/rotate') && !path.endsWith('/unlock')) {
        expect(op.requestBody?.content['application/json']?.schema, `${method} ${path}`).toBeDefined();
      }
    }
    expect(doc.paths['/v1/events']?.get?.parameters?.map((p) => p.name)).toEqual(
      expect.arrayContaining(['aggregateType', 'aggregateId', 'type', 'actor', 'organizationId', 'since', 'until', 'afterId', 'limit']),
    );

    // Every $ref resolves inside the document.
    const refs = [...r.raw.matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1] as string);
    for (const ref of refs) {
      expect(ref.startsWith('#/'), ref).toBe(true);
      let node: unknown = doc;
      for (const part of ref.slice(2).split('/')) node = (node as Record<string, unknown> | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
      expect(node, ref).toBeDefined();
    }
  });

  it('echoes a well-formed X-Request-Id and uses it in error bodies; replaces a malformed one', async () => {
    const r = await t.req('GET', '/v1/users/nope', undefined, { headers: { 'x-request-id': 'trace-123.abc' } });
    expect(r.status).toBe(404);
    expect(r.headers['x-request-id']).toBe('trace-123.abc');
    expect(r.body.error.requestId).toBe('trace-123.abc');
    const bad = await t.req('GET', '/v1/users/nope', undefined, { headers: { 'x-request-id': 'bad id\twith spaces' } });
    expect(bad.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(bad.body.error.requestId).toBe(bad.headers['x-request-id']);
  });

  it('unknown /v1 paths answer 404, other methods of a path 405 with Allow, in the native error shape', async () => {
    const nothing = await t.req('GET', '/v1/nothing');
    expect(nothing.status).toBe(404);
    expect(nothing.body.error).toMatchObject({ code: 'not_found', requestId: nothing.headers['x-request-id'], details: [] });
    for (const [m, u, allow] of [
      ['PUT', '/v1/sessions', 'GET, HEAD, POST'],
      ['POST', '/v1/users/x/sessions', 'GET, HEAD, DELETE'],
    ] as const) {
      const r = await t.req(m, u);
      expect(r.status).toBe(405);
      expect(r.headers.allow).toBe(allow);
      expect(r.body.error).toMatchObject({ code: 'method_not_allowed', requestId: r.headers['x-request-id'], details: [] });
    }
  });
});

describe('over a real socket', () => {
  let t: TestApp & { url: string };
  let token = '';
  beforeAll(async () => {
    t = await startTestApp({}, { listen: true });
    expect((await t.req('POST', '/v1/users', { loginName: 'net', password: PW })).status).toBe(201);
    token = (await t.req('POST', '/v1/sessions', { loginName: 'net', password: PW }, { token: null })).body.token;
  });
  afterAll(() => t.close());

  it('answers HTTP/1.1 (fetch)', async () => {
    expect(t.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const h = await fetch(`${t.url}/healthz`);
    expect(h.status).toBe(200);
    expect(await h.json()).toEqual({ status: 'ok' });
    const i = await fetch(`${t.url}/v1/sessions/introspect`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token }),
    });
    expect(i.status).toBe(200);
    expect(await i.json()).toMatchObject({ active: true, session: { location: { ip: '127.0.0.1' } } });
    const p = await fetch(`${t.url}/v1/policy`, { headers: { authorization: `Api-Token ${BOOTSTRAP}` } });
    expect(p.status).toBe(200);
    const big = await fetch(`${t.url}/v1/sessions/introspect`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: 'x'.repeat(70_000) }),
    });
    expect(big.status).toBe(413);
    expect(((await big.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
  });

  it('answers HTTP/2 with prior knowledge (h2c) on the same port', async () => {
    const client = http2.connect(t.url);
    try {
      const request = (headers: http2.OutgoingHttpHeaders, body?: string) =>
        new Promise<{ status: number; body: string }>((resolve, reject) => {
          const req = client.request(headers);
          let data = '';
          let status = 0;
          req.setEncoding('utf8');
          req.on('response', (h) => {
            status = Number(h[':status']);
          });
          req.on('data', (c: string) => {
            data += c;
          });
          req.on('end', () => resolve({ status, body: data }));
          req.on('error', reject);
          req.end(body);
        });
      const h = await request({ ':method': 'GET', ':path': '/healthz' });
      expect(h.status).toBe(200);
      expect(JSON.parse(h.body)).toEqual({ status: 'ok' });
      const i = await request({ ':method': 'POST', ':path': '/v1/sessions/introspect', 'content-type': 'application/json' }, JSON.stringify({ token }));
      expect(i.status).toBe(200);
      expect(JSON.parse(i.body)).toMatchObject({ active: true });
      const unknown = await request(
        { ':method': 'POST', ':path': '/v1/sessions/introspect', 'content-type': 'application/json' },
        JSON.stringify({ token: 'n'.repeat(43) }),
      );
      expect(JSON.parse(unknown.body)).toEqual({ active: false, reason: 'unknown' });
      const denied = await request({ ':method': 'GET', ':path': '/v1/users' });
      expect(denied.status).toBe(401);
      expect(JSON.parse(denied.body).error.code).toBe('unauthenticated');
    } finally {
      await new Promise<void>((resolve) => client.close(() => resolve()));
    }
  });
});
