import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyError, type FastifyReply, type FastifyRequest, type FastifyServerFactory, LogController } from 'fastify';
import type { Logger } from 'pino';
import Type from 'typebox';
import type { Config } from '../config/config.js';
import type { AuthContext } from '../core/auth.js';
import type { Core } from '../core/index.js';
import { createAuthenticator } from './auth.js';
import { clientErrorHandler } from './client-error.js';
import { consoleServed, loadConsoleAssets, serveConsole } from './console-assets.js';
import { createDualServer, type DualServer } from './listener.js';
import type { Metrics } from './metrics.js';
import { addEdgeRateLimits, createRateLimits, NO_RATE_LIMITS, type RateLimits, SERVER_EDGE_LIMITS } from './rate-limits.js';
import { routeMissing } from './routes.js';
import { observeRpc, REQUEST_ID } from './rpc-observe.js';
import type { AheadHandler, App, ErrorHandler, RawHandler, Surface, SurfaceContext } from './surface.js';
import type { Tracing } from './tracing.js';
import { utf8Body } from './utf8-body.js';
import { typeboxValidatorCompiler } from './validation.js';

/**
 * The surface a path belongs to, for what no surface's own handler sees: errors raised before
 * routing (bad percent-encoding, a path parameter over the length limit), and requests no route
 * took outside a surface's prefix (another method on `/graphql`, an unknown path), including
 * what the root hooks throw for them (the API rate limit). Everything else is the fallback's.
 */
function errorHandlerByPath(surfaces: readonly Surface[], fallback: ErrorHandler): (url: string) => ErrorHandler {
  const byPrefix = surfaces.flatMap((s) => (s.errorPrefixes ?? []).map((prefix) => [prefix, s.errorHandler] as const));
  return (url) => byPrefix.find(([prefix]) => url.startsWith(prefix))?.[1] ?? fallback;
}

export interface HttpApp {
  app: App;
  /** Set once `listen` has run (in-process tests use `app.inject` without it). */
  dual: () => DualServer | null;
}

