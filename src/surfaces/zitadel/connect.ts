import type http from 'node:http';
import type http2 from 'node:http2';
import { Code, type ConnectRouter, createContextKey, createContextValues, type HandlerContext } from '@connectrpc/connect';
import { connectNodeAdapter } from '@connectrpc/connect-node';
import { SessionService } from '@zitadel/proto/zitadel/session/v2/session_service_pb.js';
import type { Logger } from 'pino';
import type { Core } from '../../core/index.js';
import { secretFromHeader } from '../../server/auth.js';
import { type CallInfo, toConnectError, ZitadelSessionApi, zitadelError } from './service.js';

/** Path prefix of the service's RPCs (Connect, gRPC and gRPC-Web all use `/<service>/<method>`). */
export const SERVICE_PREFIX = `/${SessionService.typeName}/`;

/** Request body limit of one RPC message (the messages of this service are small). */
const READ_MAX_BYTES = 1_048_576;

const kRemote = createContextKey<string | null>(null, { description: 'remote address' });

type Req = http.IncomingMessage | http2.Http2ServerRequest;
type Res = http.ServerResponse | http2.Http2ServerResponse;

/**
 * The SessionService over the Connect protocol, gRPC and gRPC-Web, for the dual listener:
 * returns a function that serves the request when its path is one of the service's and
 * answers whether it did. connect-node's adapter takes both HTTP/1.1 and HTTP/2 request
 * objects, so gRPC (which needs HTTP/2 trailers) works over the h2c side of the same port.
 */
export function createZitadelRpcHandler(core: Core, log?: Logger): (req: Req, res: Res) => boolean {
  const api = new ZitadelSessionApi(core);
  const logInternal = (err: unknown) => log?.error({ err }, 'zitadel rpc: unhandled error');

  const call = async (ctx: HandlerContext): Promise<CallInfo> => {
    const header = ctx.requestHeader.get('authorization');
    let auth = null;
    if (header !== null) {
      const secret = secretFromHeader(header);
      auth = secret ? await core.credentials.authenticate(secret) : null;
      if (!auth) throw zitadelError(Code.Unauthenticated, 'SESSIOND-unauthenticated', 'the credential is not valid');
    }
    return { auth, client: { ip: ctx.values.get(kRemote), userAgent: ctx.requestHeader.get('user-agent') } };
  };
  const wrap =
    <I, O>(fn: (req: I, c: CallInfo) => Promise<O>) =>
    async (req: I, ctx: HandlerContext): Promise<O> => {
      try {
        return await fn(req, await call(ctx));
      } catch (err) {
        throw toConnectError(err, logInternal);
      }
    };

  const handler = connectNodeAdapter({
    readMaxBytes: READ_MAX_BYTES,
    contextValues: (req) => createContextValues().set(kRemote, req.socket?.remoteAddress ?? null),
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
    handler(req as never, res as never);
    return true;
  };
}
