import type { FastifyError, FastifyRequest } from 'fastify';
import type { AuthContext } from '../../core/auth.js';
import { DomainError } from '../../core/errors.js';
import type { Permission } from '../../core/permissions.js';
import { jsonBody } from '../../server/json-body.js';
import { routeMissing } from '../../server/routes.js';
import type { App, Surface } from '../../server/surface.js';
import type { SurfaceDeps } from '../shared/deps.js';
import type { Formats } from '../shared/formats.js';
import { dynatraceErrorHandler } from './errors.js';
import { dynatraceRoutes } from './routes.js';

/** Permissions that an alias grants, named in 403 answers so a Dynatrace admin knows what to add. */
const grantedBy: Partial<Record<Permission, string>> = {
  'session_config:read': ' (granted by ServiceProviderAPI)',
  'session_config:write': ' (granted by ServiceProviderAPI)',
};

/**
 * The caller, checked before the body is even read: no or a bad credential is 401 and a
 * missing permission 403, whatever the body (the core checks the permission again).
 */
async function callerWith(deps: SurfaceDeps, req: FastifyRequest, permission: Permission): Promise<AuthContext> {
  let ctx: AuthContext | null;
  try {
    ctx = (await deps.auth.authenticate(req)) ?? deps.defaultAuth ?? null;
  } catch (err) {
    if (err instanceof DomainError && err.code === 'unauthenticated') throw new DomainError('unauthenticated', 'Token Authentication failed');
    throw err;
  }
  if (!ctx) throw new DomainError('unauthenticated', 'Missing authorization parameter.');
  if (!ctx.permissions.has(permission)) {
    throw new DomainError('permission_denied', `Token is missing required permission '${permission}'${grantedBy[permission] ?? ''}.`);
  }
  return ctx;
}

/** The Dynatrace Managed cluster API v2 user-session calls, mounted at /api/cluster/v2 (docs/compat-dynatrace.md). */
export async function dynatraceApi(app: App, deps: SurfaceDeps) {
  // JSON only; the seed's own curl sends `Content-Type: */*`, which is taken as JSON too.
  app.removeContentTypeParser(['text/plain', 'application/json']);
  app.addContentTypeParser(['application/json', '*/*'], { parseAs: 'string' }, jsonBody(app));
  app.addHook('onRequest', async (req) => {
    const rules = req.routeOptions.config?.dynatrace;
    if (rules) req.auth = await callerWith(deps, req, rules.permission);
  });
  app.setErrorHandler(dynatraceErrorHandler);
  app.setNotFoundHandler((req, reply) => dynatraceErrorHandler(routeMissing(req) as FastifyError, req, reply));
  dynatraceRoutes(app, deps);
}

const PREFIX = '/api/cluster/v2';

/** The Dynatrace surface of one app. */
export function dynatraceSurface(formats: Formats): Surface {
  return {
    name: 'dynatrace',
    prefix: PREFIX,
    errorPrefixes: [`${PREFIX}/`],
    errorHandler: dynatraceErrorHandler,
    register: (app, ctx) => dynatraceApi(app, { ...ctx, formats }),
  };
}
