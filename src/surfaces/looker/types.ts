import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { AuthContext } from '../../core/auth.js';
import type { Core } from '../../core/index.js';
import type { RateLimits } from '../../server/rate-limits.js';

export type LookerApp = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, TypeBoxTypeProvider>;

export interface LookerDeps {
  core: Core;
  /** The limits the surface applies itself (per client_id at login); the edge applies the rest. */
  rateLimits?: RateLimits | null;
  /** Caller assumed without an Authorization header (only the CLI's local mode sets it). */
  defaultAuth?: AuthContext | null;
}
