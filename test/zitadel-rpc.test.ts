import { timestampDate, timestampFromMs } from '@bufbuild/protobuf/wkt';
import { Code, ConnectError, type Transport } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import { createServerTransport } from '@zitadel/client/node';
import { createSessionServiceClient } from '@zitadel/client/v2';
import { createClientTransport } from '@zitadel/client/web';
import { TimestampQueryMethod } from '@zitadel/proto/zitadel/object_pb.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultPolicy } from '../src/core/policy.js';
import { startTestApp, type TestApp } from './helpers.js';
import { bearer } from './rpc-helpers.js';

// The ZITADEL SessionService through the official client (@zitadel/client) over every transport
// it offers, plus the Connect protocol, against a real listening sessiond.

const PW = 'correct horse battery';
/** Wrong passwords that lock a user: the policy's default (the one rule of core/lockout.ts). */
const LOCKOUT_THRESHOLD = defaultPolicy.maxFailedPasswordAttempts;

type Client = ReturnType<typeof createSessionServiceClient>;

const transports: [string, (url: string, token: string) => Transport][] = [
  ['gRPC over h2c (createServerTransport)', (url, token) => createServerTransport(token, { baseUrl: url })],
  ['gRPC-Web over HTTP/1.1 (createClientTransport)', (url, token) => createClientTransport(token, { baseUrl: url })],
  ['Connect over HTTP/1.1', (url, token) => createConnectTransport({ baseUrl: url, httpVersion: '1.1', interceptors: [bearer(token)] })],
  ['Connect over h2c', (url, token) => createConnectTransport({ baseUrl: url, httpVersion: '2', interceptors: [bearer(token)] })],
];

async function refusal(p: Promise<unknown>): Promise<ConnectError> {
  try {
    await p;
  } catch (e) {
    return ConnectError.from(e);
  }
  throw new Error('expected a refusal');
}

