import { existsSync } from 'node:fs';
import maxmind, { type CityResponse, type Reader } from 'maxmind';
import type { GeoLocator } from '../core/ports.js';

/** Country and city from a MaxMind GeoLite2/GeoIP2 City (or Country) database file. */
export async function openGeoIp(path: string): Promise<GeoLocator> {
  if (!existsSync(path)) throw new Error(`SESSIOND_GEOIP_DB: no file at ${path}`);
  const reader: Reader<CityResponse> = await maxmind.open<CityResponse>(path);
  return {
    lookup(ip) {
      if (!maxmind.validate(ip)) return null;
      const r = reader.get(ip);
      if (!r) return null;
      return { country: r.country?.iso_code ?? null, city: r.city?.names?.en ?? null };
    },
  };
}
