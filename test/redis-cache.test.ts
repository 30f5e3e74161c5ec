import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { systemContext } from '../src/core/auth.js';
import { FakeClock } from '../src/core/clock.js';
import { createCore } from '../src/core/index.js';
import type { SessionRecord } from '../src/core/ports.js';
import { PostgresStore } from '../src/storage/postgres/postgres-store.js';
import { FILL_WINDOW_MS } from '../src/storage/redis-session-tier.js';
import { startTestApp, type TestApp } from './helpers.js';
import {
  createTestDatabase,
  openSharedTier,
  postgresBackendUnavailableReason,
  sharedRecordKey,
  storedCacheEpoch,
  TEST_REDIS_URL,
  type TestDatabase,
} from './pg-helpers.js';
import { postgresRequired } from './postgres-required.js';
import { noHasher, sessionRecord, within } from './records.js';
import { TcpProxy } from './tcp-proxy.js';

// The shared session cache in Redis (PostgreSQL + Redis): several nodes (stores or whole apps on
// one fresh database, one key prefix per test) validate from memory, then Redis, then PostgreSQL;
// every change removes the Redis copy before it commits; uses made on one node reach the others'
// idle judgement through Redis; rate limits are counted across nodes; and a Redis that stalls or
// drops (a TCP proxy in front of the real server is paused or cut; the shared server is never
// touched) leaves every answer correct, from PostgreSQL. Memory entries are trusted for a minute
// here unless a test says otherwise, so only Redis (messages, deletions, the epoch) can explain
// a change seen sooner. Without PostgreSQL or Redis the file is skipped with the reason; CI=true fails.

const unavailable = await postgresBackendUnavailableReason();
postgresRequired('redis-cache', 'shared-cache tests', unavailable);

/** A port nothing listens on: a Redis that is down. */
const DEAD_REDIS_URL = 'redis://127.0.0.1:1';
const PASSWORD = 'correct horse battery staple';

const session = sessionRecord;

let db: TestDatabase | null = null;
let prefix = '';
const cleanups: (() => Promise<void>)[] = [];

async function fresh(): Promise<TestDatabase> {
  db = await createTestDatabase();
  prefix = `sessiond-test-${randomBytes(6).toString('hex')}:`;
  return db;
}

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await db?.drop();
  db = null;
});

/**
 * A node on this test's database and prefix. `memoryEntries: 0` turns its memory tier off, so
 * every validation it makes reaches the shared tier (Redis, then PostgreSQL).
 */
async function node(o: { redisUrl?: string; memoryEntries?: number; memoryTtlMs?: number } = {}): Promise<PostgresStore> {
  if (!db) throw new Error('no database');
  const s = await PostgresStore.open({
    url: db.url,
    poolSize: 3,
    activityFlushMs: 60_000, // flushed by the tests
    externalPollMs: 60_000,
    redis: { url: o.redisUrl ?? TEST_REDIS_URL, prefix, commandTimeoutMs: 150 },
    sessionCacheEntries: o.memoryEntries ?? 1000,
    sessionCacheTtlMs: o.memoryTtlMs ?? 60_000,
    cacheEpochPollMs: 100,
  });
  cleanups.push(() => s.close());
  return s;
}

/** A proxy in front of the real Redis (test/tcp-proxy.ts); `url` reaches Redis through it. */
async function proxy(): Promise<TcpProxy & { url: string }> {
  const p = await TcpProxy.start(TEST_REDIS_URL, 6379);
  cleanups.push(() => p.close());
  return Object.assign(p, { url: p.urlFor(TEST_REDIS_URL) });
}

/** An app (a whole node) on this test's database and prefix. */
async function app(overrides: Parameters<typeof startTestApp>[0] = {}): Promise<TestApp> {
  if (!db) throw new Error('no database');
  const t = await startTestApp({ databaseUrl: db.url, redisUrl: TEST_REDIS_URL, redisPrefix: prefix, ...overrides });
  cleanups.push(() => t.close());
  return t;
}

const statsOf = (t: TestApp) => (t.app.store as PostgresStore).cacheStats();
const introspect = (t: TestApp, token: string) => t.req('POST', '/v1/sessions/introspect', { token }, { token: null });

