import fc from 'fast-check';
import type { Surface } from './fuzz-client.js';
import { BOOTSTRAP } from './helpers.js';

// The bad requests of the fuzz test (test/fuzz.test.ts): a JSON value model that can hold what
// JSON.stringify cannot write, the request shapes (a JSON Schema subset), and the generators.

export const PW = 'correct horse battery';
/** An id, name or token that names nothing: a base request with it changes nothing if it passes. */
export const MISSING = 'fuzz-missing-0001';

// ---------------------------------------------------------------------------------------------
// JSON values that can hold what JSON.stringify cannot write (raw number literals) and keys such
// as __proto__ without ever building an object with them in this process.

export class Raw {
  constructor(readonly text: string) {}
}
export class Obj {
  constructor(readonly entries: readonly (readonly [string, Val])[]) {}
}
export type Val = null | boolean | number | string | Raw | Obj | Val[];

export const toVal = (x: unknown): Val =>
  Array.isArray(x) ? x.map(toVal) : x !== null && typeof x === 'object' ? new Obj(Object.entries(x).map(([k, v]) => [k, toVal(v)] as const)) : (x as Val);

export function encode(v: Val): string {
  if (v instanceof Raw) return v.text;
  if (v instanceof Obj) return `{${v.entries.map(([k, x]) => `${JSON.stringify(k)}:${encode(x)}`).join(',')}}`;
  if (Array.isArray(v)) return `[${v.map(encode).join(',')}]`;
  return JSON.stringify(v);
}

type Path = readonly (string | number)[];

function setAt(v: Val, path: Path, f: (old: Val) => Val): Val {
  if (path.length === 0) return f(v);
  const [head, ...rest] = path;
  if (v instanceof Obj) return new Obj(v.entries.map(([k, x]) => [k, k === head ? setAt(x, rest, f) : x] as const));
  if (Array.isArray(v)) return v.map((x, i) => (i === head ? setAt(x, rest, f) : x));
  return v;
}

// ---------------------------------------------------------------------------------------------
// What a value may be: the JSON Schema subset the OpenAPI document (TypeBox) uses; the other
// surfaces' shapes are written in the same terms below.

export interface Shape {
  type?: string | string[];
  properties?: Record<string, Shape>;
  /** false: unknown fields are refused; a Shape: a map with values of that shape. */
  additionalProperties?: boolean | Shape;
  items?: Shape;
  anyOf?: Shape[];
  const?: unknown;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  minLength?: number;
  pattern?: string;
  required?: string[];
  default?: unknown;
  $ref?: string;
}

export interface Site {
  path: Path;
  shape: Shape | undefined;
  value: Val;
}

const propShape = (s: Shape | undefined, k: string) => s?.properties?.[k] ?? (typeof s?.additionalProperties === 'object' ? s.additionalProperties : undefined);

function sitesOf(v: Val, s: Shape | undefined, path: Path = []): Site[] {
  const out: Site[] = [{ path, shape: s, value: v }];
  if (v instanceof Obj) for (const [k, x] of v.entries) out.push(...sitesOf(x, propShape(s, k), [...path, k]));
  else if (Array.isArray(v)) for (const [i, x] of v.entries()) out.push(...sitesOf(x, s?.items, [...path, i]));
  return out;
}

const typeOf = (v: Val): string =>
  v === null
    ? 'null'
    : Array.isArray(v)
      ? 'array'
      : v instanceof Obj
        ? 'object'
        : typeof v === 'number'
          ? Number.isInteger(v)
            ? 'integer'
            : 'number'
          : (typeof v as string);

/** The JSON types a shape allows, or null when it does not say. */
export function typesOf(s: Shape | undefined): Set<string> | null {
  if (!s) return null;
  if (s.anyOf) {
    const all = new Set<string>();
    for (const x of s.anyOf) for (const t of typesOf(x) ?? []) all.add(t);
    return all.size ? all : null;
  }
  if (s.const !== undefined) return new Set([typeOf(toVal(s.const))]);
  if (s.enum) return new Set(s.enum.map((e) => typeOf(toVal(e))));
  if (s.type === undefined) return s.properties ? new Set(['object']) : null;
  return new Set(Array.isArray(s.type) ? s.type : [s.type]);
}

