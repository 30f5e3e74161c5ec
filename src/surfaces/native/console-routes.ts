import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { type AuthContext, DEFAULT_ORGANIZATION_ID } from '../../core/auth.js';
import { type ConsoleCaller, permissionList } from '../../core/console-sessions.js';
import { DomainError } from '../../core/errors.js';
import { PolicyPatchSchema, PolicySchema } from '../../core/policy.js';
import { LoginNameSchema } from '../../core/users.js';
import { accountKey, limitSignIn } from '../../server/rate-limits.js';
import { readCookie } from '../shared/session-cookie.js';
import { ANY, CONSOLE_COOKIE, NO_CREDENTIAL, PUBLIC_WRITE, READ, WRITE } from './openapi.js';
import type { App, NativeDeps } from './types.js';
import { FieldIssueView, IdParam } from './views.js';

/**
 * The admin console's session (console/ uses only the native API): sign-in sets the session
 * token in an HttpOnly, SameSite=Strict (and by default Secure) cookie that page scripts cannot
 * read. A cookie authenticates a /v1 request only together with the `X-Sessiond-Console` header,
 * which a cross-site form or image cannot send (and a cross-site script cannot without a CORS
 * preflight sessiond never grants): two independent guards against request forgery.
 */
export const CONSOLE_HEADER = 'x-sessiond-console';
/** `X-Sessiond-Console: background`: a refresh the person did not ask for; it does not keep the session from going idle. */
const BACKGROUND = 'background';

declare module 'fastify' {
  interface FastifyRequest {
    /** The console session behind the request's cookie, when it authenticated the request. */
    consoleCaller?: ConsoleCaller | null;
  }
}

export interface ConsoleCookie {
  secure: boolean;
}

/** `__Host-` binds the cookie to this host and path / (browsers accept the prefix only with Secure). */
const cookieName = (c: ConsoleCookie) => (c.secure ? '__Host-sessiond-console' : 'sessiond-console');

function setCookie(reply: FastifyReply, c: ConsoleCookie, value: string, maxAgeSeconds?: number) {
  const attrs = [
    'Path=/',
    'HttpOnly',
    'SameSite=Strict',
    ...(c.secure ? ['Secure'] : []),
    ...(maxAgeSeconds === undefined ? [] : [`Max-Age=${maxAgeSeconds}`]),
  ];
  void reply.header('set-cookie', `${cookieName(c)}=${value}; ${attrs.join('; ')}`).header('cache-control', 'no-store');
}

/**
 * The caller of a native request authenticated by a console cookie, or null when the request
 * has no console cookie or lacks the console header. A cookie whose session has ended is a 401
 * (the console then shows its sign-in page).
 */
export async function consoleAuth(req: FastifyRequest, { core }: NativeDeps, cookie: ConsoleCookie): Promise<AuthContext | null> {
  const header = req.headers[CONSOLE_HEADER];
  if (typeof header !== 'string') return null;
  const token = readCookie(req.headers.cookie, cookieName(cookie));
  if (!token) return null;
  const caller = await core.consoleSessions.caller(token, header !== BACKGROUND);
  if (!caller) throw new DomainError('unauthenticated', 'the console session has ended; sign in again');
  req.consoleCaller = caller;
  return caller.ctx;
}

const ConsoleSessionAnswer = Type.Object(
  {
    kind: Type.Union([Type.Literal('user'), Type.Literal('credential')]),
    name: Type.String({ description: "The admin user's login name or the credential's name." }),
    actor: Type.String({ description: 'How the audit log names the caller.' }),
    organizationId: Type.Union([Type.String(), Type.Null()], { description: 'null: instance-wide; else the only organization the caller may manage.' }),
    permissions: Type.Array(Type.String()),
    sessionId: Type.String(),
    expiresAt: Type.String({ format: 'date-time', description: 'Absolute end of the console session.' }),
    idleExpiresAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
      description: 'When the console session ends if unused; null without idle timeout.',
    }),
    idleTimeoutSeconds: Type.Integer({ description: "The idle timeout of the caller's policy; 0 = none." }),
  },
  { title: 'ConsoleSession' },
);