/** Builds the Fastify application with the given surfaces, on the dual HTTP/1.1 + h2c listener. */
export async function buildHttp(o: {
  /** Each registered in its own scope, in this order; their handlers ahead of Fastify run in this order too. */
  surfaces: readonly Surface[];
  /** Answers the errors of every path no surface claims (`errorPrefixes`). */
  fallback: ErrorHandler;
  core: Core;
  config: Config;
  logger: Logger;
  metrics: Metrics;
  version: string;
  /** OpenTelemetry traces, when on (src/server/tracing.ts). */
  tracing?: Tracing | null;
  defaultAuth?: AuthContext | null;
}): Promise<HttpApp> {
  // Rate limits (src/server/rate-limits.ts): counted in Redis for all nodes together with PostgreSQL
  // + Redis (loaded only then), else per node. The CLI's in-process mode (defaultAuth) has none.
  let limits: RateLimits = NO_RATE_LIMITS;
  let closeLimits = () => {};
  if (!o.defaultAuth) {
    const c = o.config;
    const counted = c.apiRateLimitPerMinute > 0 || c.signInRateLimitPerMinute > 0 || c.signInAccountRateLimitPerMinute > 0;
    const { openSharedRateLimits, localRateLimits } = await import('./rate-limit-store.js');
    const stores =
      counted && c.databaseUrl && c.redisUrl
        ? await openSharedRateLimits({
            url: c.redisUrl,
            prefix: c.redisPrefix,
            commandTimeoutMs: c.redisCommandTimeoutMs,
            onError: (err) => o.logger.warn({ err }, 'Redis (rate limits) failed; counting in this process meanwhile'),
          })
        : localRateLimits();
    limits = createRateLimits(c, stores);
    closeLimits = () => stores.close();
  }

  const ctx: SurfaceContext = {
    core: o.core,
    config: o.config,
    logger: o.logger,
    metrics: o.metrics,
    auth: createAuthenticator(o.core),
    defaultAuth: o.defaultAuth ?? null,
    rateLimits: limits,
  };
  const surfaceOf = errorHandlerByPath(o.surfaces, o.fallback);
  const frameworkErrors = (err: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
    void reply.header('x-request-id', req.id); // the onRequest hook that sets it runs only after routing
    return surfaceOf(req.url)(err, req, reply);
  };

  let dual: DualServer | null = null;
  const serverFactory: FastifyServerFactory = (handler) => {
    const ahead: AheadHandler[] = [];
    for (const s of o.surfaces) {
      if (s.ahead) ahead.push(s.ahead(ctx));
      // RPCs (ZITADEL's: Connect, gRPC over h2c, gRPC-Web) go to their handler ahead of Fastify.
      // Fastify's hooks do not see them: observeRpc gives them a request id, metrics and a log line.
      if (s.rpc) ahead.push(observeRpc(s.rpc.handler(ctx), { ...s.rpc, metrics: o.metrics, logger: o.logger }));
    }
    const h = handler as RawHandler;
    const serve: RawHandler = (req, res) => {
      for (const take of ahead) if (take(req, res)) return;
      h(req, res);
    };
    // With tracing on, a span around every request of every path; off, `serve` itself, unchanged.
    const traced = o.tracing?.serve(serve, {
      posts: o.surfaces.flatMap((s) => s.aheadPosts ?? []),
      rpcs: o.surfaces.flatMap((s) => (s.rpc ? [s.rpc] : [])),
    });
    dual = createDualServer((traced ?? serve) as never, { maxHeaderSize: 16_384, headersTimeoutMs: 10_000 });
    return dual.server;
  };
  const app = Fastify({
    loggerInstance: o.logger,
    // Per-request lines cost too much at validation rates; onResponse logs at debug instead.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: o.config.bodyLimitBytes,
    trustProxy: o.config.trustProxy,
    serverFactory,
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : crypto.randomUUID();
    },
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    frameworkErrors,
    clientErrorHandler,
    // A factory rather than setValidatorCompiler: a scope that adds a shared schema (the native
    // API's Error) rebuilds its compiler from the factory, which would otherwise be Ajv's.
    schemaController: { compilersFactory: { buildValidator: () => typeboxValidatorCompiler as never } },
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as App;

  // Inherited by every scope that sets none (GraphiQL's routes, health, metrics): never Fastify's own shape.
  app.setErrorHandler((err, req, reply) => surfaceOf(req.url)(err as FastifyError, req, reply));
  // A path no surface prefix owns: another method of a known path is 405 with Allow, else 404.
  app.setNotFoundHandler((req, reply) => surfaceOf(req.url)(routeMissing(req) as FastifyError, req, reply));
  // First of the root hooks, so the span has its route name before any other hook runs.
  o.tracing?.instrument(app);
  app.decorateRequest('auth', null);
  app.addHook('onClose', async () => closeLimits());

  // Every body is text: bytes that are not UTF-8 are refused (400) rather than read as U+FFFD.
  app.addHook('preParsing', utf8Body);
  app.addHook('onRequest', async (req, reply) => {
    void reply.header('x-request-id', req.id);
  });
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    o.metrics.requests.inc({ route, method: req.method, status: String(reply.statusCode) });
    o.metrics.latency.observe({ route }, reply.elapsedTime / 1000);
    if (reply.statusCode >= 500) req.log.warn({ route, status: reply.statusCode, reqId: req.id }, 'request failed');
    else req.log.debug({ route, method: req.method, status: reply.statusCode, ms: reply.elapsedTime }, 'request');
  });

  const openapi = o.surfaces.find((s) => s.openapi)?.openapi;
  if (openapi) {
    await app.register(swagger, {
      openapi: openapi.document(o.version),
      transform: ({ schema, url }) => ({ schema: openapi.transform(schema, url) as never, url }),
      // Shared schemas keep their $id as their name under components/schemas (`Error`, not `def-0`).
      refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
    });
  }

  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_req, reply) => {
    const ok = await o.core.store.ping();
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ready' : 'unavailable', storage: ok ? 'ok' : 'unreachable', ...o.core.store.health?.() });
  });
  app.get('/metrics', { schema: { hide: true } }, async (req, reply) => {
    if (o.config.metricsRequireCredential) await ctx.auth.requireMetricsReader(req);
    await o.metrics.refresh(o.core.store);
    return reply.type(o.metrics.registry.contentType).send(await o.metrics.registry.metrics());
  });

  // Before any surface, so it runs ahead of their own hooks; an error it throws is shaped by the route's surface.
  const edgeLimits = new Map(Object.entries(SERVER_EDGE_LIMITS));
  for (const s of o.surfaces) for (const [route, limit] of Object.entries(s.edgeLimits ?? {})) edgeLimits.set(route, limit);
  addEdgeRateLimits(app, { auth: ctx.auth, limits, routes: edgeLimits });

  for (const s of o.surfaces) await app.register(async (scope) => s.register(scope as App, ctx), s.prefix === undefined ? {} : { prefix: s.prefix });
  if (consoleServed(o.config, ctx.defaultAuth)) serveConsole(app, loadConsoleAssets());
  if (openapi) app.get(openapi.path, { schema: { hide: true, response: { 200: Type.Any() } } }, async () => app.swagger());

  return { app, dual: () => dual };
}