async function signIn(t: TestApp): Promise<{ id: string; token: string }> {
  const loginName = `u${randomBytes(4).toString('hex')}`;
  expect((await t.req('POST', '/v1/users', { loginName, password: PASSWORD })).status).toBe(201);
  const r = await t.req('POST', '/v1/sessions', { loginName, password: PASSWORD }, { token: null });
  expect(r.status, r.raw).toBe(201);
  return { id: r.body.session.id, token: r.body.token };
}

/** A Redis client of the test itself, to look at what the nodes stored. */
async function inspector(): Promise<Redis> {
  const r = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0 });
  await r.connect();
  cleanups.push(async () => r.disconnect());
  return r;
}

describe.skipIf(unavailable !== null)('PostgreSQL + Redis: the shared session cache', () => {
  it('a session created on node A is validated on node B from Redis, without a PostgreSQL read after the first fill', async () => {
    await fresh();
    const a = await app();
    const b = await app({ sessionCacheEntries: 0 }); // no memory tier: every validation asks Redis
    const { id, token } = await signIn(a);

    const a0 = statsOf(a);
    expect((await introspect(a, token)).body.active).toBe(true);
    const a1 = statsOf(a);
    expect(a1.storageReads - a0.storageReads).toBe(1); // the first validation reads PostgreSQL and fills Redis
    expect(a1.redisMisses - a0.redisMisses).toBe(1);

    const b0 = statsOf(b);
    for (let i = 0; i < 5; i++) {
      const r = await introspect(b, token);
      expect(r.body).toMatchObject({ active: true, session: { id } });
    }
    const b1 = statsOf(b);
    expect(b1.storageReads - b0.storageReads).toBe(0);
    expect(b1.redisHits - b0.redisHits).toBe(5);
    // The counter does count: an unknown token is never cached, so it reads PostgreSQL.
    expect((await introspect(b, randomBytes(32).toString('base64url'))).body).toMatchObject({ active: false, reason: 'unknown' });
    expect(statsOf(b).storageReads - b1.storageReads).toBe(1);

    // A revocation on A, then at once on B: "revoked", although B answered from Redis a moment ago.
    expect((await a.req('DELETE', `/v1/sessions/${id}`)).status).toBe(204);
    expect((await introspect(b, token)).body).toMatchObject({ active: false, reason: 'revoked' });
  });

  it('a revocation on node A is seen on node B at once from Redis, and in B’s memory well before its TTL', async () => {
    await fresh();
    const a = await node();
    const b = await node({ memoryEntries: 0 });
    const c = await node(); // memory tier on, entries trusted for a minute
    const s = session();
    await a.insertSession(s);
    expect((await b.findSessionByTokenHash(s.tokenHash))?.endedAtMs).toBeNull(); // fills Redis
    const reads = b.cacheStats().storageReads;
    expect((await b.findSessionByTokenHash(s.tokenHash))?.endedAtMs).toBeNull();
    expect(b.cacheStats().storageReads).toBe(reads); // from Redis
    expect((await c.findSessionByTokenHash(s.tokenHash))?.id).toBe(s.id);
    expect(c.findCachedSessionByTokenHash(s.tokenHash)?.endedAtMs).toBeNull(); // in C's memory now
    expect(c.cacheStats()).toMatchObject({ redisHits: 1, storageReads: 0 });

    const endedAt = Date.now();
    expect(await a.endSessions([s.id], 'revoked', endedAt)).toEqual([s.id]);
    // No waiting: the Redis copy was removed before the revocation committed.
    expect(await b.findSessionByTokenHash(s.tokenHash)).toMatchObject({ endedAtMs: endedAt, endReason: 'revoked' });
    const ms = await within(1000, async () => (await c.findSessionByTokenHash(s.tokenHash))?.endReason === 'revoked');
    expect(ms).toBeLessThan(500);
  });

  it('a reader that read PostgreSQL before a change committed cannot put that row into Redis', async () => {
    await fresh();
    const a = await node();
    const b = await node({ memoryEntries: 0 });
    // B's steps, one at a time: a tier on B's Redis, prefix and epoch (the same keys).
    const tier = await openSharedTier({ redisUrl: TEST_REDIS_URL, prefix, databaseUrl: (db as TestDatabase).url });
    cleanups.push(async () => tier.close());
    const s = session();
    await a.insertSession(s);
    // B misses in Redis and reads the (still active) row; A's revocation commits before B fills.
    const lookup = await tier.lookup(s.tokenHash);
    if (!lookup || !('missed' in lookup)) throw new Error(`expected a miss, got ${JSON.stringify(lookup)}`);
    const readBefore = await b.getSession(s.id);
    expect(readBefore?.endedAtMs).toBeNull();
    const endedAt = Date.now();
    await a.endSessions([s.id], 'revoked', endedAt);
    await tier.fill(lookup.missed, readBefore as SessionRecord, 60_000);
    expect(await tier.lookup(s.tokenHash)).toHaveProperty('missed'); // refused (the tombstone)
    expect(await b.findSessionByTokenHash(s.tokenHash)).toMatchObject({ endedAtMs: endedAt, endReason: 'revoked' });

    // Without a change in between, the same steps do fill Redis…
    const s2 = session();
    await a.insertSession(s2);
    const l2 = await tier.lookup(s2.tokenHash);
    if (!l2 || !('missed' in l2)) throw new Error('expected a miss');
    await tier.fill(l2.missed, s2, 60_000);
    expect(await tier.lookup(s2.tokenHash)).toMatchObject({ found: { id: s2.id } });
    // …but not when the lookup is older than the fill window (a tombstone could have expired since).
    const s3 = session();
    await a.insertSession(s3);
    const l3 = await tier.lookup(s3.tokenHash);
    if (!l3 || !('missed' in l3)) throw new Error('expected a miss');
    await tier.fill({ ...l3.missed, atMs: l3.missed.atMs - FILL_WINDOW_MS - 1 }, s3, 60_000);
    expect(await tier.lookup(s3.tokenHash)).toHaveProperty('missed');
  });

  it('many validations racing a revocation leave no "active" copy in Redis', async () => {
    await fresh();
    const a = await node();
    const [b, c] = [await node({ memoryEntries: 0 }), await node({ memoryEntries: 0 })];
    for (let round = 0; round < 5; round++) {
      const s = session();
      await a.insertSession(s);
      const reads = Array.from({ length: 20 }, (_, i) => (i % 2 ? b : c).findSessionByTokenHash(s.tokenHash));
      const endedAt = Date.now();
      await a.endSessions([s.id], 'revoked', endedAt);
      await Promise.all(reads);
      // Right after the revocation was acknowledged, and later: every node, every read.
      for (const x of [b, c, b, c]) expect((await x.findSessionByTokenHash(s.tokenHash))?.endedAtMs).toBe(endedAt);
      await sleep(50);
      expect((await b.findSessionByTokenHash(s.tokenHash))?.endedAtMs).toBe(endedAt);
    }
  });

  it('a use on node A moves the last activity node B sees after A’s flush, from Redis, never backwards', async () => {
    await fresh();
    const a = await node();
    const b = await node({ memoryEntries: 0 });
    const t0 = Date.now() - 60_000;
    const s = session({ createdAtMs: t0, lastActiveAtMs: t0 });
    await a.insertSession(s);
    expect((await b.findSessionByTokenHash(s.tokenHash))?.lastActiveAtMs).toBe(t0); // fills Redis

    const used = Date.now();
    a.recordActivity(s.id, used, '198.51.100.7');
    expect((await b.findSessionByTokenHash(s.tokenHash))?.lastActiveAtMs).toBe(t0); // not flushed yet
    await a.flush();
    const reads = b.cacheStats().storageReads;
    expect(await b.findSessionByTokenHash(s.tokenHash)).toMatchObject({ lastActiveAtMs: used, lastIp: '198.51.100.7' });
    expect(b.cacheStats().storageReads).toBe(reads); // the Redis copy, with the use recorded in Redis
    expect(await b.getSession(s.id)).toMatchObject({ lastActiveAtMs: used });

    // An older use flushed later (another node's) moves nothing back, in Redis or PostgreSQL.
    const c = await node();
    c.recordActivity(s.id, used - 10_000, '203.0.113.1');
    await c.flush();
    expect(await b.findSessionByTokenHash(s.tokenHash)).toMatchObject({ lastActiveAtMs: used, lastIp: '198.51.100.7' });
    const client = new pg.Client({ connectionString: db?.url });
    await client.connect();
    try {
      const row = (await client.query('SELECT last_active_at_ms, last_ip FROM sessions WHERE id = $1', [s.id])).rows[0];
      expect({ at: Number(row.last_active_at_ms), ip: row.last_ip }).toEqual({ at: used, ip: '198.51.100.7' });
    } finally {
      await client.end();
    }
  });

  /**
   * Nodes A and B on a fresh database (B's memory tier as `bMemory`) with cores on one fake clock,
   * a 60 s idle timeout in force on both, and a session created on A.
   */
  async function idleNodes(bMemory: { memoryEntries?: number; memoryTtlMs?: number }) {
    await fresh();
    const a = await node();
    const b = await node(bMemory);
    const clock = new FakeClock(Date.now());
    const coreA = createCore({ store: a, clock, hasher: noHasher });
    const coreB = createCore({ store: b, clock, hasher: noHasher });
    await coreA.start();
    await coreB.start();
    await coreA.policies.patchInstance(systemContext, { idleTimeoutSeconds: 60 });
    await coreB.policies.reload();
    const { token } = await coreA.sessions.createFor({ type: 'user', id: 'user-1', organizationId: 'default', role: 'user' }, { actor: 'system' });
    return { a, b, clock, coreA, coreB, token };
  }

  it('idle timeouts on node B count the uses made on node A', async () => {
    const { a, b, clock, coreA, coreB, token } = await idleNodes({ memoryEntries: 0 });
    expect((await coreB.sessions.introspect(token)).verdict.active).toBe(true); // B's Redis copy: last use at creation

    clock.advanceSeconds(50);
    expect((await coreA.sessions.introspect(token)).verdict.active).toBe(true); // a use on A
    await a.flush();
    clock.advanceSeconds(50); // 100 s after creation, 50 s after the use on A
    const reads = b.cacheStats().storageReads;
    const onB = await coreB.sessions.introspect(token);
    expect(onB.verdict.active).toBe(true); // idle for 100 s by B's Redis copy alone
    expect(b.cacheStats().storageReads).toBe(reads); // judged from Redis, which holds A's use
    clock.advanceSeconds(61);
    expect((await coreB.sessions.introspect(token)).verdict).toMatchObject({ active: false, reason: 'idle_timeout' });
  });

  it("a session in node B's memory that looks idle is read again: uses made on node A keep it active", async () => {
    const { a, clock, coreA, coreB, token } = await idleNodes({ memoryTtlMs: 60_000 }); // B keeps its copy in memory for the whole test
    expect((await coreB.sessions.introspect(token)).verdict.active).toBe(true);
    expect(coreB.sessions.introspectIfCached(token)?.verdict.active).toBe(true); // now in B's memory
    clock.advanceSeconds(50);
    expect((await coreA.sessions.introspect(token)).verdict.active).toBe(true); // a use on A, not on B
    await a.flush();
    clock.advanceSeconds(50); // B's memory copy: last use 100 s ago; A's: 50 s ago
    // The synchronous path declines to judge it idle from memory; the full path reads past memory.
    expect(coreB.sessions.introspectIfCached(token)).toBeNull();
    const onB = await coreB.sessions.introspect(token);
    expect(onB.verdict.active).toBe(true);
    expect('record' in onB && onB.record.lastActiveAtMs).toBeGreaterThan(clock.nowMs() - 51_000);
    clock.advanceSeconds(61); // now idle everywhere
    expect((await coreB.sessions.introspect(token)).verdict).toMatchObject({ active: false, reason: 'idle_timeout' });
  });

  it('a change made by a node that cannot reach Redis moves the epoch: no node answers from the old Redis copy', async () => {
    await fresh();
    const p = await proxy();
    const a = await node({ memoryEntries: 0 });
    const b = await node({ redisUrl: p.url });
    const s = session();
    await a.insertSession(s);
    await a.findSessionByTokenHash(s.tokenHash); // fills Redis
    const epoch = await storedCacheEpoch((db as TestDatabase).url);
    const reads = a.cacheStats().storageReads;
    expect((await a.findSessionByTokenHash(s.tokenHash))?.endedAtMs).toBeNull();
    expect(a.cacheStats().storageReads).toBe(reads); // answered from Redis

    p.drop();
    await within(1000, () => b.health().redis === 'down');
    const endedAt = Date.now();
    await b.endSessions([s.id], 'revoked', endedAt); // B cannot remove the Redis copy, nor publish
    const ms = await within(1000, async () => (await a.findSessionByTokenHash(s.tokenHash))?.endedAtMs === endedAt);
    expect(ms).toBeLessThan(600); // the epoch poll (100 ms here), not the copy's TTL (minutes)
    // A moved to the next epoch: its read after the change filled Redis under it.
    expect(await storedCacheEpoch((db as TestDatabase).url)).toBe(epoch + 1);
    const redis = await inspector();
    expect(await redis.get(sharedRecordKey(prefix, epoch + 1, s.tokenHash))).toContain(`"endedAtMs":${endedAt}`);
    // The old copy is still in Redis, still "active": only the epoch keeps it from being used.
    const old = await redis.get(sharedRecordKey(prefix, epoch, s.tokenHash));
    expect(old).toContain('"endedAtMs":null');
  });

  it('Redis stalling, then dropping, mid-test: answers stay correct from PostgreSQL, /readyz says so, and the node recovers', async () => {
    await fresh();
    const p = await proxy();
    const a = await app();
    const b = await app({ redisUrl: p.url, redisCommandTimeoutMs: 100, sessionCacheEntries: 0 });
    const c = await app({ redisUrl: p.url, redisCommandTimeoutMs: 100, nodeCacheTtlMs: 60_000 }); // memory tier on (a minute)
    const first = await signIn(a);
    const second = await signIn(a);
    for (const x of [first, second]) expect((await introspect(b, x.token)).body.active).toBe(true); // in Redis now
    expect((await introspect(c, first.token)).body.active).toBe(true); // in C's memory now
    expect((await b.req('GET', '/readyz', undefined, { token: null })).body).toEqual({ status: 'ready', storage: 'ok', redis: 'ok' });

    // Stalled: B's commands time out; B answers from PostgreSQL.
    p.stall();
    const started = Date.now();
    expect((await introspect(b, first.token)).body.active).toBe(true);
    expect(Date.now() - started).toBeLessThan(1000);
    expect((await b.req('GET', '/readyz', undefined, { token: null })).body).toEqual({ status: 'ready', storage: 'ok', redis: 'down' });
    expect((await a.req('DELETE', `/v1/sessions/${first.id}`)).status).toBe(204);
    expect((await introspect(b, first.token)).body).toMatchObject({ active: false, reason: 'revoked' });
    // A memory tier behind a stalled link does not get the message: its heartbeat goes stale within
    // a second of the stall, and C stops answering from memory (the TTL, a minute, plays no part).
    await within(1300, async () => (await introspect(c, first.token)).body.reason === 'revoked');
    // A revocation on B itself while B cannot reach Redis: A (which can) must not answer from the Redis copy.
    expect((await b.req('DELETE', `/v1/sessions/${second.id}`)).status).toBe(204);
    await within(1000, async () => (await introspect(a, second.token)).body.reason === 'revoked');

    // Dropped: the same.
    p.drop();
    expect((await introspect(b, first.token)).body).toMatchObject({ active: false, reason: 'revoked' });
    expect((await introspect(b, second.token)).body).toMatchObject({ active: false, reason: 'revoked' });
    const third = await signIn(a);
    expect((await introspect(b, third.token)).body.active).toBe(true);
    expect((await b.req('GET', '/readyz', undefined, { token: null })).body).toEqual({ status: 'ready', storage: 'ok', redis: 'down' });

    // Back: B uses Redis again.
    p.restore();
    await within(5000, async () => (await b.req('GET', '/readyz', undefined, { token: null })).body.redis === 'ok');
    await within(3000, async () => {
      const before = statsOf(b).redisHits;
      expect((await introspect(b, third.token)).body.active).toBe(true);
      return statsOf(b).redisHits > before;
    });
    expect((await introspect(b, first.token)).body.reason).toBe('revoked');
  });
});

