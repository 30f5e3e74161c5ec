import type { IncomingHttpHeaders } from 'node:http';

/** A host name or address with an optional port, nothing else (no userinfo, path, backslash or space). */
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;
/** A path (and query) as a proxy forwards it: starts with one `/`, printable ASCII, no backslash. */
const PATH = /^\/(?![/\\])[\x21-\x5b\x5d-\x7e]*$/;

export interface RedirectRule {
  /** Whether a browser may be sent to `url`: http(s), no userinfo, and a host of the allow-list (unset: `ownHost` only). */
  allows(url: URL, ownHost: string): boolean;
}

/**
 * SESSIOND_ALLOWED_REDIRECT_DOMAINS: comma-separated domains; each allows itself and its
 * subdomains (`example.com` allows `app.example.com`, never `example.com.evil.net` or
 * `badexample.com`). Unset: only the host the request itself was for.
 */
export function redirectRule(setting: string | undefined): RedirectRule {
  const domains = (setting ?? '')
    .split(',')
    .map((d) => d.trim().toLowerCase().replace(/^\./, ''))
    .filter((d) => d !== '');
  return {
    allows(url, ownHost) {
      if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username !== '' || url.password !== '') return false;
      const host = url.hostname.toLowerCase();
      if (domains.length === 0) return url.host.toLowerCase() === ownHost.toLowerCase();
      return domains.some((d) => host === d || host.endsWith(`.${d}`));
    },
  };
}

/**
 * The URL the browser asked the proxy for, from X-Forwarded-Proto, -Host and -Uri (the caller
 * checks the proxy is trusted): null when any is missing or malformed, so a header crafted to
 * smuggle another host (`evil.com\@good.com`, `good.com@evil.com`, `//evil.com`) gives no URL.
 */
export function forwardedUrl(h: IncomingHttpHeaders): URL | null {
  const proto = one(h['x-forwarded-proto'])?.toLowerCase();
  const host = one(h['x-forwarded-host']);
  const given = h['x-forwarded-uri'];
  const uri = (Array.isArray(given) ? given[0] : given) ?? '/';
  if ((proto !== 'http' && proto !== 'https') || !host || !HOST.test(host) || !PATH.test(uri)) return null;
  let url: URL;
  try {
    url = new URL(`${proto}://${host}${uri}`);
  } catch {
    return null;
  }
  return url.username === '' && url.password === '' ? url : null;
}

/** The first value of a header a proxy may have sent as a list (`https, http`). */
function one(v: string | string[] | undefined): string | undefined {
  const s = Array.isArray(v) ? v[0] : v;
  const i = s?.indexOf(',') ?? -1;
  return (i === -1 ? s : s?.slice(0, i))?.trim() || undefined;
}
