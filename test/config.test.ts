import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/config.js';
import { configurationMarkdown } from '../src/config/docs.js';

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

  it('docs/configuration.md is generated from the schema and up to date', () => {
    expect(readFileSync(new URL('../docs/configuration.md', import.meta.url), 'utf8')).toBe(configurationMarkdown());
  });
});
