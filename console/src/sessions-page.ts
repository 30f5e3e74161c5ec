import { debounce, h, replace } from './dom.js';
import type { PageContext } from './main.js';
import { type Session, sessionTable } from './session-table.js';

const PAGE = 50;
const REFRESH_MS = 10_000;

/** Live list of sessions: search, paging, revoke; refreshed in the background (which does not keep the console awake). */
export async function sessionsPage(ctx: PageContext): Promise<void> {
  let offset = 0;
  const search = h('input', { id: 'search', type: 'search', maxlength: 200, placeholder: 'login name, user id, IP, browser, city…', autocomplete: 'off' });
  const activeOnly = h('input', { id: 'active-only', type: 'checkbox', checked: true });
  const live = h('input', { id: 'live', type: 'checkbox', checked: true });
  const results = h('div', { 'aria-live': 'polite' });
  const pager = h('nav', { class: 'pager', 'aria-label': 'Pages' });

  const load = async (background = false) => {
    const r = await ctx.api.call<{ items: Session[]; total: number }>('GET', '/sessions', undefined, {
      background,
      query: { limit: PAGE, offset, search: search.value.trim(), active: activeOnly.checked },
    });
    replace(
      results,
      h(
        'p',
        { class: 'hint' },
        `${r.total.toLocaleString()} ${activeOnly.checked ? 'open' : ''} session${r.total === 1 ? '' : 's'}${search.value.trim() ? ' matching' : ''}.`,
      ),
      sessionTable(r.items, () => void load(), { showUser: true, youSessionId: ctx.me.sessionId, api: ctx.api }),
    );
    const prev = h('button', { type: 'button', disabled: offset === 0 }, 'Previous');
    const next = h('button', { type: 'button', disabled: offset + PAGE >= r.total }, 'Next');
    prev.addEventListener('click', () => {
      offset = Math.max(0, offset - PAGE);
      void load();
    });
    next.addEventListener('click', () => {
      offset += PAGE;
      void load();
    });
    replace(pager, prev, h('span', {}, r.total ? `${offset + 1}–${Math.min(offset + PAGE, r.total)} of ${r.total.toLocaleString()}` : ''), next);
  };
  const reload = debounce(() => {
    offset = 0;
    void load();
  }, 300);
  search.addEventListener('input', reload);
  activeOnly.addEventListener('change', reload);

  replace(
    ctx.main,
    h('h1', {}, 'Sessions'),
    h(
      'div',
      { class: 'filters', role: 'search' },
      h('label', { for: 'search' }, 'Search'),
      search,
      h('span', { class: 'check' }, activeOnly, h('label', { for: 'active-only' }, 'Active only')),
      h('span', { class: 'check' }, live, h('label', { for: 'live' }, 'Refresh every 10 s')),
    ),
    results,
    pager,
  );
  await load();
  const timer = window.setInterval(() => {
    if (live.checked && document.visibilityState === 'visible' && !results.contains(document.activeElement)) void load(true).catch(() => {});
  }, REFRESH_MS);
  ctx.onLeave(() => window.clearInterval(timer));
}
