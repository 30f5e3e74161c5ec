import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { AuthContext } from '../../core/auth.js';
import type { Core } from '../../core/index.js';
import type { RateLimits } from '../../server/rate-limits.js';
import type { RecentSignIns } from '../../server/recent-sign-ins.js';
import type { ConsoleCookie } from './console-routes.js';

export type App = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, TypeBoxTypeProvider>;

export interface SurfaceDeps {
  core: Core;
  /**
   * Caller assumed when a request has no Authorization header. Only the CLI's local mode
   * (which never listens on a socket) sets it, to act as the system on its own data directory.
   */
  defaultAuth?: AuthContext | null;
  /** The limits a surface applies itself (per account at sign-in); the edge applies the rest. */
  rateLimits?: RateLimits | null;
  /** This node's recent sign-in attempts (the console's overview). */
  recentSignIns?: RecentSignIns | null;
  /** The admin console's cookie; null: the console is off (its /v1 routes too). */
  consoleCookie?: ConsoleCookie | null;
}
