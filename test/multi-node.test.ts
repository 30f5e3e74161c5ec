import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../src/storage/migrations.js';
import type { Database as Schema } from '../src/storage/schema.js';
import { createTestDatabase, postgresUnavailableReason, redisUnavailableReason, TEST_REDIS_URL, type TestDatabase } from './pg-helpers.js';
import { postgresRequired } from './postgres-required.js';
import { exited, freePort, json, type ServerProcess, startServer } from './process-helpers.js';

// Several real `sessiond serve` processes (the built CLI: `npm run build` first) on different
// ports sharing one fresh PostgreSQL database, with Redis under a random key prefix (three nodes)
// or without Redis (two nodes): session limits under concurrent sign-ins spread over the nodes,
// revocations and policy changes made through one node in force on another within a second, and a
// node killed in the middle of sign-ins losing nothing it acknowledged. Everything goes through
// the native API over real sockets. Measured propagation times are printed ([multi-node] lines).
// Without a reachable PostgreSQL (or Redis, for the Redis half) the tests are skipped with the
// reason; under CI=true they fail instead.

const PW = 'correct horse battery';
const pgUnavailable = await postgresUnavailableReason();
const redisUnavailable = await redisUnavailableReason();
postgresRequired('multi-node', 'multi-node tests', pgUnavailable ?? redisUnavailable, pgUnavailable ? 'every test' : 'the tests with Redis');

type Node = ServerProcess & { port: number };

/** `count` sessiond processes on one fresh database, with or without Redis (own key prefix). */
class Cluster {
  readonly nodes: Node[] = [];
  private readonly dataDir = mkdtempSync(join(tmpdir(), 'sessiond-multi-'));
  private readonly env: Record<string, string>;

  private constructor(
    readonly db: TestDatabase,
    redis: boolean,
  ) {
    this.env = {
      SESSIOND_DATABASE_URL: db.url,
      // Small: the test server is shared with every other test running at the same time.
      SESSIOND_DATABASE_POOL_SIZE: '5',
      ...(redis ? { SESSIOND_REDIS_URL: TEST_REDIS_URL, SESSIOND_REDIS_PREFIX: `sessiond-test-${randomBytes(6).toString('hex')}:` } : {}),
    };
  }

