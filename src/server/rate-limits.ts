import { createHash } from 'node:crypto';
import { type FastifyRateLimitStore, normalizeIP } from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/config.js';
import type { AuthContext } from '../core/auth.js';
import { DomainError } from '../core/errors.js';
import type { Authenticator } from './auth.js';
import type { SharedRateLimits } from './rate-limit-store.js';
import type { EdgeLimit } from './surface.js';

/**
 * Request-rate limits at the HTTP edge (issue 6). What is counted where:
 *
 * | limit | key | where |
 * | --- | --- | --- |
 * | API (`SESSIOND_API_RATE_LIMIT_PER_MINUTE`) | the caller's credential, else its client IP | every API route of every surface, and the ZITADEL RPCs |
 * | sign-in by address (`SESSIOND_SIGNIN_RATE_LIMIT_PER_MINUTE`) | client IP | the routes that check a password or a client secret, instead of the API limit |
 * | sign-in by account (`SESSIOND_SIGNIN_LOGIN_RATE_LIMIT_PER_MINUTE`) | the login name (or client id) tried | the same, once the body names it |
 * | introspection (`SESSIOND_INTROSPECT_RATE_LIMIT_PER_SECOND`, off by default) | client IP, per node | `POST /v1/sessions/introspect` only |
 *
 * The first three count in a store from `rate-limit-store.ts` (Redis for all nodes, falling back
 * to this process); introspection never leaves the process (docs/architecture.md, "Rate limits").
 * Failed sign-ins and lockout are the core's business; these only bound how fast anyone may ask.
 */

const MINUTE_MS = 60_000;

/** What one counted request learned about its limit. */
export interface LimitHit {
  limit: number;
  remaining: number;
  /** Seconds until the window ends (at least 1). */
  resetSeconds: number;
  exceeded: boolean;
}

/** The error every surface renders as its 429, with Retry-After. */
export const rateLimited = (message: string, retryAfterSeconds: number) => new DomainError('rate_limited', message, [], retryAfterSeconds);

/** A fixed-window limit of `max` requests per key over a store (Redis shared by the nodes, or this process). */
export class RateLimit {
  constructor(
    private readonly store: FastifyRateLimitStore,
    readonly max: number,
    private readonly message: string,
    private readonly windowMs = MINUTE_MS,
  ) {}

  /** Counts one request of `key`. The stores of rate-limit-store.ts never fail (they fall back to memory). */
  hit(key: string): Promise<LimitHit> {
    return new Promise((resolve, reject) => {
      this.store.incr(
        key,
        (err, r) => {
          if (err || !r) return reject(err ?? new Error('rate limit store answered nothing'));
          resolve({
            limit: this.max,
            remaining: Math.max(0, this.max - r.current),
            resetSeconds: Math.max(1, Math.ceil(r.ttl / 1000)),
            exceeded: r.current > this.max,
          });
        },
        this.windowMs,
        this.max,
      );
    });
  }

  /** Counts one request of `key`; throws `rate_limited` (Retry-After: the rest of the window) past the limit. */
  async take(key: string): Promise<LimitHit> {
    const h = await this.hit(key);
    if (h.exceeded) throw rateLimited(this.message, h.resetSeconds);
    return h;
  }
}

/** Addresses counted at most per second by the introspection limit (more are not counted until the next second). */
const MAX_ADDRESSES = 100_000;

/**
 * Per-node limit of the validation path: a count per client address in the current second, in a
 * Map of numbers that is emptied when the second turns. A counted request costs a clock read, one
 * Map lookup and one store of a small integer; nothing is allocated but a new address's entry.
 */
export class AddressRateLimit {
  private readonly counts = new Map<string, number>();
  private secondEndsMs = 0;
  constructor(readonly perSecond: number) {}

  /** Counts one request from `address`; true when it goes over the limit. */
  over(address: string): boolean {
    const now = Date.now();
    if (now >= this.secondEndsMs) {
      this.counts.clear();
      this.secondEndsMs = now - (now % 1000) + 1000;
    }
    const n = (this.counts.get(address) ?? 0) + 1;
    if (n > 1 || this.counts.size < MAX_ADDRESSES) this.counts.set(address, n);
    return n > this.perSecond;
  }
}

export interface RateLimits {
  /** Every API call, by credential or client IP; null = off. */
  api: RateLimit | null;
  /** Password and client-secret checks by client IP; null = off. */
  signInByAddress: RateLimit | null;
  /** Password and client-secret checks by the account tried; null = off. */
  signInByAccount: RateLimit | null;
  /** `POST /v1/sessions/introspect` by client IP, per node; null = off (the default). */
  introspect: AddressRateLimit | null;
}

