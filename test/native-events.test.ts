import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOOTSTRAP, expectError, startTestApp, type TestApp } from './helpers.js';

// The audit log: GET /v1/events records who did what, with filters and paging.

interface Ev {
  id: number;
  aggregateType: string;
  aggregateId: string;
  sequence: number;
  type: string;
  actor: string;
  organizationId: string | null;
  at: string;
  data: Record<string, unknown>;
}

const PW = 'correct horse battery';

describe('GET /v1/events', () => {
  let t: TestApp;
  let userId = '';
  let sessionId = '';
  let sessionToken = '';
  let helper = { id: '', clientId: '', secret: '' };
  let startedAt = '';
  let midpoint = '';
  const secrets: string[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    startedAt = new Date().toISOString();
    await sleep(5);
    const u = await t.req('POST', '/v1/users', { loginName: 'audited', password: PW });
    userId = u.body.id;
    const s = await t.req('POST', '/v1/sessions', { loginName: 'audited', password: PW }, { token: null });
    sessionId = s.body.session.id;
    sessionToken = s.body.token;
    await t.req('DELETE', `/v1/sessions/${sessionId}`);
    await t.req('PATCH', '/v1/policy', { idleTimeoutSeconds: 600 });
    const c = await t.req('POST', '/v1/credentials', { name: 'helper', permissions: ['users:write', 'users:read', 'audit:read'] });
    helper = c.body;
    secrets.push(sessionToken, helper.secret);
    await sleep(5);
    midpoint = new Date().toISOString();
    await sleep(5);
    await t.req('PATCH', `/v1/users/${userId}`, { role: 'admin' }, { token: helper.secret });
    await t.req('POST', '/v1/organizations', { id: 'acme', name: 'Acme' });
    await t.req('POST', '/v1/users', { loginName: 'acme-user', password: PW, organizationId: 'acme' });
  });
  afterAll(() => t.close());

  const events = async (query = '', token: string | null = BOOTSTRAP) => {
    const r = await t.req('GET', `/v1/events${query}`, undefined, { token });
    expect(r.status, r.raw).toBe(200);
    return r.body as { items: Ev[]; nextAfterId: number | null };
  };

  it('records every change in order with its actor', async () => {
    const { items, nextAfterId } = await events();
    expect(nextAfterId).toBeNull();
    const ids = items.map((e) => e.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    const summary = items.map((e) => [e.type, e.actor]);
    expect(summary).toEqual([
      ['credential.created', 'system'], // the bootstrap credential
      ['user.created', 'credential:bootstrap'],
      ['session.created', `user:${userId}`],
      ['session.revoked', 'credential:bootstrap'],
      ['policy.changed', 'credential:bootstrap'],
      ['credential.created', 'credential:bootstrap'],
      ['user.role_changed', `credential:${helper.clientId}`],
      ['organization.created', 'credential:bootstrap'],
      ['user.created', 'credential:bootstrap'],
    ]);
    expect(items[1]).toMatchObject({
      aggregateType: 'user',
      aggregateId: userId,
      sequence: 1,
      organizationId: 'default',
      data: { loginName: 'audited', role: 'user' },
    });
    expect(items[3]).toMatchObject({ aggregateType: 'session', aggregateId: sessionId, sequence: 2, data: { reason: 'revoked' } });
    expect(items[4]).toMatchObject({ aggregateType: 'policy', organizationId: null, data: { changes: { idleTimeoutSeconds: { from: 1800, to: 600 } } } });
    expect(items[6]).toMatchObject({ aggregateId: userId, sequence: 2, data: { from: 'user', to: 'admin' } });
    for (const e of items) expect(Date.parse(e.at)).toBeGreaterThan(0);
  });

  it('never contains passwords, tokens or secrets', async () => {
    const r = await t.req('GET', '/v1/events?limit=1000');
    expect(r.raw).not.toContain(PW);
    expect(r.raw).not.toContain(BOOTSTRAP);
    for (const s of secrets) expect(r.raw).not.toContain(s);
    expect(r.raw).not.toMatch(/"(password|secret|token|secretHash|passwordHash|tokenHash)"/);
  });

  it('filters by aggregateType, aggregateId, type, actor and organizationId', async () => {
    expect((await events('?aggregateType=user')).items.map((e) => e.type)).toEqual(['user.created', 'user.role_changed', 'user.created']);
    expect((await events(`?aggregateId=${userId}`)).items.map((e) => e.sequence)).toEqual([1, 2]);
    expect((await events('?type=session.revoked')).items.map((e) => e.aggregateId)).toEqual([sessionId]);
    expect((await events(`?actor=credential:${helper.clientId}`)).items.map((e) => e.type)).toEqual(['user.role_changed']);
    expect((await events(`?actor=${encodeURIComponent(`user:${userId}`)}`)).items.map((e) => e.type)).toEqual(['session.created']);
    const acme = await events('?organizationId=acme');
    expect(acme.items.map((e) => e.type)).toEqual(['organization.created', 'user.created']);
    expect(acme.items.every((e) => e.organizationId === 'acme')).toBe(true);
    expect((await events('?aggregateType=user&organizationId=default&type=user.created')).items).toHaveLength(1);
    expect((await events('?type=no.such.type')).items).toEqual([]);
  });

  it('filters by time: since inclusive, until exclusive', async () => {
    const all = (await events()).items;
    const before = (await events(`?until=${encodeURIComponent(midpoint)}`)).items;
    const after = (await events(`?since=${encodeURIComponent(midpoint)}`)).items;
    expect(before.length).toBeGreaterThan(0);
    expect(after.map((e) => e.type)).toEqual(['user.role_changed', 'organization.created', 'user.created']);
    expect([...before, ...after]).toEqual(all);
    const window = (await events(`?since=${encodeURIComponent(startedAt)}&until=${encodeURIComponent(midpoint)}`)).items;
    expect(window.map((e) => e.type)).toEqual(['user.created', 'session.created', 'session.revoked', 'policy.changed', 'credential.created']);
    expect((await events('?since=2999-01-01T00:00:00Z')).items).toEqual([]);
  });

  it('pages forward with limit, afterId and nextAfterId', async () => {
    const all = (await events()).items;
    const seen: Ev[] = [];
    let afterId: number | null = 0;
    let pages = 0;
    while (afterId !== null) {
      const page = await events(`?limit=2&afterId=${afterId}`);
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items);
      afterId = page.nextAfterId;
      if (afterId !== null) expect(afterId).toBe(page.items.at(-1)?.id);
      pages++;
      expect(pages).toBeLessThan(20);
    }
    expect(seen).toEqual(all);
    expect((await events(`?afterId=${all.at(-1)?.id}`)).items).toEqual([]);
    expect((await events('?afterId=99999999999999999999')).items).toEqual([]);
  });

  it('400 on bad filters; 401 without a credential; 403 without audit:read', async () => {
    for (const q of [
      '?limit=0',
      '?limit=1001',
      '?limit=ten',
      '?afterId=-1',
      '?afterId=1.5',
      '?afterId=1e400',
      '?since=yesterday',
      '?until=2024-13-45T99:00:00Z',
      `?actor=${'a'.repeat(201)}`,
      '?orderBy=id',
    ]) {
      expectError(await t.req('GET', `/v1/events${q}`), 400, 'invalid_argument');
    }
    expectError(await t.req('GET', '/v1/events', undefined, { token: null }), 401, 'unauthenticated');
    expectError(await t.req('GET', '/v1/events', undefined, { token: 'e'.repeat(43) }), 401, 'unauthenticated');
    const noAudit = await t.req('POST', '/v1/credentials', { name: 'no audit', permissions: ['users:read', 'sessions:read', 'session_config:read'] });
    expectError(await t.req('GET', '/v1/events', undefined, { token: noAudit.body.secret }), 403, 'permission_denied');
  });

  it('an organization-scoped auditor sees only its organization’s events', async () => {
    const c = await t.req('POST', '/v1/credentials', { name: 'acme auditor', permissions: ['audit:read'], organizationId: 'acme' });
    const token = c.body.secret as string;
    const mine = await events('', token);
    expect(mine.items.length).toBeGreaterThanOrEqual(3);
    expect(mine.items.every((e) => e.organizationId === 'acme')).toBe(true);
    expect(mine.items.map((e) => e.type)).toEqual(['organization.created', 'user.created', 'credential.created']);
    expect((await events('?organizationId=default', token)).items).toEqual([]);
    expect((await events(`?aggregateId=${userId}`, token)).items).toEqual([]);
  });
});
