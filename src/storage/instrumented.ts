import type { Store, StoreTx } from '../core/ports.js';
import type { StoredEndReason } from '../core/session-rules.js';

/** Where the instrumented store reports (src/server/metrics.ts). */
export interface StoreInstruments {
  /** A recorder for one operation, made once per operation: seconds the call took, and its error if it threw. */
  timer(op: string): (seconds: number, error: unknown) => void;
  /** Sessions ended by a committed write, by reason. */
  ended(reason: StoredEndReason, count: number): void;
}

/** Spans around store calls (tracing on, src/server/tracing.ts): `start` returns the span's end, or null outside a traced request. */
export interface StoreSpans {
  start(op: string): ((error: unknown) => void) | null;
}

/** Every asynchronous call of the port: each is timed (a transaction as one call); optional ones when the store has them. */
const TIMED = [
  'appendEvents',
  'recordRotatedToken',
  'findRotatedToken',
  'deleteRotatedTokens',
  'scanOpenSessionsInWindow',
  'getOrganization',
  'listOrganizations',
  'insertOrganization',
  'setOrganizationOverride',
  'deleteOrganization',
  'getInstancePolicy',
  'putInstancePolicy',
  'getUser',
  'findUserByLogin',
  'listUsers',
  'countUsers',
  'insertUser',
  'updateUser',
  'deleteUser',
  'countPasswordFailure',
  'clearPasswordFailures',
  'countUnknownLoginFailure',
  'getCredential',
  'findCredentialByClientId',
  'findCredentialBySecretHash',
  'listCredentials',
  'insertCredential',
  'updateCredential',
  'getSession',
  'insertSession',
  'listOpenSessionsOfSubject',
  'listSessions',
  'countSessions',
  'scanSessions',
  'updateSession',
  'appendEvent',
  'lastEventOf',
  'listEvents',
  'findSessionByTokenHash',
  'findFreshSessionByTokenHash',
  'flush',
  'deleteEndedSessions',
  'ping',
] as const satisfies readonly (keyof Store)[];

/**
 * Members handed through untouched: in-memory work (the synchronous cache lookup of validation,
 * write-behind activity) is not a store round trip and must not pay for a wrapper.
 */
const DIRECT = [
  'findCachedSessionByTokenHash',
  'recordActivity',
  'withPendingActivity',
  'onExternalChange',
  'useRemainingLifetime',
  'cacheStats',
  'health',
  'close',
] as const satisfies readonly (keyof Store)[];

/** Wrapped with more than a timer: both count the sessions they end. */
type Special = 'transaction' | 'endSessions' | 'description';
// The compiler checks the lists cover the whole port: a new member must be put in one of them.
type Unlisted = Exclude<keyof Store, (typeof TIMED)[number] | (typeof DIRECT)[number] | Special>;
const portCovered: [Unlisted] extends [never] ? true : Unlisted = true;
void portCovered;

/**
 * The store with every round trip timed at the port boundary (one wrapper, not code in each
 * method), each in a span of its own when `spans` is given (tracing on), and the sessions it ends
 * counted once committed. A transaction is timed as a whole; its `endSessions` calls count only
 * for the attempt that committed (PostgreSQL retries).
 */
export function instrumentStore(inner: Store, m: StoreInstruments, spans: StoreSpans | null = null): Store {
  const out: Record<string, unknown> = {};
  const timed = <A extends unknown[], R>(op: string, call: (...a: A) => Promise<R>) => {
    const done = m.timer(op);
    const measured = async (...a: A): Promise<R> => {
      const started = performance.now();
      try {
        const result = await call(...a);
        done((performance.now() - started) / 1000, undefined);
        return result;
      } catch (e) {
        done((performance.now() - started) / 1000, e);
        throw e;
      }
    };
    // Chosen once, here: without tracing a call costs exactly what it did before.
    if (!spans) return measured;
    return async (...a: A): Promise<R> => {
      const end = spans.start(op);
      try {
        const result = await measured(...a);
        end?.(undefined);
        return result;
      } catch (e) {
        end?.(e);
        throw e;
      }
    };
  };
  const inStore = inner as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
  for (const op of TIMED) {
    const member = inStore[op];
    if (typeof member === 'function') out[op] = timed(op, member.bind(inner));
  }
  for (const name of DIRECT) {
    const member = inner[name];
    if (typeof member === 'function') out[name] = member.bind(inner);
  }
  out.endSessions = timed('endSessions', async (ids: readonly string[], reason: StoredEndReason, atMs: number | ReadonlyMap<string, number>) => {
    const ended = await inner.endSessions(ids, reason, atMs);
    m.ended(reason, ended.length);
    return ended;
  });
  out.transaction = timed('transaction', async <T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> => {
    let ended: [StoredEndReason, number][] = [];
    const result = await inner.transaction((tx) => {
      ended = [];
      return fn(countingEnds(tx, ended));
    });
    for (const [reason, count] of ended) m.ended(reason, count);
    return result;
  });
  Object.defineProperty(out, 'description', { get: () => inner.description, enumerable: true });
  return out as unknown as Store;
}

/** A transaction's repository that notes what its `endSessions` calls ended. */
function countingEnds(tx: StoreTx, ended: [StoredEndReason, number][]): StoreTx {
  const endSessions = async (ids: readonly string[], reason: StoredEndReason, atMs: number | ReadonlyMap<string, number>) => {
    const r = await tx.endSessions(ids, reason, atMs);
    ended.push([reason, r.length]);
    return r;
  };
  return new Proxy(tx, {
    get(target, prop) {
      if (prop === 'endSessions') return endSessions;
      const v: unknown = Reflect.get(target, prop, target);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}
