import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import type { StoreSpans } from '../storage/instrumented.js';
import type { App, RawHandler, RpcRoutes } from './surface.js';

/** Requests answered ahead of Fastify, whose route the span cannot learn from Fastify's router (the surfaces name them). */
export interface RoutesAheadOfFastify {
  /** Exact paths served (also) ahead of Fastify for POST: the fast introspection path. */
  posts: readonly string[];
  /** RPC services (ZITADEL's): the prefix, the known method paths, and the HTTP status of a gRPC status (trailer). */
  rpcs: readonly Omit<RpcRoutes, 'handler'>[];
}

/**
 * OpenTelemetry traces, when on (`createTracing`): otherwise there is no such object at all, and
 * every place that would trace takes its untraced path, chosen once at start.
 */
export interface Tracing {
  /**
   * The server's request handler with a server span per request (every surface: Fastify's routes,
   * the fast introspection path, ZITADEL's RPCs), joined to the caller's trace by `traceparent`.
   */
  serve(handler: RawHandler, routes: RoutesAheadOfFastify): RawHandler;
  /** A root Fastify hook: the route pattern names the span. */
  instrument(app: App): void;
  /** Child spans of the current request's span around store calls (src/storage/instrumented.ts). */
  storeSpans(dbSystem: string): StoreSpans;
  /** Exports what is buffered and stops; waits at most `timeoutMs`. */
  shutdown(timeoutMs: number): Promise<void>;
}

/** Where spans go, or null when tracing is off (`SESSIOND_OTEL_TRACES` and the standard OTLP variables). */
export function tracesEndpoint(c: Pick<Config, 'otelTraces' | 'otlpTracesEndpoint' | 'otlpEndpoint' | 'otelSdkDisabled'>): string | null {
  if (c.otelTraces === 'off') return null;
  const given = c.otlpTracesEndpoint ?? (c.otlpEndpoint ? `${c.otlpEndpoint.replace(/\/+$/, '')}/v1/traces` : null);
  if (c.otelTraces === 'otlp') return given ?? 'http://localhost:4318/v1/traces';
  return given && !c.otelSdkDisabled ? given : null;
}

/**
 * The tracing of one app, or null when off. The OpenTelemetry SDK and exporter are imported only
 * here and only when on, so a server without tracing neither loads nor runs any of it.
 */
export async function createTracing(config: Config, o: { version: string; logger: Logger }): Promise<Tracing | null> {
  const url = tracesEndpoint(config);
  if (!url) return null;
  const { openTelemetryTracing } = await import('./tracing-otel.js');
  const shown = new URL(url);
  shown.username = '';
  shown.password = ''; // a receiver's credentials in the URL stay out of the log
  o.logger.info({ endpoint: shown.href, serviceName: config.otelServiceName }, 'OpenTelemetry traces on: spans go over OTLP/HTTP (JSON)');
  return openTelemetryTracing({ url, serviceName: config.otelServiceName, version: o.version, logger: o.logger });
}
