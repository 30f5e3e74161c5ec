import { DomainError } from '../../core/errors.js';
import type { SqlFlavor } from '../sql-repo.js';

/** SQLSTATEs that mean "the server cannot serve now": connection exceptions (08…), shutdown, overload, our statement/lock/idle timeouts. */
const UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '53300', '53400', '57014', '55P03', '25P03']);
/** Node socket errors of a lost or refused connection. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
/** Messages of pg and pg-pool that carry no code. */
const UNAVAILABLE_MESSAGES = [
  /connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /query read timeout/i,
  /connection.*ended/i,
  /not queryable/i,
];

const codeOf = (e: unknown) => String((e as { code?: unknown } | null)?.code ?? '');

/** PostgreSQL cannot serve now (lost or refused connection, shutdown, overload, a timeout of ours). */
export function isPgUnavailable(e: unknown): boolean {
  if (e instanceof DomainError) return e.code === 'unavailable';
  const code = codeOf(e);
  if (code.startsWith('08') || UNAVAILABLE_STATES.has(code) || SOCKET_CODES.has(code)) return true;
  const message = e instanceof Error ? e.message : '';
  return UNAVAILABLE_MESSAGES.some((r) => r.test(message));
}

/** A deadlock or serialization failure: PostgreSQL aborted the transaction, which may run again. */
export const isPgRetryable = (e: unknown) => codeOf(e) === '40P01' || codeOf(e) === '40001';

export const pgFlavor: SqlFlavor = {
  isUniqueViolation: (e) => codeOf(e) === '23505',
  isUnavailable: isPgUnavailable,
};
