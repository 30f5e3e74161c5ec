// Regenerates packages/client/src/openapi.ts, the client's types, from the document of
// GET /v1/openapi.json, built in-process by a throwaway app (run after `npm run build`).
// packages/client/test/openapi-types.test.ts fails when the committed file is out of date.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';

export const CLIENT_TYPES_FILE = new URL('../packages/client/src/openapi.ts', import.meta.url);

/** The client's types module for the document `raw` (its JSON text). */
export async function clientOpenApiTypes(raw) {
  const header = "// Generated from sessiond's /v1/openapi.json by `npm run client:types` (openapi-typescript): do not edit.\n\n";
  return header + astToString(await openapiTS(raw));
}

async function main() {
  const { createApp, createLogger } = await import('../dist/app.js');
  const { loadConfig } = await import('../dist/config/config.js');
  const dataDir = mkdtempSync(join(tmpdir(), 'sessiond-client-types-'));
  try {
    const config = loadConfig({}, { dataDir, port: 0, logLevel: 'warn' });
    const app = await createApp(config, { logger: createLogger('warn') });
    await app.http.app.ready();
    const res = await app.http.app.inject({ method: 'GET', url: '/v1/openapi.json' });
    await app.stop();
    if (res.statusCode !== 200) throw new Error(`GET /v1/openapi.json: ${res.statusCode} ${res.body}`);
    writeFileSync(CLIENT_TYPES_FILE, await clientOpenApiTypes(res.body));
    console.log('wrote packages/client/src/openapi.ts');
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
