import Type from 'typebox';
import { DEFAULT_ORGANIZATION_ID } from '../../core/auth.js';
import { LoginNameSchema } from '../../core/users.js';
import { accountKey, limitSignIn } from '../../server/rate-limits.js';
import { NO_CREDENTIAL, PUBLIC_WRITE, READ, WRITE } from './openapi.js';
import type { App, NativeDeps } from './types.js';
import { IdParam, Introspection, Paging, pageOf, SessionView, TokenBody } from './views.js';

const SignIn = Type.Object(
  {
    loginName: LoginNameSchema,
    password: Type.String({ minLength: 1, maxLength: 1024 }),
    organizationId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    persistent: Type.Optional(Type.Boolean({ description: '"Remember me"; only where the policy allows persistent sessions.' })),
  },
  { additionalProperties: false },
);

/** A session with its new token (sign-in, token rotation). */
const SignedIn = Type.Object({ session: SessionView, token: Type.String({ description: '256-bit opaque token, shown once.' }) });

/** Sign-in, validation and revocation of sessions. */
export function sessionRoutes(app: App, { core, rateLimits, views }: NativeDeps) {
  const { sessionView, listedSessionView, introspectionAnswer } = views;
  const client = (req: { ip: string; headers: Record<string, unknown> }) => ({
    ip: req.ip,
    userAgent: typeof req.headers['user-agent'] === 'string' ? req.headers['user-agent'].slice(0, 512) : null,
  });

  app.post(
    '/sessions',
    {
      schema: {
        operationId: 'signIn',
        summary: 'Sign a user in with login name and password',
        description:
          "A user of an organization other than `default` signs in with its `organizationId` (login names are unique per organization). Wrong login name, wrong password and a locked account (even with the right password; see the policy's maxFailedPasswordAttempts) give the same 401 after the same work. Too many attempts from one client IP or against one login name: 429 with Retry-After.",
        tags: ['sessions'],
        ...NO_CREDENTIAL,
        body: SignIn,
        response: { 201: SignedIn },
        errors: [...PUBLIC_WRITE, 409],
      },
    },
    async (req, reply) => {
      // The client IP was counted at the edge (src/server/rate-limits.ts); here the account tried.
      const account = accountKey('login', req.body.organizationId ?? DEFAULT_ORGANIZATION_ID, req.body.loginName);
      await limitSignIn(rateLimits, { account });
      const { session, token } = await core.sessions.signIn({ ...req.body, client: client(req) });
      return reply.code(201).send({ session: sessionView(session), token });
    },
  );

  app.post(
    '/sessions/introspect',
    {
      schema: {
        operationId: 'introspectSession',
        summary: 'Is this token still good? (counts as use)',
        tags: ['sessions'],
        ...NO_CREDENTIAL,
        body: TokenBody,
        response: { 200: Introspection },
        errors: PUBLIC_WRITE,
      },
    },
    async (req) => {
      return introspectionAnswer(await core.sessions.introspect(req.body.token, client(req)));
    },
  );

  app.post(
    '/sessions/revoke',
    {
      schema: {
        operationId: 'signOut',
        summary: 'Sign out: end the session of this token',
        tags: ['sessions'],
        ...NO_CREDENTIAL,
        body: TokenBody,
        response: { 204: Type.Null() },
        errors: PUBLIC_WRITE,
      },
    },
    async (req, reply) => {
      await core.sessions.revokeByToken(req.body.token);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/sessions/rotate',
    {
      schema: {
        summary: 'Rotate the session token: exchange an active token for a new one (same session)',
        description:
          'The old token is inactive at once, on every node. The session keeps its id and creation time, so its absolute lifetime does not restart; counts as use. An inactive or unknown token: 401 unauthenticated.',
        operationId: 'rotateSessionToken',
        tags: ['sessions'],
        ...NO_CREDENTIAL,
        body: TokenBody,
        response: { 200: SignedIn },
        errors: PUBLIC_WRITE,
      },
    },
    async (req) => {
      const { session, token } = await core.sessions.rotateToken(req.body.token, client(req));
      return { session: sessionView(session), token };
    },
  );

  app.post(
    '/sessions/revoke-others',
    {
      schema: {
        operationId: 'revokeOtherSessions',
        summary: 'Log out my other devices: end every other session of the token holder',
        tags: ['sessions'],
        ...NO_CREDENTIAL,
        body: TokenBody,
        response: { 200: Type.Object({ revoked: Type.Integer() }) },
        errors: PUBLIC_WRITE,
      },
    },
    async (req) => ({ revoked: await core.sessions.revokeOthers(req.body.token) }),
  );

  app.post(
    '/sessions/password',
    {
      schema: {
        operationId: 'changeOwnPassword',
        summary: "Change the token holder's password (ends their other sessions)",
        tags: ['sessions'],
        ...NO_CREDENTIAL,
        body: Type.Object(
          { token: TokenBody.properties.token, currentPassword: Type.String({ minLength: 1, maxLength: 1024 }), newPassword: Type.String({ maxLength: 1024 }) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ sessionsEnded: Type.Integer() }) },
        errors: PUBLIC_WRITE,
      },
    },
    async (req) => core.users.changeOwnPassword(req.body.token, req.body.currentPassword, req.body.newPassword),
  );

  app.get(
    '/sessions',
    {
      schema: {
        operationId: 'listSessions',
        summary: 'List sessions, newest first',
        tags: ['sessions'],
        querystring: Type.Object(
          {
            ...Paging.properties,
            userId: Type.Optional(Type.String({ maxLength: 128 })),
            organizationId: Type.Optional(Type.String({ maxLength: 64 })),
            search: Type.Optional(
              Type.String({
                maxLength: 200,
                description: 'Session or user id (exact), login name (part), IP (prefix), user agent, country or city (part); case-insensitive.',
              }),
            ),
            active: Type.Optional(Type.Boolean({ default: true, description: 'Only sessions active under the current policy.' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: pageOf(SessionView) },
        errors: READ,
      },
    },
    async (req) => {
      const q = req.query;
      const r = await core.sessions.list(req.auth, { ...q, activeOnly: q.active ?? true, withNames: true });
      return { items: r.items.map(listedSessionView(r.names)), total: r.total, limit: q.limit, offset: q.offset };
    },
  );

  app.get(
    '/sessions/:id',
    {
      schema: {
        operationId: 'getSession',
        summary: 'Get a session (does not count as use)',
        tags: ['sessions'],
        params: IdParam,
        response: { 200: SessionView },
        errors: [...READ, 404],
      },
    },
    async (req) => sessionView(await core.sessions.get(req.auth, req.params.id)),
  );

  app.delete(
    '/sessions/:id',
    {
      schema: {
        operationId: 'revokeSession',
        summary: 'Revoke a session',
        tags: ['sessions'],
        params: IdParam,
        response: { 204: Type.Null() },
        errors: [...WRITE, 404],
      },
    },
    async (req, reply) => {
      await core.sessions.revoke(req.auth, req.params.id);
      return reply.code(204).send(null);
    },
  );
}
