import { type Api, ApiError, type ConsoleSession, createApi } from './api.js';
import { auditPage } from './audit-page.js';
import { announce, h, replace } from './dom.js';
import { overviewPage } from './overview-page.js';
import { policyPage } from './policy-page.js';
import { SessionWatch } from './session.js';
import { sessionsPage } from './sessions-page.js';
import { userPage } from './user-page.js';

/** What a page gets: where to draw, who is signed in, the API, and a way to stop its timers when left. */
export interface PageContext {
  main: HTMLElement;
  me: ConsoleSession;
  api: Api;
  /** Registers a cleanup run when the page is left (timers, listeners). */
  onLeave(fn: () => void): void;
}

const NAV = [
  { hash: '#/overview', label: 'Overview' },
  { hash: '#/policy', label: 'Policy' },
  { hash: '#/sessions', label: 'Sessions' },
  { hash: '#/audit', label: 'Audit log' },
];

function signInMessage(e: ApiError): string {
  if (e.status === 401) return 'Wrong login name, password or secret, or the account is locked.';
  if (e.status === 403) return 'This account is not an administrator.';
  if (e.status === 429) return 'Too many attempts. Wait a minute and try again.';
  if (e.status === 400) return `Check the fields: ${e.details.map((d) => d.message).join('; ') || e.message}`;
  return e.message;
}

/** Runs the console in `root`: its API client, session watch, signed-in person and current page are this call's own. */
function startConsole(root: HTMLElement): void {
  const api = createApi({
    signedOut: (reason) => showSignIn(reason),
    used: () => watch.used(),
  });
  const watch = new SessionWatch(api, (reason) => showSignIn(reason));
  let me: ConsoleSession | null = null;
  let leave: (() => void)[] = [];

  function showSignIn(message?: string): void {
    watch.stop();
    stopPage();
    me = null;
    root.removeAttribute('aria-busy');
    const error = h('p', { class: 'error', id: 'signin-error', role: 'alert' }, message && !message.startsWith('not signed in') ? message : '');
    const useSecret = h('input', { type: 'checkbox', id: 'use-secret' });
    const userFields = h(
      'div',
      { class: 'fields' },
      h('label', { for: 'login' }, 'Login name'),
      h('input', { id: 'login', name: 'username', autocomplete: 'username', required: true, maxlength: 256 }),
      h('label', { for: 'password' }, 'Password'),
      h('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true, maxlength: 1024 }),
      h('label', { for: 'org' }, 'Organization ', h('span', { class: 'hint' }, '(empty: default)')),
      h('input', { id: 'org', name: 'organization', maxlength: 64, autocomplete: 'organization' }),
    );
    const secretFields = h(
      'div',
      { class: 'fields', hidden: true },
      h('label', { for: 'secret' }, 'Credential secret'),
      h('input', { id: 'secret', type: 'password', autocomplete: 'off', maxlength: 512 }),
    );
    useSecret.addEventListener('change', () => {
      userFields.hidden = useSecret.checked;
      secretFields.hidden = !useSecret.checked;
      for (const i of userFields.querySelectorAll('input')) i.required = !useSecret.checked && i.id !== 'org';
      (secretFields.querySelector('input') as HTMLInputElement).required = useSecret.checked;
    });
    const submit = h('button', { type: 'submit', class: 'primary' }, 'Sign in');
    const form = h(
      'form',
      { class: 'signin', 'aria-describedby': 'signin-error' },
      h('h1', {}, 'sessiond console'),
      h('p', { class: 'hint' }, 'Sign in as an administrator (a user with the admin role) or with an API credential.'),
      userFields,
      secretFields,
      h('div', { class: 'check' }, useSecret, h('label', { for: 'use-secret' }, 'Use an API credential secret instead')),
      submit,
      error,
    );
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      submit.disabled = true;
      error.textContent = '';
      const value = (id: string) => (document.getElementById(id) as HTMLInputElement).value;
      try {
        const org = value('org').trim();
        const session = await api.signIn(
          useSecret.checked
            ? { secret: value('secret').trim() }
            : { loginName: value('login'), password: value('password'), ...(org ? { organizationId: org } : {}) },
        );
        startShell(session);
      } catch (e) {
        error.textContent = e instanceof ApiError ? signInMessage(e) : String(e);
        submit.disabled = false;
        (document.getElementById(useSecret.checked ? 'secret' : 'password') as HTMLInputElement).focus();
      }
    });
    replace(root, h('main', { id: 'main', class: 'signin-page', tabindex: -1 }, form));
    (document.getElementById('login') as HTMLInputElement).focus();
  }

  function startShell(session: ConsoleSession): void {
    me = session;
    watch.start(session);
    const out = h('button', { type: 'button', class: 'link' }, 'Sign out');
    out.addEventListener('click', async () => {
      try {
        await api.signOut();
      } finally {
        showSignIn('You signed out.');
      }
    });
    const nav = h('nav', { 'aria-label': 'Console' }, h('ul', {}, ...NAV.map((n) => h('li', {}, h('a', { href: n.hash }, n.label)))));
    const who = h(
      'p',
      { class: 'who' },
      `${session.kind === 'user' ? 'Signed in as' : 'Credential'} `,
      h('strong', {}, session.name),
      session.organizationId ? ` (organization ${session.organizationId})` : ' (instance)',
      ' · ',
      out,
    );
    replace(root, h('header', { class: 'top' }, h('a', { class: 'brand', href: '#/overview' }, 'sessiond'), nav, who), h('main', { id: 'main', tabindex: -1 }));
    root.removeAttribute('aria-busy');
    route();
  }

  function stopPage(): void {
    for (const fn of leave) fn();
    leave = [];
  }

  function route(): void {
    if (!me) return;
    stopPage();
    const main = document.getElementById('main') as HTMLElement;
    const hash = location.hash || '#/overview';
    for (const a of document.querySelectorAll<HTMLAnchorElement>('nav a')) {
      if (hash.startsWith(a.hash)) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
    const ctx: PageContext = { main, me, api, onLeave: (fn) => leave.push(fn) };
    const [, page, arg] = hash.split('/');
    const id = arg ? decodeURIComponent(arg) : undefined;
    replace(main);
    const render =
      page === 'policy'
        ? policyPage(ctx, id)
        : page === 'sessions'
          ? sessionsPage(ctx)
          : page === 'users' && id
            ? userPage(ctx, id)
            : page === 'audit'
              ? auditPage(ctx)
              : overviewPage(ctx);
    render.catch((e: unknown) => {
      if (e instanceof ApiError && e.status === 401) return;
      replace(main, h('h1', {}, 'Something went wrong'), h('p', { class: 'error', role: 'alert' }, e instanceof Error ? e.message : String(e)));
    });
    document.title = `${NAV.find((n) => hash.startsWith(n.hash))?.label ?? 'User'} · sessiond console`;
  }

  window.addEventListener('hashchange', () => {
    route();
    document.getElementById('main')?.focus();
  });

  api
    .currentSession()
    .then(startShell)
    .catch((e: unknown) => {
      if (e instanceof ApiError && e.status === 401) showSignIn();
      else {
        showSignIn();
        announce(e instanceof Error ? e.message : String(e), 'error');
      }
    });
}

startConsole(document.getElementById('app') as HTMLElement);
