import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import type { Core } from '../../core/index.js';
import { type ActiveSession, type IntrospectResult, isActiveSession } from '../../core/sessions.js';
import type { WireError } from '../../server/errors.js';
import { INTROSPECT_LIMIT_MESSAGE } from '../../server/rate-limits.js';
import type { App, RawRequest as Req, RawResponse as Res, SurfaceContext } from '../../server/surface.js';
import type { Formats } from '../shared/formats.js';
import { type ProxyTrust, proxyTrust } from '../shared/proxy-trust.js';
import { sessionCookie } from '../shared/session-cookie.js';
import type { answerTemplates } from './answer-template.js';
import { nativeErrorBody } from './errors.js';
import { NO_CREDENTIAL } from './openapi.js';
import { forwardedUrl, type RedirectRule, redirectRule } from './redirect-target.js';
import { clientOf, failed, judgeToken, requestIdOf, requestToken, routeMetrics } from './session-check.js';
import { Introspection } from './views.js';

/** The session check by GET (docs/forward-auth.md): the JSON answer for apps and clients. */
export const WHOAMI_ROUTE = '/v1/sessions/whoami';
/** The same check for reverse proxies: a headers-only answer, or a redirect to sign in. Envoy appends the original path. */
export const FORWARD_AUTH_ROUTE = '/v1/forward-auth';

const LIMITED: WireError = { status: 429, code: 'rate_limited', message: INTROSPECT_LIMIT_MESSAGE, issues: [] };
const REASONS = ['expired', 'idle_timeout', 'revoked', 'evicted', 'rotated', 'unknown'] as const;
/** The 401 bodies, one per reason, written once. */
const INACTIVE = new Map<string, string>(REASONS.map((r) => [r, JSON.stringify({ active: false, reason: r })]));
const JSON_TYPE = 'application/json; charset=utf-8';
const CHALLENGE = 'Bearer realm="sessiond"';
const CHALLENGE_INVALID = 'Bearer realm="sessiond", error="invalid_token"';
/** Names kept for the X-Sessiond-Login-Name header; past this many the map starts over. */
const MAX_NAMES = 100_000;

/**
 * A login name or credential name as a header value: names are printable Unicode, headers carry
 * Latin-1 at best, so `%` and everything outside printable ASCII is percent-encoded (UTF-8):
 * `decodeURIComponent` of the header always gives the name back.
 */
export const headerName = (name: string) => (/^[\x20-\x24\x26-\x7e]*$/.test(name) ? name : encodeURIComponent(name));

type Kind = 'whoami' | 'forward';

/**
 * GET /v1/sessions/whoami and /v1/forward-auth, served on the raw request ahead of Fastify (and
 * by their Fastify routes for what reaches those): no body read, no JSON parsed, the 200 of
 * whoami from the answer templates, headers written as one flat array.
 */
