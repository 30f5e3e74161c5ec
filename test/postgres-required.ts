import { describe, expect, it } from 'vitest';

/** Under CI=true, tests that need PostgreSQL and Redis must run: their absence fails the run. */
export const inCi = process.env.CI === 'true';

/**
 * The guard of a test file that needs PostgreSQL and Redis: `unavailable` says why they cannot
 * be reached (null: they can). Without them the file's suites skip (on `unavailable !== null`)
 * and this warns `[file] SKIPPING <skipping>: <why>`; under CI=true a test of `what` fails instead.
 */
export function postgresRequired(file: string, what: string, unavailable: string | null, skipping = 'every test'): void {
  if (unavailable && !inCi) console.warn(`[${file}] SKIPPING ${skipping}: ${unavailable}`);
  describe(`PostgreSQL and Redis for the ${what}`, () => {
    it.runIf(inCi)('are reachable under CI=true (CI must not skip these tests)', () => {
      expect(unavailable).toBeNull();
    });
  });
}
