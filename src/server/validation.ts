import type { FastifySchemaCompiler } from 'fastify';
import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import Value from 'typebox/value';
import type { FieldIssue } from '../core/errors.js';
import { type SchemaError, toFieldIssues } from '../core/validate.js';

/** A request part failed its schema; carries one issue per field. */
export class RequestValidationError extends Error {
  readonly statusCode = 400;
  constructor(
    readonly part: string,
    readonly issues: FieldIssue[],
  ) {
    super(`invalid ${part}`);
  }
}

/**
 * Validates with the same TypeBox engine as the core. Bodies are checked strictly (no
 * type coercion, no silently dropped fields); query strings and path parameters are
 * converted from text first.
 */
export const typeboxValidatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const compiled = Compile(schema);
  const fromText = httpPart === 'querystring' || httpPart === 'params' || httpPart === 'headers';
  const part = httpPart === 'querystring' ? 'query' : (httpPart ?? 'body');
  return (data: unknown) => {
    const value = fromText ? convertText(schema, data) : data;
    const ok = compiled.Check(value);
    const unstorable = ok && !fromText ? loneSurrogates(value) : [];
    if (ok && unstorable.length === 0) return { value };
    const issues = ok ? unstorable : toFieldIssues([...compiled.Errors(value)] as SchemaError[], schema);
    const prefix = part === 'body' ? '' : `${part}.`;
    return {
      error: new RequestValidationError(
        part,
        issues.map((i) => ({ ...i, field: `${prefix}${i.field}`.replace(/\.$/, '') })),
      ),
    };
  };
};

/**
 * Text to typed values with defaults. Convert alone would read "1.5" as 1, "0x10" as 16, "1e2"
 * as 100 and "" as 0, silently changing what the client asked: an integer must be written as
 * decimal digits, anything else is kept as text so the check refuses it.
 */
function convertText(schema: TSchema, data: unknown): unknown {
  const props = (schema as { properties?: Record<string, { type?: unknown }> }).properties;
  const keep: [string, string][] = [];
  if (props && typeof data === 'object' && data !== null) {
    for (const [k, s] of Object.entries(props)) {
      const given = (data as Record<string, unknown>)[k];
      if (s.type === 'integer' && typeof given === 'string' && !DECIMAL_INTEGER.test(given)) keep.push([k, given]);
    }
  }
  const converted = Value.Convert(schema, data); // mutates data
  if (keep.length && typeof converted === 'object' && converted !== null) for (const [k, v] of keep) (converted as Record<string, unknown>)[k] = v;
  return Value.Default(schema, converted);
}

const DECIMAL_INTEGER = /^-?\d+$/;
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Strings with unpaired UTF-16 surrogates (JSON allows "\ud800") cannot be stored as UTF-8: the
 * database would keep something else than what was acknowledged. One issue per such value or key.
 */
function loneSurrogates(root: unknown): FieldIssue[] {
  const out: FieldIssue[] = [];
  const issue = (field: string) => out.push({ field, code: 'format', message: 'must be well-formed Unicode (no unpaired surrogates)' });
  const todo: [unknown, string][] = [[root, '']];
  for (let next = todo.pop(); next; next = todo.pop()) {
    const [v, path] = next;
    const at = (k: string | number) => (path ? `${path}.${k}` : String(k));
    if (typeof v === 'string') {
      if (LONE_SURROGATE.test(v)) issue(path);
    } else if (Array.isArray(v)) {
      for (const [i, x] of v.entries()) todo.push([x, at(i)]);
    } else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (LONE_SURROGATE.test(k)) issue(at(k));
        else todo.push([x, at(k)]);
      }
    }
  }
  return out.reverse();
}
