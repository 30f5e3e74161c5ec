/**
 * Where a browser may be sent back to after signing in or out (the sign-in page's `rd`) or to sign
 * in (forward-auth's original URL): never an open redirect. An absolute http(s) URL whose host is
 * an allowed domain or one of its subdomains (SESSIOND_ALLOWED_REDIRECT_DOMAINS; unset: only the
 * request's own host), or a path on the same host. Anything a browser could read differently from
 * the WHATWG parser is refused rather than repaired: backslashes (`/\evil.com` is `//evil.com` to a
 * browser), control characters and spaces (stripped by parsers, so `/\t/evil.com` is `//evil.com`),
 * user info (`https://good.com@evil.com`), scheme-relative `//host`, and every scheme but http(s).
 */

/** Longest target accepted: URLs past a few KiB are not return addresses. */
const MAX_TARGET_LENGTH = 4096;

/** SESSIOND_ALLOWED_REDIRECT_DOMAINS as lower-case domains without a leading dot; unset: none. */
export function allowedRedirectDomains(setting: string | undefined): string[] {
  if (!setting) return [];
  return setting
    .split(',')
    .map((d) => d.trim().toLowerCase().replace(/^\./, ''))
    .filter((d) => d.length > 0);
}

/**
 * `target` when it is a safe place to send the browser, else null: an absolute URL (returned
 * normalized by the URL parser) on an allowed host, or a path starting with a single `/`.
 * `ownHost` is the request's Host (`host[:port]`): with no allowed domains, the one host allowed.
 */
export function safeRedirectTarget(target: string | null | undefined, allowedDomains: readonly string[], ownHost: string | null): string | null {
  if (!target || target.length > MAX_TARGET_LENGTH) return null;
  // Backslashes, spaces, control characters and non-ASCII: nothing a real return URL needs unescaped.
  if (!/^[\x21-\x5b\x5d-\x7e]+$/.test(target)) return null;
  if (target.startsWith('/')) return target.startsWith('//') ? null : target;
  if (!/^https?:\/\//i.test(target)) return null;
  // User info, even empty (`https://@good.com`): a return URL never carries it.
  const authority = target.slice(target.indexOf('//') + 2).split(/[/?#]/, 1)[0]!;
  if (authority.includes('@')) return null;
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return null;
  }
  return hostAllowed(url, allowedDomains, ownHost) ? url.href : null;
}

function hostAllowed(url: URL, allowedDomains: readonly string[], ownHost: string | null): boolean {
  const host = url.hostname.toLowerCase();
  if (allowedDomains.length === 0) return ownHost !== null && url.host === hostOf(url.protocol, ownHost);
  return allowedDomains.some((d) => host === d || host.endsWith(`.${d}`));
}

/** A Host header as the URL parser writes it for this scheme (lower case, the default port left out), or null. */
function hostOf(protocol: string, host: string): string | null {
  try {
    return new URL(`${protocol}//${host}`).host;
  } catch {
    return null;
  }
}
