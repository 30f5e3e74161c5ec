import { randomBytes } from 'node:crypto';
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';

/** INCR with the window set by the first hit (as @fastify/rate-limit's own Redis store) → {count, ms left}. */
const INCR = `local c = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if c == 1 or ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) ttl = tonumber(ARGV[1]) end
return {c, ttl}`;

/** After a failed command, Redis is skipped this long (requests do not each wait for a timeout). */
const BACKOFF_MS = 1_000;
/** Callers counted in memory by the fallback (least recently seen dropped first). */
const LOCAL_ENTRIES = 10_000;

type Counted = { current: number; ttl: number };
type Callback = (error: Error | null, result?: Counted) => void;
type Scripted = Redis & { sessiondRateLimit(key: string, windowMs: number): Promise<[number, number]> };

/** Fixed windows in this process: the fallback while Redis does not answer. */
class LocalCounter {
  private readonly windows = new LRUCache<string, { count: number; startMs: number }>({ max: LOCAL_ENTRIES });
  incr(key: string, windowMs: number): Counted {
    const now = Date.now();
    let w = this.windows.get(key);
    if (!w || w.startMs + windowMs <= now) {
      w = { count: 0, startMs: now };
      this.windows.set(key, w);
    }
    w.count++;
    return { current: w.count, ttl: w.startMs + windowMs - now };
  }
}

export interface SharedRateLimits {
  /** A store for @fastify/rate-limit's `store` option, counting under `<prefix>ratelimit:<scope>:`. */
  storeFor(scope: string): FastifyRateLimitStoreCtor;
  close(): void;
}

/**
 * Rate limits counted in Redis, so a limit holds for all nodes together. Every command has the
 * short timeout of SESSIOND_REDIS_COMMAND_TIMEOUT_MS; while Redis is down, slow or failing,
 * requests are counted in this process instead (a limit per node, never none), and Redis is
 * retried after BACKOFF_MS. @fastify/rate-limit's own `redis` option would not fall back: its
 * `skipOnError` lets every request through while Redis fails.
 */
export async function openSharedRateLimits(o: {
  url: string;
  prefix: string;
  commandTimeoutMs: number;
  onError?: (e: unknown) => void;
}): Promise<SharedRateLimits> {
  const { createRedisClient } = await import('../storage/redis-client.js');
  const redis = createRedisClient({
    url: o.url,
    name: `sessiond-ratelimit-${randomBytes(4).toString('hex')}`,
    commandTimeoutMs: o.commandTimeoutMs,
    ...(o.onError ? { onError: o.onError } : {}),
  }) as Scripted;
  redis.defineCommand('sessiondRateLimit', { numberOfKeys: 1, lua: INCR });
  // Start counting with the other nodes when Redis answers soon; a down Redis does not hold the start up.
  const until = Date.now() + 1000;
  while (redis.status !== 'ready' && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  return { storeFor: storesOver(redis, o.prefix, o.onError), close: () => redis.disconnect() };
}

/** The same stores without Redis (SQLite, or PostgreSQL alone): every node counts in its own memory. */
export function localRateLimits(): SharedRateLimits {
  return { storeFor: storesOver(null, '', undefined), close: () => {} };
}

function storesOver(redis: Scripted | null, prefix: string, onError: ((e: unknown) => void) | undefined) {
  let backoffUntilMs = 0;
  return (scope: string): FastifyRateLimitStoreCtor => {
    const make = (nameSpace: string): FastifyRateLimitStore => {
      const local = new LocalCounter();
      return {
        incr(key: string, cb: Callback, timeWindow: number) {
          if (redis?.status !== 'ready' || Date.now() < backoffUntilMs) return cb(null, local.incr(key, timeWindow));
          redis.sessiondRateLimit(nameSpace + key, timeWindow).then(
            ([current, ttl]) => cb(null, { current: Number(current), ttl: Number(ttl) }),
            (e: unknown) => {
              if (Date.now() >= backoffUntilMs) onError?.(e);
              backoffUntilMs = Date.now() + BACKOFF_MS;
              cb(null, local.incr(key, timeWindow));
            },
          );
        },
        child(routeOptions) {
          const route = (routeOptions as { routeInfo?: { method?: string; url?: string } }).routeInfo;
          return make(`${nameSpace}${route?.method ?? ''}${route?.url ?? ''}-`);
        },
      };
    };
    const store = make(`${prefix}ratelimit:${scope}:`);
    // @fastify/rate-limit constructs the store once with its options; the counters are shared.
    return function SharedStore() {
      return store;
    } as unknown as FastifyRateLimitStoreCtor;
  };
}
