import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/config.js';
import { configurationMarkdown } from '../src/config/docs.js';
import { readCookie, serializeSessionCookie, sessionCookie } from '../src/surfaces/shared/session-cookie.js';

describe('configuration', () => {
  it('applies documented defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ host: '127.0.0.1', port: 8080, dataDir: './data', activityFlushMs: 1000, sqliteSynchronous: 'FULL' });
    expect(c.databaseUrl).toBeUndefined();
  });

  it('reads environment variables with types', () => {
    const c = loadConfig({ SESSIOND_PORT: '9090', SESSIOND_REVOKE_ON_PASSWORD_CHANGE: 'false', SESSIOND_HOST: '0.0.0.0' });
    expect(c).toMatchObject({ port: 9090, revokeSessionsOnPasswordChange: false, host: '0.0.0.0' });
  });

  it('fails fast naming every bad variable', () => {
    expect(() => loadConfig({ SESSIOND_PORT: 'eighty', SESSIOND_LOG_LEVEL: 'loud', SESSIOND_ACTIVITY_FLUSH_MS: '1' })).toThrow(
      /SESSIOND_PORT: must be an integer[\s\S]*SESSIOND_LOG_LEVEL: must be one of[\s\S]*SESSIOND_ACTIVITY_FLUSH_MS: must be between 50 and 60000/,
    );
  });

  it('a session cookie without Secure only on a loopback address; its name has the strongest prefix the deployment allows', () => {
    expect(() => loadConfig({ SESSIOND_COOKIE_SECURE: 'false', SESSIOND_HOST: '0.0.0.0' })).toThrow(
      /SESSIOND_COOKIE_SECURE: false is accepted only while SESSIOND_HOST is a loopback/,
    );
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', 'localhost'])
      expect(loadConfig({ SESSIOND_COOKIE_SECURE: 'false', SESSIOND_HOST: host }).cookieSecure).toBe(false);
    expect(sessionCookie(loadConfig({})).name).toBe('__Host-sessiond');
    expect(sessionCookie(loadConfig({ SESSIOND_COOKIE_DOMAIN: 'example.com' })).name).toBe('__Secure-sessiond');
    expect(sessionCookie(loadConfig({ SESSIOND_COOKIE_SECURE: 'false' })).name).toBe('sessiond');
    expect(() => loadConfig({ SESSIOND_COOKIE_DOMAIN: 'example.com; Path=/x' })).toThrow(/SESSIOND_COOKIE_DOMAIN/);
    const c = sessionCookie(loadConfig({ SESSIOND_COOKIE_DOMAIN: 'example.com' }));
    expect(serializeSessionCookie(c, 'tok')).toBe('__Secure-sessiond=tok; Path=/; HttpOnly; SameSite=Lax; Secure; Domain=example.com');
    expect(serializeSessionCookie(c, '', 0)).toMatch(/; Max-Age=0$/);
    expect(readCookie('a=1; __Secure-sessiond=tok ; b=2', c.name)).toBe('tok');
    expect(readCookie(`x=${'y'.repeat(9000)}; __Secure-sessiond=tok`, c.name)).toBeNull();
  });

  it('docs/configuration.md is generated from the schema and up to date', () => {
    expect(readFileSync(new URL('../docs/configuration.md', import.meta.url), 'utf8')).toBe(configurationMarkdown());
  });
});
