import rateLimit from '@fastify/rate-limit';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '../../core/errors.js';
import { authenticate } from '../../server/auth.js';
import { loginRoutes, logoutRoutes, PUBLIC_ROUTES } from './auth-routes.js';
import { sendLookerError } from './errors.js';
import { sessionConfigRoutes } from './session-config.js';
import type { LookerApp, LookerDeps } from './types.js';
import { userSessionRoutes } from './user-sessions.js';

export type { LookerDeps } from './types.js';

/**
 * Looker API 4.0 (CONTRACT §5), mounted under /api/4.0: session_config, login/logout and the
 * user-session endpoints, with Looker's error bodies and a per-caller rate limit.
 */
export async function lookerApi(app: LookerApp, deps: LookerDeps) {
  // Bodies are JSON whatever Content-Type says (login has its own form parser); an empty body is no body.
  app.removeAllContentTypeParsers();
  const json = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('*', { parseAs: 'string' }, (req, body, done) => (body === '' ? done(null, undefined) : json(req, body as string, done)));

  app.setErrorHandler((err, req, reply) => sendLookerError(err, req, reply));
  app.setNotFoundHandler((req, reply) => sendLookerError(new DomainError('not_found', 'Not found'), req, reply));

  // The caller is resolved first so the rate limit can count per credential; a bad credential
  // is answered (401) only after the limit has counted it, by the caller's IP.
  const authFailures = new WeakMap<FastifyRequest, unknown>();
  app.addHook('onRequest', async (req) => {
    if (req.routeOptions.url !== undefined && PUBLIC_ROUTES.has(req.routeOptions.url)) return;
    try {
      req.auth = (await authenticate(deps.core, req)) ?? deps.defaultAuth ?? null;
    } catch (err) {
      authFailures.set(req, err);
    }
  });
  if (deps.rateLimitPerMinute > 0) {
    await app.register(rateLimit, {
      max: deps.rateLimitPerMinute,
      timeWindow: 60_000,
      hook: 'onRequest', // route-level: runs after the authentication hook above
      cache: 10_000,
      // With Redis: counted across nodes (falling back to this process while Redis fails).
      ...(deps.rateLimitStore ? { store: deps.rateLimitStore } : {}),
      keyGenerator: (req) => (req.auth?.credentialId ? `credential:${req.auth.credentialId}` : `ip:${req.ip}`),
      errorResponseBuilder: (_req, ctx) => new DomainError('rate_limited', 'Too Many Requests', [], Math.max(1, Math.ceil(ctx.ttl / 1000))),
    });
  }
  app.addHook('preParsing', async (req) => {
    const failure = authFailures.get(req);
    if (failure !== undefined) throw failure;
  });

  sessionConfigRoutes(app, deps);
  userSessionRoutes(app, deps);
  logoutRoutes(app, deps);
  await app.register(async (login) => loginRoutes(login as LookerApp, deps));
}