/** A connection of the test itself to this test's database: writes that no node announces. */
async function sqlOnly(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: db?.url });
  await client.connect();
  cleanups.push(() => client.end());
  return client;
}

/** Lookups the shared tier made (each one a Redis command on the validation path). */
const redisLookups = (x: PostgresStore | TestApp) => {
  const st = 'cacheStats' in x ? x.cacheStats() : statsOf(x);
  return st.redisHits + st.redisMisses + st.redisErrors;
};

describe.skipIf(unavailable !== null)('PostgreSQL + Redis: the per-node memory tier', () => {
  it('repeated validations within SESSIOND_NODE_CACHE_TTL_MS (default 10 s) are answered from memory, with no Redis lookup', async () => {
    await fresh();
    const a = await app(); // the default per-node TTL
    const { id, token } = await signIn(a);
    expect((await introspect(a, token)).body).toMatchObject({ active: true, session: { id } }); // memory miss: Redis, PostgreSQL
    const s0 = statsOf(a);
    expect(s0.misses).toBeGreaterThanOrEqual(1);
    // Spread over 2.5 s: past the 1 s TTL nodes used to have.
    for (let i = 0; i < 5; i++) {
      await sleep(500);
      expect((await introspect(a, token)).body).toMatchObject({ active: true, session: { id } });
    }
    const s1 = statsOf(a);
    expect(s1.hits - s0.hits).toBe(5);
    expect(s1.misses).toBe(s0.misses);
    expect(redisLookups(a)).toBe(s0.redisHits + s0.redisMisses + s0.redisErrors);
    expect(s1.storageReads).toBe(s0.storageReads);

    // 0 turns the memory tier off: the same validations each ask Redis.
    const b = await app({ nodeCacheTtlMs: 0 });
    const b0 = statsOf(b);
    for (let i = 0; i < 3; i++) expect((await introspect(b, token)).body.active).toBe(true);
    const b1 = statsOf(b);
    expect(b1.hits - b0.hits).toBe(0);
    expect(b1.entries).toBe(0);
    expect(b1.redisHits - b0.redisHits).toBe(3);
    expect(b1.storageReads).toBe(b0.storageReads); // a filled Redis
  });

  it('an entry is still re-read once its TTL has passed', async () => {
    await fresh();
    const a = await node({ memoryTtlMs: 300 });
    const s = session();
    await a.insertSession(s);
    await a.findSessionByTokenHash(s.tokenHash);
    expect(a.findCachedSessionByTokenHash(s.tokenHash)?.id).toBe(s.id);
    await sleep(400);
    expect(a.findCachedSessionByTokenHash(s.tokenHash)).toBeUndefined();
    const lookups = redisLookups(a);
    expect((await a.findSessionByTokenHash(s.tokenHash))?.id).toBe(s.id);
    expect(redisLookups(a)).toBe(lookups + 1);
  });

  it('a stalled Redis (no connection closed) makes a node stop answering from memory within about a second: the heartbeat', async () => {
    await fresh();
    const p = await proxy();
    const a = await node({ redisUrl: p.url }); // entries trusted for a minute
    const sqlClient = await sqlOnly();
    const [s, later] = [session(), session()];
    for (const x of [s, later]) await a.insertSession(x);
    expect((await a.findSessionByTokenHash(s.tokenHash))?.endedAtMs).toBeNull();
    expect(a.findCachedSessionByTokenHash(s.tokenHash)?.id).toBe(s.id);
    expect(a.health()).toEqual({ redis: 'ok' });

    p.stall();
    const stalledAt = Date.now();
    // Nothing told A yet: it still answers from memory (this is what must not last).
    expect(a.findCachedSessionByTokenHash(s.tokenHash)?.endedAtMs).toBeNull();
    // Another node that cannot publish (nor move the epoch) revokes the session straight in PostgreSQL.
    const endedAt = Date.now();
    await sqlClient.query(`UPDATE sessions SET ended_at_ms = $1, end_reason = 'revoked' WHERE id = $2`, [endedAt, s.id]);
    await within(2000, async () => (await a.findSessionByTokenHash(s.tokenHash))?.endedAtMs === endedAt);
    // The heartbeat's bound (1 s) plus one timed-out Redis lookup (150 ms), far below the TTL.
    expect(Date.now() - stalledAt).toBeLessThan(1400);
    expect(a.findCachedSessionByTokenHash(s.tokenHash)).toBeUndefined();
    expect(a.health()).toEqual({ redis: 'down' });
    await within(500, () => a.cacheStats().entries === 0); // cleared when the heartbeat went stale
    // While stalled, nothing is put into memory either.
    expect((await a.findSessionByTokenHash(later.tokenHash))?.id).toBe(later.id);
    expect(a.findCachedSessionByTokenHash(later.tokenHash)).toBeUndefined();

    // Traffic again: once a fresh heartbeat is back, memory is used again.
    p.restore();
    await within(3000, () => a.health().redis === 'ok');
    await within(2000, async () => {
      await a.findSessionByTokenHash(later.tokenHash);
      return a.findCachedSessionByTokenHash(later.tokenHash)?.id === later.id;
    });
  });

  it('a moved epoch (a writer cut off from Redis) clears every node’s memory', async () => {
    await fresh();
    const a = await node(); // entries trusted for a minute; epoch read every 100 ms
    const sqlClient = await sqlOnly();
    const s = session();
    await a.insertSession(s);
    await a.findSessionByTokenHash(s.tokenHash);
    expect(a.findCachedSessionByTokenHash(s.tokenHash)?.id).toBe(s.id);
    const epoch = await storedCacheEpoch((db as TestDatabase).url);
    // What such a writer commits: the change and the epoch's move, in one transaction, and no message.
    const endedAt = Date.now();
    await sqlClient.query('BEGIN');
    await sqlClient.query(`UPDATE sessions SET ended_at_ms = $1, end_reason = 'revoked' WHERE id = $2`, [endedAt, s.id]);
    await sqlClient.query(`INSERT INTO settings (key, value) VALUES ('redis_cache_epoch', '1')
      ON CONFLICT (key) DO UPDATE SET value = (settings.value::bigint + 1)::text`);
    await sqlClient.query('COMMIT');
    const ms = await within(1000, () => a.cacheStats().entries === 0);
    expect(ms).toBeLessThan(600);
    expect(a.findCachedSessionByTokenHash(s.tokenHash)).toBeUndefined();
    expect(await a.findSessionByTokenHash(s.tokenHash)).toMatchObject({ endedAtMs: endedAt, endReason: 'revoked' });
    // A is on the moved epoch: that read filled Redis under it.
    expect(await (await inspector()).get(sharedRecordKey(prefix, epoch + 1, s.tokenHash))).toContain(`"endedAtMs":${endedAt}`);
  });

  it('a row read while a change is under way never enters any node’s memory, even if its message never comes', async () => {
    await fresh();
    const a = await node();
    const b = await node();
    const s = session();
    await a.insertSession(s);
    // B reads the row after A's change told Redis (tombstone) but before it committed: should A
    // die before its message after the commit, nothing may keep that row for the TTL (a minute).
    const endedAt = Date.now();
    await a.transaction(async (tx) => {
      await tx.endSessions([s.id], 'revoked', endedAt);
      expect((await b.findSessionByTokenHash(s.tokenHash))?.endedAtMs).toBeNull(); // the committed row: still active
      expect(b.findCachedSessionByTokenHash(s.tokenHash)).toBeUndefined(); // but not kept
    });
    expect(await b.findSessionByTokenHash(s.tokenHash)).toMatchObject({ endedAtMs: endedAt });
  });
});