export const NO_RATE_LIMITS: RateLimits = { api: null, signInByAddress: null, signInByAccount: null, introspect: null };

const SIGN_IN_MESSAGE = 'too many sign-in attempts; retry after the time in Retry-After';
const API_MESSAGE = 'too many requests from this caller; retry after the time in Retry-After';
export const INTROSPECT_LIMIT_MESSAGE = 'too many validations from this address; retry after the time in Retry-After';

/** The limits of this configuration over `stores` (Redis-backed or per node). */
export function createRateLimits(config: Config, stores: SharedRateLimits): RateLimits {
  const over = (scope: string, max: number, message: string) => (max > 0 ? new RateLimit(new (stores.storeFor(scope))({}), max, message) : null);
  return {
    api: over('api', config.apiRateLimitPerMinute, API_MESSAGE),
    signInByAddress: over('signin-ip', config.signInRateLimitPerMinute, SIGN_IN_MESSAGE),
    signInByAccount: over('signin-account', config.signInAccountRateLimitPerMinute, SIGN_IN_MESSAGE),
    introspect: config.introspectRateLimitPerSecond > 0 ? new AddressRateLimit(config.introspectRateLimitPerSecond) : null,
  };
}

/** Key of a client address; IPv6 addresses count by /64, as one host usually holds a whole /64. */
export const addressKey = (ip: string | null | undefined): string => `ip:${ip ? normalizeIP(ip) : 'unknown'}`;

/** Key of a caller: its credential (a Looker access token counts as its credential), else its address. */
export const callerKey = (auth: AuthContext | null, ip: string | null | undefined): string =>
  auth?.credentialId ? `credential:${auth.credentialId}` : addressKey(ip);

/**
 * Key of an account tried at sign-in: a hash of where the name lives and the name (lower-cased,
 * as login names are matched), so keys are short and no login name is written to Redis.
 */
export function accountKey(kind: string, ...parts: string[]): string {
  return `${kind}:${createHash('sha256').update(parts.join('\0').toLowerCase()).digest('base64url').slice(0, 22)}`;
}

/**
 * Counts one password check against both sign-in limits: by the client address, where the
 * caller knows it, and by the account tried. Throws `rate_limited` past either.
 */
export async function limitSignIn(limits: RateLimits | null | undefined, o: { address?: string | null | undefined; account: string }): Promise<void> {
  if (!limits) return;
  if (limits.signInByAddress && o.address) await limits.signInByAddress.take(addressKey(o.address));
  if (limits.signInByAccount) await limits.signInByAccount.take(o.account);
}

/** The server's own routes the edge does not count; the surfaces name theirs (`Surface.edgeLimits`). */
export const SERVER_EDGE_LIMITS: Readonly<Record<string, EdgeLimit>> = {
  'GET /console': 'none',
  'HEAD /console': 'none',
  'GET /console/:file': 'none',
  'HEAD /console/:file': 'none',
  'GET /healthz': 'none',
  'HEAD /healthz': 'none',
  'GET /readyz': 'none',
  'HEAD /readyz': 'none',
  'GET /metrics': 'none',
  'HEAD /metrics': 'none',
};

/**
 * The edge hook of the Fastify surfaces: before the body is read, the API limit (by caller) or
 * the sign-in limit by address. A request with a bad credential is counted by its address and
 * answered 401 by its surface afterwards. An error thrown here is shaped by the route's surface.
 */
export function addEdgeRateLimits(app: FastifyInstance, o: { auth: Authenticator; limits: RateLimits; routes: ReadonlyMap<string, EdgeLimit> }): void {
  const { api, signInByAddress, introspect } = o.limits;
  if (!api && !signInByAddress && !introspect) return;
  app.addHook('onRequest', async (req, reply) => {
    const kind = o.routes.get(`${req.method} ${req.routeOptions.url}`) ?? 'api';
    if (kind === 'none') return;
    if (kind === 'introspect') {
      if (introspect?.over(req.ip)) throw rateLimited(INTROSPECT_LIMIT_MESSAGE, 1);
      return;
    }
    if (kind === 'sign_in') {
      if (signInByAddress) await signInByAddress.take(addressKey(req.ip));
      return;
    }
    if (!api) return;
    let auth: AuthContext | null = null;
    try {
      auth = await o.auth.authenticate(req);
    } catch {
      // Not a valid credential: counted by address; the surface answers 401 in its own shape.
    }
    const h = await api.hit(callerKey(auth, req.ip));
    void reply.header('x-ratelimit-limit', h.limit).header('x-ratelimit-remaining', h.remaining).header('x-ratelimit-reset', h.resetSeconds);
    if (h.exceeded) throw rateLimited(API_MESSAGE, h.resetSeconds);
  });
}
