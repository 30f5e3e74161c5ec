import { routeMissing } from '../../server/routes.js';
import type { Surface } from '../../server/surface.js';
import type { Formats } from '../shared/formats.js';
import { loginRoutes, logoutRoutes, PUBLIC_ROUTES } from './auth-routes.js';
import { API_PREFIX, sendLookerError } from './errors.js';
import { sessionConfigRoutes } from './session-config.js';
import type { LookerApp, LookerDeps } from './types.js';
import { userSessionRoutes } from './user-sessions.js';

export type { LookerDeps } from './types.js';

/**
 * Looker API 4.0 (CONTRACT §5), mounted under /api/4.0: session_config, login/logout and the
 * user-session endpoints, with Looker's error bodies. The rate limits (API by caller, login by
 * client IP) run at the edge (src/server/rate-limits.ts) and answer here in Looker's shape.
 */
export async function lookerApi(app: LookerApp, deps: LookerDeps) {
  // Bodies are JSON whatever Content-Type says (login has its own form parser); an empty body is no body.
  app.removeAllContentTypeParsers();
  const json = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('*', { parseAs: 'string' }, (req, body, done) => (body === '' ? done(null, undefined) : json(req, body as string, done)));

  app.setErrorHandler((err, req, reply) => sendLookerError(err, req, reply));
  app.setNotFoundHandler((req, reply) => sendLookerError(routeMissing(req), req, reply));

  // The caller, before the body is read: a bad credential is 401 whatever the body.
  app.addHook('onRequest', async (req) => {
    if (req.routeOptions.url !== undefined && PUBLIC_ROUTES.has(req.routeOptions.url)) return;
    req.auth = (await deps.auth.authenticate(req)) ?? deps.defaultAuth ?? null;
  });

  sessionConfigRoutes(app, deps);
  userSessionRoutes(app, deps);
  logoutRoutes(app, deps);
  await app.register(async (login) => loginRoutes(login as LookerApp, deps));
}

/** The Looker surface of one app. */
export function lookerSurface(formats: Formats): Surface {
  return {
    name: 'looker',
    prefix: API_PREFIX,
    errorPrefixes: [`${API_PREFIX}/`],
    errorHandler: sendLookerError,
    register: (app, ctx) => lookerApi(app, { ...ctx, formats }),
    edgeLimits: { [`POST ${API_PREFIX}/login`]: 'sign_in' },
  };
}
