import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers.js';

// The OpenAPI document at GET /v1/openapi.json: valid OpenAPI 3.1, an operationId on every
// operation, its error responses and its credentials; and a typed client generated from it
// (openapi-typescript + openapi-fetch) that type-checks and works against a running server.

interface Operation {
  operationId?: string;
  security?: Record<string, string[]>[];
  responses: Record<string, { $ref?: string; content?: Record<string, { schema: { $ref?: string } }>; headers?: Record<string, unknown> }>;
  parameters?: { in: string; name: string }[];
}
interface Doc {
  paths: Record<string, Record<string, Operation>>;
  security?: Record<string, string[]>[];
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
}

/** The operations that take no credential: the password or the session token in the body is the proof. */
const NO_CREDENTIAL = [
  'signIn',
  'introspectSession',
  'signOut',
  'rotateSessionToken',
  'revokeOtherSessions',
  'changeOwnPassword',
  'signInToConsole',
  'signOutOfConsole',
  'whoami',
  'forwardAuth',
];
/** The session checks by GET answer 401 with the introspection answer (not the Error schema). */
const CHECKS = ['whoami', 'forwardAuth'];

describe('the OpenAPI document', () => {
  let t: TestApp & { url: string };
  let raw = '';
  let doc: Doc;
  const operations = () => Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ method, path, op })));

  beforeAll(async () => {
    t = await startTestApp({}, { listen: true });
    const r = await t.req('GET', '/v1/openapi.json', undefined, { token: null });
    expect(r.status).toBe(200);
    raw = r.raw;
    doc = r.body;
  });
  afterAll(() => t?.close());

  it('is valid OpenAPI 3.1 (Redocly: structure, references, operationIds)', async () => {
    const config = await createConfig({
      rules: { struct: 'error', 'no-unresolved-refs': 'error', 'operation-operationId': 'error', 'operation-operationId-unique': 'error' },
    });
    const problems = await lintFromString({ source: raw, absoluteRef: `${t.url}/v1/openapi.json`, config });
    expect(problems.map((p) => `${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`)).toEqual([]);
  });

  it('every one of the 42 operations has a unique camelCase operationId', () => {
    const ids = operations().map(({ op }) => op.operationId);
    expect(ids).toHaveLength(42);
    for (const id of ids) expect(id).toMatch(/^[a-z][a-zA-Z]+$/);
    expect(new Set(ids).size).toBe(ids.length);
    const byRoute = Object.fromEntries(operations().map(({ method, path, op }) => [`${method} ${path}`, op.operationId]));
    expect(byRoute).toMatchObject({
      'post /v1/sessions': 'signIn',
      'post /v1/sessions/introspect': 'introspectSession',
      'get /v1/sessions': 'listSessions',
      'patch /v1/policy': 'updatePolicy',
      'get /v1/sessions/whoami': 'whoami',
      'get /v1/forward-auth': 'forwardAuth',
    });
  });

  it('sign-in and the token calls need no credential (security: []); every other operation needs one', () => {
    expect(doc.security).toEqual([{ bearer: [] }]);
    for (const { method, path, op } of operations()) {
      const what = `${method} ${path} (${op.operationId})`;
      if (NO_CREDENTIAL.includes(op.operationId ?? '')) expect(op.security, what).toEqual([]);
      else if (op.operationId === 'getConsoleSession') expect(op.security, what).toEqual([{ consoleCookie: [] }]);
      else expect(op.security, what).toBeUndefined(); // the document's bearer requirement
    }
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['bearer', 'consoleCookie']);
  });

  it('every operation lists its error statuses and a default, each the one Error schema', () => {
    expect(doc.components.schemas.Error).toMatchObject({ type: 'object', required: ['error'] });
    for (const { method, path, op } of operations()) {
      const what = `${method} ${path}`;
      const errors = Object.keys(op.responses).filter((s) => !/^[23]\d\d$/.test(s));
      for (const s of ['400', '401', '429', '503', 'default']) expect(errors, what).toContain(s);
      if (!NO_CREDENTIAL.includes(op.operationId ?? '') && op.operationId !== 'getConsoleSession') expect(errors, what).toContain('403');
      if (path.includes('{')) expect(errors, what).toEqual(expect.arrayContaining(['404', '414']));
      if (method !== 'get') expect(errors, what).toEqual(expect.arrayContaining(['413', '415']));
      for (const s of errors) {
        if (s === '401' && CHECKS.includes(op.operationId ?? '')) continue;
        expect(op.responses[s]?.content?.['application/json']?.schema, `${what} ${s}`).toEqual({ $ref: '#/components/schemas/Error' });
      }
      expect(op.responses['429']?.headers?.['retry-after'], what).toBeDefined();
    }
    const statuses = (id: string) => Object.keys(operations().find(({ op }) => op.operationId === id)?.op.responses ?? {});
    expect(statuses('signIn')).toContain('409');
    expect(statuses('createUser')).toEqual(expect.arrayContaining(['404', '409']));
    expect(statuses('deleteOrganization')).toContain('409');
  });

  it('says that a user of another organization signs in with organizationId', () => {
    const signIn = operations().find(({ op }) => op.operationId === 'signIn')?.op as { description?: string } | undefined;
    expect(signIn?.description).toMatch(/organizationId/);
  });

  describe('a typed client generated from it (openapi-typescript, openapi-fetch)', () => {
    // Under node_modules so the generated client resolves openapi-fetch as any project file would.
    const dir = join(process.cwd(), 'node_modules', '.cache');
    let work = '';
    beforeAll(async () => {
      mkdirSync(dir, { recursive: true });
      work = mkdtempSync(join(dir, 'sessiond-openapi-'));
      writeFileSync(join(work, 'api.d.ts'), astToString(await openapiTS(raw)));
      writeFileSync(join(work, 'package.json'), '{"type":"module"}');
    });
    afterAll(() => rmSync(work, { recursive: true, force: true }));

    const client = (signInBody: string) => `
import createClient from 'openapi-fetch';
import type { paths } from './api.js';

export async function run(baseUrl: string, loginName: string, password: string) {
  const api = createClient<paths>({ baseUrl });
  const signedIn = await api.POST('/v1/sessions', { body: ${signInBody} });
  if (!signedIn.data) return { error: signedIn.error.error.code };
  const token: string = signedIn.data.token;
  const { data } = await api.POST('/v1/sessions/introspect', { body: { token } });
  const active: boolean | undefined = data?.active;
  const expiresAt: string | undefined = data?.session?.expiresAt;
  return { active, expiresAt, userId: signedIn.data.session.userId };
}
`;
    /** Type-checks clients against the generated types in one program; the diagnostics of each, formatted. */
    function typeCheck(sources: Record<string, string>): Record<string, string> {
      for (const [name, source] of Object.entries(sources)) writeFileSync(join(work, `${name}.ts`), source);
      const program = ts.createProgram(
        Object.keys(sources).map((name) => join(work, `${name}.ts`)),
        {
          strict: true,
          noEmit: true,
          target: ts.ScriptTarget.ES2022,
          module: ts.ModuleKind.NodeNext,
          moduleResolution: ts.ModuleResolutionKind.NodeNext,
          lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
          types: [],
          skipLibCheck: true,
        },
      );
      const errors = (name: string) => {
        const file = program.getSourceFile(join(work, `${name}.ts`));
        return [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)]
          .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))
          .join('\n');
      };
      return Object.fromEntries(Object.keys(sources).map((name) => [name, errors(name)]));
    }

    it('type-checks, and refuses calls that break the document', () => {
      const found = typeCheck({
        good: client('{ loginName, password }'),
        // A test that cannot fail proves nothing: a wrong type and a missing field are refused.
        wrongType: client('{ loginName: 42, password }'),
        missingField: client('{ loginName }'),
      });
      expect(found.good).toBe('');
      expect(found.wrongType).toMatch(/number.*string/);
      expect(found.missingField).toMatch(/password/);
    });

    it('signs in and introspects against the running server; errors come typed', async () => {
      expect((await t.req('POST', '/v1/users', { loginName: 'typed', password: 'correct horse battery' })).status).toBe(201);
      writeFileSync(
        join(work, 'client.js'),
        ts.transpileModule(client('{ loginName, password }'), { compilerOptions: { module: ts.ModuleKind.ES2022 } }).outputText,
      );
      const { run } = await import(pathToFileURL(join(work, 'client.js')).href);
      expect(await run(t.url, 'typed', 'correct horse battery')).toEqual({ active: true, expiresAt: expect.any(String), userId: expect.any(String) });
      expect(await run(t.url, 'typed', 'wrong password')).toEqual({ error: 'invalid_credentials' });
    });
  });
});
