import type { Policy } from '../../core/policy.js';
import type { ActiveSession } from '../../core/sessions.js';
import type { Formats } from '../shared/formats.js';
import type { NativeViews } from './views.js';

/**
 * The active introspection answer, written from a template: of a session's answer only three
 * values change from one validation to the next (last use, the idle deadline that follows from
 * it, the last IP); the rest follows from the stored session and the policy. So the answer is
 * built once the ordinary way (`introspectionAnswer`, the one definition of its shape) with
 * marks in place of those three values, serialized, and cut at the marks; each validation then
 * only writes the three values between the pieces. The bytes are the same as
 * `JSON.stringify(introspectionAnswer(info))` (test/answer-template.test.ts).
 *
 * A template is kept per stored read of a session: keyed by its `metadata` object, which every
 * copy of a cached record shares and every fresh read from storage replaces (any write to a
 * session makes the cache forget it, so the next read is fresh), and valid for one policy object.
 */
type Kind = 'a' | 'i' | 'p';
interface Template {
  /** Checked too, so two sessions that happened to share a metadata object could never mix. */
  id: string;
  policy: Policy;
  parts: string[];
  kinds: Kind[];
}

const MARK: Record<Kind, string> = { a: '\u0000a\u0000', i: '\u0000i\u0000', p: '\u0000p\u0000' };
const MARKED = /"\\u0000([aip])\\u0000"/g;

type IntrospectionAnswer = NativeViews['introspectionAnswer'];

/** The active answers of one app: its own templates, written with its views and formats. */
export function answerTemplates(introspectionAnswer: IntrospectionAnswer, isoTime: Formats['isoTime']) {
  const templates = new WeakMap<object, Template | null>();

  function value(kind: Kind, info: ActiveSession): string {
    if (kind === 'a') return `"${isoTime(info.record.lastActiveAtMs)}"`;
    if (kind === 'i') return `"${isoTime(info.verdict.idleDeadlineMs as number)}"`;
    return JSON.stringify(info.record.lastIp);
  }

  return function activeAnswerText(info: ActiveSession, policy: Policy): string {
    const key = info.record.metadata;
    let t = templates.get(key);
    if (t === undefined || (t !== null && (t.policy !== policy || t.id !== info.record.id))) {
      t = build(introspectionAnswer, info, policy);
      templates.set(key, t);
    }
    if (t === null) return JSON.stringify(introspectionAnswer(info));
    let out = t.parts[0] as string;
    for (let i = 0; i < t.kinds.length; i++) out += value(t.kinds[i] as Kind, info) + (t.parts[i + 1] as string);
    return out;
  };
}

/** Null when the answer cannot be cut safely (a stored value that looks like a mark). */
function build(introspectionAnswer: IntrospectionAnswer, info: ActiveSession, policy: Policy): Template | null {
  const answer = introspectionAnswer(info) as { session: { lastActiveAt: string; idleExpiresAt: string | null; location: { lastIp: string | null } } };
  const s = answer.session;
  const expected: Kind[] = s.idleExpiresAt === null ? ['a', 'p'] : ['a', 'i', 'p'];
  s.lastActiveAt = MARK.a;
  if (s.idleExpiresAt !== null) s.idleExpiresAt = MARK.i;
  s.location.lastIp = MARK.p;
  const text = JSON.stringify(answer);
  const parts: string[] = [];
  const kinds: Kind[] = [];
  let last = 0;
  for (const m of text.matchAll(MARKED)) {
    parts.push(text.slice(last, m.index));
    kinds.push(m[1] as Kind);
    last = m.index + m[0].length;
  }
  parts.push(text.slice(last));
  return kinds.join() === expected.join() ? { id: info.record.id, policy, parts, kinds } : null;
}
