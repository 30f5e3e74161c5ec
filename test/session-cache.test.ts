import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionRecord, Store } from '../src/core/ports.js';
import { ActivityBuffer } from '../src/storage/activity-buffer.js';
import { openStore } from '../src/storage/index.js';
import { SessionCache } from '../src/storage/session-cache.js';
import { createFormats } from '../src/surfaces/shared/formats.js';
import { freshStorage, onPostgres, sqliteOnlyTitle, startTestApp, storageOf, type TestApp, type TestStorage } from './helpers.js';

// The in-memory session cache of the validation path, and what keeps it honest: every
// write that changes a session forgets it, in or out of transactions, committed or not,
// and writes by another process on the same file are noticed.

const record = (id: string, over: Partial<SessionRecord> = {}): SessionRecord => ({
  id,
  tokenHash: `hash-${id}`,
  subjectType: 'user',
  subjectId: `user-${id}`,
  organizationId: 'default',
  role: 'user',
  persistent: false,
  createdAtMs: 1_000,
  lastActiveAtMs: 1_000,
  expiresAtMs: null,
  endedAtMs: null,
  endReason: null,
  ip: null,
  userAgent: null,
  country: null,
  city: null,
  lastIp: null,
  metadata: {},
  ...over,
});

describe('SessionCache', () => {
  it('keeps at most maxEntries, dropping the least recently used', () => {
    const c = new SessionCache(2);
    c.set(record('a'));
    c.set(record('b'));
    expect(c.get('hash-a')?.id).toBe('a'); // a is now the most recent
    c.set(record('c'));
    expect(c.size).toBe(2);
    expect(c.get('hash-b')).toBeUndefined();
    expect(c.get('hash-a')?.id).toBe('a');
    expect(c.get('hash-c')?.id).toBe('c');
  });

  it('touch never moves last use backwards and keeps the last known IP', () => {
    const c = new SessionCache(10);
    c.set(record('a', { lastIp: '10.0.0.1' }));
    c.touch('a', 5_000, null);
    expect(c.get('hash-a')).toMatchObject({ lastActiveAtMs: 5_000, lastIp: '10.0.0.1' });
    c.touch('a', 4_000, '10.0.0.2');
    expect(c.get('hash-a')).toMatchObject({ lastActiveAtMs: 5_000, lastIp: '10.0.0.1' });
    c.touch('a', 6_000, '10.0.0.3');
    expect(c.get('hash-a')).toMatchObject({ lastActiveAtMs: 6_000, lastIp: '10.0.0.3' });
  });

  it('forget drops by id; a changed token hash replaces the old entry; size 0 caches nothing', () => {
    const c = new SessionCache(10);
    c.set(record('a'));
    c.set(record('a', { tokenHash: 'rotated' }));
    expect(c.get('hash-a')).toBeUndefined();
    expect(c.get('rotated')?.id).toBe('a');
    c.forget('a');
    expect(c.get('rotated')).toBeUndefined();
    const off = new SessionCache(0);
    off.set(record('x'));
    expect(off.get('hash-x')).toBeUndefined();
  });
});

describe('isoTime', () => {
  const { isoTime } = createFormats();
  it('equals Date#toISOString for every millisecond', () => {
    fc.assert(
      fc.property(fc.integer({ min: -100_000_000_000_000, max: 300_000_000_000_000 }), (ms) => {
        expect(isoTime(ms)).toBe(new Date(ms).toISOString());
      }),
      { numRuns: 2_000 },
    );
    for (const ms of [0, 999, 1_000, 1_001, 253_402_300_799_999, 253_402_300_800_000, -1]) expect(isoTime(ms)).toBe(new Date(ms).toISOString());
  });
});

