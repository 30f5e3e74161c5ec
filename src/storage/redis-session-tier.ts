import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { SessionRecord, SessionUse } from '../core/ports.js';
import type { Activity } from './activity-buffer.js';
import { createRedisClient } from './redis-client.js';

/** Longest time a session record stays in Redis (ms); shorter when its absolute lifetime ends sooner. */
export const SHARED_RECORD_TTL_MS = 600_000;
/** Key indexes and activity outlive every record they describe. */
const AUX_TTL_MS = SHARED_RECORD_TTL_MS + 60_000;
/** A fill must run within this long (Redis time) of the lookup that missed, or it is dropped. */
export const FILL_WINDOW_MS = 2_000;
/** How long a change blocks fills of its session; must exceed FILL_WINDOW_MS (docs/architecture.md). */
export const TOMBSTONE_MS = 5_000;
/** After a failed command, lookups skip Redis this long (no timeout paid by every request while it is slow). */
const BACKOFF_MS = 1_000;
/** Ids per invalidation script call, sessions per activity pipeline. */
const IDS_PER_CALL = 500;
const USES_PER_PIPELINE = 5_000;

// Every script reads Redis time itself, so nodes' clocks never meet. Keys outside KEYS (the
// activity and record keys named by an index) make these scripts unfit for Redis Cluster.
const NOW = `local t = redis.call('TIME') local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/** KEYS[1] record; ARGV[1] activity key prefix → {value|nil, last use|nil, last ip|nil, now}. */
const LOOKUP = `${NOW}
local v = redis.call('GET', KEYS[1])
if not v then return {false, false, false, now} end
local nl = string.find(v, '\\n', 1, true)
if not nl then return {false, false, false, now} end
local a = redis.call('HMGET', ARGV[1] .. string.sub(v, 1, nl - 1), 't', 'ip')
return {v, a[1], a[2], now}`;

/**
 * KEYS record, index, tombstone, activity; ARGV value, ttl, lookup time, window, index ttl.
 * Stores the record unless its session changed since the lookup (tombstone) or the lookup is
 * too old to be covered by a tombstone → {stored 0|1, last use|nil, last ip|nil}.
 */
const FILL = `${NOW}
local stored = 0
if tonumber(ARGV[2]) > 0 and redis.call('EXISTS', KEYS[3]) == 0 and now - tonumber(ARGV[3]) <= tonumber(ARGV[4]) then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  redis.call('SADD', KEYS[2], KEYS[1])
  redis.call('PEXPIRE', KEYS[2], ARGV[5])
  stored = 1
end
local a = redis.call('HMGET', KEYS[4], 't', 'ip')
return {stored, a[1], a[2]}`;

/** KEYS (index, tombstone) pairs; ARGV[1] tombstone ms. Deletes every record of each session and blocks fills. */
const INVALIDATE = `
for i = 1, #KEYS, 2 do
  for _, k in ipairs(redis.call('SMEMBERS', KEYS[i])) do redis.call('DEL', k) end
  redis.call('DEL', KEYS[i])
  redis.call('SET', KEYS[i + 1], '1', 'PX', ARGV[1])
end
return #KEYS / 2`;

/** KEYS[1] activity; ARGV time, ip ('' = unknown), ttl. Keeps the newest use (never backwards) and its IP. */
const USE = `
local t = tonumber(redis.call('HGET', KEYS[1], 't'))
if not t or t < tonumber(ARGV[1]) then
  if ARGV[2] == '' then redis.call('HSET', KEYS[1], 't', ARGV[1]) else redis.call('HSET', KEYS[1], 't', ARGV[1], 'ip', ARGV[2]) end
end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1`;

type Nullable = string | null;
type Scripted = Redis & {
  sessiondLookup(key: string, activityPrefix: string): Promise<[Nullable, Nullable, Nullable, number]>;
  sessiondFill(record: string, index: string, tomb: string, activity: string, ...args: (string | number)[]): Promise<[number, Nullable, Nullable]>;
  sessiondInvalidate(n: number, ...keysThenArgs: (string | number)[]): Promise<number>;
};
type ScriptedPipeline = ReturnType<Redis['pipeline']> & { sessiondUse(key: string, atMs: number, ip: string, ttlMs: number): unknown };

/** What a lookup found: the session, or a miss to be filled with `fill`; null: Redis was not used. */
export type SharedLookup = { found: SessionRecord } | { missed: { key: string; atMs: number } } | null;

export interface RedisSessionTierOptions {
  url: string;
  prefix: string;
  commandTimeoutMs: number;
  /** The cache epoch stored with the data (PostgreSQL); see `epoch` below. */
  readEpoch: () => Promise<number>;
  /** How often the epoch is read (ms). */
  epochPollMs?: number;
  /** The epoch moved: another node could not keep Redis in step, so anything cached from before is suspect. */
  onEpochChange: () => void;
  onError?: (e: unknown) => void;
  /** Reading the epoch (PostgreSQL) failed; the tier is not trusted until a read succeeds. */
  onEpochError?: (e: unknown) => void;
}

