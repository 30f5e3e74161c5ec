import { readFileSync } from 'node:fs';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DEFAULT_ORGANIZATION_ID } from '../../core/auth.js';
import { DomainError } from '../../core/errors.js';
import { isActiveSession } from '../../core/sessions.js';
import { toWireError } from '../../server/errors.js';
import { accountKey, limitSignIn } from '../../server/rate-limits.js';
import type { App, Surface, SurfaceContext } from '../../server/surface.js';
import { allowedRedirectDomains, safeRedirectTarget } from '../shared/redirect-target.js';
import { readCookie, serializeSessionCookie, sessionCookie } from '../shared/session-cookie.js';
import { csrfRefusal, csrfTokenFor, serializeCsrfCookie } from './csrf.js';
import { messagePage, type SignInForm, STYLESHEET_PATH, signedInPage, signInPage, signOutPage } from './page.js';

/**
 * The hosted sign-in page: `GET /signin?rd=`, `POST /signin` (a plain form post: sign-in through
 * the core as `POST /v1/sessions` does, the session cookie, a 303 back to `rd` when the allow-list
 * passes it), `POST /signout` (and `GET /signout?rd=`, a page with the button). See docs/signin.md.
 */

/** Where a sign-in without a (valid) return address lands. */
const SIGNED_IN_PATH = '/signin/done';
/** A sign-in form is a few hundred bytes; anything much larger is not one. */
const FORM_BODY_LIMIT = 8192;
const FAILED = 'Wrong login name or password, or the account is locked or disabled.';
/** The console's stylesheet (the page reuses its look): console/ from src/surfaces/signin/ or dist/surfaces/signin/. */
const STYLESHEET = new URL('../../../console/console.css', import.meta.url);

/** The fields of the page's forms; every field once at most. */
type Form = Partial<Record<'csrf' | 'rd' | 'username' | 'password' | 'organization' | 'persistent', string>>;

function parseForm(body: string): Form {
  const form: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(body)) {
    if (Object.hasOwn(form, k)) throw new DomainError('invalid_argument', `the form field '${k.slice(0, 64)}' is sent twice`);
    form[k] = v;
  }
  return form;
}

/**
 * Only this origin's own stylesheet; no script, no framing. `form-action` also governs where a
 * form post may be redirected, so it lists the hosts `rd` may name.
 */
function contentSecurityPolicy(domains: readonly string[]): string {
  const hosts = domains.flatMap((d) => [`http://${d}:*`, `https://${d}:*`, `http://*.${d}:*`, `https://*.${d}:*`]);
  return `default-src 'none'; style-src 'self'; img-src 'self'; script-src 'self'; form-action ${["'self'", ...hosts].join(' ')}; base-uri 'none'; frame-ancestors 'none'`;
}

