import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemContext } from '../src/core/auth.js';
import { FakeClock } from '../src/core/clock.js';
import { DomainError } from '../src/core/errors.js';
import { createCore } from '../src/core/index.js';
import type { OpenSessionWindow, PasswordHasher, SessionRecord, Store, User } from '../src/core/ports.js';
import { openStore } from '../src/storage/index.js';
import { describePostgres } from '../src/storage/postgres/describe.js';
import { PostgresStore } from '../src/storage/postgres/postgres-store.js';
import { SqliteStore } from '../src/storage/sqlite/sqlite-store.js';
import { createTestDatabase, postgresUnavailableReason, redisUnavailableReason, TEST_REDIS_URL, type TestDatabase } from './pg-helpers.js';
import { TcpProxy } from './tcp-proxy.js';

// One suite of the storage port's behaviour, run against every adapter: SQLite (a temp
// directory) and PostgreSQL (a fresh database per test on SESSIOND_TEST_DATABASE_URL's server).
// Without a reachable PostgreSQL its half is skipped with the reason; under CI=true it fails.

interface Backend {
  /** A fresh, empty database; `another()` opens a second store on it (a second node). */
  fresh(): Promise<{ store: Store; another(): Promise<Store>; cleanup(): Promise<void> }>;
}

/** A fresh store, more stores on the same data ("other nodes"), and a cleanup that closes them all. */
async function storesOf(open: () => Promise<Store>, dispose: () => Promise<void> | void) {
  const stores: Store[] = [await open()];
  return {
    store: stores[0] as Store,
    another: async () => {
      const s = await open();
      stores.push(s);
      return s;
    },
    cleanup: async () => {
      for (const s of stores) await s.close();
      await dispose();
    },
  };
}

const sqlite: Backend = {
  async fresh() {
    const dir = mkdtempSync(join(tmpdir(), 'sessiond-conf-'));
    return storesOf(
      () => openStore({ dataDir: dir, activityFlushMs: 60_000, sqliteSynchronous: 'NORMAL' }),
      () => rmSync(dir, { recursive: true, force: true }),
    );
  },
};

const postgres: Backend = {
  async fresh() {
    const db: TestDatabase = await createTestDatabase();
    return storesOf(
      () => openStore({ dataDir: '/nonexistent', databaseUrl: db.url, databasePoolSize: 4, activityFlushMs: 60_000, sqliteSynchronous: 'FULL' }),
      () => db.drop(),
    );
  },
};

const pgUnavailable = await postgresUnavailableReason();
const inCi = process.env.CI === 'true';
if (pgUnavailable && !inCi) console.warn(`[store-conformance] SKIPPING the PostgreSQL half: ${pgUnavailable}`);

describe('PostgreSQL for the conformance suite', () => {
  it.runIf(inCi)('is reachable under CI=true (CI must not skip the PostgreSQL tests)', () => {
    expect(pgUnavailable).toBeNull();
  });
});

const hash = () => randomBytes(16).toString('hex');
let n = 0;
const session = (over: Partial<SessionRecord> = {}): SessionRecord => {
  n++;
  return {
    id: `s-${n}-${hash().slice(0, 8)}`,
    tokenHash: hash(),
    subjectType: 'user',
    subjectId: 'user-1',
    organizationId: 'default',
    role: 'user',
    persistent: false,
    // Beyond 2^31 and 2^32: ms timestamps need 64-bit columns.
    createdAtMs: 1_900_000_000_000 + n,
    lastActiveAtMs: 1_900_000_000_000 + n,
    expiresAtMs: null,
    endedAtMs: null,
    endReason: null,
    ip: '192.0.2.1',
    userAgent: 'agent/1',
    country: 'DE',
    city: 'Berlin',
    lastIp: '192.0.2.1',
    metadata: { k: 'dg==' },
    ...over,
  };
};
const user = (over: Partial<User> = {}): User => ({
  id: `u-${hash().slice(0, 8)}`,
  organizationId: 'default',
  loginName: 'Ann',
  displayName: 'Ann A.',
  role: 'user',
  passwordHash: '$argon2id$x',
  disabled: false,
  createdAtMs: 1_700_000_000_000,
  updatedAtMs: 1_700_000_000_000,
  failedPasswordAttempts: 0,
  lockedAtMs: null,
  ...over,
});
const codeOf = async (p: Promise<unknown>) => {
  try {
    await p;
    return 'ok';
  } catch (e) {
    if (e instanceof DomainError) return e.code;
    throw e;
  }
};
const noHasher: PasswordHasher = {
  hash: async () => 'x',
  verify: async () => false,
  verifyDummy: async () => {},
};

const backends: [string, Backend, boolean][] = [
  ['SQLite', sqlite, false],
  ['PostgreSQL', postgres, pgUnavailable !== null],
];