/**
 * The shared tier of the session cache: session records by token hash in Redis, so that a node
 * whose memory misses asks Redis before PostgreSQL, and last uses per session, so every node
 * judges idleness with the uses made on the others. Keys, under the prefix:
 * `session:<epoch>:<token hash>` (the record, `<id>\n<json>`), `session-keys:<id>` (the record
 * keys of a session, for invalidation), `session-tombstone:<id>` (a change happened: no fill
 * for TOMBSTONE_MS), `activity:<id>` (hash: `t` newest use in ms, `ip`).
 *
 * Correctness never depends on Redis answering: every failure or timeout makes the caller use
 * PostgreSQL, and a writer that could not invalidate bumps the **epoch** in PostgreSQL in the
 * same transaction, which moves every node to fresh keys within `epochPollMs` (the tier is not
 * used while the epoch is unread for 3 polls). The race between a slow reader's fill and a
 * change is closed by tombstones plus the fill window (docs/architecture.md).
 */
export class RedisSessionTier {
  private readonly r: Scripted;
  private readonly prefix: string;
  private readonly epochPollMs: number;
  private epoch = 0;
  private epochReadAtMs = 0;
  private epochTimer: NodeJS.Timeout | null = null;
  private backoffUntilMs = 0;
  private closed = false;
  /** Lookups answered by Redis, those it missed, and failed commands (for metrics and tests). */
  readonly stats = { hits: 0, misses: 0, errors: 0 };

  constructor(private readonly o: RedisSessionTierOptions) {
    this.prefix = o.prefix;
    this.epochPollMs = o.epochPollMs ?? 500;
    const r = createRedisClient({
      url: o.url,
      name: `sessiond-cache-${randomBytes(4).toString('hex')}`,
      commandTimeoutMs: o.commandTimeoutMs,
      ...(o.onError ? { onError: o.onError } : {}),
    });
    r.defineCommand('sessiondLookup', { numberOfKeys: 1, lua: LOOKUP });
    r.defineCommand('sessiondFill', { numberOfKeys: 4, lua: FILL });
    r.defineCommand('sessiondInvalidate', { lua: INVALIDATE });
    r.defineCommand('sessiondUse', { numberOfKeys: 1, lua: USE });
    this.r = r as Scripted;
  }

  /** Reads the epoch and waits (briefly) for the connection; never throws for Redis. */
  async start(): Promise<void> {
    await this.pollEpoch();
    this.epochTimer = setInterval(() => void this.pollEpoch().catch((e: unknown) => this.o.onEpochError?.(e)), this.epochPollMs);
    this.epochTimer.unref();
    const until = Date.now() + 1000;
    while (this.r.status !== 'ready' && Date.now() < until) await new Promise((res) => setTimeout(res, 20));
  }

  private async pollEpoch(): Promise<void> {
    const e = await this.o.readEpoch();
    this.epochReadAtMs = Date.now();
    if (e === this.epoch) return;
    this.epoch = e;
    this.o.onEpochChange();
  }

  /** Connected and answering (for /readyz). */
  get healthy(): boolean {
    return !this.closed && this.r.status === 'ready' && Date.now() >= this.backoffUntilMs;
  }

  /** Whether lookups may use Redis now: healthy, and the epoch read recently. */
  get trusted(): boolean {
    return this.healthy && this.epochCurrent;
  }

  /**
   * The epoch was read within 3 polls: a move of it (a writer that could not reach Redis) would
   * have been seen. Nodes' memory tiers are used only while this holds too.
   */
  get epochCurrent(): boolean {
    return Date.now() - this.epochReadAtMs <= 3 * this.epochPollMs;
  }

  private failed(e: unknown): void {
    this.stats.errors++;
    // Reported once per episode, not once per request.
    if (Date.now() >= this.backoffUntilMs) this.o.onError?.(e);
    this.backoffUntilMs = Date.now() + BACKOFF_MS;
  }

  private key = (kind: string, id: string) => `${this.prefix}${kind}:${id}`;

  async lookup(tokenHash: string): Promise<SharedLookup> {
    if (!this.trusted) return null;
    const key = this.key('session', `${this.epoch}:${tokenHash}`);
    let reply: Awaited<ReturnType<Scripted['sessiondLookup']>>;
    try {
      reply = await this.r.sessiondLookup(key, this.key('activity', ''));
    } catch (e) {
      this.failed(e);
      return null;
    }
    const [value, usedAt, usedIp, atMs] = reply;
    const s = value === null ? undefined : decode(value, tokenHash);
    if (!s) {
      this.stats.misses++;
      return { missed: { key, atMs: Number(atMs) } };
    }
    this.stats.hits++;
    return { found: withUse(s, usedAt, usedIp) };
  }