function allows(types: Set<string>, v: Val): boolean {
  const t = typeOf(v);
  return types.has(t) || (t === 'integer' && types.has('number'));
}

export const isEnum = (s: Shape | undefined) => !!(s?.enum || s?.anyOf?.every((x) => x.const !== undefined));

// ---------------------------------------------------------------------------------------------
// Routes and the bad requests generated for them.

export interface Route {
  surface: Surface;
  name: string;
  method: string;
  /** Path template with `{name}` parameters and their base values. */
  path: string;
  params?: Record<string, string>;
  query?: { shape: Shape; base: Record<string, string>; strict: boolean };
  body?: { shape: Shape | undefined; base: () => unknown; form?: boolean; optional?: boolean };
  /** Authorization header sent by default (null: none). */
  auth: string | null;
  /** Whether the route needs a credential (a bad one must be refused). */
  needsAuth: boolean;
  /** The base request can succeed without changing anything (reads, no-op writes). */
  mayPass: boolean;
  /** Base written by hand (else derived from the schema: only the mutations that must fail). */
  hand: boolean;
}

export interface Bad {
  what: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** Must be refused whatever the route: structurally bad. */
  mustFail: boolean;
}

const CONTROL = [...Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)), '\u007f', '\u0085', '\u2028', '\u2029', '\ufeff', '\ud800', '\udfff'];
const WRONG_TYPES: Val[] = [null, true, false, 0, 7, -1, 1.5, 'abc', '', [], [1, 'x'], new Obj([]), new Obj([['a', 1]])];
const HUGE = ['1e308', '-1e308', '1e400', '-1e400', '9007199254740993', '-9007199254740993', '123456789012345678901234567890', '-0', '1.7976931348623157e309'];
const NAN_LIKE = ['NaN', 'Infinity', '-Infinity', '1e308', '0x10', ''];
const PROTO_KEYS = ['__proto__', 'constructor', 'prototype'];
const PROTO_VALUES: Val[] = [new Obj([['polluted', true]]), new Obj([]), 1, 'x', null, new Obj([['prototype', new Obj([['polluted', true]])]])];
/** Content types no JSON route takes (some surfaces take a few of them: see each Surface's `jsonTypes`). */
export const WRONG_CONTENT_TYPES = [
  'text/plain',
  'text/plain; charset=utf-8',
  'application/xml',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/jsonx',
  'application/json; charset=latin1',
  'image/png',
  'x',
];
const BAD_JSON = [
  '{',
  '}',
  '{"a":',
  "{'a':1}",
  '{a:1}',
  '{"a":1,}',
  '{"a":1}}',
  '{"a":1}{"b":2}',
  '{"a":NaN}',
  '{"a":Infinity}',
  '{"a":undefined}',
  '{"a":"\\x"}',
  '{"a":"\\u12"}',
  '{"a":01}',
  '{"a":.5}',
  '{"a":+1}',
  '{"a":1e}',
  '{"a":"line\nbreak"}',
  '{/*c*/}',
  'nul',
  'tru',
  '\u0000',
  '[',
  `${'['.repeat(40_000)}`,
];
const NON_OBJECT = ['null', '[]', '"text"', '42', 'true', '[{}]', '-0'];
const INVALID_UTF8 = [
  [0xff],
  [0xfe],
  [0xc3, 0x28],
  [0xe2, 0x28, 0xa1],
  [0xed, 0xa0, 0x80],
  [0xc0, 0xaf],
  [0xf8, 0x88, 0x80, 0x80, 0x80],
  [0x80],
  [0xf0, 0x9f, 0x92],
];
const BAD_PATH_PARAMS: [value: string, mustFail: boolean][] = [
  ['', false], // an empty segment may name the list route
  ['%00', true],
  ['a%00b', true],
  ['%zz', true],
  ['%', true],
  ['%ff', true],
  ['%c0%af', true],
  ['%ed%a0%80', true],
  ['..', true],
  ['..%2f..%2fetc%2fpasswd', true],
  ['%2e%2e', true],
  ['__proto__', true],
  ['constructor', true],
  ['prototype', true],
  ["'%20or%201=1", true],
  ['%F0%9F%92%A5', true],
  ['x'.repeat(129), true],
  ['x'.repeat(201), true],
  ['x'.repeat(4000), true],
  ['\u00e9t\u00e9', true], // raw bytes above 0x7f in the request line
  ['a%2Fb', true],
  ['-1', true],
  ['1e400', true],
  ['null', true],
  ['%0d%0aSet-Cookie:%20x=1', true],
];
const BAD_AUTH = [
  '',
  'Bearer',
  'Bearer ',
  'Bearer x',
  `Bearer ${BOOTSTRAP}x`,
  `Bearer ${BOOTSTRAP.slice(1)}`,
  `Bearer ${'a'.repeat(8000)}`,
  'Basic Zm9vOmJhcg==',
  'token',
  'Api-Token',
  `Bearer ${BOOTSTRAP} ${BOOTSTRAP}`,
  'Bearer \u00ff\u00fe',
  'Bearer \t',
  `Digest ${BOOTSTRAP}`,
];
const BAD_QUERY_TEXT = ['abc', '1.5', '-1', '1e400', '99999999999999999999', '', 'true', '0x10', '+1', ' 1', 'NaN', 'Infinity', '%zz', '%ff', '%00'];

