import { h, replace, time } from './dom.js';
import type { PageContext } from './main.js';

interface Event {
  id: number;
  aggregateType: string;
  aggregateId: string;
  type: string;
  actor: string;
  organizationId: string | null;
  at: string;
  data: Record<string, unknown>;
}

const TYPES = [
  'session.created',
  'session.revoked',
  'session.evicted',
  'session.checked',
  'session.token_rotated',
  'policy.changed',
  'organization.created',
  'organization.deleted',
  'organization.policy_override_set',
  'organization.policy_override_removed',
  'user.created',
  'user.deleted',
  'user.disabled',
  'user.enabled',
  'user.role_changed',
  'user.locked',
  'user.unlocked',
  'user.password_changed',
  'credential.created',
  'credential.rotated',
  'credential.revoked',
];
const PAGE = 100;

/** datetime-local value for a time in the browser's zone. */
const localInput = (ms: number) => {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
};

/** The core's event records, filtered by actor, type and time, oldest first with paging. */
export async function auditPage(ctx: PageContext): Promise<void> {
  const actor = h('input', { id: 'actor', maxlength: 200, placeholder: 'user:…, credential:…, system', autocomplete: 'off' });
  const type = h('input', { id: 'type', maxlength: 64, list: 'event-types', autocomplete: 'off' });
  const types = h(
    'datalist',
    { id: 'event-types' },
    TYPES.map((t) => h('option', { value: t })),
  );
  const since = h('input', { id: 'since', type: 'datetime-local', value: localInput(Date.now() - 86_400_000) });
  const until = h('input', { id: 'until', type: 'datetime-local' });
  const results = h('div', { 'aria-live': 'polite' });
  const more = h('button', { type: 'button', hidden: true }, 'Next page');
  let afterId: number | null = null;

  const load = async (append: boolean) => {
    const iso = (v: string) => (v ? new Date(v).toISOString() : undefined);
    const r = await ctx.api.call<{ items: Event[]; nextAfterId: number | null }>('GET', '/events', undefined, {
      query: {
        actor: actor.value.trim(),
        type: type.value.trim(),
        since: iso(since.value),
        until: iso(until.value),
        limit: PAGE,
        afterId: append ? afterId : null,
      },
    });
    afterId = r.nextAfterId;
    more.hidden = r.nextAfterId === null;
    const rows = r.items.map((e) =>
      h(
        'tr',
        {},
        h('td', {}, time(e.at)),
        h('td', {}, h('code', {}, e.type)),
        h('td', {}, e.actor),
        h('td', {}, `${e.aggregateType} `, h('code', {}, e.aggregateId)),
        h('td', {}, e.organizationId ?? '—'),
        h('td', {}, h('code', { class: 'data' }, JSON.stringify(e.data))),
      ),
    );
    const body = results.querySelector('tbody');
    if (append && body) {
      for (const r of rows) body.append(r);
      return;
    }
    replace(
      results,
      rows.length === 0
        ? h('p', { class: 'hint' }, 'No events match.')
        : h(
            'div',
            { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': 'Events' },
            h(
              'table',
              {},
              h(
                'thead',
                {},
                h(
                  'tr',
                  {},
                  ['Time', 'Type', 'Actor', 'Object', 'Organization', 'Data'].map((t) => h('th', { scope: 'col' }, t)),
                ),
              ),
              h('tbody', {}, rows),
            ),
          ),
    );
  };
  const form = h(
    'form',
    { class: 'filters', role: 'search' },
    h('span', {}, h('label', { for: 'actor' }, 'Actor'), actor),
    h('span', {}, h('label', { for: 'type' }, 'Type'), type, types),
    h('span', {}, h('label', { for: 'since' }, 'From'), since),
    h('span', {}, h('label', { for: 'until' }, 'To'), until),
    h('button', { type: 'submit', class: 'primary' }, 'Filter'),
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void load(false);
  });
  more.addEventListener('click', () => void load(true));
  replace(ctx.main, h('h1', {}, 'Audit log'), form, results, more);
  await load(false);
}
