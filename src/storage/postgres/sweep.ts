import { type Kysely, sql } from 'kysely';
import type { SweepStore } from '../../core/ports.js';
import type { Database as Schema } from '../schema.js';

/** One statement: the ids of each of the three indexed ranges, at most batchSize in all; returns the deleted ids. */
export async function deleteEndedSessionRows(kysely: Kysely<Schema>, o: Parameters<SweepStore['deleteEndedSessions']>[0]): Promise<string[]> {
  const n = o.batchSize;
  const idle = o.idleSinceBeforeMs === null ? sql`` : sql`UNION (SELECT id FROM sessions WHERE last_active_at_ms < ${o.idleSinceBeforeMs} LIMIT ${n})`;
  const r = await sql<{ id: string }>`DELETE FROM sessions WHERE id IN (
      SELECT id FROM (
        (SELECT id FROM sessions WHERE ended_at_ms < ${o.endedBeforeMs} LIMIT ${n})
        UNION (SELECT id FROM sessions WHERE created_at_ms < ${o.createdBeforeMs} LIMIT ${n})
        ${idle}
      ) AS due LIMIT ${n}) RETURNING id`.execute(kysely);
  return r.rows.map((x) => x.id);
}