/** An arbitrary over the items, in a list of none or one (fc.constantFrom needs at least one item). */
const from = <T>(items: readonly T[]): fc.Arbitrary<T>[] => (items.length ? [fc.constantFrom(...items)] : []);

const unknownKey = fc.oneof(
  fc.constantFrom('zzz', 'isAdmin', 'role_', 'Ω', 'x'.repeat(300), ' ', 'a.b', 'a/b', '$where', '\u0000'),
  fc.string({ minLength: 1, maxLength: 12 }).map((s) => `zz${s}`),
);
const smallJson = fc.oneof(fc.constant<Val>(1), fc.constant<Val>('x'), fc.constant<Val>(null), fc.constant<Val>(true), fc.constant<Val>(new Obj([['a', 1]])));

function deep(depth: number, kind: 'array' | 'object', leaf: string): Raw {
  return new Raw(kind === 'array' ? `${'['.repeat(depth)}${leaf}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}${leaf}${'}'.repeat(depth)}`);
}

function wrongValuesFor(s: Shape | undefined, proto: boolean): Val[] {
  const types = typesOf(s);
  if (!types) return [];
  return WRONG_TYPES.filter((v) => {
    if (allows(types, v)) return false;
    if (proto && v === null) return false; // protobuf JSON: null is the default value
    if (proto && isEnum(s) && typeof v === 'number' && Number.isInteger(v)) return false; // enum numbers
    return true;
  });
}

/**
 * Whether a prototype key must be refused: Fastify's JSON parser refuses `__proto__` and a
 * `constructor` holding `prototype` anywhere; a strict object refuses any unknown key; map keys
 * (ZITADEL metadata and headers) refuse all three.
 */
function protoKeyRefused(s: Surface, site: Site, key: string, value: Val): boolean {
  const parserRefuses =
    !s.ownParser && (key === '__proto__' || (key === 'constructor' && value instanceof Obj && value.entries.some(([k]) => k === 'prototype')));
  const strict = site.shape?.additionalProperties === false && !s.ignoresUnknownFields;
  const map = typeof site.shape?.additionalProperties === 'object';
  return parserRefuses || strict || map;
}

