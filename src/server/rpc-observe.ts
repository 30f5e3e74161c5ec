import { randomUUID } from 'node:crypto';
import type { OutgoingHttpHeaders } from 'node:http';
import type { Logger } from 'pino';
import type { Metrics } from './metrics.js';
import type { AheadHandler } from './surface.js';

/** What Fastify and the fast path accept from X-Request-Id; anything else gets a fresh UUID. */
export const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Gives requests served ahead of Fastify (ZITADEL's RPCs through connect-node) what Fastify
 * gives the others: a request id (X-Request-Id when valid, else generated) echoed in the
 * X-Request-Id response header and handed on in the request headers (the handler's log lines
 * carry it), the request counter and latency histogram, and a log line (debug; warn from 500).
 * `paths` are the known RPC paths (the route label); any other path under `prefix` is `unmatched`.
 * gRPC answers HTTP 200 and puts its status in the trailers: that status, mapped by
 * `httpStatusOfGrpc`, is the one counted.
 */
export function observeRpc(
  handler: AheadHandler,
  o: { prefix: string; paths: readonly string[]; metrics: Metrics; logger: Logger; httpStatusOfGrpc: (code: number) => number | undefined },
): AheadHandler {
  const known = new Set(o.paths);
  return (req, res) => {
    const url = req.url;
    if (!url?.startsWith(o.prefix)) return false;
    const started = performance.now();
    const given = req.headers['x-request-id'];
    const requestId = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    req.headers['x-request-id'] = requestId;
    res.setHeader('x-request-id', requestId);
    let grpcStatus: string | undefined;
    // connect-node sends a gRPC status as a trailer; it is only visible on its way out.
    const addTrailers = res.addTrailers.bind(res) as (t: OutgoingHttpHeaders) => void;
    res.addTrailers = ((t: OutgoingHttpHeaders) => {
      const s = t['grpc-status'];
      if (s !== undefined) grpcStatus = String(s);
      addTrailers(t);
    }) as typeof res.addTrailers;
    let counted = false;
    const count = () => {
      if (counted) return;
      counted = true;
      const path = url.split('?')[0] ?? url;
      const route = known.has(path) ? path : 'unmatched';
      const status = (grpcStatus !== undefined ? o.httpStatusOfGrpc(Number(grpcStatus)) : undefined) ?? res.statusCode;
      const seconds = (performance.now() - started) / 1000;
      o.metrics.requests.inc({ route, method: req.method ?? 'POST', status: String(status) });
      o.metrics.latency.observe({ route }, seconds);
      const line = { reqId: requestId, route, status, ...(grpcStatus !== undefined ? { grpcStatus } : {}), ms: seconds * 1000 };
      if (status >= 500) o.logger.warn(line, 'request failed');
      else o.logger.debug(line, 'request');
    };
    res.once('finish', count);
    res.once('close', count);
    handler(req, res);
    return true;
  };
}
