import type { SignInResult } from '../core/ports.js';

const MINUTE_MS = 60_000;

/** Sign-in attempts per minute and result, one bucket each. */
export interface SignInBucket {
  startMs: number;
  success: number;
  failure: number;
  rejected: number;
  error: number;
}

/**
 * This node's sign-in attempts of the last `minutes` minutes, per minute and result, for the
 * console's overview. In memory (a ring of minute buckets, O(1) per sign-in); across nodes the
 * totals are Prometheus' `sessiond_sign_ins_total`.
 */
export class RecentSignIns {
  private readonly ring: SignInBucket[];

  constructor(private readonly minutes = 60) {
    this.ring = Array.from({ length: minutes }, () => ({ startMs: -1, success: 0, failure: 0, rejected: 0, error: 0 }));
  }

  record(result: SignInResult, nowMs: number): void {
    const startMs = nowMs - (nowMs % MINUTE_MS);
    const b = this.ring[(startMs / MINUTE_MS) % this.minutes] as SignInBucket;
    if (b.startMs !== startMs) Object.assign(b, { startMs, success: 0, failure: 0, rejected: 0, error: 0 });
    b[result]++;
  }

  /** `count` buckets of `bucketMinutes` each, oldest first, ending with the one holding `nowMs`. */
  buckets(nowMs: number, bucketMinutes: number, count: number): SignInBucket[] {
    const bucketMs = bucketMinutes * MINUTE_MS;
    const lastStart = nowMs - (nowMs % bucketMs);
    const out = Array.from({ length: count }, (_, i) => ({ startMs: lastStart - (count - 1 - i) * bucketMs, success: 0, failure: 0, rejected: 0, error: 0 }));
    const firstStart = out[0]?.startMs ?? lastStart;
    for (const b of this.ring) {
      if (b.startMs < firstStart || b.startMs > nowMs) continue;
      const o = out[Math.floor((b.startMs - firstStart) / bucketMs)];
      if (!o) continue;
      o.success += b.success;
      o.failure += b.failure;
      o.rejected += b.rejected;
      o.error += b.error;
    }
    return out;
  }
}
