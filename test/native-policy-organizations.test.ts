import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, expectError, startTestApp, type TestApp } from './helpers.js';

// The session policy (/v1/policy, /v1/organizations/:id/policy) and organizations.

type Res = Awaited<ReturnType<TestApp['req']>>;

const PW = 'correct horse battery';

const fields = (r: Res) => (r.body.error.details as { field: string }[]).map((d) => d.field).sort();

describe('the instance policy', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const policy = async () => {
    const r = await t.req('GET', '/v1/policy');
    expect(r.status).toBe(200);
    return r.body;
  };
  const eventCount = async () => (await t.req('GET', '/v1/events?type=policy.changed&limit=1000')).body.items.length as number;
  async function credentialWith(permissions: string[], organizationId?: string) {
    const r = await t.req('POST', '/v1/credentials', { name: 'p', permissions, ...(organizationId ? { organizationId } : {}) });
    expect(r.status, r.raw).toBe(201);
    return r.body.secret as string;
  }

  it('GET /v1/policy answers the defaults in canonical fields', async () => {
    expect(await policy()).toEqual(DEFAULT_POLICY);
  });

  it('PATCH /v1/policy changes only the given fields, records who changed what', async () => {
    const r = await t.req('PATCH', '/v1/policy', { idleTimeoutSeconds: 600, onLimit: 'deny_new' });
    expect(r.status, r.raw).toBe(200);
    expect(r.body).toEqual({ ...DEFAULT_POLICY, idleTimeoutSeconds: 600, onLimit: 'deny_new' });
    expect(await policy()).toEqual(r.body);
    const ev = await t.req('GET', '/v1/events?type=policy.changed');
    expect(ev.body.items.at(-1)).toMatchObject({
      aggregateType: 'policy',
      aggregateId: 'instance',
      actor: 'credential:bootstrap',
      organizationId: null,
      data: { changes: { idleTimeoutSeconds: { from: 1800, to: 600 }, onLimit: { from: 'evict_oldest', to: 'deny_new' } } },
    });
    // A patch that changes nothing records nothing.
    const n = await eventCount();
    expect((await t.req('PATCH', '/v1/policy', { idleTimeoutSeconds: 600 })).status).toBe(200);
    expect((await t.req('PATCH', '/v1/policy', {})).body).toEqual(r.body);
    expect(await eventCount()).toBe(n);
  });

  it('accepts the boundaries of every field', async () => {
    const lo = { maxLifetimeSeconds: 1, idleTimeoutSeconds: 0, userSessionLimit: 0, adminSessionLimit: 0 };
    expect((await t.req('PATCH', '/v1/policy', lo)).body).toMatchObject(lo);
    const hi = { maxLifetimeSeconds: 315_360_000, idleTimeoutSeconds: 315_360_000, userSessionLimit: 100_000, adminSessionLimit: 100_000 };
    expect((await t.req('PATCH', '/v1/policy', hi)).body).toMatchObject(hi);
  });

  it('PUT /v1/policy replaces the whole policy and requires every field', async () => {
    const next = { ...DEFAULT_POLICY, maxLifetimeSeconds: 3600, allowPersistentSessions: true, trackLocation: false };
    const r = await t.req('PUT', '/v1/policy', next);
    expect(r.status, r.raw).toBe(200);
    expect(r.body).toEqual(next);
    expect(await policy()).toEqual(next);
    const partial = await t.req('PUT', '/v1/policy', { maxLifetimeSeconds: 100 });
    expectError(partial, 400, 'invalid_argument');
    expect(fields(partial)).toEqual([
      'adminSessionLimit',
      'allowPersistentSessions',
      'idleTimeoutSeconds',
      'lockoutSeconds',
      'maxFailedPasswordAttempts',
      'onLimit',
      'trackLocation',
      'userSessionLimit',
    ]);
    expect(partial.body.error.details.every((d: { code: string }) => d.code === 'required')).toBe(true);
    expect(await policy()).toEqual(next);
  });

  it('invalid values are refused with one issue per field and change nothing', async () => {
    const before = await policy();
    const events = await eventCount();
    const bad = await t.req('PATCH', '/v1/policy', {
      maxLifetimeSeconds: 0,
      idleTimeoutSeconds: -1,
      userSessionLimit: 100_001,
      adminSessionLimit: 1.5,
      onLimit: 'kill_all',
      allowPersistentSessions: 'yes',
      trackLocation: null,
      sessionMinutes: 5,
    });
    expectError(bad, 400, 'invalid_argument');
    expect(fields(bad)).toEqual([
      'adminSessionLimit',
      'allowPersistentSessions',
      'idleTimeoutSeconds',
      'maxLifetimeSeconds',
      'onLimit',
      'sessionMinutes',
      'trackLocation',
      'userSessionLimit',
    ]);
    const byField = Object.fromEntries(bad.body.error.details.map((d: { field: string; code: string }) => [d.field, d.code]));
    expect(byField).toMatchObject({ maxLifetimeSeconds: 'range', idleTimeoutSeconds: 'range', userSessionLimit: 'range', sessionMinutes: 'unknown_field' });
    expect(bad.body.error.details.find((d: { field: string }) => d.field === 'onLimit').message).toContain('evict_oldest');
    for (const body of [
      { maxLifetimeSeconds: 315_360_001 },
      { maxLifetimeSeconds: '3600' },
      { maxLifetimeSeconds: 1e300 },
      { maxLifetimeSeconds: -1e300 },
      { idleTimeoutSeconds: Number.MAX_SAFE_INTEGER + 2 },
      { userSessionLimit: -1 },
      { onLimit: ['evict_oldest'] },
    ]) {
      expectError(await t.req('PATCH', '/v1/policy', body), 400, 'invalid_argument');
      expectError(await t.req('PUT', '/v1/policy', { ...before, ...body }), 400, 'invalid_argument');
    }
    expect(await policy()).toEqual(before);
    expect(await eventCount()).toBe(events);
  });

  it('an idle timeout not shorter than the lifetime is saved with a Warning header, and the preview lists it', async () => {
    const before = await policy();
    const r = await t.req('PATCH', '/v1/policy', { idleTimeoutSeconds: 100_000 });
    expect(r.status, r.raw).toBe(200);
    expect(r.body).toEqual({ ...before, idleTimeoutSeconds: 100_000 });
    expect(String(r.headers.warning)).toMatch(
      /^299 sessiond "idleTimeoutSeconds 100000 s is not shorter than maxLifetimeSeconds \(\d+ s\): every session reaches/,
    );
    const preview = await t.req('POST', '/v1/policy/preview', { maxLifetimeSeconds: 200_000 });
    expect(preview.body.warnings).toEqual([]);
    const still = await t.req('POST', '/v1/policy/preview', {});
    expect(still.body.warnings).toEqual([{ field: 'idleTimeoutSeconds', code: 'exceeds_lifetime', message: expect.stringContaining('never ends one') }]);
    // An organization's override is warned about the same way.
    const org = await t.req('POST', '/v1/organizations', { name: 'Warned' });
    const o = await t.req('PATCH', `/v1/organizations/${org.body.id}/policy`, { maxLifetimeSeconds: 60, idleTimeoutSeconds: 60 });
    expect(o.status, o.raw).toBe(200);
    expect(String(o.headers.warning)).toMatch(/^299 sessiond "idleTimeoutSeconds 60 s is not shorter than maxLifetimeSeconds \(60 s\)/);
    const fixed = await t.req('PATCH', '/v1/policy', { idleTimeoutSeconds: before.idleTimeoutSeconds });
    expect(fixed.status).toBe(200);
    expect(fixed.headers.warning).toBeUndefined();
  });

  it('401 without a credential; 403 without session_config:read / :write', async () => {
    const before = await policy();
    expectError(await t.req('GET', '/v1/policy', undefined, { token: null }), 401, 'unauthenticated');
    expectError(await t.req('PATCH', '/v1/policy', { idleTimeoutSeconds: 60 }, { token: null }), 401, 'unauthenticated');
    expectError(await t.req('PUT', '/v1/policy', DEFAULT_POLICY, { token: null }), 401, 'unauthenticated');
    const reader = await credentialWith(['session_config:read']);
    expect((await t.req('GET', '/v1/policy', undefined, { token: reader })).body).toEqual(before);
    expectError(await t.req('PATCH', '/v1/policy', { idleTimeoutSeconds: 60 }, { token: reader }), 403, 'permission_denied');
    expectError(await t.req('PUT', '/v1/policy', DEFAULT_POLICY, { token: reader }), 403, 'permission_denied');
    const other = await credentialWith(['users:read', 'users:write', 'sessions:read', 'sessions:write']);
    expectError(await t.req('GET', '/v1/policy', undefined, { token: other }), 403, 'permission_denied');
    expect(await policy()).toEqual(before);
  });

  it('an organization-scoped credential cannot change the instance policy (it would bind every organization)', async () => {
    expect((await t.req('POST', '/v1/organizations', { id: 'tenant', name: 'Tenant' })).status).toBe(201);
    const scoped = await credentialWith(['session_config:read', 'session_config:write'], 'tenant');
    const before = await policy();
    expectError(await t.req('PATCH', '/v1/policy', { maxLifetimeSeconds: 60 }, { token: scoped }), 403, 'permission_denied');
    expectError(await t.req('PUT', '/v1/policy', { ...before, maxLifetimeSeconds: 60 }, { token: scoped }), 403, 'permission_denied');
    expect(await policy()).toEqual(before);
    // It manages its own organization's override instead.
    const own = await t.req('PATCH', '/v1/organizations/tenant/policy', { maxLifetimeSeconds: 60 }, { token: scoped });
    expect(own.status, own.raw).toBe(200);
    expect(own.body.maxLifetimeSeconds).toBe(60);
    expect(await policy()).toEqual(before);
  });
});

