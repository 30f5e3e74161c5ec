import { afterAll, beforeAll } from 'vitest';
import { createArgon2Hasher } from '../src/adapters/argon2-hasher.js';
import { FakeClock } from '../src/core/clock.js';
import { type Core, createCore } from '../src/core/index.js';
import type { PasswordHasher, Store } from '../src/core/ports.js';
import { openTestStore } from './helpers.js';

export interface TestCore {
  core: Core;
  clock: FakeClock;
  /** Closes the store now (otherwise it closes after the file's tests). */
  close(): Promise<void>;
}

/**
 * For core tests against a real store (a SQLite file, or PostgreSQL + Redis on the postgres run),
 * real argon2id at a low cost, and a fake clock: registers the file's hooks and returns `newCore`,
 * a started core on fresh storage. `wrap` may put something between the core and the store.
 */
export function testCores(): (o?: { wrap?: (s: Store) => Store; startMs?: number }) => Promise<TestCore> {
  let hasher: PasswordHasher;
  const opened: (() => Promise<void>)[] = [];
  beforeAll(async () => {
    hasher = await createArgon2Hasher({ memoryKiB: 1024, timeCost: 1, parallelism: 1 });
  });
  afterAll(async () => {
    for (const close of opened.splice(0)) await close();
  });
  return async (o = {}) => {
    const { store, close } = await openTestStore({ activityFlushMs: 60_000 });
    opened.push(close); // closed after the file if a failing test never gets to close()
    const clock = new FakeClock(o.startMs);
    const core = createCore({ store: o.wrap ? o.wrap(store) : store, clock, hasher });
    await core.start();
    return {
      core,
      clock,
      close: async () => {
        const i = opened.indexOf(close);
        if (i >= 0) opened.splice(i, 1);
        await close();
      },
    };
  };
}
