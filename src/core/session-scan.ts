import type { SessionActivityStore, SessionScanRow, SessionStore } from './ports.js';
import { endedByRemoval } from './session-rules.js';

const PAGE = 1_000;

/**
 * Every session not removed (revoked, evicted) of one organization, or all: open ones and those
 * whose end by time was stored (a looser policy came later), page by page in id order,
 * with this node's not-yet-written use applied. Written use is flushed first, so idle judgements
 * see the latest activity. Cost per page does not grow with its position (keyset paging).
 */
export async function* openSessions(store: SessionStore & SessionActivityStore, organizationId: string | null): AsyncGenerator<SessionScanRow[]> {
  await store.flush();
  for (let afterId: string | null = null; ; ) {
    const page = await store.scanSessions({ afterId, limit: PAGE });
    const open = page.filter((s) => !endedByRemoval(s) && (organizationId === null || s.organizationId === organizationId));
    if (open.length > 0) yield open.map((s) => store.withPendingActivity(s));
    if (page.length < PAGE) return;
    afterId = (page.at(-1) as SessionScanRow).id;
  }
}
