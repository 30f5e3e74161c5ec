import type { FastifyRequest } from 'fastify';
import { type AuthContext, requirePermission } from '../core/auth.js';
import { DomainError } from '../core/errors.js';
import type { Core } from '../core/index.js';

const SCHEMES = /^(?:bearer|api-token|token)\s+(\S+)\s*$/i;

/** The secret of an Authorization header in any of the accepted schemes (CONTRACT §2), or null. */
export function secretFromHeader(header: string | undefined): string | null {
  if (!header) return null;
  const m = SCHEMES.exec(header);
  return m?.[1] ?? null;
}

export interface Authenticator {
  /**
   * Resolves the caller of a request (once per request). No header: null (routes that need a
   * caller answer 401). A header that does not name a valid credential: 401 at once.
   */
  authenticate(req: FastifyRequest): Promise<AuthContext | null>;
  /**
   * The caller of `GET /metrics` when a credential is required: `metrics:read`, instance-wide
   * (the metrics count every organization's sessions, so an organization's credential may not read them).
   */
  requireMetricsReader(req: FastifyRequest): Promise<void>;
}

/** The authenticator of one app: it keeps the callers it resolved, so the edge rate limit and the surface look a credential up once. */
export function createAuthenticator(core: Core): Authenticator {
  const resolved = new WeakMap<FastifyRequest, Promise<AuthContext | null>>();
  function authenticate(req: FastifyRequest): Promise<AuthContext | null> {
    let caller = resolved.get(req);
    if (!caller) {
      caller = resolveCaller(core, req);
      resolved.set(req, caller);
    }
    return caller;
  }
  async function requireMetricsReader(req: FastifyRequest): Promise<void> {
    const ctx = requirePermission(await authenticate(req), 'metrics:read');
    if (ctx.organizationId !== null) throw new DomainError('permission_denied', 'the metrics cover every organization: use an instance-wide credential');
  }
  return { authenticate, requireMetricsReader };
}

async function resolveCaller(core: Core, req: FastifyRequest): Promise<AuthContext | null> {
  const header = req.headers.authorization;
  if (header === undefined) return null;
  const secret = secretFromHeader(header);
  const ctx = secret ? await core.credentials.authenticate(secret) : null;
  if (!ctx) throw new DomainError('unauthenticated', 'the credential is not valid');
  return ctx;
}