describe.each(transports)('SessionService via %s', (_name, makeTransport) => {
  let t: TestApp & { url: string };
  let client: Client;
  let readOnly: Client;
  let anonymous: Client;
  let badSecret: Client;
  let userId: string;
  let user2Id: string;
  let clientId: string;

  beforeAll(async () => {
    t = await startTestApp({}, { listen: true });
    const cred = await t.req('POST', '/v1/credentials', { name: 'login-ui', permissions: ['sessions:read', 'sessions:write'] });
    expect(cred.status, cred.raw).toBe(201);
    clientId = cred.body.clientId;
    const ro = await t.req('POST', '/v1/credentials', { name: 'ro', permissions: ['sessions:read'] });
    const u = await t.req('POST', '/v1/users', { loginName: 'alice', password: PW, displayName: 'Alice A.' });
    expect(u.status, u.raw).toBe(201);
    userId = u.body.id;
    user2Id = (await t.req('POST', '/v1/users', { loginName: 'bob', password: PW })).body.id;
    client = createSessionServiceClient(makeTransport(t.url, cred.body.secret));
    readOnly = createSessionServiceClient(makeTransport(t.url, ro.body.secret));
    anonymous = createSessionServiceClient(
      createConnectTransport({ baseUrl: t.url, httpVersion: '1.1' }), // no Authorization header at all
    );
    badSecret = createSessionServiceClient(makeTransport(t.url, 'not-a-valid-secret-0123456789abcdef'));
  });
  afterAll(() => t.close());

  it('runs the whole flow: user check, password check, metadata, list, get, delete', async () => {
    const before = Date.now();
    const created = await client.createSession({
      checks: { user: { search: { case: 'loginName', value: 'alice' } } },
      metadata: { app: new TextEncoder().encode('shop'), keep: new Uint8Array([1, 2, 3]) },
      lifetime: { seconds: 18_000n, nanos: 0 },
      userAgent: { fingerprintId: 'fp-1', ip: '198.51.100.7', description: 'Firefox on Linux', header: { 'user-agent': { values: ['Mozilla/5.0 Firefox'] } } },
    });
    expect(created.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.sessionToken.length).toBe(43);
    expect(created.details?.sequence).toBe(1n);
    expect(created.details?.resourceOwner).toBe('default');

    let got = await client.getSession({ sessionId: created.sessionId, sessionToken: created.sessionToken });
    let s = got.session;
    expect(s?.id).toBe(created.sessionId);
    expect(s?.factors?.user).toMatchObject({ id: userId, loginName: 'alice', displayName: 'Alice A.', organizationId: 'default' });
    expect(s?.factors?.password).toBeUndefined();
    expect(Buffer.from(s?.metadata.app ?? []).toString()).toBe('shop');
    expect([...(s?.metadata.keep ?? [])]).toEqual([1, 2, 3]);
    expect(s?.userAgent?.fingerprintId).toBe('fp-1');
    expect(s?.userAgent?.ip).toBe('198.51.100.7');
    expect(s?.userAgent?.description).toBe('Firefox on Linux');
    expect(s?.userAgent?.header['user-agent']?.values).toEqual(['Mozilla/5.0 Firefox']);
    const exp = timestampDate(s?.expirationDate ?? timestampFromMs(0)).getTime();
    expect(exp).toBeGreaterThanOrEqual(before + 18_000_000);
    expect(exp).toBeLessThan(Date.now() + 18_000_000 + 1);

    // Password in a later request; the deprecated sessionToken is accepted and ignored.
    const set = await client.setSession({
      sessionId: created.sessionId,
      sessionToken: 'ignored',
      checks: { password: { password: PW } },
      metadata: { app: new TextEncoder().encode('shop2'), keep: new Uint8Array() },
    });
    expect(set.sessionToken).not.toBe('');
    expect(set.sessionToken).not.toBe(created.sessionToken);
    expect(set.details?.sequence).toBe(2n);
    // The previous token is invalidated.
    expect((await refusal(client.getSession({ sessionId: created.sessionId, sessionToken: created.sessionToken }))).code).toBe(Code.PermissionDenied);
    got = await client.getSession({ sessionId: created.sessionId, sessionToken: set.sessionToken });
    s = got.session;
    expect(s?.factors?.password?.verifiedAt).toBeDefined();
    expect(s?.factors?.user?.id).toBe(userId);
    expect(Buffer.from(s?.metadata.app ?? []).toString()).toBe('shop2');
    expect(s?.metadata.keep).toBeUndefined();
    expect(s?.sequence).toBe(2n);

    // A Set that changes nothing returns no new token, and the current token stays valid.
    const noop = await client.setSession({ sessionId: created.sessionId, metadata: { app: new TextEncoder().encode('shop2') } });
    expect(noop.sessionToken).toBe('');
    await client.getSession({ sessionId: created.sessionId, sessionToken: set.sessionToken });

    // The session is a real sessiond session: the native API sees it and its token introspects.
    const intro = await t.req('POST', '/v1/sessions/introspect', { token: set.sessionToken });
    expect(intro.body.active).toBe(true);
    expect(intro.body.session.userId).toBe(userId);

    // Lists: by id, by user, by creation date, by creator, by user agent.
    const other = await client.createSession({ checks: { user: { search: { case: 'userId', value: user2Id } }, password: { password: PW } } });
    const byUser = await client.listSessions({ queries: [{ query: { case: 'userIdQuery', value: { id: userId } } }] });
    expect(byUser.sessions.map((x) => x.id)).toEqual([created.sessionId]);
    expect(byUser.details?.totalResult).toBe(1n);
    const byIds = await client.listSessions({ queries: [{ query: { case: 'idsQuery', value: { ids: [created.sessionId, other.sessionId] } } }] });
    expect(byIds.sessions.map((x) => x.id)).toEqual([other.sessionId, created.sessionId]); // newest first
    const asc = await client.listSessions({
      query: { asc: true, limit: 1, offset: 0n },
      queries: [{ query: { case: 'idsQuery', value: { ids: [created.sessionId, other.sessionId] } } }],
    });
    expect(asc.sessions.map((x) => x.id)).toEqual([created.sessionId]);
    expect(asc.details?.totalResult).toBe(2n);
    const future = await client.listSessions({
      queries: [{ query: { case: 'creationDateQuery', value: { creationDate: timestampFromMs(Date.now() + 60_000), method: TimestampQueryMethod.GREATER } } }],
    });
    expect(future.sessions).toEqual([]);
    const past = await client.listSessions({
      queries: [{ query: { case: 'creationDateQuery', value: { creationDate: timestampFromMs(before - 1), method: TimestampQueryMethod.GREATER_OR_EQUALS } } }],
    });
    expect(past.sessions.map((x) => x.id).sort()).toEqual([created.sessionId, other.sessionId].sort());
    const mine = await client.listSessions({ queries: [{ query: { case: 'creatorQuery', value: {} } }] });
    expect(mine.sessions.length).toBe(2);
    const byClientId = await client.listSessions({ queries: [{ query: { case: 'creatorQuery', value: { id: clientId } } }] });
    expect(byClientId.sessions.length).toBe(2);
    const nobody = await client.listSessions({ queries: [{ query: { case: 'creatorQuery', value: { id: 'someone-else' } } }] });
    expect(nobody.sessions).toEqual([]);
    const byFp = await client.listSessions({ queries: [{ query: { case: 'userAgentQuery', value: { fingerprintId: 'fp-1' } } }] });
    expect(byFp.sessions.map((x) => x.id)).toEqual([created.sessionId]);
    const both = await client.listSessions({
      queries: [{ query: { case: 'userIdQuery', value: { id: user2Id } } }, { query: { case: 'userAgentQuery', value: { fingerprintId: 'fp-1' } } }],
    });
    expect(both.sessions).toEqual([]);

    // Delete with the wrong token is refused; with the right one it ends the session.
    expect((await refusal(client.deleteSession({ sessionId: created.sessionId, sessionToken: other.sessionToken }))).code).toBe(Code.PermissionDenied);
    const del = await client.deleteSession({ sessionId: created.sessionId, sessionToken: set.sessionToken });
    expect(del.details?.sequence).toBe(3n);
    expect((await refusal(client.getSession({ sessionId: created.sessionId }))).code).toBe(Code.NotFound);
    expect((await t.req('POST', '/v1/sessions/introspect', { token: set.sessionToken })).body).toMatchObject({ active: false, reason: 'revoked' });
    // Deleting an ended session succeeds.
    await client.deleteSession({ sessionId: created.sessionId });
    // Ended sessions leave the lists.
    expect((await client.listSessions({ queries: [{ query: { case: 'userIdQuery', value: { id: userId } } }] })).sessions).toEqual([]);
  });

  it('refuses a user change, a password without a user, a wrong password, and locks out', async () => {
    const a = await client.createSession({ checks: { user: { search: { case: 'userId', value: userId } } } });
    const change = await refusal(client.setSession({ sessionId: a.sessionId, checks: { user: { search: { case: 'userId', value: user2Id } } } }));
    expect(change.code).toBe(Code.InvalidArgument);
    expect(change.rawMessage).toContain('user change not possible');
    // The same user again is fine (re-check).
    const again = await client.setSession({ sessionId: a.sessionId, checks: { user: { search: { case: 'loginName', value: 'alice' } } } });
    expect(again.sessionToken).not.toBe('');

    const noUser = await refusal(client.createSession({ checks: { password: { password: PW } } }));
    expect(noUser.code).toBe(Code.InvalidArgument);

    const wrong = await refusal(client.setSession({ sessionId: a.sessionId, checks: { password: { password: 'wrong password!' } } }));
    expect(wrong.code).toBe(Code.InvalidArgument);
    expect(wrong.rawMessage).toContain('password is invalid');
    const after = await client.getSession({ sessionId: a.sessionId, sessionToken: again.sessionToken });
    expect(after.session?.factors?.password).toBeUndefined(); // no factor, token unchanged

    const carol = (await t.req('POST', '/v1/users', { loginName: `carol-${Date.now()}`, password: PW })).body;
    const c = await client.createSession({ checks: { user: { search: { case: 'userId', value: carol.id } } } });
    for (let i = 0; i < LOCKOUT_THRESHOLD; i++) {
      expect((await refusal(client.setSession({ sessionId: c.sessionId, checks: { password: { password: `nope-nope-${i}` } } }))).code).toBe(
        Code.InvalidArgument,
      );
    }
    const locked = await refusal(client.setSession({ sessionId: c.sessionId, checks: { password: { password: PW } } }));
    expect(locked.code).toBe(Code.FailedPrecondition);
    expect(locked.rawMessage).toContain('locked');
    expect((await refusal(client.createSession({ checks: { user: { search: { case: 'userId', value: carol.id } }, password: { password: PW } } }))).code).toBe(
      Code.FailedPrecondition,
    );
  });

  it('answers Unimplemented for checks sessiond does not support', async () => {
    const a = await client.createSession({ checks: { user: { search: { case: 'userId', value: userId } } } });
    const cases = [
      { totp: { code: '123456' } },
      { otpSms: { code: '123456' } },
      { otpEmail: { code: '123456' } },
      { idpIntent: { idpIntentId: 'x', idpIntentToken: 'y' } },
      { webAuthN: { credentialAssertionData: {} } },
    ];
    for (const checks of cases) {
      const e = await refusal(client.setSession({ sessionId: a.sessionId, checks }));
      expect(e.code, JSON.stringify(Object.keys(checks))).toBe(Code.Unimplemented);
      expect(e.rawMessage).toContain('not supported');
      const e2 = await refusal(client.createSession({ checks: { user: { search: { case: 'userId', value: userId } }, ...checks } }));
      expect(e2.code).toBe(Code.Unimplemented);
    }
  });

  it('refuses callers: none, a bad secret, a missing permission; unknown ids are NotFound', async () => {
    expect((await refusal(anonymous.listSessions({}))).code).toBe(Code.Unauthenticated);
    expect((await refusal(badSecret.listSessions({}))).code).toBe(Code.Unauthenticated);
    const denied = await refusal(readOnly.createSession({ checks: { user: { search: { case: 'userId', value: userId } } } }));
    expect(denied.code).toBe(Code.PermissionDenied);
    expect((await readOnly.listSessions({})).details?.totalResult).toBeGreaterThanOrEqual(0n);
    expect((await refusal(client.getSession({ sessionId: 'no-such-session' }))).code).toBe(Code.NotFound);
    expect((await refusal(client.setSession({ sessionId: 'no-such-session', metadata: { a: new Uint8Array([1]) } }))).code).toBe(Code.NotFound);
    expect((await refusal(client.createSession({ checks: { user: { search: { case: 'userId', value: 'nobody' } } } }))).code).toBe(Code.NotFound);
  });

  it('refuses bad input with InvalidArgument, never Internal', async () => {
    const long = 'x'.repeat(201);
    const a = await client.createSession({ checks: { user: { search: { case: 'userId', value: userId } } } });
    const bad: (() => Promise<unknown>)[] = [
      () => client.createSession({ checks: { user: { search: { case: 'loginName', value: long } } } }),
      () => client.createSession({ checks: { user: { search: { case: 'loginName', value: '' } } } }),
      () => client.createSession({ checks: { user: { search: { case: undefined } } } }),
      () => client.createSession({ checks: { user: { search: { case: 'userId', value: userId } } }, lifetime: { seconds: 0n, nanos: 0 } }),
      () => client.createSession({ checks: { user: { search: { case: 'userId', value: userId } } }, lifetime: { seconds: -5n, nanos: 0 } }),
      () => client.createSession({ checks: { user: { search: { case: 'userId', value: userId } } }, userAgent: { ip: 'not an ip', header: {} } }),
      () => client.createSession({ checks: { user: { search: { case: 'userId', value: userId } } }, metadata: { [long]: new Uint8Array([1]) } }),
      () => client.createSession({}),
      () => client.setSession({ sessionId: '', metadata: {} }),
      () => client.setSession({ sessionId: long, metadata: {} }),
      () => client.setSession({ sessionId: a.sessionId, checks: { password: { password: '' } } }),
      () => client.setSession({ sessionId: a.sessionId, checks: { password: { password: long } } }),
      () => client.getSession({ sessionId: a.sessionId, sessionToken: long }),
      () => client.listSessions({ query: { limit: 5000, offset: 0n, asc: false } }),
      () => client.listSessions({ queries: [{ query: { case: 'idsQuery', value: { ids: [long] } } }] }),
      () => client.listSessions({ queries: [{ query: { case: undefined } }] }),
    ];
    for (const [i, p] of bad.entries()) {
      const e = await refusal(p());
      expect(e.code, `case ${i}: ${e.message}`).toBe(Code.InvalidArgument);
    }
  });

  it('obeys the canonical policy: expired sessions show an expiration in the past and still list', async () => {
    const a = await client.createSession({ checks: { user: { search: { case: 'userId', value: userId } } }, lifetime: { seconds: 1n, nanos: 0 } });
    await new Promise((r) => setTimeout(r, 1_100));
    const g = await client.getSession({ sessionId: a.sessionId });
    expect(timestampDate(g.session?.expirationDate ?? timestampFromMs(Date.now() + 1e9)).getTime()).toBeLessThanOrEqual(Date.now());
    const l = await client.listSessions({ queries: [{ query: { case: 'idsQuery', value: { ids: [a.sessionId] } } }] });
    expect(l.sessions.map((x) => x.id)).toEqual([a.sessionId]);
    expect((await t.req('POST', '/v1/sessions/introspect', { token: a.sessionToken })).body).toMatchObject({ active: false, reason: 'expired' });
    // An ended session cannot be set.
    expect((await refusal(client.setSession({ sessionId: a.sessionId, metadata: { k: new Uint8Array([1]) } }))).code).toBe(Code.NotFound);
  });
});

