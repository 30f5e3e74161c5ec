import type { Config } from '../../config/config.js';

/**
 * The session cookie of the hosted sign-in page, read by whoami and forward-auth. Its name carries
 * the strongest prefix the deployment allows: `__Host-` (Secure, no Domain, Path=/: bound to the
 * sign-in page's host), `__Secure-` when SESSIOND_COOKIE_DOMAIN shares it with a parent domain's
 * apps, and no prefix only over plain http on a loopback address (SESSIOND_COOKIE_SECURE=false).
 */
export interface SessionCookie {
  name: string;
  secure: boolean;
  domain: string | null;
}

export function sessionCookie(config: Pick<Config, 'cookieSecure' | 'cookieDomain'>): SessionCookie {
  const domain = config.cookieDomain ?? null;
  const name = !config.cookieSecure ? 'sessiond' : domain ? '__Secure-sessiond' : '__Host-sessiond';
  return { name, secure: config.cookieSecure, domain };
}

/** Longest Cookie header looked at: browsers send at most a few KiB; more is not a session cookie's. */
const MAX_COOKIE_HEADER = 8192;

/** The value of cookie `name` in a Cookie header, or null (absent, empty, or the header too long). */
export function readCookie(header: string | undefined, name: string): string | null {
  if (!header || header.length > MAX_COOKIE_HEADER) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || null;
  }
  return null;
}

/**
 * A Set-Cookie value: HttpOnly, SameSite=Lax (a top-level navigation from another site, e.g. the
 * redirect back from the sign-in page, carries it; cross-site subrequests and form posts do not),
 * Path=/. No Max-Age (a browser-session cookie) unless the session is persistent; 0 clears it.
 */
export function serializeSessionCookie(c: SessionCookie, value: string, maxAgeSeconds?: number): string {
  const attrs = [
    `${c.name}=${value}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    ...(c.secure ? ['Secure'] : []),
    ...(c.domain ? [`Domain=${c.domain}`] : []),
    ...(maxAgeSeconds === undefined ? [] : [`Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`]),
  ];
  return attrs.join('; ');
}
