import type { IncomingHttpHeaders } from 'node:http';

/** A host name or address with an optional port, nothing else (no userinfo, path, backslash or space). */
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;
/** A path (and query) as a proxy forwards it: starts with one `/`, printable ASCII, no backslash. */
const PATH = /^\/(?![/\\])[\x21-\x5b\x5d-\x7e]*$/;

/**
 * The URL the browser asked the proxy for, from X-Forwarded-Proto, -Host and -Uri (the caller
 * checks the proxy is trusted, and the allow-list with `safeRedirectTarget`): null when any is
 * missing or malformed, so a header crafted to smuggle another host (`evil.com\@good.com`,
 * `good.com@evil.com`, `//evil.com`) gives no URL.
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
