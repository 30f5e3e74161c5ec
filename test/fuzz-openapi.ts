import { Compile } from 'typebox/compile';
import { expect } from 'vitest';
import type { Res } from './fuzz-client.js';

// The fuzz test's check of native errors against the OpenAPI document (test/fuzz.test.ts): the
// body validates against the document's Error schema, compiled with TypeBox as the server's own
// schemas are, and the status is one the operation lists.

interface Doc {
  paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
  components: { schemas: { Error: object } };
}

/** A checker of native error answers; `route` is `METHOD /v1/path/{template}`, as the fuzz names routes. */
export function documentedErrors(doc: Doc): (r: Res, route: string, what: string) => void {
  const errorSchema = Compile(doc.components.schemas.Error as never);
  return (r, route, what) => {
    const issues = errorSchema.Check(r.json) ? [] : [...errorSchema.Errors(r.json)].map((e) => `${e.instancePath} ${e.message}`);
    expect(issues, `${what}: the body breaks the document's Error schema`).toEqual([]);
    const [method = '', path = ''] = route.split(' ');
    const op = doc.paths[path]?.[method.toLowerCase()];
    // An unknown path or method has no operation: only its body is checked.
    if (op) expect(Object.keys(op.responses), `${what}: status ${r.status} not listed for ${route}`).toContain(String(r.status));
  };
}
