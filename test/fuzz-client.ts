import http from 'node:http';
import { expect } from 'vitest';

// The fuzz test's client and the error shape of each surface (test/fuzz.test.ts).

// The client: a real socket, any bytes, no normalisation of paths.

export interface Res {
  status: number;
  headers: http.IncomingHttpHeaders;
  raw: string;
  // biome-ignore lint/suspicious/noExplicitAny: answers of many shapes
  json: any;
}

export type Send = (method: string, path: string, headers: Record<string, string>, body?: Buffer, fresh?: boolean) => Promise<Res>;

/** Requests to 127.0.0.1:port over one kept-alive connection (`fresh`: a new one), bytes as given. */
export function createClient(port: number): { send: Send; close(): void } {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const send: Send = (method, path, headers, body, fresh = false) =>
    new Promise((resolve, reject) => {
      let done = false;
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          method,
          path,
          agent: fresh ? false : agent,
          headers: { ...headers, ...(body ? { 'content-length': String(body.length) } : {}) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', (e) => !done && reject(e));
          res.on('end', () => {
            done = true;
            const raw = Buffer.concat(chunks).toString('utf8');
            let json: unknown;
            try {
              json = raw ? JSON.parse(raw) : null;
            } catch {
              json = undefined;
            }
            resolve({ status: res.statusCode ?? 0, headers: res.headers, raw, json });
          });
        },
      );
      // The server may answer (413) and close before the whole body is written.
      req.on('error', (e) => !done && reject(e));
      req.end(body);
    });
  return { send, close: () => agent.destroy() };
}

// ---------------------------------------------------------------------------------------------
// Surfaces: how each one's errors look.

export interface Surface {
  name: string;
  /** Whether the answer is an error (GraphQL: also a 200 carrying `errors`). */
  isError(r: Res): boolean;
  /** Asserts the error body has the surface's shape. */
  checkError(r: Res, what: string): void;
  /** protobuf JSON: null means "unset", enums take numbers, 64-bit integers take strings. */
  proto?: boolean;
  /** Unknown fields of a message are ignored (connect's JSON, as connect-go's); else refused. */
  ignoresUnknownFields?: boolean;
  /** The body is parsed by connect (JSON.parse) rather than Fastify's parser, which refuses `__proto__`. */
  ownParser?: boolean;
  /** Content types the surface takes as JSON. */
  jsonTypes: (ct: string) => boolean;
  bodyLimit: number;
}

const isJsonCt = (ct: string) => /^application\/json\s*(;\s*charset=utf-8\s*)?$/i.test(ct);

function keysOnly(o: unknown, allowed: string[], required: string[], what: string) {
  expect(o !== null && typeof o === 'object' && !Array.isArray(o), `${what}: not an object`).toBe(true);
  const keys = Object.keys(o as object);
  for (const k of keys) expect(allowed, `${what}: unexpected key ${k}`).toContain(k);
  for (const k of required) expect(keys, `${what}: missing ${k}`).toContain(k);
}

export const native: Surface = {
  name: 'native',
  isError: (r) => r.status >= 400,
  checkError(r, what) {
    keysOnly(r.json, ['error'], ['error'], what);
    const e = r.json.error;
    keysOnly(e, ['code', 'message', 'requestId', 'details'], ['code', 'message', 'requestId', 'details'], what);
    expect(typeof e.code, what).toBe('string');
    expect(e.code, what).not.toBe('internal');
    expect(typeof e.message, what).toBe('string');
    expect(e.requestId, what).toBe(r.headers['x-request-id']);
    expect(Array.isArray(e.details), what).toBe(true);
  },
  jsonTypes: isJsonCt,
  bodyLimit: 65_536,
};

/** GET /v1/sessions/whoami and /v1/forward-auth: native errors, but a 401 is the inactive introspection answer. */
export const nativeSessionCheck: Surface = {
  ...native,
  checkError(r, what) {
    if (r.status !== 401) return native.checkError(r, what);
    keysOnly(r.json, ['active', 'reason'], ['active', 'reason'], what);
    expect(r.json.active, what).toBe(false);
    expect(r.headers['www-authenticate'], what).toMatch(/^Bearer realm="sessiond"/);
  },
};

