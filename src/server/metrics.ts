import { LRUCache } from 'lru-cache';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { DomainError } from '../core/errors.js';
import type { CoreObserver, SignInFlow, Store } from '../core/ports.js';
import type { StoreInstruments } from '../storage/instrumented.js';
import { RecentSignIns } from './recent-sign-ins.js';
import { RequestCounter, RequestHistogram } from './request-metrics.js';

/** The surface each sign-in flow of the core serves (one each). */
const surfaceOf: Record<SignInFlow, string> = { password: 'native', client_secret: 'looker', session_check: 'zitadel' };

/** How long a scrape reuses the count of open sessions (a count query, not a per-request cost). */
const OPEN_SESSIONS_TTL_MS = 5_000;
/** Sessions remembered as already counted when a validation finds them ended by time. */
const TIME_ENDS_REMEMBERED = 10_000;

/** Prometheus metrics of one server instance (its own registry: no globals). */
export function createMetrics(o: { openSessionsTtlMs?: number } = {}) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'sessiond_process_' });
  // Counted on every request: request-metrics.ts's bound children, exposed as prom-client's would be.
  const requests = new RequestCounter(
    'sessiond_http_requests_total',
    "HTTP requests by route, method and status (every surface, including the fast introspection path and ZITADEL's RPCs; a gRPC call's status is its grpc-status mapped to HTTP)",
    ['route', 'method', 'status'] as const,
    registry,
  );
  const latency = new RequestHistogram(
    'sessiond_http_request_duration_seconds',
    'HTTP request latency by route',
    ['route'] as const,
    [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registry,
  );
  const signIns = new Counter({
    name: 'sessiond_sign_ins_total',
    help: 'Sign-in attempts that reached the core, by surface (native: password; looker: client secret; zitadel: password check) and result (success, failure: wrong or unknown secret, rejected: refused by a rule, error)',
    labelNames: ['surface', 'result'] as const,
    registers: [registry],
  });
  const sessionsEnded = new Counter({
    name: 'sessiond_sessions_ended_total',
    help: 'Sessions ended, by reason: revoked and evicted when the end is committed; expired and idle_timeout when this node first finds the session ended (a validation, or a looser policy storing the end), once per session',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  const openSessions = new Gauge({
    name: 'sessiond_open_sessions',
    help: 'Stored sessions without a recorded end (those past their lifetime or idle timeout count until the sweep deletes them: time-based ends are judged on use); counted at scrape time, at most every 5 s',
    registers: [registry],
  });
  let hashLoad: (() => { running: number; waiting: number }) | null = null;
  new Gauge({
    name: 'sessiond_password_hashes',
    help: 'argon2id password checks hashing now (running, at most SESSIOND_PASSWORD_HASH_CONCURRENCY) and waiting for their turn (waiting)',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      const l = hashLoad?.();
      if (!l) return;
      this.set({ state: 'running' }, l.running);
      this.set({ state: 'waiting' }, l.waiting);
    },
  });
  const sessionCache = new Gauge({
    name: 'sessiond_session_cache',
    help: 'The session cache of validation: entries in memory; since start, lookups answered from memory (hits) or not (misses); with PostgreSQL: reads by token hash (storageReads); with Redis: lookups Redis answered (redisHits) or missed (redisMisses), failed Redis commands (redisErrors)',
    labelNames: ['stat'] as const,
    registers: [registry],
  });
  const cacheLookups = new Counter({
    name: 'sessiond_session_cache_lookups_total',
    help: 'Session cache lookups of validation by result (hit: answered from memory, miss: storage read); hit ratio over a window: rate(…{result="hit"}) / rate(…)',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  const cacheHitRatio = new Gauge({
    name: 'sessiond_session_cache_hit_ratio',
    help: 'Session cache hits / lookups since start (0 before any lookup)',
    registers: [registry],
  });
  const storeLatency = new Histogram({
    name: 'sessiond_store_duration_seconds',
    help: "Store calls at the port boundary by operation (a transaction is one call; the session cache's synchronous lookups are not store calls)",
    labelNames: ['op'] as const,
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const storeErrors = new Counter({
    name: 'sessiond_store_errors_total',
    help: 'Store calls that failed by operation: storage unavailable or an unexpected error (answers such as a taken login name are not failures)',
    labelNames: ['op'] as const,
    registers: [registry],
  });
  const backgroundErrors = new Counter({
    name: 'sessiond_background_errors_total',
    help: "Failed background work of storage, retried, by task: activity_flush, policy_poll (PostgreSQL without Redis: other nodes' policy changes), cache_epoch, redis, postgres_connection",
    labelNames: ['task'] as const,
    registers: [registry],
  });
  const swept = new Counter({ name: 'sessiond_sessions_swept_total', help: 'Ended sessions deleted by the sweep', registers: [registry] });

  const recentSignIns = new RecentSignIns();
  const countedTimeEnds = new LRUCache<string, true>({ max: TIME_ENDS_REMEMBERED });
  const observer: CoreObserver = {
    signIn: (flow, result) => {
      signIns.inc({ surface: surfaceOf[flow], result });
      recentSignIns.record(result, Date.now());
    },
    timeEnded: (reason, sessionId) => {
      if (countedTimeEnds.has(sessionId)) return;
      countedTimeEnds.set(sessionId, true);
      sessionsEnded.inc({ reason });
    },
  };

  const storeInstruments: StoreInstruments = {
    timer(op) {
      const histogram = storeLatency.labels({ op });
      const errors = storeErrors.labels({ op });
      return (seconds, error) => {
        histogram.observe(seconds);
        if (error !== undefined && !(error instanceof DomainError && error.code !== 'unavailable' && error.code !== 'internal')) errors.inc();
      };
    },
    // Time ends the store records (a looser policy made them final) are the core's to report, as
    // `timeEnded`, so a session a validation already counted is not counted twice.
    ended: (reason, count) => {
      if (count > 0 && (reason === 'revoked' || reason === 'evicted')) sessionsEnded.inc({ reason }, count);
    },
  };

  const openTtlMs = o.openSessionsTtlMs ?? OPEN_SESSIONS_TTL_MS;
  let openCountedAtMs = Number.NEGATIVE_INFINITY;
  let openCounting: Promise<void> | null = null;
  const seen = { hits: 0, misses: 0 };
  /**
   * Brings the gauges read from the store up to date before a scrape: the open-session count
   * (reused for a few seconds; a failed count keeps the last value, so a scrape works while
   * storage is down) and the session cache's counters.
   */
  async function refresh(store: Pick<Store, 'countSessions' | 'cacheStats'>): Promise<void> {
    if (Date.now() - openCountedAtMs >= openTtlMs) {
      openCounting ??= store
        .countSessions({ openOnly: true })
        .then(
          (n) => {
            openSessions.set(n);
            openCountedAtMs = Date.now();
          },
          () => undefined,
        )
        .finally(() => {
          openCounting = null;
        });
      await openCounting;
    }
    const cache = store.cacheStats?.();
    if (!cache) return;
    for (const [stat, n] of Object.entries(cache)) sessionCache.set({ stat }, n);
    // The store's counters only grow; a smaller value means a new store (count it from zero).
    cacheLookups.inc({ result: 'hit' }, cache.hits >= seen.hits ? cache.hits - seen.hits : cache.hits);
    cacheLookups.inc({ result: 'miss' }, cache.misses >= seen.misses ? cache.misses - seen.misses : cache.misses);
    seen.hits = cache.hits;
    seen.misses = cache.misses;
    const lookups = cache.hits + cache.misses;
    cacheHitRatio.set(lookups > 0 ? cache.hits / lookups : 0);
  }

  /** Where the password hasher's load is read at scrape time. */
  const reportHashLoad = (fn: () => { running: number; waiting: number }) => {
    hashLoad = fn;
  };
  return {
    registry,
    requests,
    latency,
    signIns,
    sessionsEnded,
    openSessions,
    sessionCache,
    swept,
    backgroundErrors,
    observer,
    storeInstruments,
    refresh,
    recentSignIns,
    reportHashLoad,
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
