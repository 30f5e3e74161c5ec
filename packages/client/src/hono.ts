import type { MiddlewareHandler } from 'hono';
import type { Session } from './index.js';
import { checkRequest, denial, type MiddlewareOptions } from './middleware.js';

/** The context variables the middleware sets: `c.get('session')`. */
export type SessionVariables = { session: Session };

/** Hono middleware: `c.set('session', …)` for an active session, else 401 JSON or (browser navigations) a redirect to `redirectTo`. */
export function hono(o: MiddlewareOptions): MiddlewareHandler<{ Variables: SessionVariables }> {
  return async function sessiondSession(c, next) {
    const header = (name: string) => c.req.header(name);
    const check = await checkRequest(o, header);
    if (check.active) {
      c.set('session', check.session);
      return next();
    }
    const d = denial(o, check, { method: c.req.method, url: c.req.url, header });
    if (d.status === 401) return c.json(d.body, 401, { 'www-authenticate': d.wwwAuthenticate });
    return c.redirect(d.location, d.status);
  };
}
