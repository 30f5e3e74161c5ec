import { availableParallelism } from 'node:os';
import argon2 from 'argon2';
import pLimit from 'p-limit';
import type { PasswordHasher } from '../core/ports.js';

/** argon2id cost; defaults follow OWASP's Password Storage Cheat Sheet (19 MiB, t=2, p=1). */
export interface Argon2Cost {
  memoryKiB: number;
  timeCost: number;
  parallelism: number;
}

export const owaspArgon2: Argon2Cost = { memoryKiB: 19_456, timeCost: 2, parallelism: 1 };

/** Hashes at once by default: every core but one, so validation always has a core of its own. */
export const defaultHashConcurrency = (): number => Math.max(1, availableParallelism() - 1);

/**
 * argon2id through node-argon2, which hashes on libuv's thread pool, off the event loop. At most
 * `concurrency` hashes run at once (0: `defaultHashConcurrency()`); the rest wait in order. A
 * burst of sign-ins would otherwise occupy every core (the pool has 4 threads) and stall the
 * event loop that answers validations; waiting adds the same delay to every kind of password
 * check, so it tells nothing about the account.
 */
/** Password checks hashing now, and waiting for their turn. */
export interface HashLoad {
  running: number;
  waiting: number;
}

export async function createArgon2Hasher(cost: Argon2Cost = owaspArgon2, concurrency = 0): Promise<PasswordHasher & { load(): HashLoad }> {
  const options = { type: argon2.argon2id as 2, memoryCost: cost.memoryKiB, timeCost: cost.timeCost, parallelism: cost.parallelism };
  const limit = pLimit(concurrency > 0 ? concurrency : defaultHashConcurrency());
  // A real hash of a random password, so an unknown user costs exactly one verify.
  const dummy = await argon2.hash(`dummy-${Math.random()}-${Date.now()}`, options);
  return {
    load: () => ({ running: limit.activeCount, waiting: limit.pendingCount }),
    hash: (password) => limit(() => argon2.hash(password, options)),
    verify: (hash, password) =>
      limit(async () => {
        try {
          return await argon2.verify(hash, password);
        } catch {
          return false; // a malformed stored hash never verifies
        }
      }),
    verifyDummy: (password) =>
      limit(async () => {
        await argon2.verify(dummy, password).catch(() => false);
      }),
  };
}