export function createSessionGets(
  ctx: Pick<SurfaceContext, 'core' | 'metrics' | 'logger' | 'config' | 'rateLimits'>,
  answers: { activeAnswerText: ReturnType<typeof answerTemplates>; isoTime: Formats['isoTime'] },
) {
  const { core, logger, config } = ctx;
  const { activeAnswerText, isoTime } = answers;
  const cookieName = sessionCookie(config).name;
  const proxy = proxyTrust(config.trustProxy);
  const limit = ctx.rateLimits.introspect;
  const maxAge = config.whoamiMaxAge;
  const redirects = redirectRule(config.allowedRedirectDomains);
  const names = subjectNames(core);
  const observed = {
    whoami: routeMetrics(ctx.metrics, WHOAMI_ROUTE, 'GET'),
    forward: routeMetrics(ctx.metrics, FORWARD_AUTH_ROUTE, 'GET'),
  };

  /** Serves one request of either path; `kind` says which. */
  function serve(req: Req, res: Res, kind: Kind): void {
    const started = performance.now();
    const requestId = requestIdOf(req);
    const head = req.method === 'HEAD';
    // A proxy may pass the original method and a body along: never read, never left in the socket's way.
    if (kind === 'forward' && req.method !== 'GET' && !head) req.resume();
    const end = (status: number, headers: (string | number)[], body: string) => {
      headers.push('x-request-id', requestId);
      res.writeHead(status, headers as never);
      if (head || body === '') res.end();
      else res.end(body);
      observed[kind](status, started);
    };
    const sendError = (w: WireError) => {
      const body = JSON.stringify(nativeErrorBody(w, requestId));
      end(w.status, ['content-type', JSON_TYPE, 'content-length', Buffer.byteLength(body), 'cache-control', 'no-store'], body);
    };
    try {
      const client = clientOf(req, proxy);
      if (limit?.over(client.ip ?? '')) {
        res.setHeader('retry-after', '1');
        sendError(LIMITED);
        return;
      }
      const { token, sent } = requestToken(req, cookieName);
      const refuse = (reason: string) => {
        if (kind === 'forward') {
          const to = signInRedirect(req, proxy, redirects, config.signinUrl ?? null);
          if (to) return end(to.status, ['location', to.location, 'cache-control', 'no-store', 'content-length', 0], '');
        }
        const body = INACTIVE.get(reason) as string;
        end(
          401,
          ['content-type', JSON_TYPE, 'content-length', body.length, 'cache-control', 'no-store', 'www-authenticate', sent ? CHALLENGE_INVALID : CHALLENGE],
          body,
        );
      };
      if (token === null) {
        refuse('unknown');
        return;
      }
      const answer = (r: IntrospectResult) => {
        try {
          if (!isActiveSession(r)) return refuse(r.verdict.reason);
          const name = names.cached(r);
          if (name !== undefined) return allow(r, name);
          names.load(r).then(
            (n) => allow(r, n),
            (err: unknown) => failed(res, sendError, requestId, err, logger),
          );
        } catch (err) {
          failed(res, sendError, requestId, err, logger);
        }
      };
      const allow = (r: ActiveSession, name: string | null) => {
        const s = r.record;
        const v = r.verdict;
        const nearest = v.idleDeadlineMs === null ? v.absoluteDeadlineMs : Math.min(v.absoluteDeadlineMs, v.idleDeadlineMs);
        const seconds = maxAge > 0 ? Math.min(maxAge, Math.floor((nearest - s.lastActiveAtMs) / 1000)) : 0;
        const headers: (string | number)[] = ['cache-control', seconds > 0 ? `private, max-age=${seconds}` : 'no-store'];
        if (s.subjectType === 'user') headers.push('x-sessiond-user-id', s.subjectId);
        if (name !== null) headers.push('x-sessiond-login-name', name);
        headers.push(
          'x-sessiond-organization-id',
          s.organizationId,
          'x-sessiond-role',
          s.role,
          'x-sessiond-session-id',
          s.id,
          'x-sessiond-session-expires',
          isoTime(nearest),
        );
        if (kind === 'forward') {
          headers.push('content-length', 0);
          return end(200, headers, '');
        }
        const body = activeAnswerText(r, core.policies.effective(s.organizationId));
        headers.push('content-type', JSON_TYPE, 'content-length', Buffer.byteLength(body));
        end(200, headers, body);
      };
      judgeToken(core, token, client, answer, (err: unknown) => failed(res, sendError, requestId, err, logger));
    } catch (err) {
      failed(res, sendError, requestId, err, logger);
    }
  }

  return {
    serve,
    /** Takes the requests of both paths (any query; forward-auth with the original path appended, as Envoy sends it). */
    ahead(req: Req, res: Res): boolean {
      const url = req.url ?? '';
      const q = url.indexOf('?');
      const path = q === -1 ? url : url.slice(0, q);
      if (path === WHOAMI_ROUTE) {
        if (req.method !== 'GET' && req.method !== 'HEAD') return false;
        serve(req, res, 'whoami');
        return true;
      }
      if (path === FORWARD_AUTH_ROUTE || path.startsWith(`${FORWARD_AUTH_ROUTE}/`)) {
        serve(req, res, 'forward');
        return true;
      }
      return false;
    },
  };
}

export type SessionGets = ReturnType<typeof createSessionGets>;

/**
 * The name for X-Sessiond-Login-Name: the user's login name or the credential's name. Neither
 * ever changes for an id, so each is read once (one `getUser`/`getCredential` per subject per
 * node) and kept; a deleted subject's sessions end with it.
 */
function subjectNames(core: Core) {
  const names = new Map<string, string | null>();
  return {
    cached: (r: ActiveSession) => names.get(r.record.subjectId),
    async load(r: ActiveSession): Promise<string | null> {
      const { subjectType, subjectId } = r.record;
      const raw = subjectType === 'user' ? (await core.store.getUser(subjectId))?.loginName : (await core.store.getCredential(subjectId))?.name;
      const name = raw === undefined ? null : headerName(raw);
      if (names.size >= MAX_NAMES) names.clear();
      names.set(subjectId, name);
      return name;
    },
  };
}

