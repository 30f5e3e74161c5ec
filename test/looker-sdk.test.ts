import type { Looker40SDK } from '@looker/sdk';
import { LookerNodeSDK, NodeSettings } from '@looker/sdk-node';
import type { IApiSection } from '@looker/sdk-rtl';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BOOTSTRAP, DEFAULT_LOOKER_CONFIG, startTestApp, type TestApp } from './helpers.js';

// The official Looker TypeScript SDK (@looker/sdk + @looker/sdk-node) as a real client of the
// /api/4.0 surface, over a real socket on plain http://127.0.0.1.

const PW = 'correct horse battery';
const FIREFOX_LINUX = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';

/**
 * NodeSettings reads client_id/client_secret through readConfig() on every login (from
 * environment variables by default); this passes them in code instead, as Looker documents for
 * custom configuration. The env prefix is one nobody sets, so the environment cannot leak in.
 */
class TestSettings extends NodeSettings {
  constructor(
    baseUrl: string,
    private readonly clientId: string,
    private readonly clientSecret: string,
  ) {
    super('SESSIOND_TEST_LOOKERSDK', { base_url: baseUrl, verify_ssl: true, timeout: 30 } as never);
  }
  override readConfig(): IApiSection {
    return { client_id: this.clientId, client_secret: this.clientSecret };
  }
}

describe('the official Looker SDK against /api/4.0', () => {
  let t: TestApp & { url: string };
  let sdk: Looker40SDK;
  let client: { id: string; clientId: string; secret: string };
  const v1 = async (method: string, path: string, body?: unknown, token: string | null = BOOTSTRAP, headers: Record<string, string> = {}) => {
    const res = await fetch(`${t.url}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  const credentialSessions = async () =>
    ((await v1('GET', '/v1/sessions?limit=500')).body.items as { subjectType: string; credentialId: string | null }[]).filter(
      (s) => s.subjectType === 'credential' && s.credentialId === client.id,
    );

  beforeAll(async () => {
    // sdk-rtl 21.6 logs "AbortSignal.timeout is not defined" through console.debug on every request
    // that has no cancel signal (a bug in its message, not a missing feature); keep the output clean.
    vi.spyOn(console, 'debug').mockImplementation(() => {});
    t = await startTestApp({}, { listen: true });
    const created = await v1('POST', '/v1/credentials', { name: 'looker sdk', permissions: ['ServiceProviderAPI', 'sessions:read', 'sessions:write'] });
    expect(created.status).toBe(201);
    client = created.body;
    sdk = LookerNodeSDK.init40(new TestSettings(t.url, client.clientId, client.secret));
  });
  afterAll(async () => {
    await t.close();
    vi.restoreAllMocks();
  });

  it('reads and updates session_config; /v1 sees the update', async () => {
    const config = await sdk.ok(sdk.session_config());
    expect(config).toEqual(DEFAULT_LOOKER_CONFIG);
    const updated = await sdk.ok(sdk.update_session_config({ session_minutes: 240, unlimited_sessions_per_user: false, use_inactivity_based_logout: false }));
    expect(updated).toMatchObject({ session_minutes: 240, unlimited_sessions_per_user: false, use_inactivity_based_logout: false });
    expect((await v1('GET', '/v1/policy')).body).toMatchObject({
      maxLifetimeSeconds: 14_400,
      userSessionLimit: 1,
      adminSessionLimit: 1,
      idleTimeoutSeconds: 0,
    });
    // The SDK logged in once and kept its token (expires_in is well above its 10 s margin).
    expect(await credentialSessions()).toHaveLength(1);
    await sdk.ok(sdk.update_session_config({ unlimited_sessions_per_user: true, use_inactivity_based_logout: true }));
    expect((await v1('GET', '/v1/policy')).body).toMatchObject({ userSessionLimit: 0, adminSessionLimit: 0, idleTimeoutSeconds: 900 });
  });

  it('surfaces 422 as a LookerSDKError with one entry per bad field', async () => {
    const err = await sdk.ok(sdk.update_session_config({ session_minutes: 4, track_session_location: 'yes' as never })).then(
      () => null,
      (e: unknown) => e as { message: string; errors?: { field?: string; code?: string }[]; documentation_url?: string | null },
    );
    expect(err?.message).toBe('Validation Failed');
    expect(err?.errors?.map((e) => e.field).sort()).toEqual(['session_minutes', 'track_session_location']);
    expect(err?.documentation_url).toBe('https://cloud.google.com/looker/docs/r/err/4.0/422/patch/session_config');
    expect((await v1('GET', '/v1/policy')).body.maxLifetimeSeconds).toBe(14_400);
  });

  it("lists, reads and deletes a user's sessions", async () => {
    const user = (await v1('POST', '/v1/users', { loginName: 'dana', password: PW })).body as { id: string };
    const signIn = () => v1('POST', '/v1/sessions', { loginName: 'dana', password: PW }, null, { 'user-agent': FIREFOX_LINUX });
    const first = (await signIn()).body as { token: string; session: { id: string } };
    const second = (await signIn()).body as { token: string; session: { id: string } };

    const list = await sdk.ok(sdk.all_user_sessions(user.id));
    expect(list.map((s) => s.id).sort()).toEqual([first.session.id, second.session.id].sort());
    for (const s of list) {
      expect(s).toMatchObject({
        ip_address: '127.0.0.1',
        browser: 'Firefox 128',
        operating_system: 'Linux',
        credentials_type: 'email',
        can: { show: true, destroy: true },
      });
    }
    const one = await sdk.ok(sdk.user_session(user.id, first.session.id));
    expect(one.id).toBe(first.session.id);
    const some = await sdk.ok(sdk.user_session(user.id, first.session.id, 'id,browser'));
    expect(some).toEqual({ id: first.session.id, browser: 'Firefox 128' });

    await sdk.ok(sdk.delete_user_session(user.id, first.session.id));
    expect((await sdk.ok(sdk.all_user_sessions(user.id))).map((s) => s.id)).toEqual([second.session.id]);
    expect((await v1('POST', '/v1/sessions/introspect', { token: first.token }, null)).body).toEqual({ active: false, reason: 'revoked' });
    const gone = await sdk.ok(sdk.user_session(user.id, first.session.id)).then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(gone?.message).toBe('Not found');
  });

  it('logs out: the access token is refused afterwards, and the SDK logs in again on its next call', async () => {
    const token = (await sdk.authSession.login()).access_token as string;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await sdk.authSession.logout()).toBe(true);
    const refused = await fetch(`${t.url}/api/4.0/session_config`, { headers: { authorization: `token ${token}` } });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({
      message: 'Requires authentication.',
      documentation_url: 'https://cloud.google.com/looker/docs/r/err/4.0/401/get/session_config',
    });
    expect((await sdk.ok(sdk.session_config())).session_minutes).toBe(240);
  });

  it('a wrong secret fails login with the 404 Looker gives', async () => {
    const bad = LookerNodeSDK.init40(new TestSettings(t.url, client.clientId, 'not-the-secret-0123456789abcdefghijkl'));
    const err = await bad.ok(bad.session_config()).then(
      () => null,
      (e: unknown) => e as Error,
    );
    // The SDK's login path keeps only the message of the body.
    expect(err?.message).toBe('Not found');
  });
});
