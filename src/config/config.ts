import { isIP } from 'node:net';
import Type, { type Static, type TSchema } from 'typebox';
import { validator } from '../core/validate.js';

/**
 * The one configuration schema: every option, its environment variable, default and
 * meaning. `sessiond serve --help` and docs/configuration.md are generated from it.
 */
const options = {
  host: opt('SESSIOND_HOST', Type.String({ minLength: 1, default: '127.0.0.1' }), 'Address to listen on.'),
  port: opt('SESSIOND_PORT', Type.Integer({ minimum: 0, maximum: 65535, default: 8080 }), 'Port for HTTP/1.1 and h2c (0 = any free port).'),
  dataDir: opt('SESSIOND_DATA_DIR', Type.String({ minLength: 1, default: './data' }), 'Directory of the embedded SQLite database.'),
  databaseUrl: opt('SESSIOND_DATABASE_URL', Type.Optional(Type.String({ minLength: 1 })), 'postgres://… selects PostgreSQL instead of SQLite.'),
  databasePoolSize: opt(
    'SESSIOND_DATABASE_POOL_SIZE',
    Type.Integer({ minimum: 1, maximum: 1000, default: 10 }),
    "Connections of this node's PostgreSQL pool (all nodes together must stay below the server's max_connections).",
  ),
  redisUrl: opt(
    'SESSIOND_REDIS_URL',
    Type.Optional(Type.String({ minLength: 1 })),
    'redis://… (with SESSIOND_DATABASE_URL): a session cache shared by all nodes (a node that misses in memory asks Redis before PostgreSQL), last use of each session seen by every node, rate limits counted across nodes, and session and policy changes reach every node over pub/sub within milliseconds. Redis down or slow: nodes read PostgreSQL (correct, slower), rate limits count per node, and /readyz says "redis":"down".',
  ),
  redisCommandTimeoutMs: opt(
    'SESSIOND_REDIS_COMMAND_TIMEOUT_MS',
    Type.Integer({ minimum: 10, maximum: 10_000, default: 250 }),
    'A Redis command on the request path (shared cache, rate limit) not answered within this fails over to PostgreSQL (or the per-node limit); Redis is then skipped for 1 s.',
  ),
  redisPrefix: opt(
    'SESSIOND_REDIS_PREFIX',
    Type.String({ minLength: 1, maxLength: 200, default: 'sessiond:' }),
    'Namespace of every Redis key and channel (deployments sharing one Redis need different prefixes).',
  ),
  bootstrapToken: opt(
    'SESSIOND_BOOTSTRAP_TOKEN',
    Type.Optional(Type.String({ minLength: 1 })),
    "Secret of the instance-admin credential with client id 'bootstrap'; without it the first start creates one and prints it once.",
  ),
  geoipDb: opt('SESSIOND_GEOIP_DB', Type.Optional(Type.String({ minLength: 1 })), 'Path of a MaxMind City/Country .mmdb file for country and city.'),
  logLevel: opt(
    'SESSIOND_LOG_LEVEL',
    Type.Union(
      [
        Type.Literal('fatal'),
        Type.Literal('error'),
        Type.Literal('warn'),
        Type.Literal('info'),
        Type.Literal('debug'),
        Type.Literal('trace'),
        Type.Literal('silent'),
      ],
      { default: 'info' },
    ),
    'Log level of the JSON logs on stdout.',
  ),
  bodyLimitBytes: opt('SESSIOND_BODY_LIMIT_BYTES', Type.Integer({ minimum: 1024, maximum: 10_485_760, default: 65_536 }), 'Largest request body accepted.'),
  activityFlushMs: opt(
    'SESSIOND_ACTIVITY_FLUSH_MS',
    Type.Integer({ minimum: 50, maximum: 60_000, default: 1000 }),
    'How often last-activity times are written (write-behind); also how stale they may be after a crash.',
  ),
  sessionCacheEntries: opt(
    'SESSIOND_SESSION_CACHE_ENTRIES',
    Type.Integer({ minimum: 0, maximum: 10_000_000, default: 100_000 }),
    'Sessions kept in memory by token hash so validating a busy token reads no storage (about 1 KiB each; 0 turns the cache off).',
  ),
  nodeCacheTtlMs: opt(
    'SESSIOND_NODE_CACHE_TTL_MS',
    Type.Integer({ minimum: 0, maximum: 300_000, default: 10_000 }),
    "PostgreSQL + Redis: longest time a session stays in a node's memory before it is read again from Redis. It bounds how stale the lastActiveAt and idleExpiresAt in this node's answers may be when a user's requests are spread over nodes (uses recorded on other nodes reach this node's copy when it is re-read); an idle timeout is never judged from this memory (a copy that looks idle is read again from Redis), so it fires at most SESSIOND_ACTIVITY_FLUSH_MS early. Revocations, other session changes and policy changes do not wait for it (pub/sub, a heartbeat through Redis and the cache epoch make them bite within about a second). 0 = no per-node cache (every validation asks Redis).",
  ),
  sqliteSynchronous: opt(
    'SESSIOND_SQLITE_SYNCHRONOUS',
    Type.Union([Type.Literal('FULL'), Type.Literal('NORMAL')], { default: 'FULL' }),
    'FULL: acknowledged writes survive power loss; NORMAL: they survive a process crash (faster writes).',
  ),
  sessionRetentionSeconds: opt(
    'SESSIOND_SESSION_RETENTION_SECONDS',
    Type.Integer({ minimum: 0, maximum: 31_536_000, default: 604_800 }),
    'How long ended sessions are kept (their tokens answer with the end reason) before the sweep deletes them.',
  ),
  sweepIntervalSeconds: opt('SESSIOND_SWEEP_INTERVAL_SECONDS', Type.Integer({ minimum: 1, maximum: 86_400, default: 300 }), 'How often the expiry sweep runs.'),
  sweepBatchSize: opt('SESSIOND_SWEEP_BATCH_SIZE', Type.Integer({ minimum: 1, maximum: 100_000, default: 1000 }), 'Sessions deleted per sweep batch.'),
  revokeSessionsOnPasswordChange: opt(
    'SESSIOND_REVOKE_ON_PASSWORD_CHANGE',
    Type.Boolean({ default: true }),
    "A password change ends the user's other sessions (OWASP ASVS V7.4.3).",
  ),
  argon2MemoryKiB: opt(
    'SESSIOND_ARGON2_MEMORY_KIB',
    Type.Integer({ minimum: 1024, maximum: 4_194_304, default: 19_456 }),
    'argon2id memory cost (OWASP: 19 MiB).',
  ),
  passwordHashConcurrency: opt(
    'SESSIOND_PASSWORD_HASH_CONCURRENCY',
    Type.Integer({ minimum: 0, maximum: 256, default: 0 }),
    "argon2id hashes computed at once (they run on libuv's thread pool, off the event loop); more wait their turn. 0 = the machine's cores minus one (at least 1), so password checks never take every core from validation.",
  ),
  argon2TimeCost: opt('SESSIOND_ARGON2_TIME_COST', Type.Integer({ minimum: 1, maximum: 100, default: 2 }), 'argon2id iterations (OWASP: 2).'),
  shutdownTimeoutMs: opt(
    'SESSIOND_SHUTDOWN_TIMEOUT_MS',
    Type.Integer({ minimum: 100, maximum: 120_000, default: 10_000 }),
    'Longest wait for in-flight requests on SIGTERM.',
  ),
  apiRateLimitPerMinute: opt(
    'SESSIOND_API_RATE_LIMIT_PER_MINUTE',
    Type.Integer({ minimum: 0, maximum: 1_000_000, default: 600 }),
    'Requests per minute one caller may make to the APIs of every surface together (/v1, /api/4.0, /api/cluster/v2, /graphql, /v2/sessions and the ZITADEL RPCs), counted by its credential (a Looker access token counts as its credential), else by its client IP (IPv6 by /64); a request with a bad credential counts for its IP. Sign-in has its own limits below, and introspection is not counted. Beyond it: 429 with Retry-After in the shape of the surface. Counted for all nodes together with Redis, per node without. 0 = no limit.',
  ),
  signInRateLimitPerMinute: opt(
    'SESSIOND_SIGNIN_RATE_LIMIT_PER_MINUTE',
    Type.Integer({ minimum: 0, maximum: 1_000_000, default: 60 }),
    'Sign-in attempts per minute from one client IP, successful or not: POST /v1/sessions, POST /v1/sessions/password, POST /api/4.0/login, and ZITADEL password checks (by the userAgent.ip the login front-end reports; without one, only the limit below applies). Set it above the sign-ins your busiest office NAT or trusted proxy sends per minute. 0 = no limit.',
  ),
  signInAccountRateLimitPerMinute: opt(
    'SESSIOND_SIGNIN_ACCOUNT_RATE_LIMIT_PER_MINUTE',
    Type.Integer({ minimum: 0, maximum: 1_000_000, default: 10 }),
    "Sign-in attempts per minute against one account, from any number of IPs, successful or not: the login name (per organization) on /v1, the client_id on Looker's login, the login name, user id or session on ZITADEL password checks. Bounds one attacker spread over many IPs; the lockout after repeated failures is separate. 0 = no limit.",
  ),
  introspectRateLimitPerSecond: opt(
    'SESSIOND_INTROSPECT_RATE_LIMIT_PER_SECOND',
    Type.Integer({ minimum: 0, maximum: 10_000_000, default: 0 }),
    'POST /v1/sessions/introspect calls per second from one client IP, counted in each node alone (no Redis on the validation path); beyond it: 429 with Retry-After: 1. Off by default: apps validate on every request of every user, usually from a few server addresses, and tokens cannot be guessed. Set it when browsers call introspection directly, to stop one runaway client. 0 = no limit.',
  ),
  trustProxy: opt(
    'SESSIOND_TRUST_PROXY',
    Type.Union([Type.Boolean(), Type.String({ minLength: 1, maxLength: 4000 })], { default: false }),
    'Which peers may set X-Forwarded-For (the client IP) and, for GET /v1/forward-auth, X-Forwarded-Proto/-Host/-Uri/-Method: true = any peer (the first X-Forwarded-For entry is the client), false = none, or comma-separated addresses and CIDRs of your proxies (e.g. 10.0.0.0/8,::1; the client is the last X-Forwarded-For entry that is not one of them).',
  ),
  metricsRequireCredential: opt(
    'SESSIOND_METRICS_REQUIRE_CREDENTIAL',
    Type.Boolean({ default: false }),
    'GET /metrics only with an instance-wide credential holding metrics:read (Authorization: Bearer <secret>; Prometheus: `authorization: {credentials_file: …}`); without one 401, without the permission 403. Off by default, so a scraper of the network the port is reachable from keeps working: turn it on when the port is reachable by more than your monitoring.',
  ),
  otelTraces: opt(
    'SESSIOND_OTEL_TRACES',
    Type.Union([Type.Literal('auto'), Type.Literal('off'), Type.Literal('otlp')], { default: 'auto' }),
    'OpenTelemetry traces (a span per HTTP request and RPC, a child span per store call; an incoming W3C traceparent is honoured), exported over OTLP/HTTP (JSON). auto: on when OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or OTEL_EXPORTER_OTLP_ENDPOINT is set and OTEL_SDK_DISABLED is not true; otlp: on (with neither endpoint: http://localhost:4318/v1/traces); off: never. The SDK is loaded only when on. The other standard OTEL_* variables (headers, timeout, sampler, batching) are read by the SDK itself.',
  ),
  otlpTracesEndpoint: opt(
    'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
    Type.Optional(Type.String({ pattern: '^https?://', maxLength: 2048 })),
    'Standard OpenTelemetry variable: the full URL spans are posted to (e.g. http://collector:4318/v1/traces). Turns tracing on under SESSIOND_OTEL_TRACES=auto.',
  ),
  otlpEndpoint: opt(
    'OTEL_EXPORTER_OTLP_ENDPOINT',
    Type.Optional(Type.String({ pattern: '^https?://', maxLength: 2048 })),
    'Standard OpenTelemetry variable: base URL of an OTLP/HTTP receiver; spans go to that URL plus /v1/traces unless OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is set. Turns tracing on under SESSIOND_OTEL_TRACES=auto.',
  ),
  otelServiceName: opt(
    'OTEL_SERVICE_NAME',
    Type.String({ minLength: 1, maxLength: 256, default: 'sessiond' }),
    'Standard OpenTelemetry variable: service.name of the spans.',
  ),
  otelSdkDisabled: opt(
    'OTEL_SDK_DISABLED',
    Type.Boolean({ default: false }),
    'Standard OpenTelemetry variable: true keeps tracing off under SESSIOND_OTEL_TRACES=auto.',
  ),
  console: opt('SESSIOND_CONSOLE', Type.Boolean({ default: true }), 'Serve the admin console at /console (it uses only the native API).'),
  consoleCookieSecure: opt(
    'SESSIOND_CONSOLE_COOKIE_SECURE',
    Type.Boolean({ default: true }),
    "Mark the console's session cookie Secure (sent over HTTPS only; browsers also send it to http://localhost). Turn off only to reach the console over plain HTTP on another address, e.g. a test network.",
  ),
  cookieSecure: opt(
    'SESSIOND_COOKIE_SECURE',
    Type.Boolean({ default: true }),
    'Mark the session cookie of the sign-in page Secure (HTTPS only). Off is accepted only while sessiond listens on a loopback address (plain http://127.0.0.1 development).',
  ),
  cookieDomain: opt(
    'SESSIOND_COOKIE_DOMAIN',
    Type.Optional(
      Type.String({ minLength: 1, maxLength: 253, pattern: '^\\.?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$' }),
    ),
    'Domain of the session cookie (e.g. example.com), so that one sign-in covers the apps of that parent domain; the cookie is then __Secure-sessiond. Unset: the cookie belongs to the host of the sign-in page only (__Host-sessiond).',
  ),
  whoamiMaxAge: opt(
    'SESSIOND_WHOAMI_MAX_AGE',
    Type.Integer({ minimum: 0, maximum: 300, default: 0 }),
    "Seconds a 200 of GET /v1/sessions/whoami and /v1/forward-auth may be cached (Cache-Control: private, max-age), never past the session's nearest deadline; 0 = no-store. A cache lets a revoked session through for up to this long.",
  ),
  allowedRedirectDomains: opt(
    'SESSIOND_ALLOWED_REDIRECT_DOMAINS',
    Type.Optional(Type.String({ minLength: 1, maxLength: 4000 })),
    'Comma-separated domains the sign-in page and forward-auth may send a browser back to (a domain also allows its subdomains). Unset: only the host of the request itself. Never an open redirect.',
  ),
  signinUrl: opt(
    'SESSIOND_SIGNIN_URL',
    Type.Optional(Type.String({ minLength: 1, maxLength: 2000, pattern: '^https?://' })),
    'Public URL of the sign-in page that forward-auth redirects browsers to (e.g. https://auth.example.com/signin). Unset: /signin on the forwarded host (the proxy routes /signin to sessiond).',
  ),
};

