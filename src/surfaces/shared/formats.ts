import Bowser from 'bowser';

/** Largest time toISOString writes with a four-digit year (9999-12-31T23:59:59.999Z). */
const MAX_FOUR_DIGIT_YEAR_MS = 253_402_300_799_999;
const PREFIX_CACHE_MAX = 4096;
const USER_AGENT_CACHE_MAX = 1_000;

/** What a compatibility surface shows of a session's user agent (Looker `browser`/`operating_system`, Dynatrace `device`). */
export interface ClientDescription {
  browser: string | null;
  operatingSystem: string | null;
  /** "desktop", "mobile", "tablet", "tv", … or null when unknown. */
  platform: string | null;
}

export interface Formats {
  /**
   * `new Date(ms).toISOString()`, faster: the answers of the validation path carry several
   * timestamps, and most fall in a few recent seconds, so the `YYYY-MM-DDTHH:MM:SS` part is
   * kept per second and only the milliseconds are written each time.
   */
  isoTime(ms: number): string;
  /** Parses a stored user agent; the same few strings recur, so results are kept (bounded). */
  describeUserAgent(userAgent: string | null): ClientDescription;
}

const join = (name: string | undefined, version: string | undefined) => (name ? (version ? `${name} ${version}` : name) : null);

/** The formatting of one app's answers, with caches of its own (two apps in one process share none). */
export function createFormats(): Formats {
  const prefixes = new Map<number, string>();
  const clients = new Map<string, ClientDescription>();

  function isoTime(ms: number): string {
    if (!Number.isInteger(ms) || ms < 0 || ms > MAX_FOUR_DIGIT_YEAR_MS) return new Date(ms).toISOString();
    const sec = Math.floor(ms / 1000);
    let prefix = prefixes.get(sec);
    if (prefix === undefined) {
      if (prefixes.size >= PREFIX_CACHE_MAX) prefixes.clear();
      prefix = new Date(sec * 1000).toISOString().slice(0, 19);
      prefixes.set(sec, prefix);
    }
    const frac = ms - sec * 1000;
    return `${prefix}.${frac < 10 ? '00' : frac < 100 ? '0' : ''}${frac}Z`;
  }

  function describeUserAgent(userAgent: string | null): ClientDescription {
    if (!userAgent) return { browser: null, operatingSystem: null, platform: null };
    const hit = clients.get(userAgent);
    if (hit) return hit;
    const r = Bowser.parse(userAgent);
    const d: ClientDescription = {
      browser: join(r.browser.name, r.browser.version?.split('.')[0]),
      operatingSystem: join(r.os.name, r.os.versionName ?? r.os.version),
      platform: r.platform.type ?? null,
    };
    if (clients.size >= USER_AGENT_CACHE_MAX) clients.clear();
    clients.set(userAgent, d);
    return d;
  }

  return { isoTime, describeUserAgent };
}
