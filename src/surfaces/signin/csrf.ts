import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Config } from '../../config/config.js';
import { readCookie } from '../shared/session-cookie.js';

/**
 * Request forgery guards of the sign-in page's forms, two independent ones: a per-form token kept
 * in a short-lived, host-only, SameSite=Strict cookie and echoed in a hidden field (double
 * submit: another site can neither read the cookie nor set a `__Host-` one), and the browser's own
 * word on where the post came from (`Sec-Fetch-Site`, else `Origin`), checked whenever it is sent.
 */

/** Seconds a sign-in form stays usable; a form older than this is refused and shown again. */
export const CSRF_MAX_AGE_SECONDS = 3600;

/** `__Host-` (Secure, host-only, Path=/) whenever the session cookie is Secure; plain http on loopback has no prefix. */
export const csrfCookieName = (config: Pick<Config, 'cookieSecure'>) => (config.cookieSecure ? '__Host-sessiond-csrf' : 'sessiond-csrf');

/**
 * The token of the next form: the browser's current one when it has one (a second tab does not
 * make the first tab's form stale), else a new random one.
 */
export function csrfTokenFor(req: FastifyRequest, config: Pick<Config, 'cookieSecure'>): string {
  const current = readCookie(req.headers.cookie, csrfCookieName(config));
  return current && /^[A-Za-z0-9_-]{32}$/.test(current) ? current : randomBytes(24).toString('base64url');
}

export function serializeCsrfCookie(config: Pick<Config, 'cookieSecure'>, token: string, maxAgeSeconds = CSRF_MAX_AGE_SECONDS): string {
  return [
    `${csrfCookieName(config)}=${token}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Strict',
    ...(config.cookieSecure ? ['Secure'] : []),
    `Max-Age=${maxAgeSeconds}`,
  ].join('; ');
}

/**
 * Why a form post is refused, or null when it passes: the browser says it came from another
 * site, or its Origin is not this host, or the form's token does not match the cookie's.
 */
export function csrfRefusal(req: FastifyRequest, config: Pick<Config, 'cookieSecure'>, formToken: string | undefined): string | null {
  // Sec-Fetch-Site, where the browser sends it, decides; Origin only without it (older browsers),
  // since a strict referrer setting makes browsers send `Origin: null` even from the same origin.
  const site = req.headers['sec-fetch-site'];
  const origin = req.headers.origin;
  if (typeof site === 'string' ? site !== 'same-origin' : typeof origin === 'string' && !sameHost(origin, req.host)) {
    return 'the form was sent from another site';
  }
  const cookieToken = readCookie(req.headers.cookie, csrfCookieName(config));
  if (!cookieToken || !formToken || !equalSecrets(cookieToken, formToken)) return 'the form has expired or was not sent from this page';
  return null;
}

/** Whether an Origin header names this host (the scheme may differ behind a TLS-terminating proxy). */
function sameHost(origin: string, host: string): boolean {
  try {
    const o = new URL(origin);
    // The Host read with the Origin's scheme, so that a default port written or left out compares equal.
    return o.host === new URL(`${o.protocol}//${host}`).host;
  } catch {
    return false; // `null` (opaque origins: sandboxed frames, data: URLs) and anything unparsable
  }
}

function equalSecrets(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
