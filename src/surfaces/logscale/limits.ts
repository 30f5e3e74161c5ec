import { type ASTVisitor, GraphQLError, Kind, type SelectionSetNode, type ValidationContext } from 'graphql';

/** Root fields one operation may select (aliases count): each `sessions` may scan 10,000 sessions. */
export const MAX_ROOT_FIELDS = 10;

/** Refuses operations with more than MAX_ROOT_FIELDS root fields, counted through fragments. */
export function rootFieldLimit(context: ValidationContext): ASTVisitor {
  const count = (set: SelectionSetNode, seen: Set<string>): number => {
    let n = 0;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) n += sel.name.value.startsWith('__') ? 0 : 1;
      else if (sel.kind === Kind.INLINE_FRAGMENT) n += count(sel.selectionSet, seen);
      else if (!seen.has(sel.name.value)) {
        seen.add(sel.name.value);
        const frag = context.getFragment(sel.name.value);
        if (frag) n += count(frag.selectionSet, seen);
      }
    }
    return n;
  };
  return {
    OperationDefinition(op) {
      const n = count(op.selectionSet, new Set());
      if (n > MAX_ROOT_FIELDS) {
        context.reportError(new GraphQLError(`an operation may select at most ${MAX_ROOT_FIELDS} root fields; this one selects ${n}`, { nodes: op }));
      }
    },
  };
}

/** The schema has no Subscription type: a subscription is refused as invalid, not failed at execution. */
export function noSubscriptions(context: ValidationContext): ASTVisitor {
  return {
    OperationDefinition(op) {
      if (op.operation === 'subscription') context.reportError(new GraphQLError('this schema has no subscriptions', { nodes: op }));
    },
  };
}