for (const [name, backend, skip] of backends) {
  describe.skipIf(skip)(`Store conformance: ${name}`, () => {
    let env: Awaited<ReturnType<Backend['fresh']>>;
    let store: Store;
    // A fresh database for every test: no test sees another's rows.
    const withFresh = (title: string, fn: () => Promise<void>, timeout = 20_000) =>
      it(
        title,
        async () => {
          env = await backend.fresh();
          store = env.store;
          try {
            await fn();
          } finally {
            await env.cleanup();
          }
        },
        timeout,
      );

    // "Nodes": on PostgreSQL two stores (two pools) on one database; SQLite is one process's
    // store (one file serves one server), shared by two cores.
    const secondNode = () => (name === 'PostgreSQL' ? env.another() : Promise.resolve(store));

    describe('MaintenanceStore', () => {
      withFresh('describes itself and answers ping', async () => {
        expect(await store.ping()).toBe(true);
        expect(store.description).toMatch(name === 'SQLite' ? /^SQLite \// : /^PostgreSQL 127\.0\.0\.1:5432\/sessiond_test_[0-9a-f]{12}$/);
      });
    });

    describe('OrganizationPolicyStore', () => {
      withFresh('organizations and the instance policy round-trip', async () => {
        expect(await store.getInstancePolicy()).toBeUndefined();
        const policy = {
          maxLifetimeSeconds: 100,
          idleTimeoutSeconds: 0,
          userSessionLimit: 2,
          adminSessionLimit: 0,
          onLimit: 'deny_new' as const,
          allowPersistentSessions: true,
          trackLocation: false,
          maxFailedPasswordAttempts: 3,
          lockoutSeconds: 0,
        };
        await store.putInstancePolicy(policy);
        await store.putInstancePolicy({ ...policy, userSessionLimit: 3 });
        expect(await store.getInstancePolicy()).toEqual({ ...policy, userSessionLimit: 3 });
        await store.insertOrganization({ id: 'acme', name: 'Acme', createdAtMs: 1_800_000_000_000, policyOverride: null });
        expect(await codeOf(store.insertOrganization({ id: 'acme', name: 'Other', createdAtMs: 1, policyOverride: null }))).toBe('already_exists');
        await store.setOrganizationOverride('acme', { userSessionLimit: 1 });
        expect(await store.getOrganization('acme')).toEqual({
          id: 'acme',
          name: 'Acme',
          createdAtMs: 1_800_000_000_000,
          policyOverride: { userSessionLimit: 1 },
        });
        await store.setOrganizationOverride('acme', null);
        expect((await store.getOrganization('acme'))?.policyOverride).toBeNull();
        expect((await store.listOrganizations()).map((o) => o.id)).toEqual(['acme']);
        await store.deleteOrganization('acme');
        expect(await store.getOrganization('acme')).toBeUndefined();
      });
    });

    describe('UserStore', () => {
      withFresh('users: case-insensitive login, unique per organization, list/count/search with LIKE characters escaped', async () => {
        const ann = user({ loginName: 'Ann' });
        await store.insertUser(ann);
        expect(await store.getUser(ann.id)).toEqual(ann);
        expect((await store.findUserByLogin('default', 'ANN'))?.id).toBe(ann.id);
        expect(await store.findUserByLogin('other', 'ann')).toBeUndefined();
        expect(await codeOf(store.insertUser(user({ loginName: 'aNN' })))).toBe('already_exists');
        await store.insertUser(user({ loginName: 'ann', organizationId: 'other' }));
        await store.insertUser(user({ loginName: '50%_off', createdAtMs: 1_700_000_000_001 }));
        await store.insertUser(user({ loginName: '50xyoff', createdAtMs: 1_700_000_000_002 }));
        expect(await store.countUsers({})).toBe(4);
        expect(await store.countUsers({ organizationId: 'default' })).toBe(3);
        expect((await store.listUsers({ search: '%_', limit: 10, offset: 0 })).map((u) => u.loginName)).toEqual(['50%_off']);
        expect((await store.listUsers({ organizationId: 'default', limit: 2, offset: 1 })).map((u) => u.loginName)).toEqual(['50%_off', '50xyoff']);
        await store.updateUser(ann.id, { disabled: true, role: 'admin', displayName: null, updatedAtMs: 1_800_000_000_000 });
        expect(await store.getUser(ann.id)).toEqual({ ...ann, disabled: true, role: 'admin', displayName: null, updatedAtMs: 1_800_000_000_000 });
        await store.deleteUser(ann.id);
        expect(await store.getUser(ann.id)).toBeUndefined();
      });

      withFresh('users: wrong passwords are counted atomically, lock once at the limit, expire and clear', async () => {
        const ann = user();
        await store.insertUser(ann);
        const T = 1_800_000_000_000;
        const count = (atMs: number, expiredLockAtOrBeforeMs: number | null = null, lockAt = 3) =>
          store.countPasswordFailure(ann.id, { atMs, lockAt, expiredLockAtOrBeforeMs });
        expect(await count(T)).toEqual({ failedPasswordAttempts: 1, lockedAtMs: null, lockedNow: false });
        expect(await count(T)).toEqual({ failedPasswordAttempts: 2, lockedAtMs: null, lockedNow: false });
        expect(await count(T + 1)).toEqual({ failedPasswordAttempts: 3, lockedAtMs: T + 1, lockedNow: true });
        // Counting goes on while locked; the lock time stays.
        expect(await count(T + 2)).toEqual({ failedPasswordAttempts: 4, lockedAtMs: T + 1, lockedNow: false });
        expect(await store.getUser(ann.id)).toMatchObject({ failedPasswordAttempts: 4, lockedAtMs: T + 1 });
        // A success keeps a lock in force (and the count), clears an expired one.
        expect(await store.clearPasswordFailures(ann.id, { keepLockInForce: true, expiredLockAtOrBeforeMs: null })).toBe(false);
        expect(await store.clearPasswordFailures(ann.id, { keepLockInForce: true, expiredLockAtOrBeforeMs: T })).toBe(false);
        expect(await store.getUser(ann.id)).toMatchObject({ failedPasswordAttempts: 4, lockedAtMs: T + 1 });
        // An expired lock: the next failure starts the count again and clears it.
        expect(await count(T + 5, T + 1)).toEqual({ failedPasswordAttempts: 1, lockedAtMs: null, lockedNow: false });
        await count(T + 6);
        await count(T + 7);
        expect(await store.getUser(ann.id)).toMatchObject({ failedPasswordAttempts: 3, lockedAtMs: T + 7 });
        expect(await store.clearPasswordFailures(ann.id, { keepLockInForce: true, expiredLockAtOrBeforeMs: T + 7 })).toBe(true);
        expect(await store.getUser(ann.id)).toMatchObject({ failedPasswordAttempts: 0, lockedAtMs: null });
        expect(await store.clearPasswordFailures(ann.id, { keepLockInForce: false, expiredLockAtOrBeforeMs: null })).toBe(false); // nothing to clear
        // lockAt 0: counts, never locks; an unlock clears everything.
        for (let i = 0; i < 5; i++) await count(T, null, 0);
        expect(await store.getUser(ann.id)).toMatchObject({ failedPasswordAttempts: 5, lockedAtMs: null });
        await count(T, null, 6);
        expect(await store.clearPasswordFailures(ann.id, { keepLockInForce: false, expiredLockAtOrBeforeMs: null })).toBe(true);
        expect(await store.getUser(ann.id)).toMatchObject({ failedPasswordAttempts: 0, lockedAtMs: null });
        expect(await store.countPasswordFailure('nobody', { atMs: T, lockAt: 3, expiredLockAtOrBeforeMs: null })).toBeUndefined();
      });

      withFresh('users: concurrent wrong passwords from two stores lose no count and lock exactly once', async () => {
        const ann = user();
        await store.insertUser(ann);
        const other = await env.another();
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            (i % 2 ? other : store).countPasswordFailure(ann.id, { atMs: 1_800_000_000_000 + i, lockAt: 7, expiredLockAtOrBeforeMs: null }),
          ),
        );
        expect(results.map((r) => r?.failedPasswordAttempts).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
        expect(results.filter((r) => r?.lockedNow)).toHaveLength(1);
        expect(await store.getUser(ann.id)).toMatchObject({ failedPasswordAttempts: 20, lockedAtMs: expect.any(Number) });
      });

      withFresh('users: failed sign-ins with unknown login names are counted per bucket, concurrently from two stores', async () => {
        const other = await env.another();
        const done = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => (i % 2 ? other : store).countUnknownLoginFailure(i % 3 === 0 ? 0 : 63)));
        expect(done.map((d) => d.status)).toEqual(Array(20).fill('fulfilled'));
      });
    });

    describe('CredentialStore', () => {
      withFresh('credentials: by id, client id and secret hash; unique client id', async () => {
        const c = {
          id: 'c1',
          clientId: 'ci-1',
          name: 'one',
          secretHash: 'sh-1',
          permissions: ['sessions:read', 'ServiceProviderAPI'],
          organizationId: null,
          createdAtMs: 1_800_000_000_000,
          revokedAtMs: null,
        };
        await store.insertCredential(c);
        expect(await store.getCredential('c1')).toEqual(c);
        expect((await store.findCredentialByClientId('ci-1'))?.id).toBe('c1');
        expect((await store.findCredentialBySecretHash('sh-1'))?.id).toBe('c1');
        expect(await codeOf(store.insertCredential({ ...c, id: 'c2', secretHash: 'sh-2' }))).toBe('already_exists');
        await store.updateCredential('c1', { revokedAtMs: 1_800_000_000_001, permissions: [], name: 'renamed', secretHash: 'sh-3' });
        expect(await store.getCredential('c1')).toEqual({ ...c, revokedAtMs: 1_800_000_000_001, permissions: [], name: 'renamed', secretHash: 'sh-3' });
        expect(await store.findCredentialBySecretHash('sh-1')).toBeUndefined();
        expect((await store.listCredentials()).map((x) => x.id)).toEqual(['c1']);
      });
    });

    describe('SessionStore', () => {
      withFresh('sessions: insert, find by token hash and id, unique token hash, 64-bit times', async () => {
        const s = session({ expiresAtMs: 9_007_199_254_740_000 });
        await store.insertSession(s);
        expect(await store.findSessionByTokenHash(s.tokenHash)).toEqual(s);
        expect(await store.getSession(s.id)).toEqual(s);
        expect(await store.findSessionByTokenHash(hash())).toBeUndefined();
        expect(await store.getSession('nope')).toBeUndefined();
        expect(await codeOf(store.insertSession(session({ tokenHash: s.tokenHash })))).toBe('already_exists');
        expect(await codeOf(store.insertSession({ ...s, tokenHash: hash() }))).toBe('already_exists');
      });

      withFresh(
        'sessions: end only open ones, update, rotate the token hash',
        async () => {
          const a = session();
          const b = session();
          await store.insertSession(a);
          await store.insertSession(b);
          expect(await store.endSessions([a.id, 'missing'], 'revoked', 1_900_000_100_000)).toEqual([a.id]);
          expect(await store.endSessions([a.id, b.id], 'evicted', 1_900_000_200_000)).toEqual([b.id]);
          expect(await store.findSessionByTokenHash(a.tokenHash)).toMatchObject({ endedAtMs: 1_900_000_100_000, endReason: 'revoked' });
          expect(await store.findSessionByTokenHash(b.tokenHash)).toMatchObject({ endedAtMs: 1_900_000_200_000, endReason: 'evicted' });
          const c = session();
          await store.insertSession(c);
          const rotated = hash();
          await store.updateSession(c.id, { tokenHash: rotated, metadata: { a: 'YQ==' }, expiresAtMs: 1_900_000_300_000, role: 'admin' });
          expect(await store.findSessionByTokenHash(c.tokenHash)).toBeUndefined();
          expect(await store.findSessionByTokenHash(rotated)).toEqual({
            ...c,
            tokenHash: rotated,
            metadata: { a: 'YQ==' },
            expiresAtMs: 1_900_000_300_000,
            role: 'admin',
          });
          // Many ids at once (beyond one IN-list chunk).
          const many = Array.from({ length: 1_100 }, () => session({ subjectId: 'bulk' }));
          for (const s of many) await store.insertSession(s);
          expect((await store.endSessions([...many.map((s) => s.id), c.id], 'revoked', 1_900_000_400_000)).length).toBe(1_101);
          expect(await store.countSessions({ userId: 'bulk', openOnly: true })).toBe(0);
        },
        60_000,
      );

      withFresh('sessions: list newest first with filters and offsets; count; open sessions of a subject oldest first', async () => {
        const s1 = session({ subjectId: 'u1', organizationId: 'o1' });
        const s2 = session({ subjectId: 'u1', organizationId: 'o1' });
        const s3 = session({ subjectId: 'u2', organizationId: 'o2' });
        const s4 = session({ subjectId: 'u1', organizationId: 'o1' });
        for (const s of [s1, s2, s3, s4]) await store.insertSession(s);
        await store.endSessions([s2.id], 'revoked', s2.createdAtMs + 1);
        const ids = (ss: SessionRecord[]) => ss.map((s) => s.id);
        expect(ids(await store.listSessions({ limit: 10, offset: 0 }))).toEqual([s4.id, s3.id, s2.id, s1.id]);
        expect(ids(await store.listSessions({ userId: 'u1', limit: 10, offset: 1 }))).toEqual([s2.id, s1.id]);
        expect(ids(await store.listSessions({ organizationId: 'o1', openOnly: true, limit: 1, offset: 0 }))).toEqual([s4.id]);
        expect(await store.countSessions({})).toBe(4);
        expect(await store.countSessions({ userId: 'u1', openOnly: true })).toBe(2);
        expect(await store.countSessions({ organizationId: 'o2' })).toBe(1);
        expect(ids(await store.listOpenSessionsOfSubject('u1'))).toEqual([s1.id, s4.id]);
      });

      withFresh('sessions: scan every one in id order (ended ones too), page by page, with the fields a scan reads', async () => {
        const all = ['scan-d', 'scan-a', 'scan-e', 'scan-c', 'scan-b'].map((id) => session({ id }));
        for (const s of all) await store.insertSession(s);
        await store.endSessions(['scan-b'], 'revoked', 1_900_000_100_000);
        const first = await store.scanSessions({ afterId: null, limit: 3 });
        expect(first.map((r) => r.id)).toEqual(['scan-a', 'scan-b', 'scan-c']);
        const rest = await store.scanSessions({ afterId: 'scan-c', limit: 3 });
        expect(rest.map((r) => r.id)).toEqual(['scan-d', 'scan-e']);
        expect(first[1]).toMatchObject({ id: 'scan-b', endedAtMs: 1_900_000_100_000, endReason: 'revoked' });
        const a = all[1] as SessionRecord;
        expect(first[0]).toEqual({
          id: a.id,
          subjectType: a.subjectType,
          subjectId: a.subjectId,
          organizationId: a.organizationId,
          createdAtMs: a.createdAtMs,
          lastActiveAtMs: a.lastActiveAtMs,
          expiresAtMs: a.expiresAtMs,
          endedAtMs: null,
          endReason: null,
          lastIp: a.lastIp,
        });
      });

      withFresh('sessions: open ones in a band of creation or last use, by organization, in (time, id) pages', async () => {
        const T = 1_900_000_000_000;
        const at = (id: string, createdAtMs: number, lastActiveAtMs: number, over: Partial<SessionRecord> = {}) =>
          session({ id, createdAtMs, lastActiveAtMs, organizationId: 'o1', ...over });
        for (const s of [
          at('w-a', T + 10, T + 10),
          at('w-b', T + 20, T + 50),
          at('w-c', T + 20, T + 20),
          at('w-d', T + 30, T + 30, { organizationId: 'o2' }),
          at('w-e', T + 40, T + 40, { endedAtMs: T + 41, endReason: 'revoked' }),
          at('w-f', T + 100, T + 100),
        ])
          await store.insertSession(s);
        const ids = async (q: Partial<OpenSessionWindow>) => (await store.scanOpenSessionsInWindow({ ...band, ...q })).map((r) => r.id);
        const band: OpenSessionWindow = { by: 'createdAtMs', afterMs: T + 10, upToMs: T + 40, organizations: { notIn: [] }, cursor: null, limit: 10 };
        // (afterMs, upToMs], sessions with a stored end left out, ties in time ordered by id.
        expect(await ids({})).toEqual(['w-b', 'w-c', 'w-d']);
        expect(await ids({ organizations: { in: ['o2'] } })).toEqual(['w-d']);
        expect(await ids({ organizations: { notIn: ['o2'] } })).toEqual(['w-b', 'w-c']);
        expect(await ids({ organizations: { in: [] } })).toEqual([]);
        expect(await ids({ limit: 1 })).toEqual(['w-b']);
        expect(await ids({ limit: 2, cursor: { atMs: T + 20, id: 'w-b' } })).toEqual(['w-c', 'w-d']);
        expect(await ids({ lastActiveAfterMs: T + 20 })).toEqual(['w-b', 'w-d']);
        expect(await ids({ by: 'lastActiveAtMs', afterMs: T + 15, upToMs: T + 60 })).toEqual(['w-c', 'w-d', 'w-b']);
        expect(await ids({ by: 'lastActiveAtMs', afterMs: T + 15, upToMs: T + 60, createdAfterMs: T + 20 })).toEqual(['w-d']);
      });

      withFresh('sessions: token hashes rotated away are remembered with their session and time', async () => {
        const s = session();
        await store.insertSession(s);
        await store.recordRotatedToken(s.tokenHash, s.id, 1_900_000_000_500);
        expect(await store.findRotatedToken(s.tokenHash)).toEqual({ sessionId: s.id, rotatedAtMs: 1_900_000_000_500 });
        expect(await store.findRotatedToken(hash())).toBeUndefined();
      });
    });

    describe('SessionActivityStore', () => {
      withFresh(
        'activity is write-behind: overlaid at once, stored on flush, never backwards',
        async () => {
          const s = session();
          await store.insertSession(s);
          const t = s.createdAtMs + 60_000;
          store.recordActivity(s.id, t, '198.51.100.7');
          expect(store.withPendingActivity(s)).toMatchObject({ lastActiveAtMs: t, lastIp: '198.51.100.7' });
          expect(await store.findSessionByTokenHash(s.tokenHash)).toMatchObject({ lastActiveAtMs: t, lastIp: '198.51.100.7' });
          expect(await store.getSession(s.id)).toMatchObject({ lastActiveAtMs: t });
          // A second node reads only what is stored.
          const node2 = await env.another();
          expect(await node2.findSessionByTokenHash(s.tokenHash)).toMatchObject({ lastActiveAtMs: s.lastActiveAtMs, lastIp: '192.0.2.1' });
          await store.flush();
          // SQLite: another process's session cache notices the write within ~100 ms (docs/architecture.md).
          if (name === 'SQLite') await sleep(150);
          expect(await node2.findSessionByTokenHash(s.tokenHash)).toMatchObject({ lastActiveAtMs: t, lastIp: '198.51.100.7' });
          // Older use written later (e.g. by another node) never moves it backwards; a null IP keeps the last one.
          node2.recordActivity(s.id, t - 1_000, '203.0.113.9');
          await node2.flush();
          store.recordActivity(s.id, t + 5, null);
          await store.flush();
          expect(await node2.getSession(s.id)).toMatchObject({ lastActiveAtMs: t + 5, lastIp: '198.51.100.7' });
          // A big batch (several UPDATE chunks).
          const many = Array.from({ length: 2_500 }, () => session());
          await store.transaction(async (tx) => {
            for (const m of many) await tx.insertSession(m);
          });
          for (const m of many) store.recordActivity(m.id, m.createdAtMs + 7, null);
          await store.flush();
          const back = await node2.listSessions({ limit: 3_000, offset: 0 });
          expect(back.filter((r) => r.lastActiveAtMs === r.createdAtMs + 7).length).toBe(2_500);
        },
        60_000,
      );
    });

    describe('EventStore', () => {
      withFresh('events: per-aggregate sequence 1, 2, 3…, increasing ids, filters, paging', async () => {
        const ev = (aggregateId: string, type: string, atMs: number) =>
          store.appendEvent({ aggregateType: 'session', aggregateId, type, actor: 'system', organizationId: 'default', atMs, data: { x: [1, 'two'] } });
        const e1 = await ev('a', 'session.created', 1_900_000_000_001);
        const e2 = await ev('b', 'session.created', 1_900_000_000_002);
        const e3 = await ev('a', 'session.revoked', 1_900_000_000_003);
        const e4 = await ev('a', 'session.used', 1_900_000_000_004);
        expect([e1.sequence, e2.sequence, e3.sequence, e4.sequence]).toEqual([1, 1, 2, 3]);
        expect(e2.id).toBeGreaterThan(e1.id);
        expect(e4.id).toBeGreaterThan(e3.id);
        expect(await store.lastEventOf('session', 'a')).toEqual(e4);
        expect(await store.lastEventOf('session', 'zzz')).toBeUndefined();
        expect((await store.listEvents({ aggregateId: 'a', limit: 10 })).map((e) => e.sequence)).toEqual([1, 2, 3]);
        expect((await store.listEvents({ type: 'session.created', limit: 10 })).map((e) => e.aggregateId)).toEqual(['a', 'b']);
        expect((await store.listEvents({ afterId: e2.id, limit: 1 })).map((e) => e.id)).toEqual([e3.id]);
        expect((await store.listEvents({ sinceMs: 1_900_000_000_002, untilMs: 1_900_000_000_004, limit: 10 })).map((e) => e.id)).toEqual([e2.id, e3.id]);
        expect((await store.listEvents({ actor: 'nobody', limit: 10 })).length).toBe(0);
        // Bounds beyond 64 bits (from a request) answer like any bound past the end.
        expect(await store.listEvents({ afterId: 1e20, limit: 10 })).toEqual([]);
        expect(await store.listEvents({ sinceMs: 1e20, limit: 10 })).toEqual([]);
        expect((await store.listEvents({ untilMs: 1e20, limit: 10 })).length).toBe(4);
        expect((await store.listEvents({ limit: 10 }))[0]).toEqual(e1);
      });

      withFresh('events in bulk: each aggregate gets its next sequence, in and out of a transaction', async () => {
        const ev = (aggregateId: string, type: string) => ({
          aggregateType: 'session' as const,
          aggregateId,
          type,
          actor: 'system',
          organizationId: 'default',
          atMs: 1_900_000_000_000,
          data: {},
        });
        await store.appendEvent(ev('a', 'session.created'));
        await store.appendEvent(ev('a', 'session.used'));
        await store.appendEvent(ev('b', 'session.created'));
        const bulk = await store.appendEvents([ev('a', 'session.expired'), ev('b', 'session.expired'), ev('c', 'session.expired')]);
        expect(bulk.map((e) => [e.aggregateId, e.sequence])).toEqual([
          ['a', 3],
          ['b', 2],
          ['c', 1],
        ]);
        expect(await store.lastEventOf('session', 'a')).toEqual(bulk[0]);
        expect(await store.lastEventOf('session', 'c')).toEqual(bulk[2]);
        const inTx = await store.transaction((tx) => tx.appendEvents([ev('c', 'session.idle_timeout')]));
        expect(inTx[0]).toMatchObject({ aggregateId: 'c', sequence: 2 });
        expect(new Set([...bulk, ...inTx].map((e) => e.id)).size).toBe(4);
        expect(await store.appendEvents([])).toEqual([]);
      });

      withFresh(
        'the per-aggregate sequence holds when two nodes append to one aggregate at once',
        async () => {
          const node2 = await secondNode();
          const append = (s: Store, i: number) =>
            s.transaction((tx) =>
              tx.appendEvent({
                aggregateType: 'policy',
                aggregateId: 'instance',
                type: 'policy.changed',
                actor: 'system',
                organizationId: null,
                atMs: i,
                data: { i },
              }),
            );
          const done = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => append(i % 2 ? node2 : store, i)));
          expect(done.map((d) => d.status)).toEqual(Array(12).fill('fulfilled'));
          const seqs = (await store.listEvents({ aggregateId: 'instance', limit: 100 })).map((e) => e.sequence);
          expect(seqs).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
        },
        30_000,
      );
    });

    describe('Transactions', () => {
      withFresh('transactions commit together and roll back together', async () => {
        const kept = session();
        const result = await store.transaction(async (tx) => {
          await tx.insertSession(kept);
          await tx.appendEvent({
            aggregateType: 'session',
            aggregateId: kept.id,
            type: 'session.created',
            actor: 'system',
            organizationId: null,
            atMs: 1,
            data: {},
          });
          return 42;
        });
        expect(result).toBe(42);
        const lost = session();
        const other = session();
        await store.insertSession(other);
        const boom = new Error('boom');
        await expect(
          store.transaction(async (tx) => {
            await tx.insertSession(lost);
            await tx.endSessions([other.id], 'revoked', 5);
            await tx.appendEvent({
              aggregateType: 'session',
              aggregateId: kept.id,
              type: 'session.revoked',
              actor: 'system',
              organizationId: null,
              atMs: 2,
              data: {},
            });
            expect(await tx.getSession(lost.id)).toMatchObject({ id: lost.id }); // seen inside
            throw boom;
          }),
        ).rejects.toBe(boom);
        expect(await store.getSession(lost.id)).toBeUndefined();
        expect(await store.getSession(other.id)).toMatchObject({ endedAtMs: null });
        expect((await store.lastEventOf('session', kept.id))?.sequence).toBe(1);
        // A domain error inside a transaction keeps its code and rolls back too.
        expect(
          await codeOf(
            store.transaction(async (tx) => {
              await tx.insertSession(session());
              await tx.insertSession({ ...session(), tokenHash: kept.tokenHash });
            }),
          ),
        ).toBe('already_exists');
        expect(await store.countSessions({})).toBe(2);
      });

      for (const onLimit of ['deny_new', 'evict_oldest'] as const) {
        withFresh(
          `the session limit (1, ${onLimit}) holds when two nodes create sessions for one user at the same moment`,
          async () => {
            const clock = new FakeClock();
            const nodeA = createCore({ store, clock, hasher: noHasher });
            await nodeA.start();
            await nodeA.policies.patchInstance(systemContext, { userSessionLimit: 1, onLimit });
            const store2 = await secondNode();
            const nodeB = createCore({ store: store2, clock, hasher: noHasher });
            await nodeB.start();
            expect(nodeB.policies.effective('default')).toMatchObject({ userSessionLimit: 1, onLimit });
            const subject = { type: 'user' as const, id: 'user-race', organizationId: 'default', role: 'user' as const };
            const attempts = 16;
            const results = await Promise.allSettled(
              Array.from({ length: attempts }, (_, i) => (i % 2 ? nodeB : nodeA).sessions.createFor(subject, { actor: 'system' })),
            );
            const codes = await Promise.all(results.map((r) => (r.status === 'fulfilled' ? 'ok' : codeOf(Promise.reject(r.reason)))));
            const open = await store.listOpenSessionsOfSubject('user-race');
            expect(open.length).toBe(1);
            if (onLimit === 'deny_new') {
              expect(codes.filter((c) => c === 'ok').length).toBe(1);
              expect(codes.filter((c) => c === 'session_limit_reached').length).toBe(attempts - 1);
              expect(await store.countSessions({ userId: 'user-race' })).toBe(1);
            } else {
              expect(codes).toEqual(Array(attempts).fill('ok'));
              expect(await store.countSessions({ userId: 'user-race' })).toBe(attempts);
              expect((await store.listEvents({ type: 'session.evicted', limit: 100 })).length).toBe(attempts - 1);
            }
          },
          30_000,
        );
      }
    });

    describe('SweepStore', () => {
      withFresh('deleteEndedSessions deletes the three indexed ranges, at most batchSize', async () => {
        const base = 1_900_000_000_000;
        const ended = session({ createdAtMs: base + 500, lastActiveAtMs: base + 500, endedAtMs: base + 600, endReason: 'revoked' });
        const old = session({ createdAtMs: base + 10, lastActiveAtMs: base + 900 });
        const idle = session({ createdAtMs: base + 700, lastActiveAtMs: base + 700 });
        const fresh = session({ createdAtMs: base + 800, lastActiveAtMs: base + 950 });
        for (const s of [ended, old, idle, fresh]) await store.insertSession(s);
        const cut = { endedBeforeMs: base + 650, createdBeforeMs: base + 100, batchSize: 100 };
        expect(await store.deleteEndedSessions({ ...cut, idleSinceBeforeMs: null })).toBe(2);
        expect(await store.getSession(ended.id)).toBeUndefined();
        expect(await store.getSession(old.id)).toBeUndefined();
        expect(await store.getSession(idle.id)).toBeDefined();
        expect(await store.deleteEndedSessions({ ...cut, idleSinceBeforeMs: base + 900 })).toBe(1);
        expect(await store.findSessionByTokenHash(idle.tokenHash)).toBeUndefined();
        expect(await store.getSession(fresh.id)).toBeDefined();
        for (let i = 0; i < 5; i++) await store.insertSession(session({ createdAtMs: base + i, lastActiveAtMs: base + i }));
        expect(await store.deleteEndedSessions({ ...cut, idleSinceBeforeMs: null, batchSize: 3 })).toBe(3);
        expect(await store.deleteEndedSessions({ ...cut, idleSinceBeforeMs: null, batchSize: 3 })).toBe(2);
        expect(await store.deleteEndedSessions({ ...cut, idleSinceBeforeMs: null, batchSize: 3 })).toBe(0);
        expect(await store.countSessions({})).toBe(1);
      });

      withFresh('deleteRotatedTokens forgets hashes rotated before the cutoff, at most batchSize', async () => {
        const T = 1_900_000_000_000;
        const hashes = Array.from({ length: 5 }, () => hash());
        for (const [i, h] of hashes.entries()) await store.recordRotatedToken(h, `s-rotated-${i}`, T + i);
        const cut = { rotatedBeforeMs: T + 3, batchSize: 2 };
        expect(await store.deleteRotatedTokens(cut)).toBe(2);
        expect(await store.deleteRotatedTokens(cut)).toBe(1);
        expect(await store.deleteRotatedTokens(cut)).toBe(0);
        const left = await Promise.all(hashes.map((h) => store.findRotatedToken(h)));
        expect(left.map((r) => r?.rotatedAtMs ?? null)).toEqual([null, null, null, T + 3, T + 4]);
      });
    });
  });
}

