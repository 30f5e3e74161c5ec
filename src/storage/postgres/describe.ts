/** "PostgreSQL host:port/db" for the startup output, never the password. */
export function describePostgres(url: string): string {
  try {
    const u = new URL(url);
    const host = u.hostname || decodeURIComponent(u.searchParams.get('host') ?? '') || 'localhost';
    return `PostgreSQL ${host}:${u.port || '5432'}/${decodeURIComponent(u.pathname.replace(/^\//, '')) || u.username}`;
  } catch {
    return 'PostgreSQL';
  }
}
