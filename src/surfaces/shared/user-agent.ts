import Bowser from 'bowser';

/** What a compatibility surface shows of a session's user agent (Looker `browser`/`operating_system`, Dynatrace `device`). */
export interface ClientDescription {
  browser: string | null;
  operatingSystem: string | null;
  /** "desktop", "mobile", "tablet", "tv", … or null when unknown. */
  platform: string | null;
}

const cache = new Map<string, ClientDescription>();
const CACHE_MAX = 1_000;
const join = (name: string | undefined, version: string | undefined) => (name ? (version ? `${name} ${version}` : name) : null);

/** Parses a stored user agent; the same few strings recur, so results are kept (bounded). */
export function describeUserAgent(userAgent: string | null): ClientDescription {
  if (!userAgent) return { browser: null, operatingSystem: null, platform: null };
  const hit = cache.get(userAgent);
  if (hit) return hit;
  const r = Bowser.parse(userAgent);
  const d: ClientDescription = {
    browser: join(r.browser.name, r.browser.version?.split('.')[0]),
    operatingSystem: join(r.os.name, r.os.versionName ?? r.os.version),
    platform: r.platform.type ?? null,
  };
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(userAgent, d);
  return d;
}
