import { describe, expect, it } from 'vitest';
import { systemContext } from '../src/core/auth.js';
import { testCores } from './core-harness.js';
import { codeOf, sessionRecord } from './records.js';

// The console's core services (impact preview, overview, console sessions) and the store's scan
// and search they rest on, against a real store (SQLite file, or PostgreSQL + Redis on the
// postgres run) with a fake clock.

const newTestCore = testCores();
const newCore = () => newTestCore({ startMs: Date.UTC(2026, 10, 27, 12) });

const MIN = 60;
const PW = 'correct horse battery';

describe('policy impact preview', () => {
  it('counts the active sessions a tighter idle timeout or lifetime would end, by user and reason, and saves nothing', async () => {
    const { core, clock } = await newCore();
    const now = clock.nowMs();
    const at = (minutesAgo: number) => now - minutesAgo * 60_000;
    // Under the default policy (12 h lifetime, 30 min idle) all of these but the last two are active.
    const rows = [
      sessionRecord({ subjectId: 'u1', createdAtMs: at(60), lastActiveAtMs: at(1) }),
      sessionRecord({ subjectId: 'u1', createdAtMs: at(60), lastActiveAtMs: at(20) }), // idle 20 min
      sessionRecord({ subjectId: 'u2', createdAtMs: at(60), lastActiveAtMs: at(25) }), // idle 25 min
      sessionRecord({ subjectId: 'u3', createdAtMs: at(11 * 60), lastActiveAtMs: at(2) }), // 11 h old
      sessionRecord({ subjectType: 'credential', subjectId: 'c1', createdAtMs: at(60), lastActiveAtMs: at(29) }), // an API session
      sessionRecord({ subjectId: 'u4', createdAtMs: at(60), lastActiveAtMs: at(40) }), // already idle
      sessionRecord({ subjectId: 'u5', createdAtMs: at(60), lastActiveAtMs: at(1), endedAtMs: at(1), endReason: 'revoked' }),
    ];
    for (const r of rows) await core.store.insertSession(r);

    const idle = await core.policyPreview.preview(systemContext, { scope: 'instance', replace: false, input: { idleTimeoutSeconds: 15 * MIN } });
    expect(idle).toMatchObject({ sessionsEnded: 3, usersAffected: 2, byReason: { expired: 0, idle_timeout: 3 }, activeSessions: 5 });
    expect(idle.policy.idleTimeoutSeconds).toBe(15 * MIN);

    const both = await core.policyPreview.preview(systemContext, {
      scope: 'instance',
      replace: false,
      input: { idleTimeoutSeconds: 22 * MIN, maxLifetimeSeconds: 10 * 60 * MIN },
    });
    expect(both).toMatchObject({ sessionsEnded: 3, usersAffected: 2, byReason: { expired: 1, idle_timeout: 2 } });

    // Limits and persistence apply at the next sign-in: they end nothing now.
    const limits = await core.policyPreview.preview(systemContext, {
      scope: 'instance',
      replace: false,
      input: { userSessionLimit: 1, allowPersistentSessions: false },
    });
    expect(limits.sessionsEnded).toBe(0);

    // Nothing was saved: the policy and every verdict are as before.
    expect(core.policies.instancePolicy().idleTimeoutSeconds).toBe(30 * MIN);
    const listed = await core.sessions.list(systemContext, { activeOnly: true, limit: 50, offset: 0 });
    expect(listed.items).toHaveLength(5);
  });

  it("previews an organization's override against that organization's sessions only, and tells the caller when it ends their own session", async () => {
    const { core, clock } = await newCore();
    await core.organizations.create(systemContext, { id: 'acme', name: 'Acme' });
    const now = clock.nowMs();
    const mine = sessionRecord({ organizationId: 'acme', subjectId: 'a1', lastActiveAtMs: now - 10 * 60_000, createdAtMs: now - 3_600_000 });
    await core.store.insertSession(mine);
    await core.store.insertSession(
      sessionRecord({ organizationId: 'default', subjectId: 'd1', lastActiveAtMs: now - 10 * 60_000, createdAtMs: now - 3_600_000 }),
    );
    const caller = { ...systemContext, sessionId: mine.id };
    const r = await core.policyPreview.preview(caller, {
      scope: 'organization',
      organizationId: 'acme',
      replace: true,
      input: { idleTimeoutSeconds: 5 * MIN },
    });
    expect(r).toMatchObject({ sessionsEnded: 1, usersAffected: 1, endsCallersSession: true, activeSessions: 1 });
    expect(core.policies.overrideOf('acme')).toBeNull();
  });

  it('refuses bad fields with the same policy_invalid as saving, and needs the read permissions', async () => {
    const { core } = await newCore();
    const bad = { idleTimeoutSeconds: -1 };
    expect(await codeOf(core.policyPreview.preview(systemContext, { scope: 'instance', replace: false, input: bad }))).toBe('policy_invalid');
    expect(await codeOf(core.policies.patchInstance(systemContext, bad))).toBe('policy_invalid');
    expect(await codeOf(core.policyPreview.preview(systemContext, { scope: 'instance', replace: true, input: { idleTimeoutSeconds: 60 } }))).toBe(
      'policy_invalid',
    );
    expect(await codeOf(core.policyPreview.preview(null, { scope: 'instance', replace: false, input: {} }))).toBe('unauthenticated');
  });

  it('scans past one page of sessions (keyset paging) and sees use not yet written', async () => {
    const { core, clock } = await newCore();
    const now = clock.nowMs();
    const ids: string[] = [];
    for (let i = 0; i < 2_150; i++) {
      const r = sessionRecord({ subjectId: `u${i % 700}`, createdAtMs: now - 3_600_000, lastActiveAtMs: now - 20 * 60_000 });
      ids.push(r.id);
      await core.store.insertSession(r);
    }
    core.store.recordActivity(ids[0] as string, now, null); // pending, not flushed
    const r = await core.policyPreview.preview(systemContext, { scope: 'instance', replace: false, input: { idleTimeoutSeconds: 10 * MIN } });
    expect(r).toMatchObject({ activeSessions: 2_150, sessionsEnded: 2_149, usersAffected: 700 });
  });
});

