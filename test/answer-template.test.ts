import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultPolicy, type Policy } from '../src/core/policy.js';
import type { SessionRecord } from '../src/core/ports.js';
import { evaluateSession } from '../src/core/session-rules.js';
import type { ActiveSession } from '../src/core/sessions.js';
import { answerTemplates } from '../src/surfaces/native/answer-template.js';
import { nativeViews } from '../src/surfaces/native/views.js';
import { createFormats } from '../src/surfaces/shared/formats.js';

// The validation fast path writes active answers from a template; they must be the very bytes
// of the one definition of the answer, JSON.stringify(introspectionAnswer(…)), whatever the
// session, the policy, and the sequence of uses.

const text = fc.option(fc.string({ maxLength: 40 }), { nil: null });
const sessionArb = fc.record({
  id: fc.uuid(),
  subjectType: fc.constantFrom('user' as const, 'credential' as const),
  subjectId: fc.string({ minLength: 1, maxLength: 20 }),
  organizationId: fc.constantFrom('default', 'acme'),
  role: fc.constantFrom('user' as const, 'admin' as const),
  persistent: fc.boolean(),
  expiresAtMs: fc.option(fc.integer({ min: 2_000_000_000_000, max: 3_000_000_000_000 }), { nil: null }),
  ip: text,
  userAgent: text,
  country: text,
  city: text,
  lastIp: text,
});
const policyArb = fc.record({
  maxLifetimeSeconds: fc.integer({ min: 3_600, max: 10_000_000 }),
  idleTimeoutSeconds: fc.constantFrom(0, 60, 1_800),
});
// Uses: time steps (ms) and the IP seen, applied to the same record lineage (shared metadata).
const usesArb = fc.array(fc.record({ stepMs: fc.integer({ min: 0, max: 30_000 }), ip: text }), { minLength: 1, maxLength: 8 });

const formats = createFormats();
const { introspectionAnswer } = nativeViews(formats);
const activeAnswerText = answerTemplates(introspectionAnswer, formats.isoTime);

describe('activeAnswerText', () => {
  it('equals JSON.stringify(introspectionAnswer(…)) for any session, policy and sequence of uses', () => {
    fc.assert(
      fc.property(sessionArb, policyArb, usesArb, fc.boolean(), (s, p, uses, switchPolicy) => {
        const createdAtMs = 1_795_000_000_000;
        let record: SessionRecord = {
          ...s,
          tokenHash: 'h'.repeat(64),
          createdAtMs,
          lastActiveAtMs: createdAtMs,
          endedAtMs: null,
          endReason: null,
          metadata: {},
        };
        let policy: Policy = { ...defaultPolicy, ...p };
        let now = createdAtMs;
        for (const [i, use] of uses.entries()) {
          now += use.stepMs;
          // A copy sharing metadata, as the cache and the core make them.
          record = { ...record, lastActiveAtMs: now, lastIp: use.ip ?? record.lastIp };
          if (switchPolicy && i === 1) policy = { ...policy, idleTimeoutSeconds: policy.idleTimeoutSeconds === 0 ? 900 : 0 };
          const verdict = evaluateSession(record, policy, now);
          if (!verdict.active) return;
          const info: ActiveSession = { record, verdict };
          expect(activeAnswerText(info, policy)).toBe(JSON.stringify(introspectionAnswer(info)));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('two sessions sharing one metadata object never get each other’s answer', () => {
    const shared = {};
    const base = { ...defaultPolicy };
    const mk = (id: string, ip: string): SessionRecord => ({
      id,
      tokenHash: id.repeat(4),
      subjectType: 'user',
      subjectId: `user-${id}`,
      organizationId: 'default',
      role: 'user',
      persistent: false,
      createdAtMs: 1_795_000_000_000,
      lastActiveAtMs: 1_795_000_001_000,
      expiresAtMs: null,
      endedAtMs: null,
      endReason: null,
      ip,
      userAgent: null,
      country: null,
      city: null,
      lastIp: ip,
      metadata: shared,
    });
    for (const r of [mk('aaaa', '10.0.0.1'), mk('bbbb', '10.0.0.2'), mk('aaaa', '10.0.0.1')]) {
      const info = { record: r, verdict: evaluateSession(r, base, r.lastActiveAtMs) } as ActiveSession;
      expect(activeAnswerText(info, base)).toBe(JSON.stringify(introspectionAnswer(info)));
    }
  });
});