/**
 * Where a browser that is not signed in goes: the sign-in page with the original URL as `rd`,
 * 302 (303 after another method than GET/HEAD, so the browser comes back with a GET). Null when
 * the request is not a browser navigation, asks for nginx's convention (`?mode=nginx`: nginx
 * redirects itself on 401), or has no original URL from a trusted proxy that the allow-list takes.
 */
function signInRedirect(req: Req, proxy: ProxyTrust, rule: RedirectRule, signinUrl: string | null): { status: number; location: string } | null {
  if (!isBrowserNavigation(req) || nginxMode(req.url ?? '') || !proxy.trusts(req)) return null;
  const original = forwardedUrl(req.headers);
  if (!original || !rule.allows(original, original.host)) return null;
  const signin = signinUrl ?? `${original.protocol}//${original.host}/signin`;
  const method = first(req.headers['x-forwarded-method']) ?? req.method ?? 'GET';
  return {
    status: method.toUpperCase() === 'GET' || method.toUpperCase() === 'HEAD' ? 302 : 303,
    location: `${signin}${signin.includes('?') ? '&' : '?'}rd=${encodeURIComponent(original.href)}`,
  };
}

/** A top-level page load: asks for HTML, is not XHR, and is a navigation when the browser says. */
function isBrowserNavigation(req: Req): boolean {
  const h = req.headers;
  const accept = first(h.accept);
  if (!accept?.includes('text/html')) return false;
  if (first(h['x-requested-with'])?.toLowerCase() === 'xmlhttprequest') return false;
  const mode = first(h['sec-fetch-mode']);
  return mode === undefined || mode === 'navigate';
}

/** `?mode=nginx`: answer 401, never 302 (nginx's `auth_request` takes only 2xx, 401 and 403). */
function nginxMode(url: string): boolean {
  const q = url.indexOf('?');
  return q !== -1 && new URLSearchParams(url.slice(q + 1)).get('mode') === 'nginx';
}

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/**
 * The Fastify routes of both paths: they describe them in the OpenAPI document and serve what
 * reaches Fastify anyway (a trailing slash, HTTP/2 through the framework) with the same handler,
 * before the surface's credential hook could read a session's bearer token as a credential.
 */
export function sessionGetRoutes(app: App, gets: SessionGets): void {
  const take = (kind: Kind) => (req: FastifyRequest, reply: FastifyReply, done: () => void) => {
    void reply.hijack();
    gets.serve(req.raw, reply.raw, kind);
    done();
  };
  const TOKEN_SOURCES = 'The session token from Authorization: Bearer, else X-Session-Token, else the session cookie of the sign-in page.';
  const checked = {
    ...NO_CREDENTIAL,
    tags: ['sessions'],
    // 400: what the HTTP parser refuses; the 401 is the introspection answer, not an error.
    errors: [400, 429, 503] as const,
  };
  const identity = 'Identity in X-Sessiond-User-Id, -Login-Name, -Organization-Id, -Role, -Session-Id and -Session-Expires (docs/forward-auth.md).';
  app.get(
    '/sessions/whoami',
    {
      schema: {
        ...checked,
        operationId: 'whoami',
        summary: 'The session of this request (bearer token, X-Session-Token or the session cookie); counts as use',
        description: `${TOKEN_SOURCES} 200: the introspection answer of the active session. ${identity} 401 with WWW-Authenticate when not active.`,
        response: { 200: Introspection, 401: Introspection },
      },
      onRequest: take('whoami'),
    },
    async () => undefined,
  );
  const forward = {
    ...checked,
    operationId: 'forwardAuth',
    summary: 'The session check for reverse proxies (nginx auth_request, Traefik ForwardAuth, Caddy forward_auth, Envoy ext_authz)',
    description: `${TOKEN_SOURCES} Any method; a path may follow (Envoy). 200 with an empty body: allow. ${identity} Not signed in: a browser navigation from a trusted proxy gets 302 (303 after another method) to the sign-in page with rd=<original URL>; anything else, and ?mode=nginx, 401.`,
    response: {
      200: Type.Null({ description: 'Allowed: the identity headers, no body.' }),
      302: Type.Null({ description: 'To the sign-in page.' }),
      401: Introspection,
    },
  };
  app.get('/forward-auth', { schema: forward, onRequest: take('forward') }, async () => undefined);
  const hidden = { schema: { hide: true }, onRequest: take('forward') };
  app.route({ method: ['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'], url: '/forward-auth', ...hidden, handler: async () => undefined });
  app.all('/forward-auth/*', hidden, async () => undefined);
}
