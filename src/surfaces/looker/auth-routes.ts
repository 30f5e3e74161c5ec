import { DomainError } from '../../core/errors.js';
import { secretFromHeader } from '../../server/auth.js';
import { accountKey, limitSignIn } from '../../server/rate-limits.js';
import type { LookerApp, LookerDeps } from './types.js';

/** Routes that take no caller credential (they are how a caller gets one). */
export const PUBLIC_ROUTES: ReadonlySet<string> = new Set(['/api/4.0/login']);

const MAX_FIELD = 512;

/** A form field from the body, else from the query string (Looker accepts both; the body wins). */
function field(form: URLSearchParams, query: unknown, name: string): string | null {
  const fromBody = form.get(name);
  if (fromBody !== null) return fromBody;
  const q = (query as Record<string, unknown> | undefined)?.[name];
  const v = Array.isArray(q) ? q[0] : q;
  return typeof v === 'string' ? v : null;
}

/**
 * POST /login: the body is read as application/x-www-form-urlencoded whatever Content-Type says
 * (older SDKs send none), so this route lives in its own context with its own body parser.
 */
export async function loginRoutes(app: LookerApp, { core, rateLimits }: LookerDeps) {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  app.post('/login', { schema: { hide: true } }, async (req, reply) => {
    const form = new URLSearchParams(typeof req.body === 'string' ? req.body : '');
    const clientId = field(form, req.query, 'client_id');
    const clientSecret = field(form, req.query, 'client_secret');
    if (!clientId || !clientSecret || clientId.length > MAX_FIELD || clientSecret.length > MAX_FIELD) {
      throw new DomainError('invalid_argument', 'client_id and client_secret are required (form fields or query parameters)');
    }
    // The client IP was counted at the edge (src/server/rate-limits.ts); here the client id tried.
    await limitSignIn(rateLimits, { account: accountKey('client', clientId) });
    // No such client and a wrong secret give the same answer (invalid_credentials), Looker's 404.
    const userAgent = req.headers['user-agent'];
    const { session, token } = await core.credentials.signIn(clientId, clientSecret, {
      ip: req.ip,
      userAgent: typeof userAgent === 'string' ? userAgent.slice(0, 512) : null,
    });
    const v = session.verdict;
    // Until the token ends if unused: the earlier of the absolute and the idle deadline, so a client
    // that logs in again when expires_in runs out never meets an idled-out token.
    const deadlineMs = v.active ? Math.min(v.absoluteDeadlineMs, v.idleDeadlineMs ?? Number.POSITIVE_INFINITY) : session.record.createdAtMs;
    const expiresIn = Math.max(0, Math.floor((deadlineMs - session.record.createdAtMs) / 1000));
    return reply.type('application/json').header('cache-control', 'no-store').send({ access_token: token, token_type: 'Bearer', expires_in: expiresIn });
  });
}

/** DELETE /logout: ends the session of the access token the request presents. */
export function logoutRoutes(app: LookerApp, { core }: LookerDeps) {
  app.delete('/logout', { schema: { hide: true } }, async (req, reply) => {
    if (!req.auth) throw new DomainError('unauthenticated', 'Requires authentication.');
    const token = secretFromHeader(req.headers.authorization);
    // A credential's own secret is not a login session: there is nothing to log out of.
    if (req.auth.sessionId === null || token === null) throw new DomainError('not_found', 'Not found');
    await core.sessions.revokeByToken(token);
    return reply.code(204).send();
  });
}
