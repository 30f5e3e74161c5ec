import { type Kysely, sql } from 'kysely';
import type { Activity } from '../activity-buffer.js';
import type { Database as Schema } from '../schema.js';

/** Rows per activity UPDATE … FROM (VALUES …) (3 parameters each, far below the 65,535 limit). */
const ACTIVITY_CHUNK = 1000;

/**
 * One `UPDATE … FROM (VALUES …)` per ACTIVITY_CHUNK sessions, each its own statement (no
 * long transaction), rows in id order so two nodes flushing the same sessions lock them in
 * the same order. Times never move backwards. A failed chunk is kept for the next flush.
 */
export async function writeActivityToPostgres(kysely: Kysely<Schema>, batch: readonly Activity[]): Promise<void> {
  const sorted = [...batch].sort((a, b) => (a.sessionId < b.sessionId ? -1 : a.sessionId > b.sessionId ? 1 : 0));
  for (let i = 0; i < sorted.length; i += ACTIVITY_CHUNK) {
    const rows = sorted.slice(i, i + ACTIVITY_CHUNK).map((a) => sql`(${a.sessionId}::text, ${a.atMs}::bigint, ${a.ip}::text)`);
    await sql`UPDATE sessions AS s
      SET last_active_at_ms = v.at_ms, last_ip = coalesce(v.ip, s.last_ip)
      FROM (VALUES ${sql.join(rows)}) AS v(id, at_ms, ip)
      WHERE s.id = v.id AND s.last_active_at_ms < v.at_ms`.execute(kysely);
  }
}
