import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config/config.js';
import type { AuthContext } from '../core/auth.js';

/** The package root: this file is src/server/ (tests) or dist/server/ (built). */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
};
/** Only this origin's own files; no inline script or style, no framing, nothing sent elsewhere. */
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

/** Whether the admin console (its files here, its /v1 routes in the native surface) is on: never in the CLI's in-process mode. */
export const consoleServed = (config: Pick<Config, 'console'>, defaultAuth: AuthContext | null): boolean => config.console && !defaultAuth;

/**
 * The admin console's files: console/ (HTML, CSS) and dist/console/ (its TypeScript, compiled by
 * `npm run build`, which `npm ci` runs through `prepare`), read once at start and served from
 * memory with an ETag. Nothing is fetched from another origin, so the console works offline.
 */
export function loadConsoleAssets(root = ROOT): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  const add = (dir: string) => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      const type = TYPES[extname(name)];
      if (!type) continue;
      const body = readFileSync(join(dir, name));
      assets.set(name, { body, type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` });
    }
  };
  add(join(root, 'console'));
  add(join(root, 'dist', 'console'));
  return assets;
}

/** Serves the console at /console (index.html) and /console/<file>. */
export function serveConsole(app: FastifyInstance, assets: Map<string, Asset>): void {
  const send = (name: string, req: FastifyRequest, reply: FastifyReply) => {
    const a = assets.get(name);
    if (!a)
      return reply
        .code(404)
        .type('application/json')
        .send({ error: { code: 'not_found', message: `no console file '${name}'`, requestId: req.id, details: [] } });
    void reply
      .header('content-security-policy', CSP)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .header('x-frame-options', 'DENY')
      .header('cache-control', 'no-cache')
      .header('etag', a.etag);
    if (req.headers['if-none-match'] === a.etag) return reply.code(304).send();
    return reply.type(a.type).send(a.body);
  };
  const hide = { schema: { hide: true } };
  app.get('/console', hide, (req, reply) => send('index.html', req, reply));
  app.get<{ Params: { file: string } }>('/console/:file', hide, (req, reply) => send(req.params.file, req, reply));
}
