import type { FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { AuthContext } from '../../core/auth.js';
import type { Core } from '../../core/index.js';

export type LookerApp = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, TypeBoxTypeProvider>;

export interface LookerDeps {
  core: Core;
  /** Requests per minute per caller (its credential, else its IP); 0 turns the limit off. */
  rateLimitPerMinute: number;
  /** Where requests are counted (Redis, shared by the nodes); default: this process's memory. */
  rateLimitStore?: FastifyRateLimitStoreCtor | null;
  /** Caller assumed without an Authorization header (only the CLI's local mode sets it). */
  defaultAuth?: AuthContext | null;
}