  static async start(count: number, o: { redis: boolean }): Promise<Cluster> {
    const c = new Cluster(await createTestDatabase(), o.redis);
    const ports: number[] = [];
    while (ports.length < count) {
      const p = await freePort();
      if (!ports.includes(p)) ports.push(p);
    }
    // The first node alone sets the fresh database up; the others then start all at once. (Nodes
    // starting together on an empty database can fail: see the KNOWN BUG test at the end.)
    const [first, ...rest] = ports as [number, ...number[]];
    const started = [await Promise.allSettled([c.spawn(first)]), await Promise.allSettled(rest.map((p) => c.spawn(p)))].flat();
    for (const s of started) if (s.status === 'fulfilled') c.nodes.push(s.value);
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) {
      await c.close();
      throw failed.reason;
    }
    return c;
  }

  async spawn(port: number): Promise<Node> {
    return { ...(await startServer(this.dataDir, port, this.env)), port };
  }

  /** Starts node i again on its port (after it was killed). */
  async restart(i: number): Promise<Node> {
    const node = await this.spawn((this.nodes[i] as Node).port);
    this.nodes[i] = node;
    return node;
  }

  async close(): Promise<void> {
    await Promise.all(
      this.nodes.map(async (n) => {
        if (n.child.exitCode === null && n.child.signalCode === null) n.child.kill('SIGTERM');
        await exited(n.child);
      }),
    );
    await this.db.drop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON answers
type Answer = { status: number; body: any; raw: string };

async function call(node: Node, method: string, path: string, body?: unknown, token?: string | null): Promise<Answer> {
  const r = await json(node.base, method, path, body, token);
  const raw = await r.text();
  return { status: r.status, body: raw ? JSON.parse(raw) : null, raw };
}

type Introspection = { active: true; session: { id: string } } | { active: false; reason: string };

async function introspect(node: Node, token: string): Promise<Introspection> {
  const r = await call(node, 'POST', '/v1/sessions/introspect', { token }, null);
  expect(r.status, r.raw).toBe(200);
  return r.body;
}

const signIn = (node: Node, loginName: string, organizationId = 'default') =>
  call(node, 'POST', '/v1/sessions', { loginName, password: PW, organizationId }, null);

async function signedIn(node: Node, loginName: string, organizationId = 'default'): Promise<{ id: string; token: string }> {
  const r = await signIn(node, loginName, organizationId);
  expect(r.status, r.raw).toBe(201);
  return { id: r.body.session.id, token: r.body.token };
}

async function newUser(node: Node, loginName: string, organizationId = 'default'): Promise<string> {
  const r = await call(node, 'POST', '/v1/users', { loginName, password: PW, organizationId });
  expect(r.status, r.raw).toBe(201);
  return r.body.id;
}

/** Polls `check` (each check is a request) until it holds: the ms it took, or Infinity after giveUpMs. */
async function msUntil(check: () => Promise<boolean>, giveUpMs = 3000): Promise<number> {
  const start = performance.now();
  for (;;) {
    if (await check()) return performance.now() - start;
    if (performance.now() - start > giveUpMs) return Number.POSITIVE_INFINITY;
    await sleep(2);
  }
}

/** Creates an organization through the first node with this override, in force on every node before returning. */
async function newOrganization(c: Cluster, override: Record<string, unknown>): Promise<string> {
  const [first] = c.nodes as [Node];
  const id = `org-${randomBytes(4).toString('hex')}`;
  const created = await call(first, 'POST', '/v1/organizations', { id, name: id });
  expect(created.status, created.raw).toBe(201);
  if (Object.keys(override).length > 0) {
    const r = await call(first, 'PATCH', `/v1/organizations/${id}/policy`, override);
    expect(r.status, r.raw).toBe(200);
  }
  for (const n of c.nodes) {
    const ms = await msUntil(async () => {
      const p = (await call(n, 'GET', `/v1/organizations/${id}/policy`)).body;
      return Object.entries(override).every(([k, v]) => p?.[k] === v);
    });
    expect(ms, `the override of ${id} reached ${n.base}`).toBeLessThan(1000);
  }
  return id;
}

/** Lookups node answered from its session cache since it started (its /metrics). */
async function cacheHits(node: Node): Promise<number> {
  const text = await (await fetch(`${node.base}/metrics`)).text();
  const m = /^sessiond_session_cache\{stat="hits"\} (\d+)/m.exec(text);
  return m ? Number(m[1]) : 0;
}

const fmt = (ms: number[]) => {
  const sorted = [...ms].sort((a, b) => a - b);
  return `${sorted.map((x) => x.toFixed(1)).join(', ')} ms (median ${(sorted[Math.floor(sorted.length / 2)] ?? 0).toFixed(1)}, max ${(sorted.at(-1) ?? 0).toFixed(1)})`;
};
const report = (what: string, ms: number[]) => console.log(`[multi-node] ${what}: ${fmt(ms)}`);

describe.skipIf(pgUnavailable !== null || redisUnavailable !== null)('three nodes on PostgreSQL + Redis', () => {
  let c: Cluster;
  beforeAll(async () => {
    c = await Cluster.start(3, { redis: true });
    for (const n of c.nodes) expect((await call(n, 'GET', '/readyz')).body).toEqual({ status: 'ready', storage: 'ok', redis: 'ok' });
  });
  afterAll(() => c?.close());

  for (const onLimit of ['deny_new', 'evict_oldest'] as const) {
    it(`userSessionLimit 2 with ${onLimit} holds for 21 concurrent sign-ins spread over the nodes`, async () => {
      const org = await newOrganization(c, { userSessionLimit: 2, onLimit });
      const userId = await newUser(c.nodes[0] as Node, 'limited', org);
      const n = c.nodes.length;
      const results = await Promise.all(
        Array.from({ length: 21 }, async (_, i) => {
          const r = await signIn(c.nodes[i % n] as Node, 'limited', org);
          // Validated at once on another node, which caches it there: an eviction must reach that cache.
          if (r.status === 201) await introspect(c.nodes[(i + 1) % n] as Node, r.body.token);
          return r;
        }),
      );
      const created = results.filter((r) => r.status === 201);
      const others = results.filter((r) => r.status !== 201);
      if (onLimit === 'deny_new') {
        expect(created).toHaveLength(2);
        expect(others).toHaveLength(19);
        for (const r of others) {
          expect(r.status, r.raw).toBe(409);
          expect(r.body.error.code).toBe('session_limit_reached');
        }
      } else {
        expect(others.map((r) => r.raw)).toEqual([]);
        expect(created).toHaveLength(21);
      }
      const tokens: string[] = created.map((r) => r.body.token);

      // Every node agrees: exactly 2 active, the rest evicted. A node that cached a session during
      // the storm may need an invalidation message first (the propagation bound, 1 s).
      const converged: number[] = [];
      for (const node of c.nodes) {
        let answers: Introspection[] = [];
        const ms = await msUntil(async () => {
          answers = await Promise.all(tokens.map((t) => introspect(node, t)));
          return answers.filter((a) => a.active).length === 2;
        }, 1000);
        expect(answers.filter((a) => a.active).length, `active sessions on ${node.base}`).toBe(2);
        expect(ms).toBeLessThan(1000);
        const ended = answers.filter((a) => !a.active).map((a) => (a as { reason: string }).reason);
        expect(ended).toEqual(Array(tokens.length - 2).fill('evicted'));
        converged.push(ms);

        const list = await call(node, 'GET', `/v1/users/${userId}/sessions`);
        expect(list.status, list.raw).toBe(200);
        expect(list.body.items).toHaveLength(2);
        expect(list.body.total).toBe(2);
        const all = await call(node, 'GET', `/v1/sessions?userId=${userId}&active=false&limit=100`);
        expect(all.body.total).toBe(tokens.length);
        expect(all.body.items.filter((s: { endReason: string | null }) => s.endReason === null)).toHaveLength(2);
      }
      report(`${onLimit}: every node answers exactly 2 active after`, converged);
    });
  }

  it('a session cached on node B and revoked through node A answers revoked on B within a second', async () => {
    const [a, b] = c.nodes as [Node, Node];
    await newUser(a, 'revoked-elsewhere');
    const samples: number[] = [];
    for (let i = 0; i < 5; i++) {
      const s = await signedIn(a, 'revoked-elsewhere');
      expect((await introspect(b, s.token)).active).toBe(true);
      const hits = await cacheHits(b);
      expect((await introspect(b, s.token)).active).toBe(true);
      // B answered from memory: only an invalidation can make it say otherwise now.
      expect(await cacheHits(b)).toBeGreaterThan(hits);
      const r = await call(a, 'DELETE', `/v1/sessions/${s.id}`);
      expect(r.status, r.raw).toBe(204);
      let last: Introspection | null = null;
      const ms = await msUntil(async () => {
        last = await introspect(b, s.token);
        return !last.active;
      });
      expect(last).toEqual({ active: false, reason: 'revoked' });
      samples.push(ms);
    }
    report('revocation through A seen on B (Redis), after the 204', samples);
    for (const ms of samples) expect(ms).toBeLessThan(1000);
    // Milliseconds, as documented: well below the 1 s that B's cache TTL alone would give.
    expect([...samples].sort((x, y) => x - y)[2]).toBeLessThan(500);
  });

  it('a policy change made through node A is in force on node B within a second (lifetime, idle timeout)', async () => {
    const [a, b] = c.nodes as [Node, Node];
    const lifetimeOrg = await newOrganization(c, {});
    const idleOrg = await newOrganization(c, {});
    await newUser(a, 'lifetime', lifetimeOrg);
    await newUser(a, 'idle', idleOrg);
    const s1 = await signedIn(a, 'lifetime', lifetimeOrg);
    const s2 = await signedIn(a, 'idle', idleOrg);
    expect((await introspect(b, s1.token)).active).toBe(true);
    expect((await introspect(b, s2.token)).active).toBe(true);
    await sleep(1100); // both are now older than, and unused for longer than, 1 s

    // Absolute lifetime: use does not extend it, so B is polled by introspection.
    expect((await call(a, 'PATCH', `/v1/organizations/${lifetimeOrg}/policy`, { maxLifetimeSeconds: 1 })).status).toBe(200);
    let last: Introspection | null = null;
    const lifetimeMs = await msUntil(async () => {
      last = await introspect(b, s1.token);
      return !last.active;
    });
    expect(last).toEqual({ active: false, reason: 'expired' });

    // Idle timeout: an introspection would count as use, so B is polled with the admin read
    // (judged with B's policy, not a use), and introspected once at the end.
    expect((await call(a, 'PATCH', `/v1/organizations/${idleOrg}/policy`, { idleTimeoutSeconds: 1 })).status).toBe(200);
    const idleMs = await msUntil(async () => (await call(b, 'GET', `/v1/sessions/${s2.id}`)).body.active === false);
    expect(await introspect(b, s2.token)).toEqual({ active: false, reason: 'idle_timeout' });

    report('policy change through A in force on B (Redis): lifetime, idle timeout', [lifetimeMs, idleMs]);
    expect(lifetimeMs).toBeLessThan(1000);
    expect(idleMs).toBeLessThan(1000);
  });

  // A PATCH is merged into the stored override read in its transaction under the aggregate's lock
  // (src/core/policies.ts, PgTxRepo): two PATCHes of different fields made through two nodes at
  // the same moment both stay. A row lock held on the organization makes both nodes' requests
  // wait at the same point, so without that rule one would overwrite the other every time.
  it('policy fields changed through two nodes at the same moment are both kept', async () => {
    const [a, b] = c.nodes as [Node, Node];
    const org = await newOrganization(c, {});
    const blocker = new pg.Client({ connectionString: c.db.url });
    await blocker.connect();
    let answers: Answer[];
    try {
      await blocker.query('BEGIN');
      await blocker.query('SELECT 1 FROM organizations WHERE id = $1 FOR UPDATE', [org]);
      const both = Promise.all([
        call(a, 'PATCH', `/v1/organizations/${org}/policy`, { idleTimeoutSeconds: 600 }),
        call(b, 'PATCH', `/v1/organizations/${org}/policy`, { userSessionLimit: 3 }),
      ]);
      await sleep(300); // both are waiting for the row now
      await blocker.query('COMMIT');
      answers = await both;
    } finally {
      await blocker.end();
    }
    expect(answers.map((r) => r.status)).toEqual([200, 200]);
    await sleep(700); // past the propagation bound and the policy poll
    for (const n of c.nodes) {
      const p = (await call(n, 'GET', `/v1/organizations/${org}/policy`)).body;
      const kept = { idleTimeoutSeconds: p.idleTimeoutSeconds, userSessionLimit: p.userSessionLimit };
      expect(kept, `lost update on ${n.base}: ${JSON.stringify(kept)}`).toEqual({ idleTimeoutSeconds: 600, userSessionLimit: 3 });
    }
  });

  it('a node killed in the middle of sign-ins loses none it acknowledged', async () => {
    const [a, b] = c.nodes as [Node, Node];
    await newUser(a, 'killed');
    const acknowledged: { id: string; token: string }[] = [];
    const unexpected: string[] = [];
    let inFlight = 0;
    let failed = 0;
    let stop = false;
    const worker = async () => {
      while (!stop) {
        inFlight++;
        try {
          const r = await signIn(a, 'killed');
          if (r.status === 201) acknowledged.push({ id: r.body.session.id, token: r.body.token });
          else unexpected.push(`${r.status} ${r.raw}`);
        } catch {
          failed++;
          return; // the node is gone
        } finally {
          inFlight--;
        }
      }
    };
    const workers = Array.from({ length: 16 }, worker);
    // Under way for a while (by count, not time: the machine may be busy), then killed.
    const loadStart = performance.now();
    while (acknowledged.length < 40 && unexpected.length === 0 && performance.now() - loadStart < 8000) await sleep(10);
    const inFlightAtKill = inFlight;
    a.child.kill('SIGKILL');
    stop = true;
    await Promise.all(workers);
    expect((await exited(a.child)).signal).toBe('SIGKILL');
    console.log(`[multi-node] kill -9 of node A: ${acknowledged.length} sign-ins acknowledged, ${inFlightAtKill} in flight at the kill, ${failed} cut off`);
    expect(unexpected).toEqual([]);
    expect(acknowledged.length).toBeGreaterThanOrEqual(40);
    expect(inFlightAtKill).toBeGreaterThan(0);
    expect(failed).toBeGreaterThan(0);

    const lostOn = async (node: Node) => {
      let lost = 0;
      for (const s of acknowledged) {
        const r = await introspect(node, s.token);
        if (!r.active || r.session.id !== s.id) lost++;
      }
      return lost;
    };
    expect(await lostOn(b)).toBe(0);
    const again = await c.restart(0);
    expect(await lostOn(again)).toBe(0);
  });
});

// Booting a node takes seconds: the cluster without Redis boots while the one with Redis is tested.
const noRedisCluster = pgUnavailable === null ? Cluster.start(2, { redis: false }) : null;
noRedisCluster?.catch(() => {}); // reported by the beforeAll below
// Here, not in the describe: a filtered run (-t) that skips the describe must still stop the nodes.
afterAll(async () => (await noRedisCluster?.catch(() => null))?.close());

describe.skipIf(pgUnavailable !== null)('two nodes on PostgreSQL alone (no Redis)', () => {
  let c: Cluster;
  beforeAll(async () => {
    c = await (noRedisCluster as Promise<Cluster>);
    for (const n of c.nodes) expect((await call(n, 'GET', '/readyz')).body).toEqual({ status: 'ready', storage: 'ok' });
  });

  it('a revocation through node A is in force on node B at once (no cache without Redis)', async () => {
    const [a, b] = c.nodes as [Node, Node];
    await newUser(a, 'no-redis');
    const samples: number[] = [];
    for (let i = 0; i < 5; i++) {
      const s = await signedIn(a, 'no-redis');
      expect((await introspect(b, s.token)).active).toBe(true);
      expect((await introspect(b, s.token)).active).toBe(true);
      expect((await call(a, 'DELETE', `/v1/sessions/${s.id}`)).status).toBe(204);
      const t0 = performance.now();
      // The very first answer after the 204, not eventually.
      expect(await introspect(b, s.token)).toEqual({ active: false, reason: 'revoked' });
      samples.push(performance.now() - t0);
    }
    expect(await cacheHits(b)).toBe(0);
    report('revocation through A seen on B (no Redis), first request after the 204', samples);
  });

  it('a policy change through node A is in force on node B within the 500 ms poll (under a second)', async () => {
    const [a, b] = c.nodes as [Node, Node];
    const cases: { org: string; token: string }[] = [];
    for (let i = 0; i < 3; i++) {
      const org = await newOrganization(c, {});
      await newUser(a, 'poll', org);
      const { token } = await signedIn(a, 'poll', org);
      expect((await introspect(b, token)).active).toBe(true);
      cases.push({ org, token });
    }
    await sleep(1050); // every session is now older than 1 s
    const samples: number[] = [];
    for (const { org, token } of cases) {
      expect((await call(a, 'PATCH', `/v1/organizations/${org}/policy`, { maxLifetimeSeconds: 1 })).status).toBe(200);
      samples.push(await msUntil(async () => !(await introspect(b, token)).active));
      expect(await introspect(b, token)).toEqual({ active: false, reason: 'expired' });
      await sleep(Math.random() * 500); // the next change at another point of the poll's cycle
    }
    report('policy change through A in force on B (no Redis)', samples);
    for (const ms of samples) expect(ms).toBeLessThan(1000);
  });

  it('a policy change committed after a later one (a lower event id committed last) still reaches the other node', async () => {
    const [a, b] = c.nodes as [Node, Node];
    const slow = await newOrganization(c, {});
    const fast = await newOrganization(c, {});
    // Another node's override change whose transaction takes long: its event gets its id now and
    // commits after a change that got a higher id (a second client stands for that node).
    const other = new pg.Client({ connectionString: c.db.url });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query('UPDATE organizations SET policy_override = $1 WHERE id = $2', [JSON.stringify({ idleTimeoutSeconds: 777 }), slow]);
      await other.query(
        `INSERT INTO events (aggregate_type, aggregate_id, sequence, type, actor, organization_id, at_ms, data)
         VALUES ('organization', $1, 1000, 'organization.policy_override_set', 'test', $1, $2, '{}')`,
        [slow, Date.now()],
      );
      expect((await call(a, 'PATCH', `/v1/organizations/${fast}/policy`, { idleTimeoutSeconds: 888 })).status).toBe(200);
      const seen = await msUntil(async () => (await call(b, 'GET', `/v1/organizations/${fast}/policy`)).body.idleTimeoutSeconds === 888);
      expect(seen).toBeLessThan(1000);
      await sleep(600); // B has polled since
      await other.query('COMMIT');
    } finally {
      await other.end();
    }
    const ms = await msUntil(async () => (await call(b, 'GET', `/v1/organizations/${slow}/policy`)).body.idleTimeoutSeconds === 777, 1500);
    expect(ms).toBeLessThan(1000);
  });
});

