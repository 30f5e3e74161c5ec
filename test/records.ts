import { randomBytes } from 'node:crypto';
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
