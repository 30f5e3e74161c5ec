import { configDefaults, defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';
import { postgresBackendUnavailableReason } from './test/pg-helpers.js';

// Two projects, so `npm test` (`vitest run`) runs the suite against both backends:
// - sqlite: every test file but the PostgreSQL-only ones, apps on SQLite files (test/helpers.ts
//   startTestApp), with SESSIOND_TEST_BACKEND=sqlite;
// - postgres: the files that start apps, server processes or stores, with
//   SESSIOND_TEST_BACKEND=postgres, so every app runs on a fresh PostgreSQL database plus Redis
//   under a key prefix of its own; and the PostgreSQL-only files.
// The pure unit tests (src/core, config, answer templates) run once, in the sqlite project, and so
// does store-conformance, which runs its SQLite and PostgreSQL halves itself.
// `SESSIOND_TEST_BACKEND=postgres|sqlite npx vitest run <file>` runs only that project.
// PostgreSQL or Redis unreachable: without CI the postgres project is left out with one warning
// naming what is skipped; with CI=true test/postgres-global-setup.ts fails the run.

/** Files about PostgreSQL (+ Redis) only: they open their own databases and prefixes. */
const POSTGRES_ONLY_FILES = ['test/multi-node.test.ts', 'test/postgres-restart.test.ts', 'test/redis-cache.test.ts', 'test/redis-invalidation.test.ts'];

/** Files that start apps, processes or stores on the backend of the run (see test/helpers.ts). */
const BOTH_BACKENDS_FILES = [
  'test/app-isolation.test.ts',
  'test/cli.test.ts',
  'test/cli-backup.test.ts',
  'test/compat-cross-surface.test.ts',
  'test/compat-ended-final.test.ts',
  'test/core-lifecycle.test.ts',
  'test/core-console.test.ts',
  'test/core-ended-final.test.ts',
  'test/core-lockout.test.ts',
  'test/dynatrace.test.ts',
  'test/edge-failures.test.ts',
  'test/fast-introspect.test.ts',
  'test/forward-auth-proxies.test.ts',
  'test/forward-auth-browser.test.ts',
  'test/fuzz.test.ts',
  'test/geoip.test.ts',
  'test/http-edge.test.ts',
  'test/logscale.test.ts',
  'test/looker-sdk.test.ts',
  'test/looker.test.ts',
  'test/native-*.test.ts',
  'test/observability.test.ts',
  'test/process.test.ts',
  'test/rate-limits.test.ts',
  'test/secrets-scan.test.ts',
  'test/session-cache.test.ts',
  'test/signin.test.ts',
  'test/smoke.test.ts',
  'test/zitadel-*.test.ts',
  'packages/client/test/client.test.ts',
  'packages/client/test/middleware.test.ts',
];

const sqlite: TestProjectInlineConfiguration = {
  extends: true,
  test: {
    name: 'sqlite',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
    exclude: [...configDefaults.exclude, ...POSTGRES_ONLY_FILES],
    env: { SESSIOND_TEST_BACKEND: 'sqlite' },
  },
};

const postgres: TestProjectInlineConfiguration = {
  extends: true,
  test: {
    name: 'postgres',
    include: [...BOTH_BACKENDS_FILES, ...POSTGRES_ONLY_FILES],
    env: { SESSIOND_TEST_BACKEND: 'postgres' },
    globalSetup: ['test/postgres-global-setup.ts'],
  },
};

export default defineConfig(async () => {
  const only = process.env.SESSIOND_TEST_BACKEND;
  const projects = only === 'postgres' ? [postgres] : only === 'sqlite' ? [sqlite] : [sqlite, postgres];
  if (projects.includes(postgres) && process.env.CI !== 'true') {
    const unavailable = await postgresBackendUnavailableReason();
    if (unavailable) {
      const files = [...BOTH_BACKENDS_FILES, ...POSTGRES_ONLY_FILES].join(' ');
      console.warn(
        `\n[vitest] SKIPPING the postgres project (these files on PostgreSQL + Redis: ${files}): ${unavailable}. Under CI=true this fails instead.\n`,
      );
      projects.splice(projects.indexOf(postgres), 1);
    }
  }
  return {
    test: {
      testTimeout: 30_000,
      hookTimeout: 60_000,
      pool: 'forks',
      // Only the postgres project was asked for and it was left out above: nothing to run, no failure.
      ...(projects.length ? { projects } : { include: [], passWithNoTests: true }),
    },
  };
});