function opt<T extends TSchema>(env: string, schema: T, description: string) {
  return { env, schema, description };
}

type Options = typeof options;
const ConfigSchema = Type.Object(Object.fromEntries(Object.entries(options).map(([k, o]) => [k, o.schema])) as { [K in keyof Options]: Options[K]['schema'] }, {
  additionalProperties: false,
});
export type Config = Static<typeof ConfigSchema>;
const check = validator(ConfigSchema);

/** Rows for docs and `--help`: variable, default, meaning. */
export function configTable(): { env: string; default: string; description: string }[] {
  return Object.values(options).map((o) => ({
    env: o.env,
    default: 'default' in o.schema ? String((o.schema as { default: unknown }).default) : '(unset)',
    description: o.description,
  }));
}

/**
 * Reads the configuration from environment variables plus explicit overrides, applies
 * defaults, and fails fast with every problem named.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const raw: Record<string, unknown> = {};
  for (const [key, o] of Object.entries(options)) {
    const v = env[o.env];
    if (v !== undefined && v !== '') raw[key] = coerce(v, o.schema);
    else if ('default' in o.schema) raw[key] = (o.schema as { default: unknown }).default;
  }
  for (const [k, v] of Object.entries(overrides)) if (v !== undefined) raw[k] = v;
  const issues = check.issues(raw);
  if (issues.length) {
    const lines = issues.map((i) => `  ${options[i.field as keyof Options]?.env ?? i.field}: ${i.message}`);
    throw new Error(`invalid configuration:\n${lines.join('\n')}`);
  }
  const config = raw as Config;
  if (!config.cookieSecure && !isLoopback(config.host)) {
    throw new Error(
      `invalid configuration:\n  SESSIOND_COOKIE_SECURE: false is accepted only while SESSIOND_HOST is a loopback address (it is ${config.host}); a session cookie without Secure would travel in clear text`,
    );
  }
  const proxies = typeof config.trustProxy === 'string' ? invalidProxyEntries(config.trustProxy) : [];
  if (proxies.length) throw new Error(`invalid configuration:\n  SESSIOND_TRUST_PROXY: not an address or CIDR: ${proxies.join(', ')}`);
  return config;
}

/** The entries of an address/CIDR list that are neither (`10.0.0.0/8`, `::1`, `192.0.2.7`). */
export function invalidProxyEntries(list: string): string[] {
  return list
    .split(',')
    .map((e) => e.trim())
    .filter((e) => {
      const [addr = '', bits, extra] = e.split('/');
      const family = isIP(addr);
      if (family === 0 || extra !== undefined) return true;
      return bits !== undefined && !(/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
    });
}

/** 127.0.0.0/8, ::1 and localhost: addresses only this machine reaches. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
}

function coerce(v: string, schema: TSchema): unknown {
  const type = (schema as { type?: string }).type;
  if (type === 'integer' || type === 'number') return /^-?\d+(\.\d+)?$/.test(v.trim()) ? Number(v) : v;
  // SESSIOND_TRUST_PROXY: a boolean, or else a list of addresses.
  if (type === 'boolean' || (schema as { anyOf?: { type?: string }[] }).anyOf?.some((s) => s.type === 'boolean'))
    return ['1', 'true', 'yes', 'on'].includes(v.toLowerCase()) ? true : ['0', 'false', 'no', 'off'].includes(v.toLowerCase()) ? false : v;
  return v;
}
