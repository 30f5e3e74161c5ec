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
    const value = fromText ? Value.Default(schema, Value.Convert(schema, data)) : data;
    if (compiled.Check(value)) return { value };
    const issues = toFieldIssues([...compiled.Errors(value)] as SchemaError[], schema);
    const prefix = part === 'body' ? '' : `${part}.`;
    return {
      error: new RequestValidationError(
        part,
        issues.map((i) => ({ ...i, field: `${prefix}${i.field}`.replace(/\.$/, '') })),
      ),
    };
  };
};
