import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Session } from './index.js';
import { checkRequest, denial, type MiddlewareOptions } from './middleware.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The sessiond session of the request, set by `sessiond.fastify()`. */
    session?: Session;
  }
}

/**
 * Fastify preHandler hook: `request.session` for an active session, else 401 JSON or (browser
 * navigations) a redirect to `redirectTo`. `app.addHook('preHandler', fastify({ client }))`
 * guards every route of `app` (or of a plugin's scope); `{ preHandler: fastify({ client }) }` one route.
 */
export function fastify(o: MiddlewareOptions) {
  return async function sessiondSession(request: FastifyRequest, reply: FastifyReply) {
    const header = (name: string) => {
      const v = request.headers[name];
      return Array.isArray(v) ? v.join(', ') : v;
    };
    const check = await checkRequest(o, header);
    if (check.active) {
      request.session = check.session;
      return;
    }
    const d = denial(o, check, { method: request.method, url: `${request.protocol}://${request.host}${request.url}`, header });
    if (d.status === 401) return reply.code(401).header('www-authenticate', d.wwwAuthenticate).send(d.body);
    return reply.redirect(d.location, d.status);
  };
}
