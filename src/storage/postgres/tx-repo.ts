import { type Kysely, sql, type Transaction } from 'kysely';
import type { EventRecord, NewEvent } from '../../core/ports.js';
import type { Database as Schema } from '../schema.js';
import { trackSessionChanges } from '../session-change-tracking.js';
import { SqlRepo } from '../sql-repo.js';
import { storageUnavailable } from '../unavailable.js';
import { isPgRetryable, pgFlavor } from './errors.js';
import { POLICY_AGGREGATES } from './policy-poll.js';

/** Attempts of a transaction that PostgreSQL aborted as a deadlock or serialization failure. */
const TX_ATTEMPTS = 3;
/** Advisory-lock classes (first key of pg_advisory_xact_lock(int, int)). */
const LOCK_SUBJECT = 1;
const LOCK_AGGREGATE = 2;

/**
 * Runs attempt in one READ COMMITTED transaction; a deadlock or serialization failure is retried
 * (attempt only touches storage through trx, so it can run again), then reported as `unavailable`.
 */
export async function runPgTransaction<T>(kysely: Kysely<Schema>, attempt: (trx: Transaction<Schema>) => Promise<T>): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await kysely.transaction().execute(attempt);
    } catch (e) {
      if (!isPgRetryable(e)) throw e;
      if (n >= TX_ATTEMPTS) throw storageUnavailable(e);
    }
  }
}

/**
 * The transaction's repository. Two read-then-write rules need a lock that holds across nodes:
 * - the session limit: the subject's open sessions are read under an advisory lock on the
 *   subject, held until commit, so a concurrent creation for the same user (on any node) waits,
 *   then (READ COMMITTED: a new snapshot per statement) sees the session this one inserted;
 * - an event's per-aggregate sequence: read and insert under a lock on the aggregate;
 * - a policy change: the instance policy or an organization's override is read under the lock of
 *   its aggregate, so a change made through another node at the same moment is merged, not lost.
 */
export class PgTxRepo extends trackSessionChanges(SqlRepo) {
  constructor(
    private readonly trx: Transaction<Schema>,
    /** Set when the transaction appends a policy or organization event (the other nodes must reload). */
    private readonly policy: { changed: boolean },
  ) {
    super(trx, pgFlavor);
  }

  private async lock(kind: number, key: string): Promise<void> {
    await sql`SELECT pg_advisory_xact_lock(${kind}::int, hashtext(${key}))`.execute(this.trx);
  }

  override async listOpenSessionsOfSubject(subjectId: string) {
    await this.lock(LOCK_SUBJECT, subjectId);
    return super.listOpenSessionsOfSubject(subjectId);
  }

  // Policy changes read the stored policy and write it back (core/policies.ts): under the lock
  // of the aggregate their event is appended to, so two nodes' changes never overwrite each other.
  override async getInstancePolicy() {
    await this.lock(LOCK_AGGREGATE, 'policy:instance');
    return super.getInstancePolicy();
  }

  override async getOrganization(id: string) {
    await this.lock(LOCK_AGGREGATE, `organization:${id}`);
    return super.getOrganization(id);
  }

  override async appendEvent(e: NewEvent): Promise<EventRecord> {
    await this.lock(LOCK_AGGREGATE, `${e.aggregateType}:${e.aggregateId}`);
    if (POLICY_AGGREGATES.has(e.aggregateType)) this.policy.changed = true;
    return super.appendEvent(e);
  }

  /** Every aggregate's lock in one statement, in a fixed order (two bulk appends never deadlock each other). */
  override async appendEvents(events: readonly NewEvent[]): Promise<EventRecord[]> {
    const keys = [...new Set(events.map((e) => `${e.aggregateType}:${e.aggregateId}`))].sort();
    if (keys.length) await sql`SELECT pg_advisory_xact_lock(${LOCK_AGGREGATE}::int, hashtext(k)) FROM unnest(${keys}::text[]) AS k`.execute(this.trx);
    if (events.some((e) => POLICY_AGGREGATES.has(e.aggregateType))) this.policy.changed = true;
    return super.appendEvents(events);
  }
}
