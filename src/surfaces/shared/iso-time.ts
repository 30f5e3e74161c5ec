/** Largest time toISOString writes with a four-digit year (9999-12-31T23:59:59.999Z). */
const MAX_FOUR_DIGIT_YEAR_MS = 253_402_300_799_999;
const PREFIX_CACHE_MAX = 4096;
const prefixes = new Map<number, string>();

/**
 * `new Date(ms).toISOString()`, faster: the answers of the validation path carry several
 * timestamps, and most fall in a few recent seconds, so the `YYYY-MM-DDTHH:MM:SS` part is
 * kept per second and only the milliseconds are written each time.
 */
export function isoTime(ms: number): string {
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
