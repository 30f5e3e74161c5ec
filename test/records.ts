import { randomBytes } from 'node:crypto';
import { DomainError } from '../src/core/errors.js';
import type { PasswordHasher, SessionRecord } from '../src/core/ports.js';

/** For tests that create sessions without passwords: every check fails, nothing is slow. */
export const noHasher: PasswordHasher = { hash: async () => 'x', verify: async () => false, verifyDummy: async () => {} };

let n = 0;
/** A stored session of user-1 in the default organization, created now (unique id and token hash). */
export function sessionRecord(over: Partial<SessionRecord> = {}): SessionRecord {
  n++;
  const now = Date.now();
  return {
    id: `s-${n}-${randomBytes(4).toString('hex')}`,
    tokenHash: randomBytes(16).toString('hex'),
    subjectType: 'user',
    subjectId: 'user-1',
    organizationId: 'default',
    role: 'user',
    persistent: false,
    createdAtMs: now,
    lastActiveAtMs: now,
    expiresAtMs: null,
    endedAtMs: null,
    endReason: null,
    ip: '192.0.2.1',
    userAgent: 'agent/1',
    country: null,
    city: null,
    lastIp: '192.0.2.1',
    metadata: {},
    ...over,
  };
}

/** The DomainError code a promise rejects with, or 'ok' (any other error is rethrown). */
export async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof DomainError) return e.code;
    throw e;
  }
  return 'ok';
}

/** Polls `check` until it holds; returns the ms it took, or throws after `withinMs`. */
export async function within(withinMs: number, check: () => Promise<boolean> | boolean): Promise<number> {
  const start = Date.now();
  for (;;) {
    if (await check()) return Date.now() - start;
    if (Date.now() - start > withinMs) throw new Error(`not within ${withinMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
