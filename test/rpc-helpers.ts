import type { Interceptor } from '@connectrpc/connect';

/** A Connect interceptor that sends `token` as the bearer credential (what @zitadel/client's transports do themselves). */
export const bearer =
  (token: string): Interceptor =>
  (next) =>
  (req) => {
    req.header.set('authorization', `Bearer ${token}`);
    return next(req);
  };
