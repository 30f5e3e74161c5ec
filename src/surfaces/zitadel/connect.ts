import type http from 'node:http';
import type http2 from 'node:http2';
import { TextDecoder } from 'node:util';
import { Code, type ConnectRouter, createContextKey, createContextValues, type HandlerContext } from '@connectrpc/connect';
import { codeToString } from '@connectrpc/connect/protocol-connect';
import { connectNodeAdapter } from '@connectrpc/connect-node';
import { SessionService } from '@zitadel/proto/zitadel/session/v2/session_service_pb.js';
import type { Logger } from 'pino';
import type { Core } from '../../core/index.js';
import { secretFromHeader } from '../../server/auth.js';
import { logFailure } from '../../server/errors.js';
import { callerKey, type RateLimits } from '../../server/rate-limits.js';
import { NO_PROXY, type ProxyTrust } from '../shared/proxy-trust.js';
import { type CallInfo, httpStatusOfCode, toConnectError, ZitadelSessionApi, zitadelError } from './service.js';

/** Path prefix of the service's RPCs (Connect, gRPC and gRPC-Web all use `/<service>/<method>`). */
export const SERVICE_PREFIX = `/${SessionService.typeName}/`;
/** The path of each RPC of the service. */
export const RPC_PATHS: readonly string[] = SessionService.methods.map((m) => `${SERVICE_PREFIX}${m.name}`);

/** Request body limit of one RPC message (the messages of this service are small). */
const READ_MAX_BYTES = 1_048_576;

/**
 * JSON messages: unknown fields are ignored, as connect's default and ZITADEL's own Connect server
 * (connect-go) do, so newer clients keep working (the REST mapping refuses them, docs/compat-zitadel.md);
 * bytes that are not UTF-8 are refused, where connect's default decoder would read U+FFFD.
 * (`textDecoder` is passed on to connect's JSON serialization, though its option type omits it.)
 */
const JSON_OPTIONS = { ignoreUnknownFields: true, textDecoder: new TextDecoder('utf-8', { fatal: true }) };

/** Content types of the three protocols (Connect unary and streaming, gRPC, gRPC-Web). */
const RPC_CONTENT_TYPE = /^application\/(json|proto|connect\+(json|proto)|grpc(-web(-text)?)?(\+(json|proto))?)\s*(;\s*charset=utf-8\s*)?$/i;

interface Refusal {
  status: number;
  code: string;
  message: string;
  headers?: Record<string, string>;
}

/** What connect would refuse with an empty body (unknown method 404, not POST 405, another content type 415), or null. */
function refusalOf(req: Req): Refusal | null {
  const path = req.url?.split('?')[0] ?? '';
  if (!RPC_PATHS.includes(path)) return { status: 404, code: 'unimplemented', message: `${path.slice(0, 200)} is not a method of ${SessionService.typeName}` };
  if (req.method !== 'POST')
    return { status: 405, code: 'unimplemented', message: 'the methods of this service are called with POST', headers: { allow: 'POST' } };
  const type = req.headers['content-type'] ?? '';
  if (!RPC_CONTENT_TYPE.test(type)) {
    return {
      status: 415,
      code: 'invalid_argument',
      message: 'unsupported content type: send application/json or application/proto (Connect), application/grpc or application/grpc-web',
    };
  }
  return null;
}

/** Answers a refusal in Connect's JSON error shape. */
function refuse(res: Res, r: Refusal): void {
  const body = JSON.stringify({ code: r.code, message: r.message });
  res.writeHead(r.status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...r.headers });
  res.end(body);
}

const kRemote = createContextKey<string | null>(null, { description: 'remote address' });

type Req = http.IncomingMessage | http2.Http2ServerRequest;
type Res = http.ServerResponse | http2.Http2ServerResponse;

