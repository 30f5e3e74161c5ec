import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import pino, { type Logger } from 'pino';
import { createArgon2Hasher } from './adapters/argon2-hasher.js';
import type { Config } from './config/config.js';
import { systemContext } from './core/auth.js';
import { systemClock } from './core/clock.js';
import { type Core, createCore } from './core/index.js';
import type { GeoLocator, PasswordHasher } from './core/ports.js';
import { sweepEndedSessions } from './core/sweep.js';
import { backgroundErrorReporter } from './server/background-errors.js';
import { buildHttp } from './server/http.js';
import { createMetrics } from './server/metrics.js';
import { createTracing } from './server/tracing.js';
import { openStore } from './storage/index.js';
import { instrumentStore } from './storage/instrumented.js';
import { dynatraceSurface } from './surfaces/dynatrace/index.js';
import { logscaleSurface } from './surfaces/logscale/index.js';
import { lookerSurface } from './surfaces/looker/index.js';
import { nativeSurface } from './surfaces/native/index.js';
import { createFormats } from './surfaces/shared/formats.js';
import { signinSurface } from './surfaces/signin/index.js';
import { zitadelSurface } from './surfaces/zitadel/index.js';

export const version: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** Secrets never reach the logs, whatever a log call is handed. */
const redact = ['req.headers.authorization', 'headers.authorization', '*.password', '*.secret', '*.token', '*.client_secret', '*.bootstrapToken'];

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino({ level, redact, base: { service: 'sessiond' } }, destination ?? process.stdout);
}

export interface AppOptions {
  logger?: Logger;
  hasher?: PasswordHasher;
  /** CLI local mode only: act as the system for requests without credentials. */
  localAdmin?: boolean;
}

/** The composition root: storage, core, surfaces and background work, from one config. */
export async function createApp(config: Config, o: AppOptions = {}) {
  const logger = o.logger ?? createLogger(config.logLevel);
  const metrics = createMetrics();
  // OpenTelemetry traces: null (and no SDK loaded) unless configured; the CLI's local mode never traces.
  const tracing = o.localAdmin ? null : await createTracing(config, { version, logger });
  const opened = await openStore({
    dataDir: config.dataDir,
    databaseUrl: config.databaseUrl,
    databasePoolSize: config.databasePoolSize,
    activityFlushMs: config.activityFlushMs,
    sqliteSynchronous: config.sqliteSynchronous,
    sessionCacheEntries: config.sessionCacheEntries,
    nodeCacheTtlMs: config.nodeCacheTtlMs,
    redisUrl: config.redisUrl,
    redisPrefix: config.redisPrefix,
    redisCommandTimeoutMs: config.redisCommandTimeoutMs,
    onError: backgroundErrorReporter(logger, metrics.backgroundErrors),
  });
  // Store latency is measured at the port boundary, around every round trip (not the cache's synchronous lookups).
  const store = instrumentStore(opened, metrics.storeInstruments, tracing?.storeSpans(config.databaseUrl ? 'postgresql' : 'sqlite') ?? null);
  let geo: GeoLocator | null = null;
  if (config.geoipDb) geo = await (await import('./adapters/geoip.js')).openGeoIp(config.geoipDb);
  // The CLI's local mode (bulk imports) validates nothing meanwhile: it may hash on every core.
  const hashConcurrency = o.localAdmin && config.passwordHashConcurrency === 0 ? availableParallelism() : config.passwordHashConcurrency;
  let hasher = o.hasher;
  if (!hasher) {
    const argon = await createArgon2Hasher({ memoryKiB: config.argon2MemoryKiB, timeCost: config.argon2TimeCost, parallelism: 1 }, hashConcurrency);
    metrics.reportHashLoad(argon.load);
    hasher = argon;
  }
  const core: Core = createCore({
    store,
    clock: systemClock,
    hasher,
    geo,
    revokeSessionsOnPasswordChange: config.revokeSessionsOnPasswordChange,
    observer: metrics.observer,
  });
  await core.start();
  store.onExternalChange?.(() => {
    core.policies.reload().then(
      () => logger.info('another process changed the database: policies reloaded'),
      (err: unknown) => logger.error({ err }, 'reloading policies after an outside change failed'),
    );
  });
  const bootstrap = await core.credentials.ensureBootstrap(config.bootstrapToken);
  // The one place that knows every surface; their caches (formats, answer templates) are this app's own.
  const formats = createFormats();
  const native = nativeSurface(formats);
  const surfaces = [native, lookerSurface(formats), dynatraceSurface(formats), logscaleSurface(formats), zitadelSurface, signinSurface];
  const http = await buildHttp({
    surfaces,
    fallback: native.errorHandler,
    core,
    config,
    logger,
    metrics,
    version,
    tracing,
    defaultAuth: o.localAdmin ? systemContext : null,
  });

  let sweepTimer: NodeJS.Timeout | null = null;
  const sweep = async () => {
    const n = await sweepEndedSessions(core, { retentionSeconds: config.sessionRetentionSeconds, batchSize: config.sweepBatchSize, maxBatches: 100 });
    metrics.swept.inc(n);
    if (n > 0) logger.info({ deleted: n }, 'expiry sweep deleted ended sessions');
    return n;
  };

  let stopping: Promise<void> | null = null;
  return {
    core,
    store,
    logger,
    http,
    /** The secret of a newly created bootstrap credential (first start without SESSIOND_BOOTSTRAP_TOKEN), else null. */
    bootstrapSecret: bootstrap.secret,
    sweep,
    /** Listens on the configured address; returns the URL. */
    async listen(): Promise<string> {
      const address = await http.app.listen({ host: config.host, port: config.port });
      sweepTimer = setInterval(() => void sweep().catch((err) => logger.error({ err }, 'expiry sweep failed')), config.sweepIntervalSeconds * 1000);
      sweepTimer.unref();
      return address;
    },
    /**
     * Graceful stop: refuse new connections, let in-flight requests finish (closing idle
     * HTTP/1.1 and HTTP/2 connections at once), flush pending writes, close storage.
     */
    stop(): Promise<void> {
      stopping ??= (async () => {
        if (sweepTimer) clearInterval(sweepTimer);
        const dual = http.dual();
        dual?.drain();
        const force = setTimeout(() => dual?.destroyAll(), config.shutdownTimeoutMs);
        force.unref();
        await http.app.close();
        clearTimeout(force);
        await store.close();
        // The spans of the last requests leave before the process does.
        await tracing?.shutdown(config.shutdownTimeoutMs);
      })();
      return stopping;
    },
  };
}

export type SessiondApp = Awaited<ReturnType<typeof createApp>>;