describe.skipIf(pgUnavailable !== null)('nodes starting at once on an empty database', () => {
  // The first start looks for the `default` organization (and the bootstrap credential), then
  // inserts it. Two nodes starting at once on an empty database can both find nothing; the second
  // insert must count as done (src/core/organizations.ts ensureDefault, credentials.ts
  // ensureBootstrap) instead of ending that node with "organization 'default' already exists".
  // A trigger that holds that insert for 3 s (below the 5 s statement timeout) makes the window
  // wide enough to hit every time.
  it('two nodes starting at the same moment on a fresh database both start', async () => {
    const db = await createTestDatabase();
    const dataDir = mkdtempSync(join(tmpdir(), 'sessiond-multi-'));
    const env = { SESSIOND_DATABASE_URL: db.url, SESSIOND_DATABASE_POOL_SIZE: '3' };
    const sql = new pg.Client({ connectionString: db.url });
    const running: ServerProcess[] = [];
    try {
      const kysely = new Kysely<Schema>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: db.url, max: 1 }) }) });
      await migrate(kysely, 'postgres');
      await kysely.destroy();
      await sql.connect();
      await sql.query(`CREATE FUNCTION slow_default_org() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN IF NEW.id = 'default' THEN PERFORM pg_sleep(3); END IF; RETURN NEW; END $$`);
      await sql.query('CREATE TRIGGER slow_default_org BEFORE INSERT ON organizations FOR EACH ROW EXECUTE FUNCTION slow_default_org()');
      const ports = [await freePort(), await freePort()];
      const starting = ports.map((p) => startServer(dataDir, p, env));
      // Both inside the insert at the same time, or the race was not set up (which is no verdict).
      const inside = async () =>
        Number(
          (
            await sql.query("SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = 'sessiond' AND wait_event = 'PgSleep'", [
              db.name,
            ])
          ).rows[0].n,
        ) === 2;
      const overlap = await msUntil(inside, 10_000);
      const started = await Promise.allSettled(starting);
      const failures: string[] = [];
      for (const s of started) {
        if (s.status === 'fulfilled') running.push(s.value);
        else failures.push(String(s.reason));
      }
      expect(overlap, 'both nodes were inside the insert at once').toBeLessThan(10_000);
      if (failures.length > 0) throw new Error(`nodes did not start: ${failures.join('; ')}`);
    } finally {
      await sql.end().catch(() => {});
      for (const n of running) {
        n.child.kill('SIGTERM');
        await exited(n.child);
      }
      await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 30_000);
});