describe('ActivityBuffer', () => {
  it('a batch being written stays visible to peek until its write is done', async () => {
    let release: () => void = () => {};
    const written: string[] = [];
    const b = new ActivityBuffer(async (batch) => {
      await new Promise<void>((r) => {
        release = r;
      });
      written.push(...batch.map((a) => a.sessionId));
    }, 60_000);
    b.record('s1', 2_000, '10.0.0.1');
    const flushing = b.flush();
    expect(b.size).toBe(0); // moved out of the pending map…
    expect(b.peek('s1')).toMatchObject({ atMs: 2_000, ip: '10.0.0.1' }); // …but still seen
    release();
    await flushing;
    expect(written).toEqual(['s1']);
    expect(b.peek('s1')).toBeUndefined();
  });
});

// Two stores on one storage: SqliteStore on one file, or (the postgres run) PostgresStore with
// Redis, two nodes on one database and Redis prefix.
describe(`${onPostgres ? 'PostgresStore + Redis' : 'SqliteStore'} with the session cache`, () => {
  let dir: string;
  let storage: TestStorage;
  let a: Store;
  let b: Store;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sessiond-cache-'));
    storage = await freshStorage();
    const { databaseUrl, redisUrl, redisPrefix } = storage.config;
    const open = () =>
      openStore({
        dataDir: dir,
        activityFlushMs: 60_000,
        sqliteSynchronous: 'FULL',
        ...(databaseUrl ? { databaseUrl, databasePoolSize: 4 } : {}),
        ...(redisUrl && redisPrefix ? { redisUrl, redisPrefix } : {}),
      });
    a = await open();
    b = await open();
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    rmSync(dir, { recursive: true, force: true });
    await storage.drop();
  });

  it('an end inside a committed transaction is seen at once', async () => {
    await a.insertSession(record('t1'));
    expect((await a.findSessionByTokenHash('hash-t1'))?.endedAtMs).toBeNull(); // cached now
    await a.transaction(async (tx) => {
      await tx.endSessions(['t1'], 'revoked', 2_000);
    });
    expect(await a.findSessionByTokenHash('hash-t1')).toMatchObject({ endedAtMs: 2_000, endReason: 'revoked' });
  });

  it('a rolled-back end leaves the session open, even if it was read inside the transaction', async () => {
    await a.insertSession(record('t2'));
    await a.findSessionByTokenHash('hash-t2');
    await expect(
      a.transaction(async (tx) => {
        await tx.endSessions(['t2'], 'revoked', 2_000);
        // SQLite, same connection: this read sees the uncommitted end and would cache it.
        // PostgreSQL, another pool connection: it sees the committed row (and may cache it).
        expect((await a.findSessionByTokenHash('hash-t2'))?.endReason).toBe(onPostgres ? null : 'revoked');
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await a.findSessionByTokenHash('hash-t2')).toMatchObject({ endedAtMs: null, endReason: null });
  });

  it('updates and ends outside transactions, and the sweep, are seen at once', async () => {
    await a.insertSession(record('t3'));
    await a.findSessionByTokenHash('hash-t3');
    await a.updateSession('t3', { role: 'admin' });
    expect((await a.findSessionByTokenHash('hash-t3'))?.role).toBe('admin');
    await a.endSessions(['t3'], 'evicted', 3_000);
    expect((await a.findSessionByTokenHash('hash-t3'))?.endReason).toBe('evicted');
    const deleted = await a.deleteEndedSessions({ endedBeforeMs: 10_000, createdBeforeMs: 0, idleSinceBeforeMs: null, batchSize: 100 });
    expect(deleted).toBeGreaterThanOrEqual(1);
    expect(await a.findSessionByTokenHash('hash-t3')).toBeUndefined();
  });

  it('use is applied to the cached record and survives the flush', async () => {
    await a.insertSession(record('t4'));
    await a.findSessionByTokenHash('hash-t4');
    a.recordActivity('t4', 9_000, '10.1.1.1');
    await a.flush();
    expect(await a.findSessionByTokenHash('hash-t4')).toMatchObject({ lastActiveAtMs: 9_000, lastIp: '10.1.1.1' });
    expect(await b.getSession('t4')).toMatchObject({ lastActiveAtMs: 9_000, lastIp: '10.1.1.1' });
  });

  // SQLite only: PRAGMA data_version noticing another connection's commit (and telling the
  // external-change listeners, which PostgreSQL calls for policy changes only); another node's
  // session changes on PostgreSQL + Redis are covered by test/redis-invalidation.test.ts.
  it.skipIf(onPostgres)(
    sqliteOnlyTitle(
      'a write by another connection to the same file is noticed within the check interval',
      'PRAGMA data_version; see redis-invalidation.test.ts',
    ),
    async () => {
      await a.insertSession(record('t5'));
      expect((await a.findSessionByTokenHash('hash-t5'))?.endedAtMs).toBeNull();
      let told = 0;
      a.onExternalChange?.(() => told++);
      // This process's own activity worker commits on another connection too: not an external change.
      a.recordActivity('t5', 5_000, null);
      await a.flush();
      await sleep(150);
      expect(await a.findSessionByTokenHash('hash-t5')).toMatchObject({ lastActiveAtMs: 5_000 });
      expect(told).toBe(0);
      // "Another process" (its own connection) ends it, with its event, as the core always writes one.
      await b.transaction(async (tx) => {
        await tx.endSessions(['t5'], 'revoked', 4_000);
        await tx.appendEvent({
          aggregateType: 'session',
          aggregateId: 't5',
          type: 'session.revoked',
          actor: 'test',
          organizationId: 'default',
          atMs: 4_000,
          data: {},
        });
      });
      await sleep(150);
      expect(await a.findSessionByTokenHash('hash-t5')).toMatchObject({ endReason: 'revoked' });
      expect(told).toBe(1);
    },
  );

  it.skipIf(onPostgres)(
    sqliteOnlyTitle("another process's recorded use is noticed within the check interval", 'PRAGMA data_version and the activity writer rows'),
    async () => {
      await a.insertSession(record('t6'));
      expect(await a.findSessionByTokenHash('hash-t6')).toMatchObject({ lastActiveAtMs: 1_000 });
      let told = 0;
      a.onExternalChange?.(() => told++);
      b.recordActivity('t6', 6_000, '10.6.6.6'); // used on the other server
      await b.flush();
      await sleep(150);
      expect(await a.findSessionByTokenHash('hash-t6')).toMatchObject({ lastActiveAtMs: 6_000, lastIp: '10.6.6.6' });
      expect(told).toBe(1);
    },
  );
});