describe.skipIf(unavailable !== null)('PostgreSQL + Redis: rate limits across nodes', () => {
  const sessionConfig = (t: TestApp) => t.req('GET', '/api/4.0/session_config');

  it('the Looker API limit is counted for all nodes together', async () => {
    await fresh();
    const a = await app({ apiRateLimitPerMinute: 4 });
    const b = await app({ apiRateLimitPerMinute: 4 });
    for (const t of [a, b, a, b]) expect((await sessionConfig(t)).status).toBe(200);
    const limited = await sessionConfig(a);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect((await sessionConfig(b)).status).toBe(429);
    const keys = await (await inspector()).keys(`${prefix}ratelimit:api:*`);
    expect(keys).toHaveLength(1);
  });

  it('counts in each node’s memory while Redis cannot be reached (a limit per node, never none)', async () => {
    await fresh();
    const p = await proxy();
    const a = await app({ apiRateLimitPerMinute: 3, redisUrl: DEAD_REDIS_URL });
    for (let i = 0; i < 3; i++) expect((await sessionConfig(a)).status).toBe(200);
    expect((await sessionConfig(a)).status).toBe(429);

    // Redis dropping mid-window: counting goes on in memory.
    const b = await app({ apiRateLimitPerMinute: 3, redisUrl: p.url, redisCommandTimeoutMs: 100 });
    expect((await sessionConfig(b)).status).toBe(200); // counted in Redis
    p.drop();
    expect(await (await inspector()).keys(`${prefix}ratelimit:api:*`)).toHaveLength(1);
    for (let i = 0; i < 3; i++) expect((await sessionConfig(b)).status).toBe(200); // counted in memory, from 0
    expect((await sessionConfig(b)).status).toBe(429);
  });
});
