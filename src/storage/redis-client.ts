import { Redis } from 'ioredis';

export interface RedisClientOptions {
  url: string;
  /** Shown by `CLIENT LIST` (which node and which use holds the connection). */
  name: string;
  /** A command not answered within this is failed (the caller falls back); see SESSIOND_REDIS_COMMAND_TIMEOUT_MS. */
  commandTimeoutMs: number;
  onError?: (e: unknown) => void;
}

/**
 * A Redis connection for commands on the request path (the shared session cache, rate limits):
 * it fails fast instead of waiting. No offline queue (a command while disconnected fails at
 * once), no retry of a failed command, a short per-command timeout; the connection itself is
 * re-established in the background for ever (backing off to 1 s). Key names are the caller's:
 * every caller builds them under SESSIOND_REDIS_PREFIX.
 */
export function createRedisClient(o: RedisClientOptions): Redis {
  const r = new Redis(o.url, {
    lazyConnect: true,
    connectionName: o.name,
    connectTimeout: 2000,
    commandTimeout: o.commandTimeoutMs,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: (times: number) => Math.min(50 * times, 1000),
  });
  // A down Redis errors on every retry: report the first error of each outage only.
  let reported = false;
  r.on('error', (e: unknown) => {
    if (!reported) o.onError?.(e);
    reported = true;
  });
  r.on('ready', () => {
    reported = false;
  });
  r.connect().catch(() => {});
  return r;
}
