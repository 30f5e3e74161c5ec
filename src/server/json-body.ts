import type { FastifyInstance } from 'fastify';

type Parser = ReturnType<FastifyInstance['getDefaultJsonParser']>;

/**
 * Fastify's JSON parser (prototype-poisoning keys refused), except that an empty body on a route
 * without a body schema is no body, whatever Content-Type says: HTTP libraries send
 * `Content-Type: application/json` on every request, DELETE included. A route with a body schema
 * still answers an empty body 400 "the JSON body is empty"; one that reads an optional body
 * without a schema (ZITADEL's REST mapping) gets `undefined` and decides.
 */
export function jsonBody(app: FastifyInstance): Parser {
  const json = app.getDefaultJsonParser('error', 'error');
  return (req, body, done) => {
    if (body === '' && req.routeOptions.schema?.body === undefined) return done(null, undefined);
    return json(req, body, done);
  };
}
