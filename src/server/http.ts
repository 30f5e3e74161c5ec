import type { IncomingMessage, ServerResponse } from 'node:http';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyError, type FastifyReply, type FastifyRequest, type FastifyServerFactory, LogController } from 'fastify';
import type { Logger } from 'pino';
import Type from 'typebox';
import type { Config } from '../config/config.js';
import type { AuthContext } from '../core/auth.js';
import type { Core } from '../core/index.js';
import { dynatraceErrorHandler } from '../surfaces/dynatrace/errors.js';
import { dynatraceApi } from '../surfaces/dynatrace/index.js';
import { sendGraphqlFailure } from '../surfaces/logscale/errors.js';
import { logscaleGraphql } from '../surfaces/logscale/index.js';
import { sendLookerError } from '../surfaces/looker/errors.js';
import { lookerApi } from '../surfaces/looker/index.js';
import { nativeApi, nativeErrorHandler } from '../surfaces/native/index.js';
import { withErrorResponses } from '../surfaces/native/openapi.js';
import type { App } from '../surfaces/native/types.js';
import { createZitadelRpcHandler, httpStatusOfCode, RPC_PATHS, SERVICE_PREFIX, zitadelRest } from '../surfaces/zitadel/index.js';
import { zitadelRestErrorHandler } from '../surfaces/zitadel/rest.js';
import { requireMetricsReader } from './auth.js';
import { clientErrorHandler } from './client-error.js';
import { loadConsoleAssets, serveConsole } from './console-assets.js';
import { createFastIntrospect } from './fast-introspect.js';
import { createDualServer, type DualServer } from './listener.js';
import type { Metrics } from './metrics.js';
import { addEdgeRateLimits, createRateLimits, NO_RATE_LIMITS, type RateLimits } from './rate-limits.js';
import { routeMissing } from './routes.js';
import { observeRpc, REQUEST_ID } from './rpc-observe.js';
import type { Tracing } from './tracing.js';
import { utf8Body } from './utf8-body.js';
import { typeboxValidatorCompiler } from './validation.js';

type ErrorHandler = (err: FastifyError, req: FastifyRequest, reply: FastifyReply) => FastifyReply;
/**
 * The surface a path belongs to, for what no surface's own handler sees: errors raised before
 * routing (bad percent-encoding, a path parameter over the length limit), and requests no route
 * took outside a surface's prefix (another method on `/graphql`, an unknown path), including
 * what the root hooks throw for them (the API rate limit). Everything else is native.
 */
const surfaceErrorHandlers: [prefix: string, handler: ErrorHandler][] = [
  ['/api/4.0/', sendLookerError],
  ['/api/cluster/v2/', dynatraceErrorHandler],
  ['/v2/sessions', zitadelRestErrorHandler],
  ['/graphql', sendGraphqlFailure],
  ['/graphiql', sendGraphqlFailure],
];
const surfaceOf = (url: string): ErrorHandler => surfaceErrorHandlers.find(([prefix]) => url.startsWith(prefix))?.[1] ?? nativeErrorHandler;
const frameworkErrors = (err: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
  void reply.header('x-request-id', req.id); // the onRequest hook that sets it runs only after routing
  return surfaceOf(req.url)(err, req, reply);
};

export interface HttpApp {
  app: App;
  /** Set once `listen` has run (in-process tests use `app.inject` without it). */
  dual: () => DualServer | null;
}

