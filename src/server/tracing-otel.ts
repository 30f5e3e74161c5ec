import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { OutgoingHttpHeaders } from 'node:http';
import {
  type Attributes,
  type Context,
  createTraceState,
  isValidSpanId,
  isValidTraceId,
  ROOT_CONTEXT,
  type Span,
  type SpanContext,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { defaultResource, detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_REQUEST_METHOD_ORIGINAL,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_SERVICE_NAME,
  ATTR_SERVICE_VERSION,
  ATTR_URL_PATH,
  ATTR_URL_SCHEME,
} from '@opentelemetry/semantic-conventions';
import type { Logger } from 'pino';
import { DomainError } from '../core/errors.js';
import { REQUEST_ID } from './rpc-observe.js';
import type { RawRequest } from './surface.js';
import type { Tracing } from './tracing.js';

// Loaded only when tracing is on (src/server/tracing.ts). Spans carry what identifies a request
// (method, route pattern, path without the query, status, request id) and nothing a client sent
// as a secret: no headers, no query, no body, no error messages.

/** The request id, as X-Request-Id and the error bodies carry it. */
export const ATTR_REQUEST_ID = 'sessiond.request_id';
const METHODS = new Set(['CONNECT', 'DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT', 'TRACE', 'QUERY']);
const MAX_PATH = 1024;
/** How often a failing export is logged again (it fails on every batch while the receiver is away). */
const EXPORT_WARNING_EVERY_MS = 60_000;

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

/**
 * The caller's span from a W3C Trace Context `traceparent` (and `tracestate`), or null when
 * absent or malformed (then the request starts a new trace). Version 00 allows nothing after the
 * flags; later versions may append fields, which are ignored; version ff and all-zero ids are invalid.
 */
export function parseTraceparent(header: unknown, state?: unknown): SpanContext | null {
  if (typeof header !== 'string' || header.length > 512) return null;
  const m = TRACEPARENT.exec(header.trim());
  if (!m) return null;
  const [, version, traceId = '', spanId = '', flags = '00', rest] = m;
  if (version === 'ff' || (version === '00' && rest !== undefined)) return null;
  if (!isValidTraceId(traceId) || !isValidSpanId(spanId)) return null;
  const parent: SpanContext = { traceId, spanId, traceFlags: Number.parseInt(flags, 16), isRemote: true };
  if (typeof state === 'string' && state.length <= 512) parent.traceState = createTraceState(state);
  return parent;
}

/** A span and the context that makes it the parent of what runs in it. */
interface Current {
  span: Span;
  context: Context;
}

/** Tracing through the OpenTelemetry SDK: spans batched and posted to `url` over OTLP/HTTP (JSON). */
export function openTelemetryTracing(o: { url: string; serviceName: string; version: string; logger: Logger }): Tracing {
  const resource = defaultResource()
    .merge(detectResources({ detectors: [envDetector] }))
    .merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: o.serviceName, [ATTR_SERVICE_VERSION]: o.version }));
  const exporter = new ReportingExporter(new OTLPTraceExporter({ url: o.url }), o.logger);
  // The provider reads the standard sampler and batch variables; the default sampler follows the
  // caller's sampled flag and samples every new trace. Nothing is registered globally.
  const provider = new BasicTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(exporter)] });
  const tracer = provider.getTracer('sessiond', o.version);
  // The request being served, for the store spans below: per app, not a process global.
  const current = new AsyncLocalStorage<Current>();
  const byRequest = new WeakMap<RawRequest, Current>();

  return {
    serve(handler, routes) {
      const posts = new Set(routes.posts);
      const rpcs = routes.rpcs.map((r) => ({ ...r, paths: new Set(r.paths) }));
      return (req, res) => {
        const rawMethod = req.method ?? 'GET';
        const method = METHODS.has(rawMethod) ? rawMethod : '_OTHER';
        const url = req.url ?? '/';
        const q = url.indexOf('?');
        const path = q === -1 ? url : url.slice(0, q);
        const rpc = rpcs.find((r) => path.startsWith(r.prefix));
        // Fastify's routes are named by its router (instrument); these never reach it.
        const route = rpc ? (rpc.paths.has(path) ? path : null) : method === 'POST' && posts.has(path) ? path : null;
        // One request id for the span and for whichever path serves the request (each takes a valid X-Request-Id as given).
        const given = req.headers['x-request-id'];
        const requestId = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
        req.headers['x-request-id'] = requestId;
        const attributes: Attributes = {
          [ATTR_HTTP_REQUEST_METHOD]: method,
          [ATTR_URL_PATH]: path.slice(0, MAX_PATH),
          [ATTR_URL_SCHEME]: 'http',
          'network.protocol.version': req.httpVersion === '2.0' ? '2' : req.httpVersion,
          [ATTR_REQUEST_ID]: requestId,
        };
        if (route) attributes[ATTR_HTTP_ROUTE] = route;
        if (method === '_OTHER') attributes[ATTR_HTTP_REQUEST_METHOD_ORIGINAL] = rawMethod.slice(0, 64);
        const parent = parseTraceparent(req.headers.traceparent, req.headers.tracestate);
        const span = tracer.startSpan(
          spanName(method, route),
          { kind: SpanKind.SERVER, attributes },
          parent ? trace.setSpanContext(ROOT_CONTEXT, parent) : ROOT_CONTEXT,
        );
        const here: Current = { span, context: trace.setSpan(ROOT_CONTEXT, span) };
        byRequest.set(req, here);
        let grpcStatus: number | undefined;
        if (rpc) {
          // A gRPC status travels in the trailers (HTTP says 200).
          const addTrailers = res.addTrailers.bind(res) as (t: OutgoingHttpHeaders) => void;
          res.addTrailers = ((t: OutgoingHttpHeaders) => {
            if (t['grpc-status'] !== undefined) grpcStatus = Number(t['grpc-status']);
            addTrailers(t);
          }) as typeof res.addTrailers;
        }
        let ended = false;
        const end = () => {
          if (ended) return;
          ended = true;
          // A request the client abandoned before any answer has no status.
          if (res.headersSent) span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, res.statusCode);
          if (grpcStatus !== undefined) span.setAttribute('rpc.grpc.status_code', grpcStatus);
          const status = (grpcStatus !== undefined ? rpc?.httpStatusOfGrpc(grpcStatus) : undefined) ?? (res.headersSent ? res.statusCode : 0);
          if (status >= 500) {
            span.setAttribute(ATTR_ERROR_TYPE, String(status));
            span.setStatus({ code: SpanStatusCode.ERROR });
          }
          span.end();
        };
        res.once('finish', end);
        res.once('close', end);
        current.run(here, handler, req, res);
      };
    },

    instrument(app) {
      app.addHook('onRequest', (req, _reply, done) => {
        const here = byRequest.get(req.raw);
        const route = req.routeOptions.url;
        if (here && route) {
          here.span.updateName(spanName(METHODS.has(req.method) ? req.method : '_OTHER', route));
          here.span.setAttribute(ATTR_HTTP_ROUTE, route);
        }
        done();
      });
      // No hook needed to make the span current for the handler: Fastify parses the body in an
      // AsyncResource of the request, so the context entered in `serve` survives a body that
      // arrives after the headers (test/tracing.test.ts sends one).
    },

    storeSpans(dbSystem) {
      const kind = dbSystem === 'sqlite' ? SpanKind.INTERNAL : SpanKind.CLIENT;
      return {
        start(op) {
          // Only inside a traced request: background work (activity flushes, the sweep) makes no traces.
          const here = current.getStore();
          if (!here) return null;
          const span = tracer.startSpan(`store ${op}`, { kind, attributes: { 'db.system.name': dbSystem, 'db.operation.name': op } }, here.context);
          return (error) => {
            // As the store metrics count errors: answers such as "already exists" are not failures.
            if (error !== undefined && !(error instanceof DomainError && error.code !== 'unavailable' && error.code !== 'internal')) {
              span.setAttribute(ATTR_ERROR_TYPE, error instanceof DomainError ? error.code : 'internal');
              span.setStatus({ code: SpanStatusCode.ERROR });
            }
            span.end();
          };
        },
      };
    },

    async shutdown(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
        timer.unref();
      });
      await Promise.race([provider.shutdown().catch((err: unknown) => o.logger.warn({ err }, 'exporting the last spans failed')), late]);
      clearTimeout(timer);
    },
  };
}

/** `METHOD route` (semantic conventions); without a route only the method, `HTTP` for unknown methods. */
const spanName = (method: string, route: string | null) => (method === '_OTHER' ? (route ? `HTTP ${route}` : 'HTTP') : route ? `${method} ${route}` : method);

type ExportDone = Parameters<SpanExporter['export']>[1];

/** The OTLP exporter, with failed exports logged (the SDK would only tell its global diagnostic logger). */
class ReportingExporter implements SpanExporter {
  private warnedAtMs = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly inner: SpanExporter,
    private readonly logger: Logger,
  ) {}

  export(spans: ReadableSpan[], done: ExportDone): void {
    this.inner.export(spans, (result) => {
      // 0 is ExportResultCode.SUCCESS (@opentelemetry/core, not a dependency of ours).
      if (result.code !== 0 && Date.now() - this.warnedAtMs >= EXPORT_WARNING_EVERY_MS) {
        this.warnedAtMs = Date.now();
        this.logger.warn({ spans: spans.length, reason: result.error?.message }, 'exporting spans failed (OTLP); spans are dropped meanwhile');
      }
      done(result);
    });
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}