const ConsoleSignIn = Type.Union(
  [
    Type.Object(
      {
        loginName: LoginNameSchema,
        password: Type.String({ minLength: 1, maxLength: 1024 }),
        organizationId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
      },
      { additionalProperties: false, title: 'ConsoleUserSignIn' },
    ),
    Type.Object({ secret: Type.String({ minLength: 1, maxLength: 512 }) }, { additionalProperties: false, title: 'ConsoleSecretSignIn' }),
  ],
  { description: 'An admin user (role `admin`) with login name and password, or an API credential by its secret.' },
);

const Impact = Type.Object(
  {
    sessionsEnded: Type.Integer({ description: 'Active sessions that saving would end at once.' }),
    usersAffected: Type.Integer({ description: 'Distinct users those sessions belong to.' }),
    byReason: Type.Object({ expired: Type.Integer(), idle_timeout: Type.Integer() }),
    endsCallersSession: Type.Boolean({ description: "Saving would end the caller's own session." }),
    activeSessions: Type.Integer({ description: 'Active sessions judged.' }),
    policy: PolicySchema,
    warnings: Type.Array(FieldIssueView, {
      description:
        'Valid but meaningless combinations in that policy (saving is allowed): `exceeds_lifetime` when the idle timeout is not shorter than the lifetime.',
    }),
  },
  { title: 'PolicyImpact' },
);
const PreviewQuery = Type.Object(
  { replace: Type.Optional(Type.Boolean({ default: false, description: 'The body is the whole policy (or override), not a change of some fields.' })) },
  { additionalProperties: false },
);

const Bucket = Type.Object({
  start: Type.String({ format: 'date-time' }),
  success: Type.Integer(),
  failure: Type.Integer(),
  rejected: Type.Integer(),
  error: Type.Integer(),
});
const OverviewView = Type.Object(
  {
    now: Type.String({ format: 'date-time' }),
    activeSessions: Type.Integer(),
    activeUsers: Type.Integer(),
    activeCredentialSessions: Type.Integer(),
    ended: Type.Object(
      { since: Type.String({ format: 'date-time' }), expired: Type.Integer(), idle_timeout: Type.Integer(), revoked: Type.Integer(), evicted: Type.Integer() },
      { description: 'Sessions ended in the window, by reason.' },
    ),
    signIns: Type.Object(
      {
        scope: Type.Literal('node', { description: "This node's attempts (all nodes together: Prometheus' sessiond_sign_ins_total)." }),
        bucketMinutes: Type.Integer(),
        buckets: Type.Array(Bucket),
      },
      { description: 'Sign-in attempts by result (success, failure: wrong name or password, rejected: locked, limit, rate limit), oldest bucket first.' },
    ),
  },
  { title: 'Overview' },
);

