import Type from 'typebox';
import { DomainError } from '../../core/errors.js';
import type { App } from '../../server/surface.js';
import type { SurfaceDeps } from '../shared/deps.js';
import { ruleViolations, toPolicyPatch, toUserSessionsConfig, UserSessionsConfig } from './config.js';
import { activeUserSessions, UserSession } from './sessions.js';

const UserIdQuery = (required: boolean) => {
  const userId = Type.String({ minLength: 1, maxLength: 128, description: 'The sessiond user id' });
  return Type.Object({ userId: required ? userId : Type.Optional(userId) }, { additionalProperties: false });
};

/** The four calls: cluster user sessions configuration (GET/PUT) and user sessions (GET/DELETE). */
export function dynatraceRoutes(app: App, { core, formats }: SurfaceDeps) {
  app.get(
    '/clusterConfig/userSessions',
    {
      schema: { hide: true, response: { 200: UserSessionsConfig } },
      config: { dynatrace: { permission: 'session_config:read' } },
    },
    async (req) => toUserSessionsConfig(core.policies.readForCaller(req.auth)),
  );

  app.put(
    '/clusterConfig/userSessions',
    {
      schema: { hide: true, body: UserSessionsConfig, response: { 204: Type.Null() } },
      config: { dynatrace: { permission: 'session_config:write', failure: { status: 510, message: 'Configuration update failed' } } },
    },
    async (req, reply) => {
      const issues = ruleViolations(req.body);
      if (issues.length) throw new DomainError('invalid_argument', 'wrong parameters', issues);
      await core.policies.patchForCaller(req.auth, toPolicyPatch(req.body));
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/userSessions',
    {
      schema: { hide: true, querystring: UserIdQuery(false), response: { 200: Type.Array(UserSession) } },
      config: { dynatrace: { permission: 'sessions:read', failure: { status: 500, message: 'Operation failed' } } },
    },
    async (req) => activeUserSessions(core, formats, req.auth, req.query.userId),
  );

  app.delete(
    '/userSessions',
    {
      schema: { hide: true, querystring: UserIdQuery(true) },
      config: { dynatrace: { permission: 'sessions:write', failure: { status: 510, message: 'Failed to invalidate sessions' } } },
    },
    async (req, reply) => {
      let ended = 0;
      try {
        ended = await core.sessions.revokeAllOfUserId(req.auth, req.query.userId);
      } catch (err) {
        if (!(err instanceof DomainError && err.code === 'not_found')) throw err;
      }
      // Dynatrace answers 404 "User sessions not found" when there was nothing to end.
      if (ended === 0) throw new DomainError('not_found', 'User sessions not found');
      return reply.code(200).send();
    },
  );
}
