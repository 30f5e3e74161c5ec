import type { FastifyRequest } from 'fastify';
import { consoleServed } from '../../server/console-assets.js';
import { jsonBody } from '../../server/json-body.js';
import { routeMissing } from '../../server/routes.js';
import type { App, Surface, SurfaceContext } from '../../server/surface.js';
import type { Formats } from '../shared/formats.js';
import { adminRoutes } from './admin-routes.js';
import { answerTemplates } from './answer-template.js';
import { consoleAuth, consoleRoutes } from './console-routes.js';
import { nativeErrorHandler } from './errors.js';
import { createFastIntrospect, INTROSPECT_ROUTE } from './fast-introspect.js';
import { ErrorSchema, nativeOpenApi } from './openapi.js';
import { createSessionGets, FORWARD_AUTH_ROUTE, type SessionGets, sessionGetRoutes, WHOAMI_ROUTE } from './session-gets.js';
import { sessionRoutes } from './session-routes.js';
import type { NativeDeps } from './types.js';
import { userRoutes } from './user-routes.js';
import { nativeViews } from './views.js';

/** sessiond's own API under /v1 (CONTRACT §4). */
export async function nativeApi(app: App, deps: NativeDeps) {
  // The native API takes JSON only: without Fastify's default text/plain parser, any other
  // body type gets 415 unsupported_media_type (this plugin's scope only; other surfaces keep theirs).
  app.removeContentTypeParser(['text/plain', 'application/json']);
  app.addContentTypeParser('application/json', { parseAs: 'string' }, jsonBody(app));
  app.addHook('preHandler', async (req) => {
    const cookie = deps.consoleCookie;
    req.auth =
      (await deps.auth.authenticate(req)) ?? (cookie && !isConsoleSignIn(req) ? await consoleAuth(req, deps, cookie) : null) ?? deps.defaultAuth ?? null;
  });
  app.setErrorHandler(nativeErrorHandler);
  // The OpenAPI document's error responses refer to it (src/surfaces/native/openapi.ts).
  app.addSchema(ErrorSchema);
  app.setNotFoundHandler((req, reply) => nativeErrorHandler(routeMissing(req), req, reply));
  sessionRoutes(app, deps);
  sessionGetRoutes(app, deps.sessionGets);
  userRoutes(app, deps);
  adminRoutes(app, deps);
  if (deps.consoleCookie) consoleRoutes(app, deps, deps.consoleCookie);
}

/** Signing in to the console must work whatever stale cookie the browser still holds. */
const isConsoleSignIn = (req: FastifyRequest) => req.method === 'POST' && req.routeOptions.url === '/v1/console/session';

/**
 * The native surface of one app: /v1, its OpenAPI document, and the validation fast path ahead
 * of Fastify, which answers with the same views (and this app's answer templates).
 */
export function nativeSurface(formats: Formats): Surface {
  const views = nativeViews(formats);
  let templates: ReturnType<typeof answerTemplates> | null = null;
  const activeAnswerText = () => (templates ??= answerTemplates(views.introspectionAnswer, formats.isoTime));
  // One per app, shared by the routes ahead of Fastify and their Fastify routes.
  let gets: SessionGets | null = null;
  const getsOf = (ctx: SurfaceContext) => (gets ??= createSessionGets(ctx, { activeAnswerText: activeAnswerText(), isoTime: formats.isoTime }));
  return {
    name: 'native',
    prefix: '/v1',
    errorHandler: nativeErrorHandler,
    register: (app, ctx) =>
      nativeApi(app, {
        ...ctx,
        formats,
        views,
        consoleCookie: consoleServed(ctx.config, ctx.defaultAuth) ? { secure: ctx.config.consoleCookieSecure } : null,
        sessionGets: getsOf(ctx),
      }),
    ahead: (ctx) => {
      const introspect = createFastIntrospect(ctx, { introspectionAnswer: views.introspectionAnswer, activeAnswerText: activeAnswerText() });
      const gets = getsOf(ctx);
      return (req, res) => gets.ahead(req, res) || introspect(req, res);
    },
    aheadPosts: [INTROSPECT_ROUTE],
    openapi: nativeOpenApi,
    edgeLimits: {
      'POST /v1/sessions': 'sign_in',
      'POST /v1/sessions/password': 'sign_in',
      'POST /v1/console/session': 'sign_in',
      [`POST ${INTROSPECT_ROUTE}`]: 'introspect',
      // The checks by GET apply the introspection limit themselves (session-gets.ts).
      ...Object.fromEntries(['GET', 'HEAD'].map((m) => [`${m} ${WHOAMI_ROUTE}`, 'none'] as const)),
      ...Object.fromEntries(
        ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'].flatMap((m) => [
          [`${m} ${FORWARD_AUTH_ROUTE}`, 'none'],
          [`${m} ${FORWARD_AUTH_ROUTE}/*`, 'none'],
        ]),
      ),
    },
  };
}
