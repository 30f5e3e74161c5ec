import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../test/process-helpers.js';
import { createClient, SessiondError } from '../src/index.js';
import { BOOTSTRAP, PASSWORD, type Sessiond, startSessiond } from './sessiond.js';

// Each method of the client against a real sessiond process, and its errors: sessiond's own
// (status, code, message, requestId), a server that never answers, a port nobody listens on.

describe('@sessiond/client against a real sessiond', () => {
  let s: Sessiond;
  beforeAll(async () => {
    s = await startSessiond();
  });
  afterAll(() => s?.close());

  const client = () => createClient({ baseUrl: `${s.base}/`, credential: BOOTSTRAP });
  const signIn = () => client().signIn({ loginName: 'alice', password: PASSWORD });

  it('signIn gives a session and its token; whoami and introspect see it active', async () => {
    const { session, token } = await signIn();
    expect(session).toMatchObject({ subjectType: 'user', active: true, organizationId: 'default', role: 'user' });
    expect(token).toEqual(expect.any(String));
    const who = await client().whoami(token);
    expect(who).toEqual({ active: true, session: expect.objectContaining({ id: session.id, userId: session.userId, expiresAt: expect.any(String) }) });
    expect(await client().introspect(token)).toEqual({ active: true, session: expect.objectContaining({ id: session.id }) });
  });

  it('whoami reads the session cookie when given a Cookie header', async () => {
    const { session, token } = await signIn();
    const who = await client().whoami({ cookie: `theme=dark; __Host-sessiond=${token}` });
    expect(who.active && who.session.id).toBe(session.id);
  });

  it('a token that is not active: an answer with the reason, not an error', async () => {
    expect(await client().whoami('no-such-token')).toEqual({ active: false, reason: 'unknown' });
    expect(await client().introspect('no-such-token')).toEqual({ active: false, reason: 'unknown' });
  });

  it('revoke by token (sign-out): the session is revoked', async () => {
    const { token } = await signIn();
    await client().revoke({ token });
    expect(await client().whoami(token)).toEqual({ active: false, reason: 'revoked' });
    expect(await client().introspect(token)).toEqual({ active: false, reason: 'revoked' });
  });

  it('revoke by session id needs the client credential', async () => {
    const { session, token } = await signIn();
    const anonymous = createClient({ baseUrl: s.base });
    const refused = await anonymous.revoke({ sessionId: session.id }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SessiondError);
    expect(refused).toMatchObject({ status: 401, code: 'unauthenticated' });
    await client().revoke({ sessionId: session.id });
    expect(await client().whoami(token)).toEqual({ active: false, reason: 'revoked' });
  });

  it('rotate gives a new token for the same session; the old one is rotated', async () => {
    const { session, token } = await signIn();
    const rotated = await client().rotate(token);
    expect(rotated.session.id).toBe(session.id);
    expect(rotated.token).not.toBe(token);
    expect(await client().whoami(token)).toEqual({ active: false, reason: 'rotated' });
    expect(await client().whoami(rotated.token)).toMatchObject({ active: true });
  });

  it('revokeOthers ends the other sessions and says how many', async () => {
    const others = [await signIn(), await signIn()];
    const mine = await signIn();
    expect(await client().revokeOthers(mine.token)).toBeGreaterThanOrEqual(2);
    for (const o of others) expect(await client().whoami(o.token)).toEqual({ active: false, reason: 'revoked' });
    expect(await client().whoami(mine.token)).toMatchObject({ active: true });
  });

  it("sessiond's refusals are SessiondErrors with status, code, message and requestId", async () => {
    const wrong = await client()
      .signIn({ loginName: 'alice', password: 'wrong password' })
      .catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(SessiondError);
    expect(wrong).toMatchObject({ name: 'SessiondError', status: 401, code: 'invalid_credentials', requestId: expect.any(String), details: [] });
    expect((wrong as Error).message).toMatch(/401 invalid_credentials, request /);

    const invalid = await client()
      .signIn({ loginName: '', password: PASSWORD })
      .catch((e: unknown) => e);
    expect(invalid).toMatchObject({ status: 400, code: 'invalid_argument', details: [expect.objectContaining({ field: 'loginName' })] });

    const inactive = await client()
      .rotate('no-such-token')
      .catch((e: unknown) => e);
    expect(inactive).toMatchObject({ status: 401, code: 'unauthenticated' });
  });

  it('a server that never answers: a timeout error after timeoutMs', async () => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((socket) => sockets.push(socket));
    const port = await new Promise<number>((resolve) => silent.listen(0, '127.0.0.1', () => resolve((silent.address() as { port: number }).port)));
    try {
      const started = Date.now();
      const e = await createClient({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 300 })
        .whoami('any')
        .catch((err: unknown) => err);
      expect(e).toBeInstanceOf(SessiondError);
      expect(e).toMatchObject({ status: 0, code: 'timeout', requestId: null });
      expect((e as Error).message).toMatch(/within 300 ms/);
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('nobody listening: a network error', async () => {
    const e = await createClient({ baseUrl: `http://127.0.0.1:${await freePort()}` })
      .introspect('any')
      .catch((err: unknown) => err);
    expect(e).toMatchObject({ name: 'SessiondError', status: 0, code: 'network' });
  });

  it('another fetch can be passed (e.g. one with an agent of its own)', async () => {
    const seen: string[] = [];
    const counting: typeof fetch = (input, init) => {
      seen.push(String(input));
      return fetch(input, init);
    };
    const { token } = await createClient({ baseUrl: s.base, fetch: counting }).signIn({ loginName: 'alice', password: PASSWORD });
    expect(token).toEqual(expect.any(String));
    expect(seen).toEqual([`${s.base}/v1/sessions`]);
  });
});
