import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Session } from './index.js';
import { checkRequest, denial, type MiddlewareOptions } from './middleware.js';

declare global {
  namespace Express {
    interface Request {
      /** The sessiond session of the request, set by `sessiond.express()`. */
      session?: Session;
    }
  }
}

/** Express middleware: `req.session` for an active session, else 401 JSON or (browser navigations) a redirect to `redirectTo`. */
export function express(o: MiddlewareOptions): RequestHandler {
  return async function sessiondSession(req: Request, res: Response, next: NextFunction) {
    const header = (name: string) => req.get(name);
    const check = await checkRequest(o, header);
    if (check.active) {
      req.session = check.session;
      return next();
    }
    const d = denial(o, check, { method: req.method, url: `${req.protocol}://${req.get('host')}${req.originalUrl}`, header });
    if (d.status === 401) res.status(401).set('www-authenticate', d.wwwAuthenticate).json(d.body);
    else res.redirect(d.status, d.location);
  };
}
