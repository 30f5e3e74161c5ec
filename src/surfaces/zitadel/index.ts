import type { Surface } from '../../server/surface.js';
import { proxyTrust } from '../shared/proxy-trust.js';
import { createZitadelRpcHandler, RPC_PATHS, SERVICE_PREFIX } from './connect.js';
import { zitadelRest, zitadelRestErrorHandler } from './rest.js';
import { httpStatusOfCode } from './service.js';

const REST_PREFIX = '/v2/sessions';

/** ZITADEL's session service: the REST mapping under /v2/sessions, and its Connect/gRPC/gRPC-Web RPCs ahead of Fastify. */
export const zitadelSurface: Surface = {
  name: 'zitadel',
  prefix: REST_PREFIX,
  errorPrefixes: [REST_PREFIX],
  errorHandler: zitadelRestErrorHandler,
  register: (app, ctx) => zitadelRest(app, ctx),
  rpc: {
    prefix: SERVICE_PREFIX,
    paths: RPC_PATHS,
    httpStatusOfGrpc: (code) => httpStatusOfCode[code as keyof typeof httpStatusOfCode],
    handler: (ctx) => createZitadelRpcHandler(ctx.core, ctx.logger, { proxy: proxyTrust(ctx.config.trustProxy), limits: ctx.rateLimits }),
  },
};
