export { createZitadelRpcHandler, RPC_PATHS, SERVICE_PREFIX } from './connect.js';
export { zitadelRest } from './rest.js';
export { httpStatusOfCode, ZitadelSessionApi } from './service.js';
