import { randomBytes } from 'node:crypto';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { createConnectTransport } from '@connectrpc/connect-node';
import { createServerTransport } from '@zitadel/client/node';
import { createSessionServiceClient } from '@zitadel/client/v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/config.js';
import { tracesEndpoint } from '../src/server/tracing.js';
import { parseTraceparent } from '../src/server/tracing-otel.js';
import { BOOTSTRAP, lockStorageWrites, startTestApp, type TestResponse } from './helpers.js';
import { bearer as bearerInterceptor } from './rpc-helpers.js';

// OpenTelemetry traces, end to end: a real OTLP/HTTP receiver (node:http, JSON as the exporter
// sends it) and a real listening sessiond with tracing pointed at it; spans arrive when the app
// stops (the batch is flushed then). SQLite only: tracing does not depend on the store.

const PW = 'a traced passphrase 1234';

interface OtlpAttr {
  key: string;
  value: { stringValue?: string; intValue?: string | number; boolValue?: boolean };
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: OtlpAttr[];
  status?: { code?: number };
}

/** An OTLP/HTTP receiver: POST /v1/traces with a JSON ExportTraceServiceRequest. */
class Receiver {
  bodies: string[] = [];
  contentTypes: string[] = [];
  private server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/v1/traces') {
        this.bodies.push(Buffer.concat(chunks).toString('utf8'));
        this.contentTypes.push(String(req.headers['content-type']));
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1/traces`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  get resources(): { attributes: OtlpAttr[] }[] {
    return this.bodies.flatMap((b) => (JSON.parse(b) as { resourceSpans: { resource: { attributes: OtlpAttr[] } }[] }).resourceSpans.map((r) => r.resource));
  }

  get spans(): OtlpSpan[] {
    return this.bodies.flatMap((b) =>
      (JSON.parse(b) as { resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[] }).resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans)),
    );
  }
}

const attr = (s: { attributes: OtlpAttr[] }, key: string) => {
  const v = s.attributes.find((a) => a.key === key)?.value;
  return v?.stringValue ?? (v?.intValue !== undefined ? Number(v.intValue) : v?.boolValue);
};

describe('tracing configuration', () => {
  it('is off unless asked for: by SESSIOND_OTEL_TRACES or the standard OTLP endpoint variables', () => {
    expect(tracesEndpoint(loadConfig({}))).toBeNull();
    expect(tracesEndpoint(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }))).toBe('http://collector:4318/v1/traces');
    expect(
      tracesEndpoint(loadConfig({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://c.example/otlp/traces', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://x:4318' })),
    ).toBe('https://c.example/otlp/traces');
    expect(tracesEndpoint(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://x:4318', SESSIOND_OTEL_TRACES: 'off' }))).toBeNull();
    expect(tracesEndpoint(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://x:4318', OTEL_SDK_DISABLED: 'true' }))).toBeNull();
    expect(tracesEndpoint(loadConfig({ SESSIOND_OTEL_TRACES: 'otlp' }))).toBe('http://localhost:4318/v1/traces');
    expect(loadConfig({}).otelServiceName).toBe('sessiond');
    expect(() => loadConfig({ SESSIOND_OTEL_TRACES: 'jaeger', OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toThrow(
      /SESSIOND_OTEL_TRACES: must be one of[\s\S]*OTEL_EXPORTER_OTLP_ENDPOINT/,
    );
  });

  it('reads W3C traceparent strictly', () => {
    const id = '4bf92f3577b34da6a3ce929d0e0e4736';
    expect(parseTraceparent(`00-${id}-00f067aa0ba902b7-01`)).toMatchObject({ traceId: id, spanId: '00f067aa0ba902b7', traceFlags: 1, isRemote: true });
    expect(parseTraceparent(`00-${id}-00f067aa0ba902b7-00`, 'vendor=abc')?.traceState?.get('vendor')).toBe('abc');
    expect(parseTraceparent(`01-${id}-00f067aa0ba902b7-01-later`)).toMatchObject({ traceId: id });
    for (const bad of [
      `00-${id}-00f067aa0ba902b7-01-later`,
      `ff-${id}-00f067aa0ba902b7-01`,
      `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`,
      `00-${id}-${'0'.repeat(16)}-01`,
      `00-${id.toUpperCase()}-00f067aa0ba902b7-01`,
      `00-${id}-00f067aa0ba902b7`,
      '',
      undefined,
      ['x'],
    ]) {
      expect(parseTraceparent(bad)).toBeNull();
    }
  });
});

describe('tracing on: spans over OTLP/HTTP', () => {
  const receiver = new Receiver();
  const traceId = randomBytes(16).toString('hex');
  const callerSpanId = randomBytes(8).toString('hex');
  const secrets: string[] = [PW, BOOTSTRAP];
  let userId = '';
  let failedStatus = 0;

  beforeAll(async () => {
    const endpoint = await receiver.start();
    const t = await startTestApp({ otlpTracesEndpoint: endpoint, otelServiceName: 'sessiond-under-test' }, { listen: true });
    const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
      const r = await fetch(`${t.url}${path}`, {
        method,
        headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      return { status: r.status, body: (await r.json().catch(() => null)) as TestResponse['body'], requestId: r.headers.get('x-request-id') };
    };
    try {
      const bearer = { authorization: `Bearer ${BOOTSTRAP}` };
      const user = await call('POST', '/v1/users', { loginName: 'tracy', password: PW }, bearer);
      expect(user.status).toBe(201);
      userId = user.body.id;
      const signedIn = await call(
        'POST',
        '/v1/sessions',
        { loginName: 'tracy', password: PW },
        { traceparent: `00-${traceId}-${callerSpanId}-01`, 'x-request-id': 'trace-me-1' },
      );
      expect(signedIn.status).toBe(201);
      secrets.push(signedIn.body.token);
      // A body that arrives after the headers is read in the socket's callbacks, outside the request's context.
      const slow = request(`${t.url}/v1/sessions`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-request-id': 'slow-body-1',
          'content-length': Buffer.byteLength(JSON.stringify({ loginName: 'tracy', password: PW })),
        },
      });
      const slowStatus = new Promise<number>((resolve, reject) => {
        slow.on('response', (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        slow.on('error', reject);
      });
      slow.flushHeaders();
      await sleep(50);
      slow.end(JSON.stringify({ loginName: 'tracy', password: PW }));
      expect(await slowStatus).toBe(201);
      // The fast introspection path (no Authorization, small JSON body).
      expect((await call('POST', '/v1/sessions/introspect', { token: signedIn.body.token })).body.active).toBe(true);
      const rotated = await call('POST', '/v1/sessions/rotate', { token: signedIn.body.token });
      expect(rotated.status).toBe(200);
      secrets.push(rotated.body.token);
      expect((await call('GET', `/v1/users/${userId}?fields=all`, undefined, bearer)).status).toBe(200);
      expect((await call('GET', `/nothing-here?token=${rotated.body.token}`)).status).toBe(404);
      // ZITADEL's RPCs, served ahead of Fastify: Connect over HTTP/1.1 and gRPC over h2c.
      const cred = await t.req('POST', '/v1/credentials', { name: 'login-ui', permissions: ['sessions:read', 'sessions:write'] });
      secrets.push(cred.body.secret);
      const connect = createSessionServiceClient(
        createConnectTransport({
          baseUrl: t.url,
          httpVersion: '1.1',
          interceptors: [bearerInterceptor(cred.body.secret)],
        }),
      );
      const created = await connect.createSession({ checks: { user: { search: { case: 'loginName', value: 'tracy' } }, password: { password: PW } } });
      secrets.push(created.sessionToken);
      const grpc = createSessionServiceClient(createServerTransport(cred.body.secret, { baseUrl: t.url }));
      await expect(grpc.getSession({ sessionId: 'no-such-session' })).rejects.toThrow();
      // A 5xx: storage refuses writes (busy for 5 s, then 503 unavailable; the lock taken at BEGIN
      // IMMEDIATE once escaped as a 500).
      const unlock = await lockStorageWrites(t);
      try {
        failedStatus = (await call('PATCH', '/v1/policy', { idleTimeoutSeconds: 600 }, bearer)).status;
        expect(failedStatus).toBe(503);
      } finally {
        await unlock();
      }
    } finally {
      // Stopping flushes the batch: every span above is exported now.
      await t.close();
    }
  }, 60_000);
  afterAll(() => receiver.close());

  const server = () => receiver.spans.filter((s) => s.kind === 2);
  const named = (name: string) => server().filter((s) => s.name === name);
  const childrenOf = (parent: OtlpSpan) => receiver.spans.filter((s) => s.parentSpanId === parent.spanId);

  it('posts OTLP JSON with the service name', () => {
    expect(receiver.bodies.length).toBeGreaterThan(0);
    expect(receiver.contentTypes.every((c) => c.startsWith('application/json'))).toBe(true);
    for (const r of receiver.resources) expect(attr(r, 'service.name')).toBe('sessiond-under-test');
  });

  it('one server span per request, named by method and route pattern, with the semantic attributes', () => {
    const [create] = named('POST /v1/users');
    expect(create).toBeDefined();
    expect(attr(create as OtlpSpan, 'http.request.method')).toBe('POST');
    expect(attr(create as OtlpSpan, 'http.route')).toBe('/v1/users');
    expect(attr(create as OtlpSpan, 'http.response.status_code')).toBe(201);
    expect(attr(create as OtlpSpan, 'url.path')).toBe('/v1/users');
    expect(attr(create as OtlpSpan, 'sessiond.request_id')).toMatch(/^[0-9a-f-]{36}$/);
    const [get] = named('GET /v1/users/:id');
    expect(get && attr(get, 'url.path')).toBe(`/v1/users/${userId}`);
    expect(named('POST /v1/sessions/introspect')).toHaveLength(1);
    expect(named('POST /v1/sessions/rotate')).toHaveLength(1);
    // No route: the method alone; the path without its query.
    const [unknown] = server().filter((s) => attr(s, 'url.path') === '/nothing-here');
    expect(unknown).toMatchObject({ name: 'GET' });
    expect(unknown && attr(unknown, 'http.response.status_code')).toBe(404);
    expect(unknown && attr(unknown, 'http.route')).toBeUndefined();
    // 4xx is not an error of the server; 5xx is.
    expect(unknown?.status?.code ?? 0).toBe(0);
    const [failed] = named('PATCH /v1/policy');
    expect(failed && attr(failed, 'http.response.status_code')).toBe(failedStatus);
    expect(failed?.status?.code).toBe(2);
    expect(failed && attr(failed, 'error.type')).toBe(String(failedStatus));
  });

  it("joins the caller's trace from traceparent, and keeps the request id", () => {
    const [signIn] = named('POST /v1/sessions');
    expect(signIn).toMatchObject({ traceId, parentSpanId: callerSpanId });
    expect(signIn && attr(signIn, 'sessiond.request_id')).toBe('trace-me-1');
    // Requests without traceparent start traces of their own.
    expect(named('POST /v1/users')[0]?.traceId).not.toBe(traceId);
  });

  it('store calls are child spans of the request that made them', () => {
    const [signIn] = named('POST /v1/sessions');
    const children = childrenOf(signIn as OtlpSpan);
    expect(children.map((s) => s.name)).toEqual(expect.arrayContaining(['store findUserByLogin', 'store transaction']));
    for (const c of children) {
      expect(c.traceId).toBe(traceId);
      expect(attr(c, 'db.system.name')).toBe('sqlite');
    }
    const [slow] = server().filter((s) => attr(s, 'sessiond.request_id') === 'slow-body-1');
    expect(slow?.name).toBe('POST /v1/sessions');
    expect(childrenOf(slow as OtlpSpan).map((s) => s.name)).toEqual(expect.arrayContaining(['store findUserByLogin', 'store transaction']));
    const [create] = named('POST /v1/users');
    expect(childrenOf(create as OtlpSpan).map((s) => s.name)).toEqual(
      expect.arrayContaining(['store findCredentialBySecretHash', 'store getOrganization', 'store transaction']),
    );
    // No store span without a request (the sweep, activity flushes, in-process calls).
    for (const s of receiver.spans.filter((x) => x.name.startsWith('store '))) expect(s.parentSpanId).toBeTruthy();
  });

  it("ZITADEL's RPCs get spans too (Connect and gRPC), with their store calls", () => {
    const [create] = named('POST /zitadel.session.v2.SessionService/CreateSession');
    expect(create && attr(create, 'http.route')).toBe('/zitadel.session.v2.SessionService/CreateSession');
    expect(create && attr(create, 'http.response.status_code')).toBe(200);
    expect(childrenOf(create as OtlpSpan).some((s) => s.name === 'store transaction')).toBe(true);
    const [get] = named('POST /zitadel.session.v2.SessionService/GetSession');
    expect(get && attr(get, 'network.protocol.version')).toBe('2');
    expect(get && attr(get, 'rpc.grpc.status_code')).toBe(5); // NOT_FOUND
    expect(get?.status?.code ?? 0).toBe(0);
  });

  it('no span carries a token, a secret or a password, nor any header or body', () => {
    const everything = receiver.bodies.join('\n');
    for (const s of secrets) expect(everything).not.toContain(s);
    const keys = new Set(receiver.spans.flatMap((s) => s.attributes.map((a) => a.key)));
    for (const k of keys) expect(k).not.toMatch(/header|body|authorization|cookie|query|password|token/i);
  });
});

describe('tracing off', () => {
  it('exports nothing, even with an endpoint configured', async () => {
    const receiver = new Receiver();
    const endpoint = await receiver.start();
    try {
      const t = await startTestApp({ otelTraces: 'off', otlpTracesEndpoint: endpoint }, { listen: true });
      for (let i = 0; i < 3; i++) expect((await fetch(`${t.url}/v1/policy`, { headers: { authorization: `Bearer ${BOOTSTRAP}` } })).status).toBe(200);
      await t.close();
      expect(receiver.bodies).toEqual([]);
    } finally {
      await receiver.close();
    }
  });
});
