import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { createArgon2Hasher, owaspArgon2 } from '../src/adapters/argon2-hasher.js';

// The argon2id adapter: real hashes at OWASP's cost.

describe('argon2id hasher', () => {
  it('verifies, refuses, and survives a malformed stored hash', async () => {
    const h = await createArgon2Hasher(owaspArgon2, 2);
    const stored = await h.hash('correct horse battery');
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    expect(await h.verify(stored, 'correct horse battery')).toBe(true);
    expect(await h.verify(stored, 'wrong')).toBe(false);
    expect(await h.verify('not a hash', 'x')).toBe(false);
  });

  it('runs at most `concurrency` hashes at once; the rest wait their turn, in order', async () => {
    const h = await createArgon2Hasher(owaspArgon2, 1);
    const stored = await h.hash('pw');
    const done: string[] = [];
    const all = Promise.all([
      h.verify(stored, 'pw').then(() => done.push('a')),
      h.verify(stored, 'x').then(() => done.push('b')),
      h.verifyDummy('pw').then(() => done.push('c')),
      h.hash('y').then(() => done.push('d')),
    ]);
    await new Promise((r) => setImmediate(r));
    expect(h.load()).toEqual({ running: 1, waiting: 3 });
    await all;
    expect(done).toEqual(['a', 'b', 'c', 'd']);
    expect(h.load()).toEqual({ running: 0, waiting: 0 });

    const wide = await createArgon2Hasher(owaspArgon2, 3);
    const three = Promise.all([wide.verify(stored, 'pw'), wide.verify(stored, 'pw'), wide.verify(stored, 'pw'), wide.verify(stored, 'pw')]);
    await new Promise((r) => setImmediate(r));
    expect(wide.load()).toEqual({ running: 3, waiting: 1 });
    await three;
  });

  it('with concurrency 0 runs every core but one at once (at least 1)', async () => {
    const h = await createArgon2Hasher(owaspArgon2, 0);
    const stored = await h.hash('pw');
    const checks = Array.from({ length: availableParallelism() + 1 }, () => h.verify(stored, 'pw'));
    await new Promise((r) => setImmediate(r));
    const running = Math.max(1, availableParallelism() - 1);
    expect(h.load()).toEqual({ running, waiting: checks.length - running });
    await Promise.all(checks);
  });
});
