import { DomainError } from './errors.js';
import type { CoreObserver, SessionRecord, SignInFlow, SignInResult } from './ports.js';
import type { Verdict } from './session-rules.js';

/** What a sign-in attempt that threw reports: a wrong secret, a rule's refusal, or an error. */
export function signInResultOf(e: unknown): SignInResult {
  if (!(e instanceof DomainError) || e.code === 'unavailable' || e.code === 'internal') return 'error';
  return e.code === 'invalid_credentials' ? 'failure' : 'rejected';
}

/** Runs one sign-in attempt and reports how it ended to the observer, if any. */
export async function observeSignIn<T>(o: CoreObserver | undefined, flow: SignInFlow, attempt: () => Promise<T>): Promise<T> {
  if (!o) return attempt();
  try {
    const result = await attempt();
    o.signIn(flow, 'success');
    return result;
  } catch (e) {
    o.signIn(flow, signInResultOf(e));
    throw e;
  }
}

/** Reports a session that a validation found ended by time, judged (a stored time end was counted when stored). */
export function observeTimeEnd(o: CoreObserver | undefined, s: SessionRecord, v: Verdict): void {
  if (o && !v.active && s.endedAtMs === null && (v.reason === 'expired' || v.reason === 'idle_timeout')) o.timeEnded(v.reason, s.id);
}
