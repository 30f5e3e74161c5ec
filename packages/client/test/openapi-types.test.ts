import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_TYPES_FILE, clientOpenApiTypes } from '../../../scripts/client-openapi-types.mjs';
import { startTestApp, type TestApp } from '../../../test/helpers.js';

// The client's types (src/openapi.ts) are generated from sessiond's OpenAPI document: this fails
// when the committed file is not what `npm run client:types` makes of today's document.

describe("the client's OpenAPI types", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t?.close());

  it('are up to date with GET /v1/openapi.json (else run `npm run client:types`)', async () => {
    const r = await t.req('GET', '/v1/openapi.json', undefined, { token: null });
    expect(r.status).toBe(200);
    expect(readFileSync(CLIENT_TYPES_FILE, 'utf8')).toBe(await clientOpenApiTypes(r.raw));
  });
});