/** Whether a number literal is outside what the field takes. */
function hugeIsBad(text: string, s: Shape | undefined, proto: boolean): boolean {
  const types = typesOf(s);
  const n = Number(text);
  if (!types) return false;
  if (proto && isEnum(s)) return !(Number.isInteger(n) && Math.abs(n) < 2 ** 31); // open enums take any int32
  if (!types.has('integer') && !types.has('number')) return true; // a number where none belongs (a string field with a numeric string is handled apart)
  if (!Number.isFinite(n)) return true;
  if (Object.is(n, -0) || n === 0) return (s?.minimum ?? 0) > 0;
  if (s?.maximum !== undefined && n > s.maximum) return true;
  if (s?.minimum !== undefined && n < s.minimum) return true;
  return Math.abs(n) > 2 ** 53 - 1 || (s?.maximum === undefined && s?.minimum === undefined);
}

function buildBad(
  route: Route,
  o: { params?: Record<string, string>; query?: string; headers?: Record<string, string>; body?: Buffer | null; method?: string },
): Omit<Bad, 'what' | 'mustFail'> {
  const params = { ...route.params, ...o.params };
  const path = route.path.replace(/\{(\w+)\}/g, (_, k: string) => params[k] ?? '');
  const q = o.query ?? (route.query ? new URLSearchParams(route.query.base).toString() : '');
  const headers: Record<string, string> = {};
  if (route.auth) headers.authorization = route.auth;
  const body = o.body === null ? undefined : (o.body ?? baseBody(route));
  if (body) headers['content-type'] = route.body?.form ? 'application/x-www-form-urlencoded' : 'application/json';
  Object.assign(headers, o.headers);
  for (const [k, v] of Object.entries(headers)) if (v === '\u0000drop') delete headers[k];
  return { method: o.method ?? route.method, path: q ? `${path}?${q}` : path, headers, ...(body ? { body } : {}) };
}

function baseBody(route: Route): Buffer | undefined {
  if (!route.body || route.body.optional) return undefined;
  const b = route.body.base();
  return Buffer.from(route.body.form ? String(b) : encode(toVal(b)));
}

