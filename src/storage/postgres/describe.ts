// How the store names its servers in the startup output: host, port and database, never credentials.

/** "PostgreSQL host:port/db", never the password. */
export function describePostgres(url: string): string {
  try {
    const u = new URL(url);
    const host = u.hostname || decodeURIComponent(u.searchParams.get('host') ?? '') || 'localhost';
    return `PostgreSQL ${host}:${u.port || '5432'}/${decodeURIComponent(u.pathname.replace(/^\//, '')) || u.username}`;
  } catch {
    return 'PostgreSQL';
  }
}

/** host:port of a Redis URL, never its password. */
export function describeRedis(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname || 'localhost'}:${u.port || '6379'}`;
  } catch {
    return '(invalid URL)';
  }
}