/** The console's own calls: its session, the policy impact preview, and the overview. */
export function consoleRoutes(app: App, deps: NativeDeps, cookie: ConsoleCookie) {
  const { core } = deps;
  const { isoTime } = deps.formats;
  const answer = (c: ConsoleCaller) => {
    const v = c.session.verdict;
    const policy = core.policies.effective(c.session.record.organizationId);
    return {
      kind: c.kind,
      name: c.name,
      actor: c.ctx.actor,
      organizationId: c.ctx.organizationId,
      permissions: permissionList(c.ctx),
      sessionId: c.session.record.id,
      expiresAt: isoTime(v.absoluteDeadlineMs),
      idleExpiresAt: v.idleDeadlineMs !== null ? isoTime(v.idleDeadlineMs) : null,
      idleTimeoutSeconds: policy.idleTimeoutSeconds,
    };
  };

  app.post(
    '/console/session',
    {
      schema: {
        summary: 'Sign in to the admin console (sets its session cookie)',
        description:
          'A session of the core like any other (the policy governs it). The token is sent only as an HttpOnly, SameSite=Strict cookie; later /v1 calls authenticate with it when they carry the X-Sessiond-Console header. Wrong name, wrong password and locked account answer alike (401); a user who is not an admin: 403.',
        operationId: 'signInToConsole',
        tags: ['console'],
        ...NO_CREDENTIAL,
        body: ConsoleSignIn,
        response: { 200: ConsoleSessionAnswer },
        errors: [...PUBLIC_WRITE, 403],
      },
    },
    async (req, reply) => {
      const b = req.body;
      const account = 'secret' in b ? 'console-secret' : accountKey('login', b.organizationId ?? DEFAULT_ORGANIZATION_ID, b.loginName);
      await limitSignIn(deps.rateLimits, { account });
      const client = { ip: req.ip, userAgent: typeof req.headers['user-agent'] === 'string' ? req.headers['user-agent'].slice(0, 512) : null };
      const { token } = await core.consoleSessions.signIn(b, client);
      const caller = await core.consoleSessions.caller(token, false);
      if (!caller) {
        await core.consoleSessions.signOut(token);
        throw new DomainError('permission_denied', 'this account may not use the console');
      }
      setCookie(reply, cookie, token);
      return answer(caller);
    },
  );

  app.get(
    '/console/session',
    {
      schema: {
        operationId: 'getConsoleSession',
        summary: 'The console session of the cookie (does not count as use with X-Sessiond-Console: background)',
        tags: ['console'],
        ...CONSOLE_COOKIE,
        response: { 200: ConsoleSessionAnswer },
        errors: ANY,
      },
    },
    async (req) => {
      if (!req.consoleCaller) throw new DomainError('unauthenticated', 'not signed in to the console');
      return answer(req.consoleCaller);
    },
  );

  app.delete(
    '/console/session',
    {
      schema: {
        operationId: 'signOutOfConsole',
        summary: 'Sign out of the console (ends the session, clears the cookie)',
        tags: ['console'],
        ...NO_CREDENTIAL,
        response: { 204: Type.Null() },
        errors: PUBLIC_WRITE,
      },
    },
    async (req, reply) => {
      if (req.body !== undefined) throw new DomainError('invalid_argument', 'signing out takes no request body');
      const token = readCookie(req.headers.cookie, cookieName(cookie));
      if (token && typeof req.headers[CONSOLE_HEADER] === 'string') await core.consoleSessions.signOut(token);
      setCookie(reply, cookie, '', 0);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/policy/preview',
    {
      schema: {
        operationId: 'previewPolicy',
        summary: 'What a change of the instance policy would end now (nothing is saved)',
        description:
          'Every active session is judged under the current and the proposed policy with the rule validation uses. Bad fields: 400 invalid_argument with the same details as saving (with replace=true, a policy missing fields: policy_invalid). Limits and allowPersistentSessions apply at the next sign-in and end nothing now.',
        tags: ['policy'],
        querystring: PreviewQuery,
        body: PolicyPatchSchema,
        response: { 200: Impact },
        errors: WRITE,
      },
    },
    async (req) => core.policyPreview.preview(req.auth, { scope: 'instance', replace: req.query.replace ?? false, input: req.body }),
  );

  app.post(
    '/organizations/:id/policy/preview',
    {
      schema: {
        operationId: 'previewOrganizationPolicy',
        summary: "What a change of an organization's override would end now (nothing is saved)",
        tags: ['policy'],
        params: IdParam,
        querystring: PreviewQuery,
        body: PolicyPatchSchema,
        response: { 200: Impact },
        errors: [...WRITE, 404],
      },
    },
    async (req) =>
      core.policyPreview.preview(req.auth, { scope: 'organization', organizationId: req.params.id, replace: req.query.replace ?? false, input: req.body }),
  );

  app.get(
    '/overview',
    {
      schema: {
        operationId: 'getOverview',
        summary: 'Active sessions now, sessions ended and sign-in attempts over the last hour',
        tags: ['sessions'],
        response: { 200: OverviewView },
        errors: READ,
      },
    },
    async (req) => {
      const windowMs = 3_600_000;
      const o = await core.overview.sessions(req.auth, windowMs);
      // This node's recent sign-in attempts, counted by the metrics.
      const buckets = deps.metrics.recentSignIns.buckets(o.nowMs, 5, 12);
      return {
        now: isoTime(o.nowMs),
        activeSessions: o.activeSessions,
        activeUsers: o.activeUsers,
        activeCredentialSessions: o.activeCredentialSessions,
        ended: { since: isoTime(o.windowStartMs), ...o.ended },
        signIns: {
          scope: 'node' as const,
          bucketMinutes: 5,
          buckets: buckets.map(({ startMs, ...counts }) => ({ start: isoTime(startMs), ...counts })),
        },
      };
    },
  );
}
