import { type Kysely, sql } from 'kysely';
import type { BackgroundErrorSink } from '../background.js';
import type { Database as Schema } from '../schema.js';

/** Aggregates whose change must make every node reload its policies. */
export const POLICY_AGGREGATES = new Set(['policy', 'organization']);

/**
 * Policies live in each node's memory (read on every validation). Another node's policy or
 * override change is seen by polling the newest id and the number of policy/organization events
 * (every change appends one in the same transaction): one indexed read every `pollMs`, so the
 * change bites here within about that time. With Redis, its messages call `notify` at once and
 * the poll stays as a fallback.
 */
export class PolicyPoll {
  private readonly listeners: (() => void)[] = [];
  private timer: NodeJS.Timeout | null = null;
  /** `max(id):count` of the policy/organization events at the last poll (see poll). */
  private lastMark: string | null = null;
  private polling = false;

  constructor(
    private readonly kysely: Kysely<Schema>,
    private readonly pollMs: number,
    private readonly onError: BackgroundErrorSink,
  ) {}

  /** Registers a listener; the first one starts the poll. */
  listen(listener: () => void): void {
    this.listeners.push(listener);
    if (this.timer) return;
    // Without Redis this poll is the only way other nodes' policy changes arrive: its failures are reported, not swallowed.
    const poll = () =>
      void this.poll().catch((e: unknown) => this.onError(new Error("polling for other nodes' policy changes failed (retried)", { cause: e }), 'policy_poll'));
    this.timer = setInterval(poll, this.pollMs);
    this.timer.unref();
    poll();
  }

  /** Tells every listener that policies changed elsewhere. */
  notify(): void {
    for (const l of this.listeners) {
      try {
        l();
      } catch (e) {
        this.onError(new Error('a listener of outside policy changes failed', { cause: e }), 'policy_poll');
      }
    }
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      // Not max(id) alone: an id is taken at insert, so a transaction that inserted its event first
      // can commit after one with a higher id, leaving max(id) unchanged. Events are never deleted,
      // so the count moves with every commit.
      const r = await sql<{
        id: string | number | null;
        n: string | number;
      }>`SELECT max(id) AS id, count(*) AS n FROM events WHERE aggregate_type IN ('policy', 'organization')`.execute(this.kysely);
      const mark = `${r.rows[0]?.id ?? 0}:${r.rows[0]?.n ?? 0}`;
      const before = this.lastMark;
      this.lastMark = mark;
      if (before !== null && mark !== before) this.notify();
    } finally {
      this.polling = false;
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
