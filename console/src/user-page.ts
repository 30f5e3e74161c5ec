import { announce, h, replace, time } from './dom.js';
import type { PageContext } from './main.js';
import { type Session, sessionTable } from './session-table.js';

interface User {
  id: string;
  loginName: string;
  displayName: string | null;
  role: string;
  organizationId: string;
  disabled: boolean;
  createdAt: string;
  locked: boolean;
  lockedUntil: string | null;
  failedPasswordAttempts: number;
}

/** One user: who, lock state, and their sessions with revoke one / revoke all. */
export async function userPage(ctx: PageContext, id: string): Promise<void> {
  const path = `/users/${encodeURIComponent(id)}`;
  const [u, s] = await Promise.all([
    ctx.api.call<User>('GET', path),
    ctx.api.call<{ items: Session[]; total: number }>('GET', `${path}/sessions`, undefined, { query: { limit: 500 } }),
  ]);
  const again = () => void userPage(ctx, id);
  const revokeAll = h('button', { type: 'button', class: 'danger', disabled: s.total === 0 }, `Revoke all ${s.total} session${s.total === 1 ? '' : 's'}`);
  revokeAll.addEventListener('click', async () => {
    if (!window.confirm(`End every session of ${u.loginName}?`)) return;
    const r = await ctx.api.call<{ revoked: number }>('DELETE', `${path}/sessions`);
    announce(`${r.revoked} session${r.revoked === 1 ? '' : 's'} revoked.`);
    again();
  });
  const unlock = u.locked ? h('button', { type: 'button' }, 'Unlock') : null;
  unlock?.addEventListener('click', async () => {
    await ctx.api.call('POST', `${path}/unlock`);
    announce(`${u.loginName} unlocked.`);
    again();
  });
  replace(
    ctx.main,
    h('p', {}, h('a', { href: '#/sessions' }, '← Sessions')),
    h('h1', {}, u.displayName ? `${u.displayName} (${u.loginName})` : u.loginName),
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'User id'),
      h('dd', {}, h('code', {}, u.id)),
      h('dt', {}, 'Organization'),
      h('dd', {}, u.organizationId),
      h('dt', {}, 'Role'),
      h('dd', {}, u.role),
      h('dt', {}, 'Created'),
      h('dd', {}, time(u.createdAt)),
      h('dt', {}, 'State'),
      h(
        'dd',
        {},
        u.disabled ? 'disabled' : u.locked ? 'locked' : 'enabled',
        u.locked && !u.disabled ? (u.lockedUntil ? h('span', {}, ' until ', time(u.lockedUntil)) : ' until an administrator unlocks') : null,
        ` · ${u.failedPasswordAttempts} wrong password${u.failedPasswordAttempts === 1 ? '' : 's'} counted`,
      ),
    ),
    h('div', { class: 'buttons' }, revokeAll, unlock),
    h('h2', {}, 'Active sessions'),
    sessionTable(s.items, again, { showUser: false, youSessionId: ctx.me.sessionId, api: ctx.api }),
  );
}