describe('SessionService and the session limit', () => {
  let t: TestApp & { url: string };
  afterAll(() => t?.close());
  it('deny_new refuses a new session over the limit with FailedPrecondition; evict_oldest ends the oldest', async () => {
    t = await startTestApp({}, { listen: true });
    const cred = await t.req('POST', '/v1/credentials', { name: 'ui', permissions: ['sessions:read', 'sessions:write'] });
    const u = (await t.req('POST', '/v1/users', { loginName: 'dora', password: PW })).body;
    const client = createSessionServiceClient(createServerTransport(cred.body.secret, { baseUrl: t.url }));
    expect((await t.req('PATCH', '/v1/policy', { userSessionLimit: 1, onLimit: 'deny_new' })).status).toBe(200);
    const first = await client.createSession({ checks: { user: { search: { case: 'userId', value: u.id } } } });
    const e = await refusal(client.createSession({ checks: { user: { search: { case: 'userId', value: u.id } } } }));
    expect(e.code).toBe(Code.FailedPrecondition);
    expect((await t.req('PATCH', '/v1/policy', { onLimit: 'evict_oldest' })).status).toBe(200);
    await client.createSession({ checks: { user: { search: { case: 'userId', value: u.id } } } });
    expect((await refusal(client.getSession({ sessionId: first.sessionId }))).code).toBe(Code.NotFound);
  });
});