describe('overview', () => {
  it('counts active sessions and users, and sessions ended in the window by reason', async () => {
    const { core, clock } = await newCore();
    const now = clock.nowMs();
    await core.store.insertSession(sessionRecord({ subjectId: 'u1', createdAtMs: now - 60_000, lastActiveAtMs: now }));
    await core.store.insertSession(sessionRecord({ subjectId: 'u1', createdAtMs: now - 60_000, lastActiveAtMs: now }));
    await core.store.insertSession(sessionRecord({ subjectType: 'credential', subjectId: 'c1', createdAtMs: now - 60_000, lastActiveAtMs: now }));
    // idle since 40 min: ended 10 min ago (in the window); idle since 3 h: ended long before it.
    await core.store.insertSession(sessionRecord({ subjectId: 'u2', createdAtMs: now - 5_400_000, lastActiveAtMs: now - 40 * 60_000 }));
    await core.store.insertSession(sessionRecord({ subjectId: 'u2', createdAtMs: now - 4 * 3_600_000, lastActiveAtMs: now - 3 * 3_600_000 }));
    // 12 h lifetime passed 5 minutes ago while in use.
    await core.store.insertSession(sessionRecord({ subjectId: 'u3', createdAtMs: now - 12 * 3_600_000 - 5 * 60_000, lastActiveAtMs: now - 60_000 }));
    const toRevoke = sessionRecord({ subjectId: 'u4', createdAtMs: now - 60_000, lastActiveAtMs: now });
    await core.store.insertSession(toRevoke);
    await core.sessions.revoke(systemContext, toRevoke.id);

    const o = await core.overview.sessions(systemContext, 3_600_000);
    expect(o).toMatchObject({ activeSessions: 3, activeUsers: 1, activeCredentialSessions: 1, ended: { expired: 1, idle_timeout: 1, revoked: 1, evicted: 0 } });
    // Reused for 5 s (open consoles refresh it; each fresh one scans every session), then fresh.
    const another = sessionRecord({ subjectId: 'u5', createdAtMs: now - 60_000, lastActiveAtMs: now });
    await core.store.insertSession(another);
    await core.sessions.revoke(systemContext, another.id);
    expect((await core.overview.sessions(systemContext, 3_600_000)).ended.revoked).toBe(1);
    clock.advanceSeconds(6);
    expect((await core.overview.sessions(systemContext, 3_600_000)).ended.revoked).toBe(2);
    clock.advanceSeconds(2 * 3600);
    const later = await core.overview.sessions(systemContext, 3_600_000);
    expect(later.ended.revoked).toBe(0);
  });
});

