/**
 * Background work of a store whose failures are retried rather than answered to a request:
 * each failure is reported with its task, so it is counted (`sessiond_background_errors_total`)
 * and logged (rate-limited) instead of swallowed.
 */
export type BackgroundTask =
  | 'activity_flush' // pending last-use times not written (kept for the next flush)
  | 'policy_poll' // PostgreSQL without Redis: the only way other nodes' policy changes arrive
  | 'cache_epoch' // reading or moving the shared cache's epoch in PostgreSQL
  | 'redis' // a Redis connection or command (answers come from PostgreSQL meanwhile)
  | 'postgres_connection'; // an idle pooled connection dropped (the pool opens a new one)

export type BackgroundErrorSink = (e: unknown, task: BackgroundTask) => void;