/** Builds the Fastify application with every surface, on the dual HTTP/1.1 + h2c listener. */
export async function buildHttp(o: {
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

  let dual: DualServer | null = null;
  const serverFactory: FastifyServerFactory = (handler) => {
    const fast = createFastIntrospect(o.core, o.metrics, { trustProxy: o.config.trustProxy, logger: o.logger, limit: limits.introspect });
    const h = handler as (req: IncomingMessage, res: ServerResponse) => void;
    // ZITADEL SessionService RPCs (Connect, gRPC over h2c, gRPC-Web) go to connect-node ahead of Fastify.
    // Fastify's hooks do not see them: observeRpc gives them a request id, metrics and a log line.
    const zitadelRpc = observeRpc(createZitadelRpcHandler(o.core, o.logger, { trustProxy: o.config.trustProxy, limits }), {
      prefix: SERVICE_PREFIX,
      paths: RPC_PATHS,
      metrics: o.metrics,
      logger: o.logger,
      httpStatusOfGrpc: (code) => httpStatusOfCode[code as keyof typeof httpStatusOfCode],
    });
    const serve = (req: IncomingMessage, res: ServerResponse) => {
      if (!fast(req, res) && !zitadelRpc(req, res)) h(req, res);
    };
    // With tracing on, a span around every request of every path; off, `serve` itself, unchanged.
    const traced = o.tracing?.serve(serve as never, {
      posts: ['/v1/sessions/introspect'],
      rpcPrefix: SERVICE_PREFIX,
      rpcPaths: RPC_PATHS,
      httpStatusOfGrpc: (code) => httpStatusOfCode[code as keyof typeof httpStatusOfCode],
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

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'sessiond native API',
        version: o.version,
        description: 'Sessions, users, credentials and the session policy. Errors: {"error":{code,message,requestId,details[]}}.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'A credential secret (also accepted as `Api-Token <secret>` and `token <secret>`).' },
          consoleCookie: {
            type: 'apiKey',
            in: 'cookie',
            name: '__Host-sessiond-console',
            description:
              'The admin console session (`sessiond-console` when SESSIOND_CONSOLE_COOKIE_SECURE=false). It authenticates a /v1 call only together with the `X-Sessiond-Console` header.',
          },
        },
      },
      security: [{ bearer: [] }],
    },
    // Each /v1 route's `errors` become Error responses (src/surfaces/native/openapi.ts).
    transform: ({ schema, url }) => ({ schema: withErrorResponses(schema, url) as never, url }),
    // Shared schemas keep their $id as their name under components/schemas (`Error`, not `def-0`).
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  });

  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_req, reply) => {
    const ok = await o.core.store.ping();
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ready' : 'unavailable', storage: ok ? 'ok' : 'unreachable', ...o.core.store.health?.() });
  });
  app.get('/metrics', { schema: { hide: true } }, async (req, reply) => {
    if (o.config.metricsRequireCredential) await requireMetricsReader(o.core, req);
    await o.metrics.refresh(o.core.store);
    return reply.type(o.metrics.registry.contentType).send(await o.metrics.registry.metrics());
  });

  // Before any surface, so it runs ahead of their own hooks; an error it throws is shaped by the route's surface.
  addEdgeRateLimits(app, { core: o.core, limits });

  const consoleOn = o.config.console && !o.defaultAuth;
  await app.register(
    async (v1) =>
      nativeApi(v1 as App, {
        core: o.core,
        defaultAuth: o.defaultAuth ?? null,
        rateLimits: limits,
        recentSignIns: o.metrics.recentSignIns,
        consoleCookie: consoleOn ? { secure: o.config.consoleCookieSecure } : null,
      }),
    { prefix: '/v1' },
  );
  if (consoleOn) serveConsole(app, loadConsoleAssets());
  await app.register(
    async (lk) =>
      lookerApi(lk as App, {
        core: o.core,
        rateLimits: limits,
        defaultAuth: o.defaultAuth ?? null,
      }),
    { prefix: '/api/4.0' },
  );
  await app.register(async (dt) => dynatraceApi(dt as App, { core: o.core, defaultAuth: o.defaultAuth ?? null }), { prefix: '/api/cluster/v2' });
  await app.register(async (gql) => logscaleGraphql(gql as App, { core: o.core, defaultAuth: o.defaultAuth ?? null }));
  await app.register(async (z) => zitadelRest(z as App, { core: o.core, defaultAuth: o.defaultAuth ?? null, rateLimits: limits }), { prefix: '/v2/sessions' });
  app.get('/v1/openapi.json', { schema: { hide: true, response: { 200: Type.Any() } } }, async () => app.swagger());

  return { app, dual: () => dual };
}