// On the postgres run: two nodes on one database and Redis prefix.
describe('two servers on one data directory (e.g. the CLI in local mode next to a running server)', () => {
  let server: TestApp;
  let other: TestApp;
  beforeAll(async () => {
    server = await startTestApp();
    other = await startTestApp(storageOf(server));
  });
  afterAll(async () => {
    await other.close();
    await server.close();
  });

  it("the other's revocation and policy change bite on the server without a restart", async () => {
    expect((await server.req('POST', '/v1/users', { loginName: 'carol', password: 'correct horse battery' })).status).toBe(201);
    const s = await server.req('POST', '/v1/sessions', { loginName: 'carol', password: 'correct horse battery' }, { token: null });
    expect(s.status, s.raw).toBe(201);
    const introspect = () => server.req('POST', '/v1/sessions/introspect', { token: s.body.token }, { token: null });
    expect((await introspect()).body.active).toBe(true);

    expect((await other.req('PATCH', '/v1/policy', { idleTimeoutSeconds: 600 })).status).toBe(200);
    expect((await other.req('DELETE', `/v1/sessions/${s.body.session.id}`)).status).toBe(204);
    await sleep(1_200); // the background check runs every second even without validation traffic

    expect((await server.req('GET', '/v1/policy')).body.idleTimeoutSeconds).toBe(600);
    expect((await introspect()).body).toEqual({ active: false, reason: 'revoked' });
  });
});
