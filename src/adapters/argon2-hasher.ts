import argon2 from 'argon2';
import type { PasswordHasher } from '../core/ports.js';

/** argon2id cost; defaults follow OWASP's Password Storage Cheat Sheet (19 MiB, t=2, p=1). */
export interface Argon2Cost {
  memoryKiB: number;
  timeCost: number;
  parallelism: number;
}

export const owaspArgon2: Argon2Cost = { memoryKiB: 19_456, timeCost: 2, parallelism: 1 };

/**
 * argon2id through node-argon2, which hashes on libuv's thread pool, off the event
 * loop, so validation stays fast while sign-ins hash.
 */
export async function createArgon2Hasher(cost: Argon2Cost = owaspArgon2): Promise<PasswordHasher> {
  const options = { type: argon2.argon2id as 2, memoryCost: cost.memoryKiB, timeCost: cost.timeCost, parallelism: cost.parallelism };
  // A real hash of a random password, so an unknown user costs exactly one verify.
  const dummy = await argon2.hash(`dummy-${Math.random()}-${Date.now()}`, options);
  return {
    hash: (password) => argon2.hash(password, options),
    verify: async (hash, password) => {
      try {
        return await argon2.verify(hash, password);
      } catch {
        return false; // a malformed stored hash never verifies
      }
    },
    verifyDummy: async (password) => {
      await argon2.verify(dummy, password).catch(() => false);
    },
  };
}
