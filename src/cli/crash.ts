import type { Logger } from 'pino';

/**
 * A crash is never silent: an exception or rejection that nothing handled is logged with its
 * cause as one fatal JSON line, then the process exits 1 (its state is unknown: a supervisor
 * restarts it). Storage faults must never get here (they are answered 503 and retried).
 */
export function logCrashes(logger: Logger): void {
  process.on('uncaughtException', (err, origin) => {
    logger.fatal({ err, origin }, 'sessiond crashed: uncaught exception');
    process.exit(1);
  });
  process.on('unhandledRejection', (reason) => {
    logger.fatal({ err: reason }, 'sessiond crashed: unhandled promise rejection');
    process.exit(1);
  });
}
