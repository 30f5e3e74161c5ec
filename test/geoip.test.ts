import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openGeoIp } from '../src/adapters/geoip.js';
import { buildCityMmdb } from './fixtures/mmdb.js';
import { startTestApp } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'sessiond-geo-'));
const dbPath = join(dir, 'city.mmdb');
writeFileSync(dbPath, buildCityMmdb('203.0.113.0/24', { country: { iso_code: 'NL' }, city: { names: { en: 'Amsterdam' } } }));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('GeoIP location (real .mmdb read by the maxmind reader)', () => {
  it('looks up country and city, and nothing for other or invalid addresses', async () => {
    const geo = await openGeoIp(dbPath);
    expect(geo.lookup('203.0.113.77')).toEqual({ country: 'NL', city: 'Amsterdam' });
    expect(geo.lookup('198.51.100.1')).toBeNull();
    expect(geo.lookup('not-an-ip')).toBeNull();
  });

  it('fails fast on a missing file', async () => {
    await expect(openGeoIp(join(dir, 'missing.mmdb'))).rejects.toThrow(/no file/);
  });

  it('sessions record country and city from the client address when trackLocation is on', async () => {
    const t = await startTestApp({ geoipDb: dbPath, trustProxy: true });
    try {
      await t.req('POST', '/v1/users', { loginName: 'geo', password: 'password-1' });
      const s = await t.req(
        'POST',
        '/v1/sessions',
        { loginName: 'geo', password: 'password-1' },
        { token: null, headers: { 'x-forwarded-for': '203.0.113.5', 'user-agent': 'TestAgent/1.0' } },
      );
      expect(s.status).toBe(201);
      expect(s.body.session.location).toEqual({ ip: '203.0.113.5', userAgent: 'TestAgent/1.0', country: 'NL', city: 'Amsterdam', lastIp: '203.0.113.5' });
    } finally {
      await t.close();
    }
  });
});
