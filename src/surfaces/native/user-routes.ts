import Type from 'typebox';
import type { User } from '../../core/ports.js';
import { NewUserSchema, PasswordSchema, RoleSchema } from '../../core/users.js';
import { READ, WRITE } from './openapi.js';
import type { App, NativeDeps } from './types.js';
import { IdParam, Paging, pageOf, SessionView, UserView } from './views.js';

/** Users and their sessions. */
export function userRoutes(app: App, { core, views }: NativeDeps) {
  const { listedSessionView, userView } = views;
  const view = (u: User) => userView(u, core.users.lockState(u));
  app.post(
    '/users',
    {
      schema: {
        operationId: 'createUser',
        summary: 'Create a user',
        tags: ['users'],
        body: NewUserSchema,
        response: { 201: UserView },
        errors: [...WRITE, 404, 409],
      },
    },
    async (req, reply) => reply.code(201).send(view(await core.users.create(req.auth, req.body))),
  );

  app.get(
    '/users',
    {
      schema: {
        operationId: 'listUsers',
        summary: 'List users',
        tags: ['users'],
        querystring: Type.Object(
          { ...Paging.properties, organizationId: Type.Optional(Type.String({ maxLength: 64 })), search: Type.Optional(Type.String({ maxLength: 200 })) },
          { additionalProperties: false },
        ),
        response: { 200: pageOf(UserView) },
        errors: READ,
      },
    },
    async (req) => {
      const r = await core.users.list(req.auth, req.query);
      return { items: r.items.map(view), total: r.total, limit: req.query.limit, offset: req.query.offset };
    },
  );

  app.get(
    '/users/:id',
    { schema: { operationId: 'getUser', summary: 'Get a user', tags: ['users'], params: IdParam, response: { 200: UserView }, errors: [...READ, 404] } },
    async (req) => view(await core.users.get(req.auth, req.params.id)),
  );

  app.patch(
    '/users/:id',
    {
      schema: {
        operationId: 'updateUser',
        summary: 'Change role or disable/enable a user (disabling ends all their sessions)',
        tags: ['users'],
        params: IdParam,
        body: Type.Object({ role: Type.Optional(RoleSchema), disabled: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
        response: { 200: UserView },
        errors: [...WRITE, 404],
      },
    },
    async (req) => {
      let u = await core.users.get(req.auth, req.params.id);
      if (req.body.role !== undefined) u = await core.users.setRole(req.auth, u.id, req.body.role);
      if (req.body.disabled !== undefined) u = await core.users.setDisabled(req.auth, u.id, req.body.disabled);
      return view(u);
    },
  );

  app.delete(
    '/users/:id',
    {
      schema: {
        operationId: 'deleteUser',
        summary: 'Delete a user and end all their sessions',
        tags: ['users'],
        params: IdParam,
        response: { 204: Type.Null() },
        errors: [...WRITE, 404],
      },
    },
    async (req, reply) => {
      await core.users.delete(req.auth, req.params.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/users/:id/unlock',
    {
      schema: {
        operationId: 'unlockUser',
        summary: 'Unlock a user locked out for too many wrong passwords, and set their count of wrong passwords to 0',
        tags: ['users'],
        params: IdParam,
        response: { 204: Type.Null() },
        errors: [...WRITE, 404],
      },
    },
    async (req, reply) => {
      await core.users.unlock(req.auth, req.params.id);
      return reply.code(204).send(null);
    },
  );

  app.put(
    '/users/:id/password',
    {
      schema: {
        operationId: 'setUserPassword',
        summary: "Set a user's password (ends their sessions unless configured otherwise)",
        tags: ['users'],
        params: IdParam,
        body: Type.Object({ password: PasswordSchema }, { additionalProperties: false }),
        response: { 200: Type.Object({ sessionsEnded: Type.Integer() }) },
        errors: [...WRITE, 404],
      },
    },
    async (req) => core.users.setPassword(req.auth, req.params.id, req.body.password),
  );

  app.get(
    '/users/:id/sessions',
    {
      schema: {
        operationId: 'listUserSessions',
        summary: "A user's sessions with location and last activity",
        tags: ['users', 'sessions'],
        params: IdParam,
        querystring: Type.Object({ ...Paging.properties, active: Type.Optional(Type.Boolean({ default: true })) }, { additionalProperties: false }),
        response: { 200: pageOf(SessionView) },
        errors: [...READ, 404],
      },
    },
    async (req) => {
      const u = await core.users.get(req.auth, req.params.id);
      const r = await core.sessions.list(req.auth, { ...req.query, userId: u.id, activeOnly: req.query.active ?? true, withNames: true });
      return { items: r.items.map(listedSessionView(r.names)), total: r.total, limit: req.query.limit, offset: req.query.offset };
    },
  );

  app.delete(
    '/users/:id/sessions',
    {
      schema: {
        operationId: 'revokeUserSessions',
        summary: 'End all sessions of a user',
        tags: ['users', 'sessions'],
        params: IdParam,
        response: { 200: Type.Object({ revoked: Type.Integer() }) },
        errors: [...WRITE, 404],
      },
    },
    async (req) => {
      const u = await core.users.get(req.auth, req.params.id);
      return { revoked: await core.sessions.revokeAllOfUser(req.auth, u.id, u.organizationId) };
    },
  );
}
