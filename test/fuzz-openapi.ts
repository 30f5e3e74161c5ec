import { Compile } from 'typebox/compile';
import { expect } from 'vitest';
import type { Res } from './fuzz-client.js';

// The fuzz test's check of native errors against the OpenAPI document (test/fuzz.test.ts): the
// body validates against the document's Error schema, compiled with TypeBox as the server's own
// schemas are, and the status is one the operation lists.

interface Operation {
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> } | undefined>;
}

interface Doc {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: { Error: object } };
}

/** A checker of native error answers; `route` is `METHOD /v1/path/{template}`, as the fuzz names routes. */
export function documentedErrors(doc: Doc): (r: Res, route: string, what: string) => void {
  const errorSchema = Compile(doc.components.schemas.Error as never);
  // A status answered with another documented body (the session checks' 401: the introspection answer).
  const schemas = new Map<string, ReturnType<typeof Compile>>();
  const schemaOf = (op: Operation | undefined, status: number) => {
    const s = op?.responses[String(status)]?.content?.['application/json']?.schema;
    if (!s || s.$ref) return errorSchema;
    const key = JSON.stringify(s);
    let c = schemas.get(key);
    if (!c) {
      c = Compile(s as never);
      schemas.set(key, c);
    }
    return c;
  };
  return (r, route, what) => {
    const [method = '', path = ''] = route.split(' ');
    const op = doc.paths[path]?.[method.toLowerCase()];
    const schema = schemaOf(op, r.status);
    const issues = schema.Check(r.json) ? [] : [...schema.Errors(r.json)].map((e) => `${e.instancePath} ${e.message}`);
    expect(issues, `${what}: the body breaks the document's ${schema === errorSchema ? 'Error ' : ''}schema`).toEqual([]);
    // An unknown path or method has no operation: only its body is checked.
    if (op) expect(Object.keys(op.responses), `${what}: status ${r.status} not listed for ${route}`).toContain(String(r.status));
  };
}
