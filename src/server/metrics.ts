import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** Prometheus metrics of one server instance (its own registry: no globals). */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'sessiond_process_' });
  const requests = new Counter({
    name: 'sessiond_http_requests_total',
    help: 'HTTP requests by route, method and status',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'sessiond_http_request_duration_seconds',
    help: 'HTTP request latency by route',
    labelNames: ['route'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const signIns = new Counter({
    name: 'sessiond_sign_ins_total',
    help: 'Password sign-ins by result',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  const openSessions = new Gauge({
    name: 'sessiond_open_sessions',
    help: 'Stored sessions without a recorded end (time-based ends are judged on use)',
    registers: [registry],
  });
  const sessionCache = new Gauge({
    name: 'sessiond_session_cache',
    help: 'The session cache of validation: entries in memory; since start, lookups answered from memory (hits) or not (misses); with PostgreSQL: reads by token hash (storageReads); with Redis: lookups Redis answered (redisHits) or missed (redisMisses), failed Redis commands (redisErrors)',
    labelNames: ['stat'] as const,
    registers: [registry],
  });
  const swept = new Counter({ name: 'sessiond_sessions_swept_total', help: 'Ended sessions deleted by the sweep', registers: [registry] });
  return { registry, requests, latency, signIns, openSessions, sessionCache, swept };
}

export type Metrics = ReturnType<typeof createMetrics>;
