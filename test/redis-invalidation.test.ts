import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { systemContext } from '../src/core/auth.js';
import { FakeClock } from '../src/core/clock.js';
import { createCore } from '../src/core/index.js';
import { PostgresStore } from '../src/storage/postgres/postgres-store.js';
import { startTestApp } from './helpers.js';
import {
  createTestDatabase,
  postgresUnavailableReason,
  redisUnavailableReason,
  sharedRecordKey,
  storedCacheEpoch,
  TEST_REDIS_URL,
  type TestDatabase,
} from './pg-helpers.js';
import { postgresRequired } from './postgres-required.js';
import { noHasher, sessionRecord, within } from './records.js';
import { TcpProxy } from './tcp-proxy.js';

// PostgreSQL + Redis with several nodes: each node's session cache is invalidated by the other
// nodes' changes over Redis pub/sub, policy changes reach every node over it, and a node whose
// Redis connection is broken keeps answering correctly from PostgreSQL. Two stores on one fresh
// database stand for two nodes; each test uses its own key prefix. The 500 ms policy poll is
// pushed to a minute so that only Redis can explain what arrives within a second.
// Without a reachable PostgreSQL or Redis the file is skipped with the reason; under CI=true it fails.

/** A port nothing listens on: a Redis that is down. */
const DEAD_REDIS_URL = 'redis://127.0.0.1:1';

const unavailable = (await postgresUnavailableReason()) ?? (await redisUnavailableReason());
postgresRequired('redis-invalidation', 'invalidation tests', unavailable);

const session = sessionRecord;

let db: TestDatabase | null = null;
const opened: PostgresStore[] = [];
/** Redis clients and proxies of the tests themselves. */
const closers: (() => unknown)[] = [];

/** A Redis client of the test itself (to listen to or look at what the nodes did). */
function testRedis(): Redis {
  const r = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 0 });
  closers.push(() => r.disconnect());
  return r;
}

/**
 * Opens a node on this test's database, with Redis at `redisUrl` under `prefix`. The cache TTL is a
 * minute unless given, so that only a Redis message can explain a change seen within a second.
 */
async function node(prefix: string, redisUrl = TEST_REDIS_URL, sessionCacheTtlMs = 60_000): Promise<PostgresStore> {
  if (!db) throw new Error('no database');
  const s = await PostgresStore.open({
    url: db.url,
    poolSize: 3,
    activityFlushMs: 60_000,
    externalPollMs: 60_000,
    redis: { url: redisUrl, prefix },
    sessionCacheEntries: 1000,
    sessionCacheTtlMs,
  });
  opened.push(s);
  return s;
}

async function fresh(): Promise<string> {
  db = await createTestDatabase();
  return `sessiond-test-${randomBytes(6).toString('hex')}:`;
}

afterEach(async () => {
  for (const s of opened.splice(0)) await s.close();
  for (const c of closers.splice(0)) await c();
  await db?.drop();
  db = null;
});

