import type { Logger } from 'pino';
import type { Counter } from 'prom-client';
import type { BackgroundTask } from '../storage/background.js';

/** A task failing over and over (PostgreSQL down) logs once per this interval, with the count since. */
const LOG_INTERVAL_MS = 60_000;

/**
 * Where storage reports failed background work: every failure is counted by task; the log gets
 * the first of each task and then at most one per LOG_INTERVAL_MS, saying how many it left out.
 */
export function backgroundErrorReporter(logger: Logger, counter: Counter<'task'>, intervalMs = LOG_INTERVAL_MS) {
  const lastLog = new Map<BackgroundTask, { atMs: number; left: number }>();
  return (err: unknown, task: BackgroundTask): void => {
    counter.inc({ task });
    const now = Date.now();
    const last = lastLog.get(task);
    if (last && now - last.atMs < intervalMs) {
      last.left++;
      return;
    }
    logger.error({ err, task, notLoggedSinceLast: last?.left ?? 0 }, `storage background work failed (${task}); will retry`);
    lastLog.set(task, { atMs: now, left: 0 });
  };
}
