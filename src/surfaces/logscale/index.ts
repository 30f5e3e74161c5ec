import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ExecutionResult } from 'graphql';
import mercurius from 'mercurius';
import { DomainError } from '../../core/errors.js';
import type { App, Surface } from '../../server/surface.js';
import type { SurfaceDeps } from '../shared/deps.js';
import type { Formats } from '../shared/formats.js';
import { documentErrorOf, fieldError, sendGraphqlFailure } from './errors.js';
import { serveGraphiql } from './graphiql.js';
import { escapeControlCharsInStrings } from './lenient-json.js';
import { noSubscriptions, rootFieldLimit } from './limits.js';
import { inputPathOf, resolvers } from './resolvers.js';
import { schema } from './schema.js';
import type { GraphqlContext } from './sessions.js';

const GRAPHQL_PATH = '/graphql';
/** GraphQL documents here are small; the standard introspection query is about 2 KiB. */
export const GRAPHQL_BODY_LIMIT_BYTES = 32_768;
/** The standard introspection query is 15 deep (one level of slack); the schema itself is 4 deep. */
export const GRAPHQL_MAX_DEPTH = 16;
export const GRAPHQL_MAX_TOKENS = 10_000;

/**
 * LogScale's GraphQL API, the session part (CONTRACT §5): `POST /graphql` (and `GET` for
 * queries), GraphiQL at `/graphiql`. Every error leaves as a GraphQL `errors` body.
 */
export async function logscaleGraphql(app: App, deps: SurfaceDeps) {
  // JSON (tolerating raw line breaks inside strings, as the seed's examples send them) and
  // mercurius' application/graphql; anything else is 415.
  app.removeContentTypeParser(['application/json', 'text/plain']);
  const strictJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: GRAPHQL_BODY_LIMIT_BYTES }, (req, body, done) => {
    void strictJson(req, body as string, (err, value) => {
      if (!err) return done(null, value);
      const repaired = escapeControlCharsInStrings(body as string);
      if (repaired === body) return done(err, undefined);
      void strictJson(req, repaired, done);
    });
  });

  // Not part of the native OpenAPI document; mercurius' response schema would turn list indexes
  // in error paths into strings, so responses are plain JSON.
  app.addHook('onRoute', (route) => {
    const { response: _dropped, ...rest } = (route.schema ?? {}) as Record<string, unknown>;
    route.schema = { ...rest, hide: true };
  });

  // GraphiQL's routes; other methods and unknown paths here are the edge's (src/server/http.ts), in this shape too.
  app.setErrorHandler(sendGraphqlFailure);

  app.addHook('onRequest', async (req, reply) => {
    if (req.routeOptions.url !== GRAPHQL_PATH) return;
    // A browser opening /graphql gets the explorer instead of an error.
    if (req.method === 'GET' && !(req.query as { query?: string }).query && /\btext\/html\b/.test(req.headers.accept ?? '')) {
      return reply.redirect('/graphiql', 302);
    }
    req.auth = (await deps.auth.authenticate(req)) ?? deps.defaultAuth ?? null;
    if (!req.auth) throw new DomainError('unauthenticated', 'a credential is required: send Authorization: Bearer <secret>');
  });

  app.addHook('preValidation', async (req) => {
    if (req.routeOptions.url !== GRAPHQL_PATH) return;
    const query = req.method === 'GET' ? (req.query as { query?: unknown }).query : (req.body as { query?: unknown } | null)?.query;
    // mercurius would take a query that parses as JSON for a ready-made syntax tree.
    if (typeof query === 'string' && parsesAsJson(query)) {
      throw new DomainError('invalid_argument', 'query must be a GraphQL document', [
        { field: 'query', code: 'format', message: 'must be a GraphQL document' },
      ]);
    }
    // A POST body's variables are checked by mercurius' body schema; GET's ?variables= only as JSON.
    const variables = req.method === 'GET' ? (req.query as { variables?: unknown }).variables : undefined;
    if (typeof variables === 'string' && !jsonObjectOrNot(variables)) {
      throw new DomainError('invalid_argument', 'variables must be a JSON object', [{ field: 'variables', code: 'type', message: 'must be a JSON object' }]);
    }
  });

  await app.register(mercurius, {
    schema,
    resolvers: resolvers as never,
    path: GRAPHQL_PATH,
    // GraphiQL is served by serveGraphiql, from the packages, not mercurius' CDN-loading page.
    graphiql: false,
    jit: 1,
    queryDepth: GRAPHQL_MAX_DEPTH,
    validationRules: [rootFieldLimit, noSubscriptions],
    graphql: { parseOptions: { maxTokens: GRAPHQL_MAX_TOKENS } },
    additionalRouteOptions: { bodyLimit: GRAPHQL_BODY_LIMIT_BYTES },
    context: (req): GraphqlContext => ({ auth: req.auth, core: deps.core, formats: deps.formats, users: new Map() }),
    errorHandler: (err: unknown, req: FastifyRequest, reply: FastifyReply) => {
      void sendGraphqlFailure(err, req, reply);
    },
    errorFormatter: (execution, ctx) => {
      const req = (ctx as unknown as { reply: FastifyReply }).reply.request;
      // No data at all: the variables were refused before execution (the JIT path reports them here).
      if (execution.data === undefined) {
        return { statusCode: 400, response: { errors: execution.errors.map((e) => documentErrorOf(e, req)) } as unknown as ExecutionResult };
      }
      const errors = execution.errors.map((e) => fieldError(e, req, inputPathOf));
      return { statusCode: 200, response: { data: execution.data, errors } };
    },
  });

  serveGraphiql(app);
}

/** The LogScale surface of one app: `/graphql` and GraphiQL, at the root. */
export function logscaleSurface(formats: Formats): Surface {
  return {
    name: 'logscale',
    errorPrefixes: [GRAPHQL_PATH, '/graphiql'],
    errorHandler: sendGraphqlFailure,
    register: (app, ctx) => logscaleGraphql(app, { ...ctx, formats }),
  };
}

/** False only for JSON that is not an object (an array, a string, a number): text that is not JSON is mercurius' to refuse. */
function jsonObjectOrNot(text: string): boolean {
  try {
    const v: unknown = JSON.parse(text);
    return v === null || (typeof v === 'object' && !Array.isArray(v));
  } catch {
    return true;
  }
}

function parsesAsJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