describe.skipIf(unavailable !== null)('PostgreSQL + Redis: cross-node invalidation', () => {
  it('a session cached on node A and ended on node B is seen ended on A within a second', async () => {
    const prefix = await fresh();
    const [a, b] = [await node(prefix), await node(prefix)];
    expect(a.health()).toEqual({ redis: 'ok' });
    // The messages go out on the prefix's channel: a listener of the test's own hears B's.
    const heard: string[] = [];
    const listener = testRedis();
    listener.on('message', (_channel: string, m: string) => heard.push(m));
    await listener.subscribe(`${prefix}invalidate`);
    const s = session();
    await a.insertSession(s);
    expect((await a.findSessionByTokenHash(s.tokenHash))?.endedAtMs).toBeNull();
    // Now answered from A's memory (no storage read): this is what must not stay stale.
    expect(a.findCachedSessionByTokenHash(s.tokenHash)?.id).toBe(s.id);
    expect(a.cacheStats().entries).toBe(1);

    const endedAt = Date.now();
    expect(await b.endSessions([s.id], 'revoked', endedAt)).toEqual([s.id]);
    const ms = await within(1000, async () => (await a.findSessionByTokenHash(s.tokenHash))?.endedAtMs === endedAt);
    expect(ms).toBeLessThan(1000);
    await within(1000, () => heard.some((m) => m.includes(s.id)));
    const after = await a.findSessionByTokenHash(s.tokenHash);
    expect(after).toMatchObject({ endedAtMs: endedAt, endReason: 'revoked' });
    expect(a.findCachedSessionByTokenHash(s.tokenHash)?.endReason).toBe('revoked');
  });

  it('a change inside a transaction on B (token rotation) reaches A within a second', async () => {
    const prefix = await fresh();
    const [a, b] = [await node(prefix), await node(prefix)];
    const s = session();
    await a.insertSession(s);
    await a.findSessionByTokenHash(s.tokenHash);
    expect(a.findCachedSessionByTokenHash(s.tokenHash)?.id).toBe(s.id);
    const rotated = randomBytes(16).toString('hex');
    await b.transaction(async (tx) => tx.updateSession(s.id, { tokenHash: rotated, metadata: { v: 'Mg==' } }));
    await within(1000, () => a.findCachedSessionByTokenHash(s.tokenHash) === undefined);
    expect(await a.findSessionByTokenHash(s.tokenHash)).toBeUndefined();
    expect(await a.findSessionByTokenHash(rotated)).toMatchObject({ id: s.id, metadata: { v: 'Mg==' } });
  });

  it('a policy change made through node B is in force on node A within a second (not by the poll)', async () => {
    const prefix = await fresh();
    const [a, b] = [await node(prefix), await node(prefix)];
    const clock = new FakeClock();
    const coreA = createCore({ store: a, clock, hasher: noHasher });
    await coreA.start();
    const coreB = createCore({ store: b, clock, hasher: noHasher });
    await coreB.start();
    a.onExternalChange(() => void coreA.policies.reload());
    const before = coreA.policies.effective('default').userSessionLimit;
    const next = before === 7 ? 8 : 7;
    await coreB.policies.patchInstance(systemContext, { userSessionLimit: next });
    const ms = await within(1000, () => coreA.policies.effective('default').userSessionLimit === next);
    expect(ms).toBeLessThan(1000);
  });

  it('with Redis unreachable, a node reads PostgreSQL (no cache) and never answers a stale "active"', async () => {
    const prefix = await fresh();
    const a = await node(prefix, DEAD_REDIS_URL);
    const b = await node(prefix);
    expect(a.health()).toEqual({ redis: 'down' });
    expect(b.health()).toEqual({ redis: 'ok' });
    const s = session();
    await b.insertSession(s);
    expect((await a.findSessionByTokenHash(s.tokenHash))?.endedAtMs).toBeNull();
    expect(a.findCachedSessionByTokenHash(s.tokenHash)).toBeUndefined();
    expect(a.cacheStats().entries).toBe(0);
    expect(await a.ping()).toBe(true);
    const endedAt = Date.now();
    await b.endSessions([s.id], 'revoked', endedAt);
    // At once, not eventually: A reads PostgreSQL.
    expect(await a.findSessionByTokenHash(s.tokenHash)).toMatchObject({ endedAtMs: endedAt, endReason: 'revoked' });
  });

  it('a change made by a node that cannot reach Redis reaches the cache of a node that can within a second (the epoch, not the TTL)', async () => {
    const prefix = await fresh();
    const a = await node(prefix, DEAD_REDIS_URL);
    const b = await node(prefix); // memory entries trusted for a minute: the TTL cannot explain what follows
    const s = session();
    await b.insertSession(s);
    await b.findSessionByTokenHash(s.tokenHash);
    expect(b.findCachedSessionByTokenHash(s.tokenHash)?.id).toBe(s.id);
    const epoch = await storedCacheEpoch((db as TestDatabase).url);
    const endedAt = Date.now();
    await a.endSessions([s.id], 'revoked', endedAt); // its message is lost; the epoch moves with the change
    // The epoch poll (500 ms) clears B's memory.
    const ms = await within(1000, async () => (await b.findSessionByTokenHash(s.tokenHash))?.endedAtMs === endedAt);
    expect(ms).toBeLessThan(1000);
    // B is on the moved epoch: its read after the change filled Redis under it.
    expect(await storedCacheEpoch((db as TestDatabase).url)).toBe(epoch + 1);
    expect(await testRedis().get(sharedRecordKey(prefix, epoch + 1, s.tokenHash))).toContain(`"endedAtMs":${endedAt}`);
  });

  it('a node whose Redis connection drops stops trusting its cache, and clears it when it reconnects', async () => {
    const prefix = await fresh();
    // A reaches Redis through a proxy (test/tcp-proxy.ts), so its connections can be cut.
    const p = await TcpProxy.start(TEST_REDIS_URL, 6379);
    closers.push(() => p.close());
    const [a, b] = [await node(prefix, p.urlFor(TEST_REDIS_URL)), await node(prefix)];
    const s1 = session();
    const s2 = session();
    for (const s of [s1, s2]) {
      await a.insertSession(s);
      await a.findSessionByTokenHash(s.tokenHash);
      expect(a.findCachedSessionByTokenHash(s.tokenHash)?.id).toBe(s.id);
    }
    p.drop();
    await within(1000, () => a.health().redis === 'down');
    expect(a.findCachedSessionByTokenHash(s1.tokenHash)).toBeUndefined();
    // B's messages are lost for A now.
    const endedAt = Date.now();
    await b.endSessions([s1.id], 'revoked', endedAt);
    expect(await a.findSessionByTokenHash(s1.tokenHash)).toMatchObject({ endedAtMs: endedAt });
    await a.transaction(async () => {}); // unrelated work goes on
    // Back up: whatever A cached before is gone (it may have missed messages), answers stay right.
    p.restore();
    await within(2000, () => a.health().redis === 'ok');
    expect(a.cacheStats().entries).toBe(0);
    expect(await a.findSessionByTokenHash(s1.tokenHash)).toMatchObject({ endedAtMs: endedAt, endReason: 'revoked' });
    expect((await a.findSessionByTokenHash(s2.tokenHash))?.endedAtMs).toBeNull();
    // And invalidation works again after the reconnection.
    expect(a.findCachedSessionByTokenHash(s2.tokenHash)?.id).toBe(s2.id);
    await b.endSessions([s2.id], 'revoked', endedAt);
    await within(1000, async () => (await a.findSessionByTokenHash(s2.tokenHash))?.endedAtMs === endedAt);
  });

  it('a stale row read while an invalidation arrives is not cached', async () => {
    const prefix = await fresh();
    const [a, b] = [await node(prefix), await node(prefix)];
    const s = session();
    await a.insertSession(s);
    // Many reads on A racing one end on B: afterwards A must answer "ended", whatever the interleaving.
    const endedAt = Date.now();
    const reads = Array.from({ length: 20 }, () => a.findSessionByTokenHash(s.tokenHash));
    await b.endSessions([s.id], 'revoked', endedAt);
    await Promise.all(reads);
    await within(1000, async () => (await a.findSessionByTokenHash(s.tokenHash))?.endedAtMs === endedAt);
    await sleep(100);
    expect((await a.findSessionByTokenHash(s.tokenHash))?.endedAtMs).toBe(endedAt);
  });

  it('/readyz stays 200 and reports "redis" as ok, or down when Redis is unreachable', async () => {
    const prefix = await fresh();
    const url = db?.url as string;
    const up = await startTestApp({ databaseUrl: url, redisUrl: TEST_REDIS_URL, redisPrefix: prefix });
    const down = await startTestApp({ databaseUrl: url, redisUrl: DEAD_REDIS_URL, redisPrefix: prefix });
    try {
      const r1 = await up.req('GET', '/readyz', undefined, { token: null });
      expect(r1.status).toBe(200);
      expect(r1.body).toEqual({ status: 'ready', storage: 'ok', redis: 'ok' });
      const r2 = await down.req('GET', '/readyz', undefined, { token: null });
      expect(r2.status).toBe(200);
      expect(r2.body).toEqual({ status: 'ready', storage: 'ok', redis: 'down' });
      expect(up.app.core.store.description).toMatch(/^PostgreSQL 127\.0\.0\.1:5432\/\S+ \+ Redis 127\.0\.0\.1:6379 /);
    } finally {
      await up.close();
      await down.close();
    }
  });
});