  /**
   * Stores a record just read from PostgreSQL after `lookup` missed (unless its session changed
   * meanwhile), for at most `ttlMs` (≤ SHARED_RECORD_TTL_MS). Returns it with the newest use
   * recorded in Redis applied; on failure, as it is.
   */
  async fill(missed: { key: string; atMs: number }, s: SessionRecord, ttlMs: number): Promise<SessionRecord> {
    const ttl = Math.max(0, Math.min(SHARED_RECORD_TTL_MS, Math.floor(ttlMs)));
    try {
      const [, usedAt, usedIp] = await this.r.sessiondFill(
        missed.key,
        this.key('session-keys', s.id),
        this.key('session-tombstone', s.id),
        this.key('activity', s.id),
        `${s.id}\n${JSON.stringify(s)}`,
        ttl,
        missed.atMs,
        FILL_WINDOW_MS,
        AUX_TTL_MS,
      );
      return withUse(s, usedAt, usedIp);
    } catch (e) {
      this.failed(e);
      return s;
    }
  }

  /**
   * Deletes every record of these sessions and blocks their fills for TOMBSTONE_MS. Called before
   * a change commits and again after. False when Redis did not confirm (the caller bumps the epoch).
   */
  async invalidate(ids: readonly string[]): Promise<boolean> {
    if (ids.length === 0) return true;
    if (this.closed || this.r.status !== 'ready') return false;
    try {
      const calls: Promise<number>[] = [];
      for (let i = 0; i < ids.length; i += IDS_PER_CALL) {
        const chunk = ids.slice(i, i + IDS_PER_CALL);
        const keys = chunk.flatMap((id) => [this.key('session-keys', id), this.key('session-tombstone', id)]);
        calls.push(this.r.sessiondInvalidate(keys.length, ...keys, TOMBSTONE_MS));
      }
      await Promise.all(calls);
      return true;
    } catch (e) {
      this.failed(e);
      return false;
    }
  }

  /** Records uses (one pipeline, one round trip per USES_PER_PIPELINE sessions). False when Redis did not confirm. */
  async recordUses(batch: readonly Activity[]): Promise<boolean> {
    if (batch.length === 0) return true;
    if (this.closed || this.r.status !== 'ready') return false;
    try {
      for (let i = 0; i < batch.length; i += USES_PER_PIPELINE) {
        const p = this.r.pipeline() as ScriptedPipeline;
        for (const a of batch.slice(i, i + USES_PER_PIPELINE)) p.sessiondUse(this.key('activity', a.sessionId), a.atMs, a.ip ?? '', AUX_TTL_MS);
        const results = (await p.exec()) ?? [];
        const failure = results.find(([err]) => err);
        if (failure) throw failure[0];
      }
      return true;
    } catch (e) {
      this.failed(e);
      return false;
    }
  }

  /** The sessions with the newest use recorded in Redis applied (unchanged when Redis does not answer). */
  async withRecordedUse<S extends SessionUse>(sessions: S[]): Promise<S[]> {
    if (sessions.length === 0 || !this.healthy) return sessions;
    try {
      const p = this.r.pipeline();
      for (const s of sessions) p.hmget(this.key('activity', s.id), 't', 'ip');
      const results = (await p.exec()) ?? [];
      return sessions.map((s, i) => {
        const [err, v] = results[i] ?? [null, null];
        const [usedAt, usedIp] = !err && Array.isArray(v) ? (v as Nullable[]) : [null, null];
        return withUse(s, usedAt ?? null, usedIp ?? null);
      });
    } catch (e) {
      this.failed(e);
      return sessions;
    }
  }

  close(): void {
    this.closed = true;
    if (this.epochTimer) clearInterval(this.epochTimer);
    this.r.disconnect();
  }
}

function decode(value: string, tokenHash: string): SessionRecord | undefined {
  try {
    const s = JSON.parse(value.slice(value.indexOf('\n') + 1)) as SessionRecord;
    // Anything else (another version's format, a collision of names) is a miss.
    return s && typeof s === 'object' && s.tokenHash === tokenHash && typeof s.lastActiveAtMs === 'number' ? s : undefined;
  } catch {
    return undefined;
  }
}

/** Applies a use recorded in Redis; never moves last use backwards. */
function withUse<S extends SessionUse>(s: S, usedAt: Nullable, usedIp: Nullable): S {
  const t = usedAt === null ? Number.NaN : Number(usedAt);
  return t > s.lastActiveAtMs ? { ...s, lastActiveAtMs: t, lastIp: usedIp ?? s.lastIp } : s;
}