export function signinRoutes(app: App, ctx: SurfaceContext, o: { stylesheet: Buffer | null }) {
  const { core, config } = ctx;
  const domains = allowedRedirectDomains(config.allowedRedirectDomains);
  const csp = contentSecurityPolicy(domains);
  const cookie = sessionCookie(config);
  const rdOf = (req: FastifyRequest, rd: unknown) => (typeof rd === 'string' ? safeRedirectTarget(rd, domains, req.host) : null);
  const client = (req: FastifyRequest) => ({
    ip: req.ip,
    userAgent: typeof req.headers['user-agent'] === 'string' ? req.headers['user-agent'].slice(0, 512) : null,
  });
  const page = (reply: FastifyReply, status: number, html: string) =>
    reply
      .code(status)
      .header('content-security-policy', csp)
      .header('x-content-type-options', 'nosniff')
      // `rd` (in the page's URL) never goes to another site in a Referer; not no-referrer, under
      // which browsers send `Origin: null` with the page's own form posts.
      .header('referrer-policy', 'same-origin')
      .header('x-frame-options', 'DENY')
      .header('cache-control', 'no-store')
      .type('text/html; charset=utf-8')
      .send(html);
  /** A page with a form: its token, in the form and in the cookie (whose Max-Age starts again). */
  const withToken = (req: FastifyRequest, reply: FastifyReply) => {
    const csrf = csrfTokenFor(req, config);
    void reply.header('set-cookie', serializeCsrfCookie(config, csrf));
    return csrf;
  };
  // Whether "remember me" may be asked for. The organization is whatever the form says: only one
  // with an override of its own has a policy other than the instance's (and only those are cached).
  const persistentAllowed = (organizationId: string) =>
    (organizationId === DEFAULT_ORGANIZATION_ID || core.policies.overrideOf(organizationId) !== null
      ? core.policies.effective(organizationId)
      : core.policies.instancePolicy()
    ).allowPersistentSessions;
  const form = (req: FastifyRequest, reply: FastifyReply, status: number, f: Omit<SignInForm, 'csrf' | 'remember'>) =>
    page(reply, status, signInPage({ ...f, csrf: withToken(req, reply), remember: persistentAllowed(f.organization || DEFAULT_ORGANIZATION_ID) }));
  const refuse = (reply: FastifyReply, why: string, rd: string | null) =>
    page(reply, 403, messagePage({ title: 'Request refused', message: `Nothing was changed: ${why}. Go back to the sign-in page and try again.`, rd }));

  app.removeContentTypeParser(['text/plain', 'application/json']);
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT }, (_req, body, done) => {
    try {
      done(null, parseForm(body as string));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
  app.setErrorHandler((err: FastifyError, req, reply) => signinErrorHandler(err, req, reply));
  const hide = { schema: { hide: true } };

  app.get(STYLESHEET_PATH, hide, (_req, reply) => {
    if (!o.stylesheet) return reply.code(404).type('text/plain; charset=utf-8').send('no stylesheet');
    return reply.header('cache-control', 'no-cache').header('x-content-type-options', 'nosniff').type('text/css; charset=utf-8').send(o.stylesheet);
  });

  app.get('/signin', hide, (req, reply) => {
    const rd = rdOf(req, (req.query as Record<string, unknown>).rd);
    return form(req, reply, 200, { rd, loginName: '', organization: '', error: null });
  });

  app.post('/signin', hide, async (req, reply) => {
    const f = (req.body ?? {}) as Form;
    const rd = rdOf(req, f.rd);
    const refusal = csrfRefusal(req, config, f.csrf);
    if (refusal) return refuse(reply, refusal, rd);
    const loginName = f.username ?? '';
    const password = f.password ?? '';
    const organization = (f.organization ?? '').trim();
    const again = (status: number, error: string) =>
      form(req, reply, status, { rd, loginName: loginName.slice(0, 256), organization: organization.slice(0, 64), error });
    if (!loginName || !password) return again(400, 'Enter your login name and password.');
    if (loginName.length > 256 || password.length > 1024 || organization.length > 64) return again(400, FAILED);
    const organizationId = organization || DEFAULT_ORGANIZATION_ID;
    // "Remember me" is offered, and honoured, only where the policy allows persistent sessions.
    const persistent = f.persistent === 'on' && persistentAllowed(organizationId);
    let signedIn: Awaited<ReturnType<typeof core.sessions.signIn>>;
    try {
      // The client IP was counted at the edge (edgeLimits below); here the account tried, as POST /v1/sessions does.
      await limitSignIn(ctx.rateLimits, { account: accountKey('login', organizationId, loginName) });
      signedIn = await core.sessions.signIn({ loginName, password, organizationId, persistent, client: client(req) });
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      if (err.code === 'invalid_credentials') return again(401, FAILED);
      if (err.code === 'rate_limited') {
        void reply.header('retry-after', String(err.retryAfterSeconds ?? 60));
        return again(429, `Too many sign-in attempts. Wait ${err.retryAfterSeconds ?? 60} seconds and try again.`);
      }
      if (err.code === 'session_limit_reached') return again(409, 'You have reached the limit of sessions at the same time. Sign out elsewhere and try again.');
      throw err;
    }
    const { session, token } = signedIn;
    const v = session.verdict;
    // A persistent session's cookie lives until the session's absolute end; else until the browser closes.
    const maxAge = persistent && v.active ? (v.absoluteDeadlineMs - session.record.createdAtMs) / 1000 : undefined;
    void reply.header('set-cookie', [serializeSessionCookie(cookie, token, maxAge), serializeCsrfCookie(config, '', 0)]);
    return seeOther(reply, rd ?? SIGNED_IN_PATH);
  });

  app.get(SIGNED_IN_PATH, hide, async (req, reply) => {
    const token = readCookie(req.headers.cookie, cookie.name);
    const info = token ? await core.sessions.introspect(token, client(req)) : null;
    if (!info || !isActiveSession(info)) return seeOther(reply, '/signin');
    const v = info.verdict;
    const nearestDeadlineMs = Math.min(v.absoluteDeadlineMs, v.idleDeadlineMs ?? Number.POSITIVE_INFINITY);
    return page(reply, 200, signedInPage({ csrf: withToken(req, reply), expiresAt: new Date(nearestDeadlineMs).toISOString() }));
  });

  app.get('/signout', hide, (req, reply) => {
    const rd = rdOf(req, (req.query as Record<string, unknown>).rd);
    return page(reply, 200, signOutPage({ csrf: withToken(req, reply), rd }));
  });

  app.post('/signout', hide, async (req, reply) => {
    const f = (req.body ?? {}) as Form;
    const rd = rdOf(req, f.rd);
    const refusal = csrfRefusal(req, config, f.csrf);
    if (refusal) return refuse(reply, refusal, rd);
    const token = readCookie(req.headers.cookie, cookie.name);
    // An unknown or already ended session: nothing to end, the cookie is cleared all the same.
    if (token) await core.sessions.revokeByToken(token);
    void reply.header('set-cookie', [serializeSessionCookie(cookie, '', 0), serializeCsrfCookie(config, '', 0)]);
    return seeOther(reply, rd ?? '/signin');
  });
}

/** 303 See Other: the browser follows with a GET, whatever the form's method. */
const seeOther = (reply: FastifyReply, location: string) => reply.code(303).header('cache-control', 'no-store').header('location', location).send();

/** Every failure of these paths as a page (the edge's rate limit, a bad body, a missing route, a 5xx). */
function signinErrorHandler(err: FastifyError, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const w = toWireError(err, req);
  if (w.retryAfterSeconds !== undefined) void reply.header('retry-after', String(w.retryAfterSeconds));
  if (w.allow) void reply.header('allow', w.allow.join(', '));
  const message =
    w.status >= 500
      ? `Something went wrong on our side; try again in a moment (request ${req.id}).`
      : w.code === 'unsupported_media_type'
        ? 'Send the form as application/x-www-form-urlencoded.'
        : w.code === 'rate_limited'
          ? `Too many attempts. Wait ${w.retryAfterSeconds ?? 60} seconds and try again.`
          : w.message;
  return reply
    .code(w.status)
    .header('content-security-policy', "default-src 'none'; style-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
    .header('x-content-type-options', 'nosniff')
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(messagePage({ title: w.status >= 500 ? 'Sign-in is unavailable' : 'Request refused', message, rd: null }));
}

function readStylesheet(): Buffer | null {
  try {
    return readFileSync(STYLESHEET);
  } catch {
    return null;
  }
}

/** The sign-in page's surface; not in the CLI's in-process mode, which has no browser. */
export const signinSurface: Surface = {
  name: 'signin',
  errorPrefixes: ['/signin', '/signout'],
  errorHandler: signinErrorHandler,
  register: async (app, ctx) => {
    if (ctx.defaultAuth) return;
    signinRoutes(app, ctx, { stylesheet: readStylesheet() });
  },
  edgeLimits: {
    'POST /signin': 'sign_in',
    [`GET ${STYLESHEET_PATH}`]: 'none',
    [`HEAD ${STYLESHEET_PATH}`]: 'none',
  },
};
