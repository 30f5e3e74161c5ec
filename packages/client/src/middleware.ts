import type { SessionCheck, SessiondClient, SessionInactive } from './index.js';

// What the Express, Fastify and Hono middleware share: find the request's token, check it with
// whoami, and the answer for a request without an active session. Each framework file only
// reads its request and writes its answer.

/** The cookie names sessiond's sign-in page sets, in the order they are looked for. */
export const SESSION_COOKIE_NAMES = ['__Host-sessiond', '__Secure-sessiond', 'sessiond'] as const;

export interface MiddlewareOptions {
  client: SessiondClient;
  /**
   * The sign-in page for browser navigations without a session (e.g. `https://auth.example.com/signin`):
   * they are redirected there with `?rd=<the URL asked for>`. Unset: every such request gets 401.
   */
  redirectTo?: string;
  /** The session cookie's name (default: the first of `__Host-sessiond`, `__Secure-sessiond`, `sessiond` present). */
  cookieName?: string;
}

/** The request headers the middleware reads, lower-case names. */
export type HeaderOf = (name: string) => string | undefined;

/** The request's token: `Authorization: Bearer`, else the session cookie; undefined when there is none. */
export function tokenOf(header: HeaderOf, cookieName?: string): string | undefined {
  const auth = header('authorization');
  if (auth && /^bearer /i.test(auth)) return auth.slice(7).trim() || undefined;
  const cookies = header('cookie');
  if (!cookies) return undefined;
  for (const name of cookieName ? [cookieName] : SESSION_COOKIE_NAMES) {
    const value = readCookie(cookies, name);
    if (value) return value;
  }
  return undefined;
}

function readCookie(header: string, name: string): string | undefined {
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || undefined;
  }
  return undefined;
}

/** The request's session check: no token at all is `unknown` without a call. Errors (sessiond unreachable) are thrown as SessiondError. */
export function checkRequest(o: MiddlewareOptions, header: HeaderOf): Promise<SessionCheck> {
  const token = tokenOf(header, o.cookieName);
  return token ? o.client.whoami(token) : Promise.resolve({ active: false, reason: 'unknown' });
}

/** The answer to a request without an active session: a redirect for a browser navigation when `redirectTo` is set, else 401. */
export type Denial = { status: 302 | 303; location: string } | { status: 401; body: SessionInactive; wwwAuthenticate: string };

/** `url` is the absolute URL asked for, the sign-in page's `rd`; a form post is sent on with 303 (the sign-in page is a GET). */
export function denial(o: MiddlewareOptions, check: SessionInactive, req: { method: string; url: string; header: HeaderOf }): Denial {
  if (o.redirectTo && isBrowserNavigation(req.header)) {
    const location = new URL(o.redirectTo);
    location.searchParams.set('rd', req.url);
    return { status: req.method === 'GET' || req.method === 'HEAD' ? 302 : 303, location: location.href };
  }
  return { status: 401, body: check, wwwAuthenticate: 'Bearer realm="sessiond"' };
}

/** A page load in a browser, not a script's call: Accept names HTML, not XHR, and (when the browser says) a navigation. */
function isBrowserNavigation(header: HeaderOf): boolean {
  if (!header('accept')?.includes('text/html')) return false;
  if (header('x-requested-with')?.toLowerCase() === 'xmlhttprequest') return false;
  const mode = header('sec-fetch-mode');
  return mode === undefined || mode === 'navigate';
}
