import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOOTSTRAP, DEFAULT_POLICY, startTestApp, type TestApp } from './helpers.js';

// One canonical policy behind every surface (CONTRACT §3): a write through any surface is
// read back at once through the other two compatibility surfaces and through /v1, and bites
// on the next validation of an existing session.

const LOOKER = '/api/4.0/session_config';
const DYNATRACE = '/api/cluster/v2/clusterConfig/userSessions';
const READ_SETTINGS = '{ organization { id configs { session { maxInactivityPeriod forceReauthenticationAfter } } } }';

describe('cross-surface consistency of the session policy', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  // Each surface with the auth scheme its real clients send.
  const looker = () => t.req('GET', LOOKER, undefined, { token: null, headers: { authorization: `token ${BOOTSTRAP}` } });
  const lookerPatch = (body: unknown) => t.req('PATCH', LOOKER, body, { token: null, headers: { authorization: `token ${BOOTSTRAP}` } });
  const dynatrace = () => t.req('GET', DYNATRACE, undefined, { token: null, headers: { authorization: `Api-Token ${BOOTSTRAP}` } });
  const dynatracePut = (body: unknown) => t.req('PUT', DYNATRACE, body, { token: null, headers: { authorization: `Api-Token ${BOOTSTRAP}` } });
  const logscale = async () => {
    const r = await t.req('POST', '/graphql', { query: READ_SETTINGS });
    expect(r.status, r.raw).toBe(200);
    return r.body.data.organization.configs.session as { maxInactivityPeriod: number; forceReauthenticationAfter: number };
  };
  const logscaleSet = (maxInactivityPeriod: number, forceReauthenticationAfter: number) =>
    t.req('POST', '/graphql', {
      query: `mutation { updateSessionSettings(input: {maxInactivityPeriod: ${maxInactivityPeriod}, forceReauthenticationAfter: ${forceReauthenticationAfter}}) { id } }`,
    });
  const native = async () => (await t.req('GET', '/v1/policy')).body;

  it('starts from the defaults, seen alike everywhere', async () => {
    expect(await native()).toEqual(DEFAULT_POLICY);
    expect((await looker()).body).toMatchObject({ session_minutes: 720, unlimited_sessions_per_user: true, use_inactivity_based_logout: true });
    expect((await dynatrace()).body).toEqual({
      concurrentSessionPolicyDto: { userLimit: 0, adminLimit: 0 },
      automaticLogoutDto: { logoutInactiveUsersEnabled: true, userInactivityTimeout: 1800 },
    });
    expect(await logscale()).toEqual({ maxInactivityPeriod: 1_800_000, forceReauthenticationAfter: 43_200_000 });
  });

  it('a Looker write is read back through Dynatrace, LogScale and /v1', async () => {
    const r = await lookerPatch({ session_minutes: 240, unlimited_sessions_per_user: false });
    expect(r.status, r.raw).toBe(200);
    expect(await native()).toEqual({ ...DEFAULT_POLICY, maxLifetimeSeconds: 14_400, userSessionLimit: 1, adminSessionLimit: 1 });
    expect((await dynatrace()).body.concurrentSessionPolicyDto).toEqual({ userLimit: 1, adminLimit: 1 });
    expect((await logscale()).forceReauthenticationAfter).toBe(14_400_000);
  });

  it('a Dynatrace write is read back through Looker, LogScale and /v1', async () => {
    const r = await dynatracePut({
      concurrentSessionPolicyDto: { userLimit: 3, adminLimit: 5 },
      automaticLogoutDto: { logoutInactiveUsersEnabled: true, userInactivityTimeout: 1200 },
    });
    expect(r.status, r.raw).toBe(204);
    expect(await native()).toEqual({ ...DEFAULT_POLICY, maxLifetimeSeconds: 14_400, userSessionLimit: 3, adminSessionLimit: 5, idleTimeoutSeconds: 1200 });
    // Looker cannot say "3": a limit other than 0 reads as "not unlimited".
    expect((await looker()).body).toMatchObject({ session_minutes: 240, unlimited_sessions_per_user: false, use_inactivity_based_logout: true });
    expect(await logscale()).toEqual({ maxInactivityPeriod: 1_200_000, forceReauthenticationAfter: 14_400_000 });
  });

  it('a LogScale write is read back through Looker, Dynatrace and /v1', async () => {
    const r = await logscaleSet(0, 7_200_000);
    expect(r.status, r.raw).toBe(200);
    expect(r.body).toEqual({ data: { updateSessionSettings: { id: 'default' } } });
    expect(await native()).toEqual({ ...DEFAULT_POLICY, maxLifetimeSeconds: 7_200, userSessionLimit: 3, adminSessionLimit: 5, idleTimeoutSeconds: 0 });
    expect((await looker()).body).toMatchObject({ session_minutes: 120, use_inactivity_based_logout: false });
    expect((await dynatrace()).body.automaticLogoutDto).toEqual({ logoutInactiveUsersEnabled: false, userInactivityTimeout: 0 });
  });

  it('a /v1 write is read back through all three', async () => {
    const r = await t.req('PATCH', '/v1/policy', { maxLifetimeSeconds: 3_600, idleTimeoutSeconds: 900, userSessionLimit: 0, adminSessionLimit: 0 });
    expect(r.status, r.raw).toBe(200);
    expect((await looker()).body).toMatchObject({ session_minutes: 60, unlimited_sessions_per_user: true, use_inactivity_based_logout: true });
    expect((await dynatrace()).body).toEqual({
      concurrentSessionPolicyDto: { userLimit: 0, adminLimit: 0 },
      automaticLogoutDto: { logoutInactiveUsersEnabled: true, userInactivityTimeout: 900 },
    });
    expect(await logscale()).toEqual({ maxInactivityPeriod: 900_000, forceReauthenticationAfter: 3_600_000 });
  });

  it('a tightened policy bites on the next validation of an existing session, whichever surface wrote it; loosening it again does not revive it', async () => {
    expect((await t.req('POST', '/v1/users', { loginName: 'erin', password: 'correct horse battery' })).status).toBe(201);
    const s = await t.req('POST', '/v1/sessions', { loginName: 'erin', password: 'correct horse battery' }, { token: null });
    expect(s.status, s.raw).toBe(201);
    const introspect = async () => (await t.req('POST', '/v1/sessions/introspect', { token: s.body.token }, { token: null })).body;
    expect((await introspect()).active).toBe(true);
    await sleep(1_100);
    // LogScale: re-authenticate after 1 s. The session is older than that now.
    expect((await logscaleSet(900_000, 1_000)).status).toBe(200);
    expect(await introspect()).toEqual({ active: false, reason: 'expired' });
    // Looker loosens it again (5 minutes): the ended session stays ended (ended is final), and a
    // new session lives by the new policy at once.
    expect((await lookerPatch({ session_minutes: 5 })).status).toBe(200);
    expect(await introspect()).toEqual({ active: false, reason: 'expired' });
    const again = await t.req('POST', '/v1/sessions', { loginName: 'erin', password: 'correct horse battery' }, { token: null });
    await sleep(1_100);
    expect((await t.req('POST', '/v1/sessions/introspect', { token: again.body.token }, { token: null })).body.active).toBe(true);
  });

  it('a path that cannot be routed (bad percent-encoding, over-long parameter) gets a 4xx in the shape of its surface', async () => {
    const long = 'a'.repeat(300);
    const native = await t.req('GET', '/v1/users/%E0%A4%A');
    expect(native.status).toBe(400);
    expect(native.body.error).toMatchObject({ code: 'invalid_argument', message: 'the URL path is not valid (bad percent-encoding)' });
    const nativeLong = await t.req('GET', `/v1/users/${long}`);
    expect(nativeLong.status).toBe(414);
    expect(nativeLong.body.error.code).toBe('invalid_argument');
    const looker = await t.req('GET', '/api/4.0/users/%E0%A4%A/sessions');
    expect(looker.status).toBe(400);
    expect(Object.keys(looker.body).sort()).toEqual(['documentation_url', 'message']);
    const dynatrace = await t.req('GET', `/api/cluster/v2/x/${'%E0%A4%A'}`);
    expect(dynatrace.status).toBe(400);
    expect(dynatrace.body.error).toMatchObject({ code: 400 });
    const zitadel = await t.req('GET', `/v2/sessions/${long}`);
    expect(zitadel.status).toBe(400);
    expect(zitadel.body).toMatchObject({ code: 3, details: [{ '@type': 'type.googleapis.com/zitadel.v1.ErrorDetail' }] });
  });
});
