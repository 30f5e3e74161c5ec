import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';

const RANGE = `a whole number from ${Number.MIN_SAFE_INTEGER} to ${Number.MAX_SAFE_INTEGER}`;

function checked(value: unknown, shown: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new GraphQLError(`Long must be ${RANGE} (JSON numbers are exact up to 2^53 − 1); got ${shown}`);
  }
  return value;
}

/**
 * LogScale's `Long`: milliseconds and times since the epoch, beyond GraphQL's 32-bit `Int`.
 * Numbers are exact up to 2^53 − 1 in JSON, so that is the range; fractions, strings and
 * anything larger are refused rather than rounded.
 */
export const LongScalar = new GraphQLScalarType<number, number>({
  name: 'Long',
  description: `A 64-bit-style whole number, limited to ${RANGE} so that JSON carries it exactly.`,
  serialize: (value) => checked(value, String(value)),
  parseValue: (value) => checked(value, JSON.stringify(value) ?? String(value)),
  parseLiteral: (ast: ValueNode) => {
    if (ast.kind !== Kind.INT) {
      const shown = 'value' in ast ? String(ast.value) : ast.kind;
      throw new GraphQLError(`Long must be ${RANGE}; got ${shown}`, { nodes: ast });
    }
    const n = Number(ast.value);
    // Beyond 2^53 − 1, 9007199254740993 would silently become …992: refuse instead of rounding.
    if (!Number.isSafeInteger(n)) {
      throw new GraphQLError(`Long must be ${RANGE}; got ${ast.value}`, { nodes: ast });
    }
    return n;
  },
});
