import type { Clock } from './clock.js';
import type { PolicyService } from './policies.js';
import type { Policy } from './policy.js';
import type { SessionActivityStore, SweepStore } from './ports.js';

/**
 * Cutoffs for deleting sessions that ended at least `retentionSeconds` ago under every
 * policy in force. A session passes a cutoff only if it ended under the most lenient
 * policy, so no policy could still call it active.
 */
export function sweepCutoffs(policies: readonly Policy[], nowMs: number, retentionSeconds: number) {
  const retentionMs = retentionSeconds * 1000;
  const maxLifetime = Math.max(...policies.map((p) => p.maxLifetimeSeconds));
  const idleOff = policies.some((p) => p.idleTimeoutSeconds === 0);
  const maxIdle = Math.max(...policies.map((p) => p.idleTimeoutSeconds));
  return {
    endedBeforeMs: nowMs - retentionMs,
    createdBeforeMs: nowMs - maxLifetime * 1000 - retentionMs,
    idleSinceBeforeMs: idleOff ? null : nowMs - maxIdle * 1000 - retentionMs,
  };
}

/** Deletes ended sessions in bounded batches; returns how many it deleted. */
export async function sweepEndedSessions(
  d: { store: SessionActivityStore & SweepStore; clock: Clock; policies: PolicyService },
  o: { retentionSeconds: number; batchSize: number; maxBatches: number },
): Promise<number> {
  await d.store.flush(); // idle cutoffs must see the latest activity
  const cut = sweepCutoffs(d.policies.allEffective(), d.clock.nowMs(), o.retentionSeconds);
  let total = 0;
  for (let i = 0; i < o.maxBatches; i++) {
    const n = await d.store.deleteEndedSessions({ ...cut, batchSize: o.batchSize });
    total += n;
    if (n < o.batchSize) break;
  }
  // A hash rotated away before the oldest creation time any session may still have belongs to a
  // session deleted above (or about to be): forget it too.
  for (let i = 0; i < o.maxBatches; i++) {
    const n = await d.store.deleteRotatedTokens({ rotatedBeforeMs: cut.createdBeforeMs, batchSize: o.batchSize });
    if (n < o.batchSize) break;
  }
  return total;
}