describe('organizations and their policy overrides', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  async function credentialWith(permissions: string[], organizationId?: string) {
    const r = await t.req('POST', '/v1/credentials', { name: 'o', permissions, ...(organizationId ? { organizationId } : {}) });
    expect(r.status, r.raw).toBe(201);
    return r.body.secret as string;
  }
  const orgPolicy = async (id: string) => {
    const r = await t.req('GET', `/v1/organizations/${id}/policy`);
    expect(r.status, r.raw).toBe(200);
    return r.body;
  };

  it('POST /v1/organizations creates one (201), with a given or generated id', async () => {
    const r = await t.req('POST', '/v1/organizations', { id: 'acme', name: 'Acme Corp' });
    expect(r.status, r.raw).toBe(201);
    expect(r.body).toEqual({ id: 'acme', name: 'Acme Corp', createdAt: expect.any(String), policyOverride: null, effectivePolicy: DEFAULT_POLICY });
    const gen = await t.req('POST', '/v1/organizations', { name: 'No Id' });
    expect(gen.status).toBe(201);
    expect(gen.body.id).toMatch(/^[A-Za-z0-9_.-]+$/);
    const ev = await t.req('GET', '/v1/events?aggregateType=organization&type=organization.created');
    expect(ev.body.items.map((e: { aggregateId: string; actor: string }) => [e.aggregateId, e.actor])).toEqual([
      ['acme', 'credential:bootstrap'],
      [gen.body.id, 'credential:bootstrap'],
    ]);
  });

  it('POST /v1/organizations: 409 on a taken id, 400 on invalid bodies, 401, 403; nothing stored', async () => {
    const count = async () => (await t.req('GET', '/v1/organizations')).body.items.length as number;
    const before = await count();
    expectError(await t.req('POST', '/v1/organizations', { id: 'acme', name: 'Again' }), 409, 'already_exists');
    expectError(await t.req('POST', '/v1/organizations', { id: 'default', name: 'Again' }), 409, 'already_exists');
    for (const [body, field] of [
      [{ id: 'a b', name: 'x' }, 'id'],
      [{ id: '', name: 'x' }, 'id'],
      [{ id: 'x'.repeat(65), name: 'x' }, 'id'],
      [{ id: 'x' }, 'name'],
      [{ name: '' }, 'name'],
      [{ name: 7 }, 'name'],
      [{ name: 'x', policyOverride: {} }, 'policyOverride'],
    ] as const) {
      const r = await t.req('POST', '/v1/organizations', body);
      expectError(r, 400, 'invalid_argument');
      expect(fields(r)).toContain(field);
    }
    expectError(await t.req('POST', '/v1/organizations', { name: 'x' }, { token: null }), 401, 'unauthenticated');
    expectError(await t.req('POST', '/v1/organizations', { name: 'x' }, { token: await credentialWith(['organizations:read']) }), 403, 'permission_denied');
    const scoped = await credentialWith(['organizations:read', 'organizations:write'], 'acme');
    expectError(await t.req('POST', '/v1/organizations', { name: 'x' }, { token: scoped }), 403, 'permission_denied');
    expect(await count()).toBe(before);
    expect((await t.req('GET', '/v1/organizations/acme')).body.name).toBe('Acme Corp');
  });

  it('GET /v1/organizations and /v1/organizations/:id', async () => {
    const list = await t.req('GET', '/v1/organizations');
    expect(list.status).toBe(200);
    const ids = list.body.items.map((o: { id: string }) => o.id);
    expect(ids).toEqual(expect.arrayContaining(['default', 'acme']));
    const one = await t.req('GET', '/v1/organizations/default');
    expect(one.body).toMatchObject({ id: 'default', name: 'Default', policyOverride: null, effectivePolicy: DEFAULT_POLICY });
    expectError(await t.req('GET', '/v1/organizations/nope'), 404, 'not_found');
    expectError(await t.req('GET', '/v1/organizations', undefined, { token: null }), 401, 'unauthenticated');
    expectError(await t.req('GET', '/v1/organizations/acme', undefined, { token: await credentialWith(['users:read']) }), 403, 'permission_denied');
    // A scoped credential sees only its own organization.
    const scoped = await credentialWith(['organizations:read'], 'acme');
    expect((await t.req('GET', '/v1/organizations', undefined, { token: scoped })).body.items.map((o: { id: string }) => o.id)).toEqual(['acme']);
    expectError(await t.req('GET', '/v1/organizations/default', undefined, { token: scoped }), 404, 'not_found');
  });

  it('GET /v1/organizations/:id/policy: effective policy is the instance policy without an override', async () => {
    expect(await orgPolicy('default')).toEqual({ ...DEFAULT_POLICY, organizationId: 'default', override: null });
    expectError(await t.req('GET', '/v1/organizations/nope/policy'), 404, 'not_found');
    expectError(await t.req('GET', '/v1/organizations/acme/policy', undefined, { token: null }), 401, 'unauthenticated');
    expectError(
      await t.req('GET', '/v1/organizations/acme/policy', undefined, { token: await credentialWith(['organizations:read']) }),
      403,
      'permission_denied',
    );
  });

  it('override fields win; the rest follows the instance policy, also when it changes later', async () => {
    const put = await t.req('PUT', '/v1/organizations/acme/policy', { idleTimeoutSeconds: 60, userSessionLimit: 2 });
    expect(put.status, put.raw).toBe(200);
    expect(put.body).toEqual({
      ...DEFAULT_POLICY,
      idleTimeoutSeconds: 60,
      userSessionLimit: 2,
      organizationId: 'acme',
      override: { idleTimeoutSeconds: 60, userSessionLimit: 2 },
    });
    expect(await orgPolicy('default')).toMatchObject({ idleTimeoutSeconds: 1800, userSessionLimit: 0, override: null });

    // Instance changes reach non-overridden fields only.
    expect((await t.req('PATCH', '/v1/policy', { maxLifetimeSeconds: 7200, idleTimeoutSeconds: 900 })).status).toBe(200);
    expect(await orgPolicy('acme')).toMatchObject({ maxLifetimeSeconds: 7200, idleTimeoutSeconds: 60, userSessionLimit: 2 });
    expect(await orgPolicy('default')).toMatchObject({ maxLifetimeSeconds: 7200, idleTimeoutSeconds: 900 });
    expect((await t.req('GET', '/v1/organizations/acme')).body).toMatchObject({
      policyOverride: { idleTimeoutSeconds: 60, userSessionLimit: 2 },
      effectivePolicy: { maxLifetimeSeconds: 7200, idleTimeoutSeconds: 60, userSessionLimit: 2 },
    });

    // PATCH merges into the override.
    const patch = await t.req('PATCH', '/v1/organizations/acme/policy', { maxLifetimeSeconds: 600 });
    expect(patch.body).toMatchObject({
      maxLifetimeSeconds: 600,
      idleTimeoutSeconds: 60,
      override: { idleTimeoutSeconds: 60, userSessionLimit: 2, maxLifetimeSeconds: 600 },
    });
    // PUT replaces it.
    const replaced = await t.req('PUT', '/v1/organizations/acme/policy', { maxLifetimeSeconds: 300 });
    expect(replaced.body).toEqual({
      ...DEFAULT_POLICY,
      maxLifetimeSeconds: 300,
      idleTimeoutSeconds: 900,
      organizationId: 'acme',
      override: { maxLifetimeSeconds: 300 },
    });

    const ev = await t.req('GET', '/v1/events?aggregateType=organization&aggregateId=acme&type=organization.policy_override_set');
    expect(ev.body.items.at(-1)).toMatchObject({
      actor: 'credential:bootstrap',
      organizationId: 'acme',
      data: { changes: { maxLifetimeSeconds: { from: 600, to: 300 }, idleTimeoutSeconds: { from: 60, to: null } } },
    });
  });

  it('the effective policy governs the organization’s sessions', async () => {
    expect((await t.req('POST', '/v1/users', { loginName: 'ann', password: PW, organizationId: 'acme' })).status).toBe(201);
    expect((await t.req('POST', '/v1/users', { loginName: 'ann', password: PW })).status).toBe(201);
    expect(
      (await t.req('PUT', '/v1/organizations/acme/policy', { maxLifetimeSeconds: 300, idleTimeoutSeconds: 0, allowPersistentSessions: true })).status,
    ).toBe(200);
    const acme = await t.req('POST', '/v1/sessions', { loginName: 'ann', password: PW, organizationId: 'acme', persistent: true }, { token: null });
    expect(acme.status, acme.raw).toBe(201);
    expect(acme.body.session).toMatchObject({ organizationId: 'acme', persistent: true, idleExpiresAt: null });
    expect(Date.parse(acme.body.session.expiresAt) - Date.parse(acme.body.session.createdAt)).toBe(300_000);
    const def = await t.req('POST', '/v1/sessions', { loginName: 'ann', password: PW }, { token: null });
    expect(Date.parse(def.body.session.expiresAt) - Date.parse(def.body.session.createdAt)).toBe(7_200_000);
    expect(Date.parse(def.body.session.idleExpiresAt) - Date.parse(def.body.session.lastActiveAt)).toBe(900_000);
    expectError(await t.req('POST', '/v1/sessions', { loginName: 'ann', password: PW, persistent: true }, { token: null }), 400, 'persistent_not_allowed');

    // Tightening the override shortens the live session at once.
    expect((await t.req('PATCH', '/v1/organizations/acme/policy', { maxLifetimeSeconds: 120 })).status).toBe(200);
    const view = await t.req('GET', `/v1/sessions/${acme.body.session.id}`);
    expect(Date.parse(view.body.expiresAt) - Date.parse(view.body.createdAt)).toBe(120_000);
    // Removing the override: back to the instance policy.
    const del = await t.req('DELETE', '/v1/organizations/acme/policy');
    expect(del.status).toBe(200);
    expect(del.body).toEqual({ ...(await t.req('GET', '/v1/policy')).body, organizationId: 'acme', override: null });
    const after = await t.req('GET', `/v1/sessions/${acme.body.session.id}`);
    expect(Date.parse(after.body.expiresAt) - Date.parse(after.body.createdAt)).toBe(7_200_000);
    const ev = await t.req('GET', '/v1/events?aggregateId=acme&type=organization.policy_override_removed');
    expect(ev.body.items).toHaveLength(1);
  });

  it('override writes: 400 on invalid values, 404 on unknown organizations, 401, 403; nothing changes', async () => {
    expect((await t.req('PUT', '/v1/organizations/acme/policy', { idleTimeoutSeconds: 120 })).status).toBe(200);
    const before = await orgPolicy('acme');
    for (const method of ['PUT', 'PATCH']) {
      for (const body of [{ idleTimeoutSeconds: -5 }, { onLimit: 'none' }, { organizationId: 'default' }, '{"maxLifetimeSeconds":1e309}', [], 'null']) {
        expectError(await t.req(method, '/v1/organizations/acme/policy', body), 400, 'invalid_argument');
      }
      expectError(await t.req(method, '/v1/organizations/nope/policy', { idleTimeoutSeconds: 5 }), 404, 'not_found');
      expectError(await t.req(method, '/v1/organizations/acme/policy', { idleTimeoutSeconds: 5 }, { token: null }), 401, 'unauthenticated');
      expectError(
        await t.req(method, '/v1/organizations/acme/policy', { idleTimeoutSeconds: 5 }, { token: await credentialWith(['session_config:read']) }),
        403,
        'permission_denied',
      );
    }
    expectError(await t.req('DELETE', '/v1/organizations/nope/policy'), 404, 'not_found');
    expectError(await t.req('DELETE', '/v1/organizations/acme/policy', undefined, { token: null }), 401, 'unauthenticated');
    expectError(
      await t.req('DELETE', '/v1/organizations/acme/policy', undefined, { token: await credentialWith(['session_config:read']) }),
      403,
      'permission_denied',
    );
    expect(await orgPolicy('acme')).toEqual(before);
    expect((await t.req('GET', '/v1/organizations/nope')).status).toBe(404); // no organization appeared
  });

  it('a scoped credential reads and writes only its own organization’s policy', async () => {
    const scoped = await credentialWith(['session_config:read', 'session_config:write'], 'acme');
    const as = { token: scoped };
    const defBefore = await orgPolicy('default');
    expect((await t.req('GET', '/v1/organizations/acme/policy', undefined, as)).status).toBe(200);
    expectError(await t.req('GET', '/v1/organizations/default/policy', undefined, as), 404, 'not_found');
    expectError(await t.req('PUT', '/v1/organizations/default/policy', { maxLifetimeSeconds: 5 }, as), 404, 'not_found');
    expectError(await t.req('PATCH', '/v1/organizations/default/policy', { maxLifetimeSeconds: 5 }, as), 404, 'not_found');
    expectError(await t.req('DELETE', '/v1/organizations/default/policy', undefined, as), 404, 'not_found');
    expect(await orgPolicy('default')).toEqual(defBefore);
    expect((await t.req('PATCH', '/v1/organizations/acme/policy', { userSessionLimit: 4 }, as)).body.userSessionLimit).toBe(4);
  });

  it('DELETE /v1/organizations/:id: only without users; never the default organization', async () => {
    expectError(await t.req('DELETE', '/v1/organizations/acme'), 409, 'failed_precondition'); // ann lives there
    expectError(await t.req('DELETE', '/v1/organizations/default'), 409, 'failed_precondition');
    expectError(await t.req('DELETE', '/v1/organizations/nope'), 404, 'not_found');
    expect((await t.req('POST', '/v1/organizations', { id: 'empty', name: 'Empty' })).status).toBe(201);
    expect((await t.req('PUT', '/v1/organizations/empty/policy', { idleTimeoutSeconds: 5 })).status).toBe(200);
    expectError(await t.req('DELETE', '/v1/organizations/empty', undefined, { token: null }), 401, 'unauthenticated');
    expectError(await t.req('DELETE', '/v1/organizations/empty', undefined, { token: await credentialWith(['organizations:read']) }), 403, 'permission_denied');
    expect((await t.req('GET', '/v1/organizations/empty')).status).toBe(200);

    const r = await t.req('DELETE', '/v1/organizations/empty');
    expect(r.status).toBe(204);
    expectError(await t.req('GET', '/v1/organizations/empty'), 404, 'not_found');
    expectError(await t.req('GET', '/v1/organizations/empty/policy'), 404, 'not_found');
    expectError(await t.req('POST', '/v1/users', { loginName: 'late', password: PW, organizationId: 'empty' }), 404, 'not_found');
    expect((await t.req('GET', '/v1/organizations/acme')).status).toBe(200);
    expect((await t.req('GET', '/v1/organizations/default')).status).toBe(200);
    const ev = await t.req('GET', '/v1/events?aggregateId=empty&type=organization.deleted');
    expect(ev.body.items).toEqual([expect.objectContaining({ actor: 'credential:bootstrap' })]);
    // The id can be used again, without the old override.
    const again = await t.req('POST', '/v1/organizations', { id: 'empty', name: 'Again' });
    expect(again.status).toBe(201);
    expect(again.body.policyOverride).toBeNull();
  });
});
