import { BlockList, isIP } from 'node:net';
import type { Config } from '../../config/config.js';
import type { RawRequest } from '../../server/surface.js';

/**
 * Which peers may speak for the client (SESSIOND_TRUST_PROXY): `true` any, `false` none, or a
 * list of addresses and CIDRs. Paths served ahead of Fastify read X-Forwarded-* through this, with
 * the meaning Fastify gives `req.ip` on its own routes for the same setting.
 */
export interface ProxyTrust {
  /** Whether the socket peer of this request is a trusted proxy. */
  trusts(req: RawRequest): boolean;
  /** The client IP: from X-Forwarded-For behind a trusted proxy, else the socket's. */
  clientIp(req: RawRequest): string | null;
}

/** No proxy trusted: the socket's address is the client's. */
export const NO_PROXY: ProxyTrust = { trusts: () => false, clientIp: (req) => req.socket?.remoteAddress ?? null };

export function proxyTrust(setting: Config['trustProxy']): ProxyTrust {
  if (setting === false) return NO_PROXY;
  if (setting === true) {
    return {
      trusts: () => true,
      // Every hop trusted: the client is the first entry (Fastify's `req.ip` under `trustProxy: true`).
      clientIp: (req) => {
        const first = forwardedFor(req)[0];
        return first && isIP(first) !== 0 ? first : (req.socket?.remoteAddress ?? null);
      },
    };
  }
  const list = new BlockList();
  for (const entry of setting.split(',')) {
    const [addr = '', bits] = entry.trim().split('/');
    const type = isIP(addr) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(addr, type);
    else list.addSubnet(addr, Number(bits), type);
  }
  const trusted = (addr: string | undefined | null) => {
    const a = unmapped(addr);
    const family = a ? isIP(a) : 0;
    return family !== 0 && list.check(a as string, family === 6 ? 'ipv6' : 'ipv4');
  };
  return {
    trusts: (req) => trusted(req.socket?.remoteAddress),
    // From the nearest hop outwards, the first address that is not a trusted proxy (proxy-addr's rule).
    clientIp: (req) => {
      let ip = req.socket?.remoteAddress ?? null;
      if (!trusted(ip)) return ip;
      const hops = forwardedFor(req);
      for (let i = hops.length - 1; i >= 0; i--) {
        const hop = hops[i] as string;
        if (isIP(hop) === 0) break;
        ip = hop;
        if (!trusted(hop)) break;
      }
      return ip;
    },
  };
}

function forwardedFor(req: RawRequest): string[] {
  const h = req.headers['x-forwarded-for'];
  const v = Array.isArray(h) ? h.join(',') : h;
  return v ? v.split(',').map((s) => s.trim()) : [];
}

/** `::ffff:10.0.0.1` (an IPv4 peer on a dual-stack socket) is `10.0.0.1` for the list. */
function unmapped(addr: string | undefined | null): string | undefined {
  if (!addr) return undefined;
  return addr.startsWith('::ffff:') && isIP(addr.slice(7)) === 4 ? addr.slice(7) : addr;
}