export const looker: Surface = {
  name: 'looker',
  isError: (r) => r.status >= 400,
  checkError(r, what) {
    keysOnly(r.json, ['message', 'documentation_url', 'errors'], ['message', 'documentation_url'], what);
    expect(typeof r.json.message, what).toBe('string');
    expect(r.json.documentation_url, what).toMatch(/^https:\/\/cloud\.google\.com\/looker\/docs\/r\/err\/4\.0\/\d{3}\//);
    if (r.json.errors !== undefined) {
      expect(r.status, what).toBe(422);
      for (const e of r.json.errors) keysOnly(e, ['field', 'code', 'message', 'documentation_url'], ['field', 'code', 'message'], what);
    }
  },
  // Looker reads bodies as JSON whatever the Content-Type says (docs/compat-looker.md).
  jsonTypes: () => true,
  bodyLimit: 65_536,
};

export const dynatrace: Surface = {
  name: 'dynatrace',
  isError: (r) => r.status >= 400,
  checkError(r, what) {
    keysOnly(r.json, ['error'], ['error'], what);
    keysOnly(r.json.error, ['code', 'message', 'constraintViolations'], ['code', 'message'], what);
    expect(r.json.error.code, what).toBe(r.status);
    expect(typeof r.json.error.message, what).toBe('string');
    for (const v of r.json.error.constraintViolations ?? []) keysOnly(v, ['path', 'message', 'parameterLocation', 'location'], ['path', 'message'], what);
  },
  jsonTypes: (ct) => isJsonCt(ct) || ct === '*/*',
  bodyLimit: 65_536,
};

export const logscale: Surface = {
  name: 'logscale',
  isError: (r) => r.status >= 400 || (r.status === 200 && Array.isArray(r.json?.errors) && r.json.errors.length > 0),
  checkError(r, what) {
    keysOnly(r.json, ['errors', 'data'], ['errors'], what);
    expect(r.json.errors.length, what).toBeGreaterThan(0);
    if (r.status >= 400) expect('data' in r.json, `${what}: a request that did not execute has no data`).toBe(false);
    for (const e of r.json.errors) {
      expect(typeof e.message, what).toBe('string');
      expect(typeof e.extensions?.code, what).toBe('string');
      expect(e.extensions.code, what).not.toBe('INTERNAL_SERVER_ERROR');
    }
  },
  jsonTypes: (ct) => isJsonCt(ct) || ct === 'application/graphql',
  bodyLimit: 32_768,
};

export const zitadelRest: Surface = {
  name: 'zitadel-rest',
  proto: true,
  isError: (r) => r.status >= 400,
  checkError(r, what) {
    keysOnly(r.json, ['code', 'message', 'details'], ['code', 'message', 'details'], what);
    expect(typeof r.json.code, what).toBe('number');
    expect([2, 13], what).not.toContain(r.json.code); // Unknown, Internal
    expect(typeof r.json.message, what).toBe('string');
  },
  jsonTypes: isJsonCt,
  bodyLimit: 65_536,
};

const CONNECT_CODES = [
  'canceled',
  'invalid_argument',
  'deadline_exceeded',
  'not_found',
  'already_exists',
  'permission_denied',
  'resource_exhausted',
  'failed_precondition',
  'aborted',
  'out_of_range',
  'unimplemented',
  'unavailable',
  'unauthenticated',
];
export const connect: Surface = {
  name: 'connect',
  proto: true,
  ignoresUnknownFields: true,
  ownParser: true,
  isError: (r) => r.status >= 400,
  checkError(r, what) {
    keysOnly(r.json, ['code', 'message', 'details'], ['code'], what);
    expect(CONNECT_CODES, what).toContain(r.json.code);
  },
  jsonTypes: isJsonCt,
  bodyLimit: 1_048_576,
};