/** Every kind of bad request this route can take, as one arbitrary. */
export function badRequests(route: Route): fc.Arbitrary<Bad> {
  const s = route.surface;
  const gens: fc.Arbitrary<Bad>[] = [];
  const mk = (what: string, mustFail: boolean, o: Parameters<typeof buildBad>[1]): Bad => ({ what, mustFail, ...buildBad(route, o) });

  if (route.body && !route.body.form) {
    const base = toVal(route.body.base());
    const shape = route.body.shape;
    const proto = !!s.proto;
    const lenient = !!s.ignoresUnknownFields;
    const all = sitesOf(base, shape);
    const body = (v: Val) => Buffer.from(encode(v));
    const typed = all.flatMap((site) => wrongValuesFor(site.shape, proto).map((v) => [site, v] as const));
    if (typed.length) {
      gens.push(
        fc
          .constantFrom(...typed)
          .map(([site, v]) => mk(`wrong type at ${site.path.join('.') || 'body'}: ${encode(v)}`, true, { body: body(setAt(base, site.path, () => v)) })),
      );
    }
    const objects = all.filter((x) => x.value instanceof Obj);
    const strictObjects = objects.filter((x) => x.shape && x.shape.additionalProperties === false);
    if (strictObjects.length) {
      gens.push(
        fc.tuple(fc.constantFrom(...strictObjects), unknownKey, smallJson).map(([site, k, v]) =>
          mk(`unknown field ${JSON.stringify(k)} at ${site.path.join('.') || 'body'}`, !lenient, {
            body: body(setAt(base, site.path, (o) => new Obj([...(o as Obj).entries, [k, v]]))),
          }),
        ),
      );
    }
    if (objects.length) {
      gens.push(
        fc.tuple(fc.constantFrom(...objects), fc.constantFrom(...PROTO_KEYS), fc.constantFrom(...PROTO_VALUES), fc.boolean()).map(([site, k, v, first]) =>
          mk(`${k}=${encode(v)} at ${site.path.join('.') || 'body'}`, protoKeyRefused(s, site, k, v), {
            body: body(setAt(base, site.path, (o) => new Obj(first ? [[k, v], ...(o as Obj).entries] : [...(o as Obj).entries, [k, v]]))),
          }),
        ),
      );
      gens.push(
        fc
          .constantFrom(...objects)
          .map((site) => mk(`array for object at ${site.path.join('.') || 'body'}`, true, { body: body(setAt(base, site.path, (o) => [o])) })),
      );
    }
    const typedSites = all.filter((x) => typesOf(x.shape) !== null);
    if (typedSites.length) {
      gens.push(
        fc
          .tuple(fc.constantFrom(...typedSites), fc.constantFrom(64, 1_000, 20_000), fc.constantFrom<'array' | 'object'>('array', 'object'))
          .map(([site, d, kind]) =>
            // An object in place of an object is one of unknown fields only: ignored where unknown fields
            // are (connect's messages, GraphQL's variables).
            mk(
              `nesting ${d} deep (${kind}) at ${site.path.join('.') || 'body'}`,
              !(kind === 'object' && typesOf(site.shape)?.has('object') && (lenient || site.shape?.additionalProperties === undefined)),
              {
                body: body(setAt(base, site.path, () => deep(d, kind, '1'))),
              },
            ),
          ),
      );
      gens.push(
        // Number-like strings only where no string belongs ("NaN" is a fine login name).
        fc
          .constantFrom(
            ...typedSites.flatMap((site) =>
              [...HUGE, ...(typesOf(site.shape)?.has('string') ? [] : NAN_LIKE.map((x) => JSON.stringify(x)))]
                // -0 is just 0 where 0 is allowed: a valid value, and one that would change the policy.
                .filter((t) => t !== '-0' || hugeIsBad(t, site.shape, proto))
                .map((t) => [site, t] as const),
            ),
          )
          .map(([site, text]) => {
            const types = typesOf(site.shape);
            // protobuf-es reads integers from any string Number() takes ("0x10" is 16): not ours to refuse.
            const asNumber = text.startsWith('"') ? String(Number(JSON.parse(text))) : text;
            const bad = text.startsWith('"')
              ? !(proto && types?.has('integer') && !hugeIsBad(asNumber, site.shape, proto))
              : hugeIsBad(text, site.shape, proto);
            return mk(`number ${text} at ${site.path.join('.') || 'body'}`, bad, { body: body(setAt(base, site.path, () => new Raw(text))) });
          }),
      );
    }
    const strings = all.filter((x) => typeof x.value === 'string');
    if (strings.length) {
      gens.push(
        fc.tuple(fc.constantFrom(...strings), fc.constantFrom(...CONTROL), fc.nat()).map(([site, ch, at]) => {
          const v = site.value as string;
          const i = at % (v.length + 1);
          const pattern = site.shape?.pattern;
          const changed = v.slice(0, i) + ch + v.slice(i);
          // The field's own pattern says whether the character is allowed (JSON Schema: a Unicode regex).
          const bad = pattern !== undefined && !new RegExp(pattern, 'u').test(changed);
          return mk(`U+${ch.charCodeAt(0).toString(16).padStart(4, '0')} in ${site.path.join('.')}`, bad, {
            body: body(setAt(base, site.path, () => changed)),
          });
        }),
      );
      gens.push(
        fc.tuple(fc.constantFrom(...strings), fc.constantFrom(1, 1_000, 20_000, 70_000)).map(([site, n]) => {
          const max = site.shape?.maxLength;
          const len = n === 1 && max !== undefined ? max + 1 : n;
          const bad = (max !== undefined && len > max) || len > s.bodyLimit;
          return mk(`string of ${len} at ${site.path.join('.')}`, bad, { body: body(setAt(base, site.path, () => 'x'.repeat(len))) });
        }),
      );
    }
    const text = encode(base);
    gens.push(
      fc.nat().map((n) => mk(`truncated JSON at ${1 + (n % (text.length - 1))}`, true, { body: Buffer.from(text.slice(0, 1 + (n % (text.length - 1)))) })),
      fc.constantFrom(...BAD_JSON).map((j) => mk(`bad JSON ${JSON.stringify(j.slice(0, 20))}`, true, { body: Buffer.from(j) })),
      fc.constantFrom('}', ',', ' x', '\u0000', '{}', '//c', ']').map((g) => mk(`JSON + ${JSON.stringify(g)}`, true, { body: Buffer.from(text + g) })),
      fc.constantFrom(...NON_OBJECT).map((j) => mk(`non-object body ${j}`, true, { body: Buffer.from(j) })),
      ...from(WRONG_CONTENT_TYPES.filter((ct) => !s.jsonTypes(ct))).map((a) =>
        a.map((ct) => mk(`content type ${ct}`, true, { body: Buffer.from(text), headers: { 'content-type': ct } })),
      ),
      fc.tuple(fc.constantFrom(1, 2, 16), fc.constantFrom<'string' | 'array'>('string', 'array')).map(([times, kind]) => {
        const n = Math.min(s.bodyLimit * times, 4_194_304) + 1 - text.length;
        const padded = text.startsWith('{') ? `{"pad":${kind === 'string' ? `"${'x'.repeat(n)}"` : `[${'0,'.repeat(n / 2)}0]`},${text.slice(1)}` : text;
        return mk(`body over the limit (×${times}, ${kind})`, true, { body: Buffer.from(padded) });
      }),
    );
    // Invalid UTF-8 inside a string value: the bytes are not text, whatever a decoder makes of them.
    const quotes = [...text.matchAll(/":"/g)].map((m) => (m.index ?? 0) + 3);
    if (quotes.length) {
      gens.push(
        fc.tuple(fc.constantFrom(...quotes), fc.constantFrom(...INVALID_UTF8)).map(([at, bytes]) =>
          mk(`invalid UTF-8 ${bytes.map((b) => b.toString(16)).join(' ')} in a string`, true, {
            body: Buffer.concat([Buffer.from(text.slice(0, at)), Buffer.from(bytes), Buffer.from(text.slice(at))]),
          }),
        ),
      );
    }
    gens.push(
      fc
        .constantFrom(...INVALID_UTF8)
        .map((bytes) => mk('invalid UTF-8 outside strings', true, { body: Buffer.concat([Buffer.from(bytes), Buffer.from(text)]) })),
    );
    gens.push(
      fc.constant(mk('empty body with a JSON content type', !route.body.optional, { body: Buffer.alloc(0), headers: { 'content-type': 'application/json' } })),
    );
  }

  if (route.body?.form) {
    const base = String(route.body.base());
    const form = (b: string | Buffer, ct?: string) => ({ body: Buffer.from(b), ...(ct ? { headers: { 'content-type': ct } } : {}) });
    gens.push(
      fc
        .constantFrom(
          '',
          'client_id=nobody',
          'client_secret=x',
          'client_id=&client_secret=',
          `client_id=${'a'.repeat(513)}&client_secret=x`,
          `client_id=a&client_secret=${'s'.repeat(513)}`,
          '{"client_id":"a","client_secret":"b"}',
          'client_id',
          '&&&=&=',
        )
        .map((b) => mk(`login form ${JSON.stringify(b.slice(0, 40))}`, true, form(b))),
      fc
        .constantFrom(
          `${base}%00`,
          `${base}%ff`,
          `${base}%zz`,
          `${base}&__proto__=x&constructor=y&prototype=z`,
          `__proto__[client_id]=bootstrap&${base}`,
          `${base}&client_id=bootstrap`,
          `client_id=bootstrap&client_secret=${BOOTSTRAP}%00`,
          `client_id=bootstrap%0a&client_secret=${BOOTSTRAP}`,
          `client_id=bootstrap&client_secret=${encodeURIComponent(`${BOOTSTRAP} `)}`,
        )
        .map((b) => mk(`login form ${JSON.stringify(b.slice(0, 60))}`, true, form(b))),
      fc
        .constantFrom(...INVALID_UTF8)
        .map((bytes) => mk('login form with invalid UTF-8', true, form(Buffer.concat([Buffer.from(`${base}`), Buffer.from(bytes)])))),
      fc.constantFrom(...WRONG_CONTENT_TYPES).map((ct) => mk(`login form as ${ct}`, true, form(base, ct))),
      fc.constant(mk('login form over the limit', true, form(`${base}&pad=${'x'.repeat(70_000)}`))),
      fc
        .constantFrom(...CONTROL)
        .map((ch) =>
          mk(
            `login with U+${ch.charCodeAt(0).toString(16)}`,
            true,
            form(`client_id=${encodeURIComponent(`bootstrap${ch}`.replace(/[\ud800-\udfff]/g, 'x'))}&client_secret=${BOOTSTRAP}`),
          ),
        ),
    );
  }

  if (route.params) {
    const names = Object.keys(route.params);
    gens.push(
      fc.tuple(fc.constantFrom(...names), fc.constantFrom(...BAD_PATH_PARAMS)).map(([name, [value, mustFail]]) =>
        mk(`path parameter ${name}=${JSON.stringify(value.slice(0, 30))}`, mustFail, {
          params: { [name]: value },
          ...(route.body?.optional ? { body: null } : {}),
        }),
      ),
    );
  }

  if (route.query) {
    const { shape, base, strict } = route.query;
    const props = Object.entries(shape.properties ?? {});
    const qs = (extra: [string, string][], drop?: string) =>
      [...Object.entries(base).filter(([k]) => k !== drop), ...extra].map(([k, v]) => `${encodeURIComponent(k)}=${v}`).join('&');
    if (props.length) {
      gens.push(
        fc.tuple(fc.constantFrom(...props), fc.constantFrom(...BAD_QUERY_TEXT)).map(([[name, ps], v]) => {
          const types = typesOf(ps);
          const n = Number(v);
          const bad = types?.has('string')
            ? v.length > (ps.maxLength ?? Number.POSITIVE_INFINITY) || (v === '' && (ps.minLength ?? 0) > 0)
            : types?.has('integer')
              ? !/^-?\d+$/.test(v) || !Number.isSafeInteger(n) || n < (ps.minimum ?? -Infinity) || n > (ps.maximum ?? Infinity)
              : v !== 'true' && v !== 'false';
          return mk(`query ${name}=${v}`, bad && strict, { query: qs([[name, v.replace(/ /g, '%20')]], name) });
        }),
        fc.constantFrom(...props).map(([name]) =>
          mk(`query ${name} twice`, strict, {
            query: qs([
              [name, base[name] ?? '1'],
              [name, base[name] ?? '2'],
            ]),
          }),
        ),
        fc.constantFrom(...props).map(([name]) => mk(`query ${name}[]`, strict, { query: qs([[`${name}[]`, '1']]) })),
        ...from(props.filter(([, ps]) => typesOf(ps)?.has('string'))).map((a) =>
          fc
            .tuple(a, fc.constantFrom(...CONTROL.slice(0, 33)))
            .map(([[name], ch]) =>
              mk(`query ${name} with U+${ch.charCodeAt(0).toString(16)}`, false, { query: qs([[name, `a${encodeURIComponent(ch)}b`]], name) }),
            ),
        ),
        ...from(props.filter(([, ps]) => ps.maxLength !== undefined)).map((a) =>
          a.map(([name, ps]) => mk(`query ${name} over its length`, strict, { query: qs([[name, 'x'.repeat((ps.maxLength ?? 0) + 1)]], name) })),
        ),
      );
    }
    gens.push(
      fc
        .constantFrom(
          'zzz=1',
          '__proto__=1',
          'constructor=1',
          '__proto__[polluted]=1',
          'constructor[prototype][polluted]=1',
          'prototype=1',
          '%zz=1',
          '=1',
          '&&&',
        )
        .map((extra) =>
          mk(`query ${extra}`, strict && !/^&+$|^=/.test(extra), { query: [new URLSearchParams(base).toString(), extra].filter(Boolean).join('&') }),
        ),
    );
  }

  gens.push(
    fc
      .constantFrom(...BAD_AUTH)
      .map((a) => mk(`Authorization ${JSON.stringify(a.slice(0, 30))}`, route.needsAuth, { headers: { authorization: a === '' ? '\u0000drop' : a } })),
  );

  return fc.oneof(...gens);
}

// ---------------------------------------------------------------------------------------------
