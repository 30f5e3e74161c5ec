import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import expressApp from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { express } from '../src/express.js';
import { fastify } from '../src/fastify.js';
import { hono, type SessionVariables } from '../src/hono.js';
import { createClient, type SessiondClient } from '../src/index.js';
import type { MiddlewareOptions } from '../src/middleware.js';
import { PASSWORD, type Sessiond, startSessiond } from './sessiond.js';

// Each middleware in a real server of its framework on a free port, in front of a route that
// shows the session it was given, checking tokens with a real sessiond process.

interface Protected {
  url: string;
  close(): Promise<void>;
}

/** An app of each framework whose GET and POST /private answer {sessionId, userId} from the session the middleware set. */
const frameworks: Record<string, (o: MiddlewareOptions) => Promise<Protected>> = {
  async express(o) {
    const app = expressApp();
    app.use(express(o));
    app.all('/private', (req, res) => {
      res.json({ sessionId: req.session?.id, userId: req.session?.userId });
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  },
  async fastify(o) {
    const app = Fastify();
    app.addHook('preHandler', fastify(o));
    app.route({ method: ['GET', 'POST'], url: '/private', handler: async (request) => ({ sessionId: request.session?.id, userId: request.session?.userId }) });
    return { url: await app.listen({ port: 0, host: '127.0.0.1' }), close: () => app.close() };
  },
  async hono(o) {
    const app = new Hono<{ Variables: SessionVariables }>();
    app.use('*', hono(o));
    app.all('/private', (c) => c.json({ sessionId: c.get('session').id, userId: c.get('session').userId }));
    const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    });
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  },
};

/**
 * A request with exactly these headers (fetch would set its own Sec-Fetch-Mode, as a browser's
 * script does): its status, headers and JSON body.
 */
function send(url: string, headers: Record<string, string> = {}, method = 'GET') {
  return new Promise<{ status: number; headers: { get(name: string): string | undefined }; json(): unknown }>((resolve, reject) => {
    request(url, { method, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => {
        body += d;
      });
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: { get: (name) => res.headers[name] as string | undefined }, json: () => JSON.parse(body) }),
      );
    })
      .on('error', reject)
      .end();
  });
}

const SIGN_IN_PAGE = 'https://auth.example.test/signin';
const BROWSER = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8', 'sec-fetch-mode': 'navigate' };

describe.each(Object.keys(frameworks))('the %s middleware', (name) => {
  let s: Sessiond;
  let client: SessiondClient;
  let app: Protected;
  let redirecting: Protected;
  beforeAll(async () => {
    s = await startSessiond();
    client = createClient({ baseUrl: s.base });
    const build = frameworks[name]!;
    app = await build({ client });
    redirecting = await build({ client, redirectTo: SIGN_IN_PAGE });
  });
  afterAll(async () => {
    await app?.close();
    await redirecting?.close();
    await s?.close();
  });

  const get = (base: string, headers: Record<string, string> = {}, method = 'GET') => send(`${base}/private?x=1`, headers, method);

  it('no token: 401 JSON with the reason and WWW-Authenticate', async () => {
    const r = await get(app.url);
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toBe('Bearer realm="sessiond"');
    expect(await r.json()).toEqual({ active: false, reason: 'unknown' });
    // Without redirectTo a browser gets 401 too.
    expect((await get(app.url, BROWSER)).status).toBe(401);
  });

  it('no token, with redirectTo: a browser navigation is redirected to the sign-in page with rd; an API call or XHR gets 401', async () => {
    const r = await get(redirecting.url, BROWSER);
    expect(r.status).toBe(302);
    expect(r.headers.get('location')).toBe(`${SIGN_IN_PAGE}?rd=${encodeURIComponent(`${redirecting.url}/private?x=1`)}`);
    expect((await get(redirecting.url, BROWSER, 'POST')).status).toBe(303);
    expect((await get(redirecting.url, { accept: 'application/json' })).status).toBe(401);
    expect((await get(redirecting.url, { ...BROWSER, 'x-requested-with': 'XMLHttpRequest' })).status).toBe(401);
    expect((await get(redirecting.url, { accept: 'text/html', 'sec-fetch-mode': 'cors' })).status).toBe(401);
  });

  it('a valid Bearer token or session cookie: the session is on the request', async () => {
    const { session, token } = await client.signIn({ loginName: 'alice', password: PASSWORD });
    const expected = { sessionId: session.id, userId: session.userId };
    for (const headers of [{ authorization: `Bearer ${token}` }, { cookie: `theme=dark; __Host-sessiond=${token}` }, { cookie: `sessiond=${token}` }]) {
      const r = await get(app.url, headers);
      expect(r.status, JSON.stringify(headers)).toBe(200);
      expect(await r.json()).toEqual(expected);
    }
    const r = await get(redirecting.url, { ...BROWSER, cookie: `__Secure-sessiond=${token}` });
    expect(r.status).toBe(200);
  });

  it('a garbage token: 401 unknown; a revoked session: 401 revoked (and the browser is redirected)', async () => {
    const garbage = await get(app.url, { authorization: 'Bearer not-a-token' });
    expect(garbage.status).toBe(401);
    expect(await garbage.json()).toEqual({ active: false, reason: 'unknown' });

    const { token } = await client.signIn({ loginName: 'alice', password: PASSWORD });
    expect((await get(app.url, { authorization: `Bearer ${token}` })).status).toBe(200);
    await client.revoke({ token });
    const revoked = await get(app.url, { authorization: `Bearer ${token}` });
    expect(revoked.status).toBe(401);
    expect(await revoked.json()).toEqual({ active: false, reason: 'revoked' });
    expect((await get(redirecting.url, { ...BROWSER, cookie: `__Host-sessiond=${token}` })).status).toBe(302);
  });
});

describe('the cookie name option', () => {
  let s: Sessiond;
  let app: Protected;
  beforeAll(async () => {
    s = await startSessiond();
    app = await frameworks.express!({ client: createClient({ baseUrl: s.base }), cookieName: 'my-session' });
  });
  afterAll(async () => {
    await app?.close();
    await s?.close();
  });

  it('reads only the named cookie', async () => {
    const { token } = await createClient({ baseUrl: s.base }).signIn({ loginName: 'alice', password: PASSWORD });
    expect((await send(`${app.url}/private`, { cookie: `my-session=${token}` })).status).toBe(200);
    expect((await send(`${app.url}/private`, { cookie: `__Host-sessiond=${token}` })).status).toBe(401);
  });
});