describe.skipIf(pgUnavailable !== null)('PostgreSQL with several nodes', () => {
  it('a policy change made through one node is in force on another within a second (no Redis)', async () => {
    const db = await createTestDatabase();
    const open = () => PostgresStore.open({ url: db.url, poolSize: 2, activityFlushMs: 60_000, externalPollMs: 200 });
    const [storeA, storeB] = [await open(), await open()];
    try {
      const clock = new FakeClock();
      const nodeA = createCore({ store: storeA, clock, hasher: noHasher });
      await nodeA.start();
      const nodeB = createCore({ store: storeB, clock, hasher: noHasher });
      await nodeB.start();
      let reloads = 0;
      storeB.onExternalChange(() => {
        reloads++;
        void nodeB.policies.reload();
      });
      await sleep(300); // the first poll notes where the events are
      expect(reloads).toBe(0);
      await nodeA.policies.patchInstance(systemContext, { idleTimeoutSeconds: 60 });
      const t0 = Date.now();
      while (nodeB.policies.effective('default').idleTimeoutSeconds !== 60 && Date.now() - t0 < 3_000) await sleep(20);
      expect(nodeB.policies.effective('default').idleTimeoutSeconds).toBe(60);
      expect(Date.now() - t0).toBeLessThan(1_000);
      expect(reloads).toBe(1);
    } finally {
      await storeA.close();
      await storeB.close();
      await db.drop();
    }
  });
});

