import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from './helpers.js';

// Introspection over a real socket takes the framework-free fast path; it must answer exactly
// like the Fastify route (which in-process tests exercise).
describe('introspection fast path (real socket)', () => {
  let t: Awaited<ReturnType<typeof startTestApp>>;
  beforeAll(async () => {
    t = await startTestApp({}, { listen: true });
  });
  afterAll(() => t.close());

  const post = async (body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) => {
    const r = await fetch(`${t.url}/v1/sessions/introspect`, { method: 'POST', headers, body });
    // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON answers
    return { status: r.status, requestId: r.headers.get('x-request-id'), body: (await r.json()) as Record<string, any> };
  };

  it('answers active, then revoked, like the framework route', async () => {
    await t.req('POST', '/v1/users', { loginName: 'fast', password: 'password-1' });
    const s = await t.req('POST', '/v1/sessions', { loginName: 'fast', password: 'password-1' }, { token: null });
    const live = await post(JSON.stringify({ token: s.body.token }));
    const viaFramework = await t.req('POST', '/v1/sessions/introspect', { token: s.body.token }, { token: null });
    expect(live.status).toBe(200);
    expect(Object.keys(live.body.session)).toEqual(Object.keys(viaFramework.body.session));
    expect(live.body).toMatchObject({ active: true, session: { id: s.body.session.id, userId: s.body.session.userId } });
    await t.req('DELETE', `/v1/sessions/${s.body.session.id}`);
    expect((await post(JSON.stringify({ token: s.body.token }))).body).toEqual({ active: false, reason: 'revoked' });
    expect((await post(JSON.stringify({ token: 'x'.repeat(43) }))).body).toEqual({ active: false, reason: 'unknown' });
  });

  it('refuses bad bodies with the native 400 shape and a request id', async () => {
    for (const body of ['{not json', '[]', '{"token":""}', '{"token":"abc","extra":1}', '{"token":5}']) {
      const r = await post(body, { 'content-type': 'application/json', 'x-request-id': 'req-123' });
      expect(r.status, body).toBe(400);
      expect(r.requestId).toBe('req-123');
      expect(r.body.error).toMatchObject({ code: 'invalid_argument', requestId: 'req-123' });
    }
    const unknownField = await post('{"token":"abc","extra":1}');
    expect(unknownField.body.error.details).toEqual([{ field: 'extra', code: 'unknown_field', message: 'is not a known field' }]);
  });

  it('leaves other content types and oversized bodies to the framework (415, 413)', async () => {
    expect((await post('token=abc', { 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(415);
    expect((await post(JSON.stringify({ token: 'a'.repeat(70_000) }))).status).toBe(413);
  });
});
