import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Static } from 'typebox';
import type { AuthContext } from '../../core/auth.js';
import { authenticate } from '../../server/auth.js';
import { sendError, toWireError, type WireError } from '../../server/errors.js';
import { jsonBody } from '../../server/json-body.js';
import { routeMissing } from '../../server/routes.js';
import { adminRoutes } from './admin-routes.js';
import { consoleAuth, consoleRoutes } from './console-routes.js';
import { ErrorSchema } from './openapi.js';
import { sessionRoutes } from './session-routes.js';
import type { App, SurfaceDeps } from './types.js';
import { userRoutes } from './user-routes.js';
import type { ErrorView } from './views.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated caller, or null when no Authorization header was sent. */
    auth: AuthContext | null;
  }
}

/** The native error body: one shape for all of /v1. */
export const nativeErrorBody = (w: WireError, requestId: string): Static<typeof ErrorView> => ({
  error: { code: w.code, message: w.message, requestId, details: w.issues },
});

/** Every error of the native API leaves in its one shape (also used for the framework's own URL errors). */
export function nativeErrorHandler(err: unknown, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const w = toWireError(err, req);
  if (w.status === 401) void reply.header('www-authenticate', bearerChallenge(req, w));
  return sendError(reply, w, nativeErrorBody(w, req.id));
}

/**
 * RFC 6750's challenge: which scheme and realm to authenticate with, and `invalid_token` when a
 * credential was sent and refused. A refused sign-in (wrong password) has no credential to blame:
 * the same challenge whether the account exists or not.
 */
function bearerChallenge(req: FastifyRequest, w: WireError): string {
  return w.code === 'unauthenticated' && req.headers.authorization !== undefined ? 'Bearer realm="sessiond", error="invalid_token"' : 'Bearer realm="sessiond"';
}

/** sessiond's own API under /v1 (CONTRACT §4). */
export async function nativeApi(app: App, deps: SurfaceDeps) {
  // The native API takes JSON only: without Fastify's default text/plain parser, any other
  // body type gets 415 unsupported_media_type (this plugin's scope only; other surfaces keep theirs).
  app.removeContentTypeParser(['text/plain', 'application/json']);
  app.addContentTypeParser('application/json', { parseAs: 'string' }, jsonBody(app));
  app.addHook('preHandler', async (req) => {
    const cookie = deps.consoleCookie;
    req.auth =
      (await authenticate(deps.core, req)) ?? (cookie && !isConsoleSignIn(req) ? await consoleAuth(req, deps, cookie) : null) ?? deps.defaultAuth ?? null;
  });
  app.setErrorHandler(nativeErrorHandler);
  // The OpenAPI document's error responses refer to it (src/surfaces/native/openapi.ts).
  app.addSchema(ErrorSchema);
  app.setNotFoundHandler((req, reply) => nativeErrorHandler(routeMissing(req), req, reply));
  sessionRoutes(app, deps);
  userRoutes(app, deps);
  adminRoutes(app, deps);
  if (deps.consoleCookie) consoleRoutes(app, deps, deps.consoleCookie);
}

/** Signing in to the console must work whatever stale cookie the browser still holds. */
const isConsoleSignIn = (req: FastifyRequest) => req.method === 'POST' && req.routeOptions.url === '/v1/console/session';