/**
 * The SessionService over the Connect protocol, gRPC and gRPC-Web, for the dual listener:
 * returns a function that serves the request when its path is one of the service's and
 * answers whether it did. connect-node's adapter takes both HTTP/1.1 and HTTP/2 request
 * objects, so gRPC (which needs HTTP/2 trailers) works over the h2c side of the same port.
 * Fastify's hooks do not run here: the API rate limit is counted per call (by credential, a bad
 * one by client IP, before the 401), and `proxy` takes the client IP from X-Forwarded-For.
 */
export function createZitadelRpcHandler(core: Core, log?: Logger, o: { proxy?: ProxyTrust; limits?: RateLimits | null } = {}): (req: Req, res: Res) => boolean {
  const limits = o.limits ?? null;
  const proxy = o.proxy ?? NO_PROXY;
  const api = new ZitadelSessionApi(core, limits);

  /** The caller of a request, and its API budget spent (throws rate_limited past it). */
  const counted = async (header: string | null, ip: string | null) => {
    let auth = null;
    if (header !== null) {
      const secret = secretFromHeader(header);
      auth = secret ? await core.credentials.authenticate(secret) : null;
    }
    if (limits?.api) await limits.api.take(callerKey(auth, ip));
    return auth;
  };
  const call = async (ctx: HandlerContext): Promise<CallInfo> => {
    const header = ctx.requestHeader.get('authorization');
    const ip = ctx.values.get(kRemote);
    const auth = await counted(header, ip);
    if (header !== null && !auth) throw zitadelError(Code.Unauthenticated, 'SESSIOND-unauthenticated', 'the credential is not valid');
    return { auth, client: { ip, userAgent: ctx.requestHeader.get('user-agent') } };
  };
  const wrap =
    <I, O>(fn: (req: I, c: CallInfo) => Promise<O>) =>
    async (req: I, ctx: HandlerContext): Promise<O> => {
      try {
        return await fn(req, await call(ctx));
      } catch (err) {
        const ce = toConnectError(err);
        // The listener put the request id in the request headers (src/server/rpc-observe.ts).
        if (log && httpStatusOfCode[ce.code] >= 500) logFailure(log, err, ctx.requestHeader.get('x-request-id') ?? undefined);
        throw ce;
      }
    };

  const handler = connectNodeAdapter({
    readMaxBytes: READ_MAX_BYTES,
    jsonOptions: JSON_OPTIONS,
    contextValues: (req) => createContextValues().set(kRemote, proxy.clientIp(req)),
    routes: (router: ConnectRouter) => {
      router.service(SessionService, {
        createSession: wrap((r, c) => api.createSession(r, c)),
        setSession: wrap((r, c) => api.setSession(r, c)),
        getSession: wrap((r, c) => api.getSession(r, c)),
        listSessions: wrap((r, c) => api.listSessions(r, c)),
        deleteSession: wrap((r, c) => api.deleteSession(r, c)),
      });
    },
  });

  return (req, res) => {
    if (!req.url?.startsWith(SERVICE_PREFIX)) return false;
    const refusal = refusalOf(req);
    if (!refusal) handler(req as never, res as never);
    else if (!limits?.api) refuse(res, refusal);
    else {
      // Past the API limit every request is a 429, even one connect would refuse (as on the Fastify surfaces).
      const header = req.headers.authorization;
      const reqId = String(req.headers['x-request-id'] ?? '');
      void counted(typeof header === 'string' ? header : null, proxy.clientIp(req))
        .then(
          () => refuse(res, refusal),
          (err: unknown) => {
            const ce = toConnectError(err);
            if (httpStatusOfCode[ce.code] >= 500 && log) logFailure(log, err, reqId);
            const retryAfter = ce.metadata.get('retry-after');
            refuse(res, {
              status: httpStatusOfCode[ce.code],
              code: codeToString(ce.code),
              message: ce.rawMessage,
              ...(retryAfter ? { headers: { 'retry-after': retryAfter } } : {}),
            });
          },
        )
        .catch((err: unknown) => {
          // Answering failed (the response was already gone): log it and drop the connection, never an unhandled rejection.
          if (log) logFailure(log, err, reqId);
          res.destroy();
        });
    }
    return true;
  };
}
