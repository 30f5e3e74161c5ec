import { postgresBackendUnavailableReason } from './pg-helpers.js';

/**
 * Global setup of the `postgres` project (vitest.config.ts): it must not run against services that
 * are not there. Without CI the config already left the project out with a warning, so reaching
 * this with PostgreSQL or Redis down means CI=true (or they went down since): fail the run.
 */
export default async function setup(): Promise<void> {
  const unavailable = await postgresBackendUnavailableReason();
  if (unavailable) {
    throw new Error(`the postgres test project cannot run: ${unavailable}${process.env.CI === 'true' ? ' (CI=true: failing instead of skipping)' : ''}`);
  }
}
