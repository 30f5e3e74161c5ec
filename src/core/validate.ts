import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { Settings } from 'typebox/system';
import type { FieldIssue } from './errors.js';

// Report every bad field (inputs are size-limited before they get here, so 64 stays cheap),
// and treat an optional key set to `undefined` as present, as the compiler does.
Settings.Set({ maxErrors: 64, exactOptionalPropertyTypes: true });

/** JSON-Schema error (TypeBox/Ajv shape) reduced to what we need. */
export interface SchemaError {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message?: string | undefined;
}

const pathToField = (instancePath: string): string => instancePath.replace(/^\//, '').split('/').join('.').replace(/~1/g, '/').replace(/~0/g, '~');

/**
 * Turns JSON-Schema errors into one clear issue per field: unknown fields are
 * named, enums list their values, ranges say their limits. A message never repeats its field
 * (`field` names it; summaries print `<field> <message>`, e.g. "loginName is required").
 */
export function toFieldIssues(errors: readonly SchemaError[], schema?: TSchema): FieldIssue[] {
  const byField = new Map<string, FieldIssue>();
  const put = (issue: FieldIssue, override = false) => {
    if (override || !byField.has(issue.field)) byField.set(issue.field, issue);
  };
  for (const e of errors) {
    const base = pathToField(e.instancePath);
    const join = (k: string) => (base ? `${base}.${k}` : k);
    switch (e.keyword) {
      case 'boolean':
        break; // reported by the additionalProperties error of the parent
      case 'additionalProperties': {
        const extra = (e.params.additionalProperties ?? e.params.additionalProperty) as string[] | string | undefined;
        for (const k of Array.isArray(extra) ? extra : extra ? [extra] : []) {
          put({ field: join(k), code: 'unknown_field', message: 'is not a known field' });
        }
        break;
      }
      case 'required': {
        const missing = (e.params.requiredProperties ?? e.params.missingProperty) as string[] | string | undefined;
        for (const k of Array.isArray(missing) ? missing : missing ? [missing] : []) {
          put({ field: join(k), code: 'required', message: 'is required' });
        }
        break;
      }
      case 'const':
      case 'enum': {
        // Usually summarised by the anyOf error that follows; stands alone if the error list was cut short.
        const allowed = enumValues(schema, e.instancePath);
        if (allowed) put({ field: base, code: 'enum', message: `must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}` });
        break;
      }
      case 'anyOf': {
        const allowed = enumValues(schema, e.instancePath);
        put(
          {
            field: base,
            code: 'enum',
            message: allowed ? `must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}` : 'has an invalid value',
          },
          true,
        );
        break;
      }
      case 'type':
        put({ field: base, code: 'type', message: `must be ${article(String(e.params.type))}` }, true);
        break;
      case 'minimum':
      case 'maximum':
      case 'exclusiveMinimum':
      case 'exclusiveMaximum':
        put({ field: base, code: 'range', message: rangeMessage(schema, e.instancePath, e.message) });
        break;
      case 'minLength':
      case 'maxLength':
      case 'minItems':
      case 'maxItems':
      case 'maxProperties':
        put({ field: base, code: 'length', message: e.message ?? 'has an invalid length' });
        break;
      case 'pattern':
      case 'format':
        put({ field: base, code: 'format', message: e.message ?? 'has an invalid format' });
        break;
      default:
        put({ field: base, code: 'invalid', message: e.message ?? 'is invalid' });
    }
  }
  return [...byField.values()];
}

const article = (t: string) => (/^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`);

function subSchema(schema: TSchema | undefined, instancePath: string): Record<string, unknown> | undefined {
  let node = schema as Record<string, unknown> | undefined;
  for (const part of instancePath.split('/').filter(Boolean)) {
    const props = node?.properties as Record<string, Record<string, unknown>> | undefined;
    node = props?.[part] ?? (node?.items as Record<string, unknown> | undefined);
  }
  return node;
}

function enumValues(schema: TSchema | undefined, instancePath: string): unknown[] | undefined {
  const node = subSchema(schema, instancePath);
  const anyOf = node?.anyOf as Record<string, unknown>[] | undefined;
  if (!anyOf?.every((s) => 'const' in s)) return undefined;
  return anyOf.map((s) => s.const);
}

function rangeMessage(schema: TSchema | undefined, instancePath: string, fallback?: string): string {
  const node = subSchema(schema, instancePath);
  const min = node?.minimum;
  const max = node?.maximum;
  if (typeof min === 'number' && typeof max === 'number') return `must be between ${min} and ${max}`;
  return fallback ?? 'is out of range';
}

/** A compiled validator that reports field issues; compile once at module load. */
export function validator<T extends TSchema>(schema: T) {
  const compiled = Compile(schema);
  return {
    schema,
    check: (value: unknown): boolean => compiled.Check(value),
    issues: (value: unknown): FieldIssue[] => (compiled.Check(value) ? [] : toFieldIssues([...compiled.Errors(value)] as SchemaError[], schema)),
  };
}
