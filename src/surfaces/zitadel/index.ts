export { createZitadelRpcHandler, SERVICE_PREFIX } from './connect.js';
export { zitadelRest } from './rest.js';
export { ZitadelSessionApi } from './service.js';