describe('console sessions', () => {
  it('admits admins only, and goes idle when only background checks (peek) are made', async () => {
    const { core, clock } = await newCore();
    await core.users.create(systemContext, { loginName: 'root', password: PW, role: 'admin' });
    await core.users.create(systemContext, { loginName: 'joe', password: PW });
    expect(await codeOf(core.consoleSessions.signIn({ loginName: 'joe', password: PW }, {}))).toBe('permission_denied');
    expect(await codeOf(core.consoleSessions.signIn({ loginName: 'root', password: 'wrong password!' }, {}))).toBe('invalid_credentials');
    const { token } = await core.consoleSessions.signIn({ loginName: 'root', password: PW }, {});
    const c = await core.consoleSessions.caller(token, false);
    expect(c?.ctx.actor).toMatch(/^user:/);
    expect(c?.ctx.organizationId).toBeNull();

    clock.advanceSeconds(20 * MIN);
    expect(await core.consoleSessions.caller(token, false)).not.toBeNull(); // a background check…
    clock.advanceSeconds(11 * MIN);
    expect(await core.consoleSessions.caller(token, false)).toBeNull(); // …did not count as use

    const second = await core.consoleSessions.signIn({ loginName: 'root', password: PW }, {});
    clock.advanceSeconds(20 * MIN);
    expect(await core.consoleSessions.caller(second.token, true)).not.toBeNull(); // a person's action…
    clock.advanceSeconds(20 * MIN);
    expect(await core.consoleSessions.caller(second.token, false)).not.toBeNull(); // …did
  });

  it('signs in with a credential secret, not with a session token, and drops a demoted admin', async () => {
    const { core } = await newCore();
    const { credential, secret } = await core.credentials.create(systemContext, {
      name: 'ops',
      permissions: ['session_config:read', 'sessions:read'],
      organizationId: 'default',
    });
    const { token } = await core.consoleSessions.signIn({ secret }, {});
    const c = await core.consoleSessions.caller(token, true);
    expect(c).toMatchObject({ kind: 'credential', name: 'ops' });
    expect(c?.ctx.organizationId).toBe('default');
    expect(await codeOf(core.consoleSessions.signIn({ secret: token }, {}))).toBe('invalid_credentials');
    await core.credentials.revoke(systemContext, credential.id);
    expect(await core.consoleSessions.caller(token, true)).toBeNull();

    const admin = await core.users.create(systemContext, { loginName: 'ann', password: PW, role: 'admin' });
    const s = await core.consoleSessions.signIn({ loginName: 'ann', password: PW }, {});
    await core.users.setRole(systemContext, admin.id, 'user');
    expect(await core.consoleSessions.caller(s.token, true)).toBeNull();
  });
});

describe('session search', () => {
  it('finds sessions by login name part, user id, session id, IP prefix, user agent and city', async () => {
    const { core } = await newCore();
    const u = await core.users.create(systemContext, { loginName: 'Grace.Hopper', password: PW });
    const mine = sessionRecord({ subjectId: u.id, ip: '203.0.113.7', lastIp: '203.0.113.7', userAgent: 'Mozilla/5.0 Firefox/120.0', city: 'Arlington' });
    await core.store.insertSession(mine);
    await core.store.insertSession(sessionRecord({ subjectId: 'other', ip: '198.51.100.1', lastIp: '198.51.100.1', userAgent: 'curl/8', city: null }));
    const find = async (search: string) =>
      (await core.sessions.list(systemContext, { search, activeOnly: false, limit: 50, offset: 0, withNames: true })).items.map((i) => i.record.id);
    for (const q of ['hopper', 'GRACE.', u.id, mine.id, '203.0.113', 'firefox', 'arling']) expect(await find(q), q).toEqual([mine.id]);
    expect(await find('%')).toEqual([]); // LIKE wildcards are literal
    expect(await find('_')).toEqual([]);
    const r = await core.sessions.list(systemContext, { search: 'hopper', activeOnly: false, limit: 50, offset: 0, withNames: true });
    expect(r.total).toBe(1);
    expect(r.names.get(u.id)).toBe('Grace.Hopper');
  });
});
