import type { Api } from './api.js';
import { announce, h, time } from './dom.js';

export interface Session {
  id: string;
  subjectType: 'user' | 'credential';
  userId: string | null;
  credentialId: string | null;
  subjectName?: string | null;
  organizationId: string;
  persistent: boolean;
  active: boolean;
  endReason: string | null;
  createdAt: string;
  lastActiveAt: string;
  expiresAt: string;
  idleExpiresAt: string | null;
  location: { ip: string | null; userAgent: string | null; country: string | null; city: string | null; lastIp: string | null };
  device?: { browser: string | null; operatingSystem: string | null; platform: string | null };
}

const device = (s: Session) => {
  const d = s.device;
  const text = [d?.browser, d?.operatingSystem && `on ${d.operatingSystem}`, d?.platform && `(${d.platform})`].filter(Boolean).join(' ');
  return h('span', { title: s.location.userAgent ?? '' }, text || s.location.userAgent || '—');
};
const place = (s: Session) => [s.location.city, s.location.country].filter(Boolean).join(', ') || '—';

/** The sessions table of the sessions page and the user page; `onChange` runs after a revocation. */
export function sessionTable(items: Session[], onChange: () => void, o: { showUser: boolean; youSessionId: string; api: Api }): HTMLElement {
  if (items.length === 0) return h('p', { class: 'hint' }, 'No sessions.');
  const head = ['User', 'Organization', 'Created', 'Last active', 'Ends', 'Remember me', 'IP', 'Device', 'Location', ''].filter(
    (_, i) => o.showUser || i !== 0,
  );
  return h(
    'div',
    { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': 'Sessions' },
    h(
      'table',
      {},
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          head.map((t) => h('th', { scope: 'col' }, t || h('span', { class: 'sr-only' }, 'Actions'))),
        ),
      ),
      h(
        'tbody',
        {},
        items.map((s) => {
          const revoke = h(
            'button',
            {
              type: 'button',
              class: 'danger small',
              'aria-label': `Revoke session ${s.id}${s.subjectName ? ` of ${s.subjectName}` : ''}`,
              disabled: !s.active,
            },
            'Revoke',
          );
          revoke.addEventListener('click', async () => {
            const own = s.id === o.youSessionId;
            if (
              !window.confirm(
                own
                  ? 'This is your own console session: revoking it signs you out. Revoke?'
                  : `Revoke this session${s.subjectName ? ` of ${s.subjectName}` : ''}?`,
              )
            )
              return;
            revoke.disabled = true;
            await o.api.call('DELETE', `/sessions/${encodeURIComponent(s.id)}`);
            announce('Session revoked.');
            onChange();
          });
          const who =
            s.subjectType === 'user' && s.userId
              ? h('a', { href: `#/users/${encodeURIComponent(s.userId)}` }, s.subjectName ?? s.userId)
              : h('span', {}, `API: ${s.subjectName ?? s.credentialId ?? '?'}`);
          return h(
            'tr',
            { 'data-session': s.id },
            o.showUser ? h('td', {}, who, s.id === o.youSessionId ? h('span', { class: 'badge' }, 'you') : null) : null,
            h('td', {}, s.organizationId),
            h('td', {}, time(s.createdAt)),
            h('td', {}, time(s.lastActiveAt, true)),
            h('td', {}, s.active ? time(s.idleExpiresAt && s.idleExpiresAt < s.expiresAt ? s.idleExpiresAt : s.expiresAt, true) : `ended (${s.endReason})`),
            h('td', {}, s.persistent ? 'yes' : 'no'),
            h('td', {}, s.location.lastIp ?? s.location.ip ?? '—'),
            h('td', {}, device(s)),
            h('td', {}, place(s)),
            h('td', {}, revoke),
          );
        }),
      ),
    ),
  );
}