describe('SQLite activity worker faults', () => {
  it('a worker thread that dies mid-batch is replaced: the batch stays pending (still overlaid), lands on the next flush, and the store keeps serving', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sessiond-worker-'));
    // The store's worker threads, as the process sees them start.
    const threads: Worker[] = [];
    const onWorker = (w: Worker) => threads.push(w);
    process.on('worker', onWorker);
    const store = await SqliteStore.open({ dataDir: dir, activityFlushMs: 60_000, synchronous: 'NORMAL' });
    try {
      const s = session();
      await store.insertSession(s);
      store.recordActivity(s.id, s.createdAtMs + 1000, '198.51.100.1');
      await store.flush(); // starts the worker
      expect(threads).toHaveLength(1);
      const first = threads[0];

      store.recordActivity(s.id, s.createdAtMs + 2000, '198.51.100.2');
      const flushing = store.flush();
      await first?.terminate(); // dies before it answers the batch
      await expect(flushing).rejects.toThrow(/activity worker exited/);
      expect(store.withPendingActivity(s)).toMatchObject({ lastActiveAtMs: s.createdAtMs + 2000, lastIp: '198.51.100.2' });

      await store.flush(); // a new worker
      expect(threads).toHaveLength(2);
      expect(threads[1]).not.toBe(first);
      const stored = new Database(join(dir, 'sessiond.db'), { readonly: true });
      try {
        expect(stored.prepare('SELECT last_active_at_ms AS t, last_ip AS ip FROM sessions WHERE id = ?').get(s.id)).toEqual({
          t: s.createdAtMs + 2000,
          ip: '198.51.100.2',
        });
      } finally {
        stored.close();
      }
      const other = session();
      await store.insertSession(other);
      expect((await store.getSession(other.id))?.id).toBe(other.id);
    } finally {
      process.off('worker', onWorker);
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(pgUnavailable !== null)('PostgreSQL faults', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('an unreachable server fails fast with unavailable', async () => {
    const t0 = Date.now();
    const code = await codeOf(
      PostgresStore.open({ url: 'postgres://postgres:secret@127.0.0.1:1/none', poolSize: 1, activityFlushMs: 1000, connectTimeoutMs: 500 }),
    );
    expect(code).toBe('unavailable');
    expect(Date.now() - t0).toBeLessThan(3_000);
  });

  it('a lock held too long fails fast with unavailable instead of hanging, and the store still works', async () => {
    const store = await PostgresStore.open({ url: db.url, poolSize: 2, activityFlushMs: 60_000, statementTimeoutMs: 300 });
    const holder = new pg.Client({ connectionString: db.url });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query("SELECT pg_advisory_xact_lock(1, hashtext('held-user'))");
      const t0 = Date.now();
      const err = await store.transaction((tx) => tx.listOpenSessionsOfSubject('held-user')).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'unavailable' });
      // The driver's error stays behind it as the standard `cause` (logged, never answered).
      expect((err as DomainError).cause).toMatchObject({ code: expect.stringMatching(/^(55P03|57014)$/) });
      expect(Date.now() - t0).toBeLessThan(2_000);
      await holder.query('ROLLBACK');
      expect(await store.transaction((tx) => tx.listOpenSessionsOfSubject('held-user'))).toEqual([]);
    } finally {
      await holder.end();
      await store.close();
    }
  });

  it('recovers by itself when its connections are killed (as in a server restart)', async () => {
    const errors: unknown[] = [];
    const store = await PostgresStore.open({ url: db.url, poolSize: 3, activityFlushMs: 60_000, onError: (e) => errors.push(e) });
    try {
      const s = session();
      await store.insertSession(s);
      const killer = new pg.Client({ connectionString: db.url });
      await killer.connect();
      await killer.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'sessiond'");
      await killer.end();
      // The next reads may see the dead connection once (unavailable, never a wrong answer); then it is replaced.
      let found: SessionRecord | undefined;
      for (let i = 0; i < 5 && !found; i++) {
        try {
          found = await store.findSessionByTokenHash(s.tokenHash);
        } catch (e) {
          expect((e as DomainError).code).toBe('unavailable');
        }
      }
      expect(found?.id).toBe(s.id);
      expect(await store.ping()).toBe(true);
    } finally {
      await store.close();
    }
  });

  it('failed policy polls and cache-epoch reads are reported by task (not swallowed), and the poll resumes when PostgreSQL is back', async () => {
    const redisDown = await redisUnavailableReason();
    const proxy = await TcpProxy.start(db.url, 5432);
    const errors: string[] = [];
    const store = await PostgresStore.open({
      url: proxy.urlFor(db.url),
      poolSize: 2,
      activityFlushMs: 60_000,
      externalPollMs: 50,
      connectTimeoutMs: 300,
      onError: (_e, task) => errors.push(task),
      ...(redisDown ? {} : { redis: { url: TEST_REDIS_URL, prefix: `sessiond-test-${randomBytes(6).toString('hex')}:` }, cacheEpochPollMs: 50 }),
    });
    const other = await PostgresStore.open({ url: db.url, poolSize: 1, activityFlushMs: 60_000 });
    try {
      let changes = 0;
      store.onExternalChange(() => changes++);
      await sleep(200);
      const baseline = changes; // with Redis, the subscription coming up counts as one
      proxy.drop();
      await sleep(600);
      expect(errors).toContain('policy_poll');
      if (!redisDown) expect(errors).toContain('cache_epoch');
      proxy.restore();
      await sleep(600); // the pool reconnects; the poll notes where the events are
      await other.appendEvent({
        type: 'policy.changed',
        aggregateType: 'policy',
        aggregateId: 'instance',
        actor: 'system',
        organizationId: 'default',
        atMs: Date.now(),
        data: {},
      });
      const t0 = Date.now();
      while (changes === baseline && Date.now() - t0 < 3000) await sleep(20);
      expect(changes).toBeGreaterThan(baseline);
    } finally {
      await other.close();
      await store.close();
      await proxy.close();
    }
  });

  it('describes the database without the password', () => {
    expect(new URL('postgres://u:pw@db.example:6543/sess').password).toBe('pw');
    expect(describePostgres('postgres://u:pw@db.example:6543/sess')).toBe('PostgreSQL db.example:6543/sess');
    expect(describePostgres('postgres://u@localhost/sess')).toBe('PostgreSQL localhost:5432/sess');
  });
});
