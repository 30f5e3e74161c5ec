/** host:port of a Redis URL, never its password. */
export function describeRedis(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname || 'localhost'}:${u.port || '6379'}`;
  } catch {
    return '(invalid URL)';
  }
}
