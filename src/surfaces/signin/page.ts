/**
 * The sign-in page's HTML: the console's stylesheet and markup (form.signin), no script, so it
 * works in any browser with JavaScript off; labels, autocomplete names, an error announced with
 * role=alert, and focus where the person continues (autofocus).
 */

/** Where the page's stylesheet (console/console.css, the console's own) is served. */
export const STYLESHEET_PATH = '/signin/console.css';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${escapeHtml(title)}</title>
    <link rel="stylesheet" href="${STYLESHEET_PATH}" />
  </head>
  <body>
    <main id="main" class="signin-page">
${body}
    </main>
  </body>
</html>
`;
}

const hidden = (name: string, value: string) => `<input type="hidden" name="${name}" value="${escapeHtml(value)}" />`;

export interface SignInForm {
  csrf: string;
  rd: string | null;
  loginName: string;
  organization: string;
  /** Show "remember me": the effective policy allows persistent sessions. */
  remember: boolean;
  /** The one generic message of a failed attempt, or null. */
  error: string | null;
}

/** The sign-in form; after a failed attempt it keeps the login name and focuses the password. */
export function signInPage(f: SignInForm): string {
  const focusPassword = f.error !== null && f.loginName !== '';
  const org = f.organization !== '';
  return layout(
    'Sign in',
    `      <form class="signin" method="post" action="/signin" aria-describedby="signin-error">
        <h1>Sign in</h1>
        ${hidden('csrf', f.csrf)}
        ${f.rd ? hidden('rd', f.rd) : ''}
        <div class="fields">
          <label for="login">Login name</label>
          <input id="login" name="username" autocomplete="username" autocapitalize="none" spellcheck="false" required maxlength="256" value="${escapeHtml(f.loginName)}"${focusPassword ? '' : ' autofocus'} />
          <label for="password">Password</label>
          <input id="password" name="password" type="password" autocomplete="current-password" required maxlength="1024"${focusPassword ? ' autofocus' : ''} />
        </div>
        <details${org ? ' open' : ''}>
          <summary>Another organization</summary>
          <div class="fields">
            <label for="org">Organization <span class="hint">(empty: default)</span></label>
            <input id="org" name="organization" autocomplete="organization" maxlength="64" value="${escapeHtml(f.organization)}" />
          </div>
        </details>
${f.remember ? '        <div class="check"><input type="checkbox" id="persistent" name="persistent" value="on" /><label for="persistent">Remember me</label></div>\n' : ''}        <button type="submit" class="primary">Sign in</button>
        <p class="error" id="signin-error" role="alert">${f.error ? escapeHtml(f.error) : ''}</p>
      </form>`,
  );
}

/** `2026-12-06 11:23 UTC` from an ISO time: readable without a script to localize it. */
const readableTime = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;

/** Where a sign-in without a (valid) return address lands, with a way to sign out. */
export function signedInPage(o: { csrf: string; expiresAt: string }): string {
  return layout(
    'Signed in',
    `      <form class="signin" method="post" action="/signout">
        <h1>Signed in</h1>
        <p role="status">You are signed in; without use, the session ends at <time datetime="${escapeHtml(o.expiresAt)}">${escapeHtml(readableTime(o.expiresAt))}</time>.</p>
        ${hidden('csrf', o.csrf)}
        <button type="submit" id="signout" autofocus>Sign out</button>
      </form>`,
  );
}

/** Sign-out asked by a link (`GET /signout?rd=`): one button, as a post must carry the form's token. */
export function signOutPage(o: { csrf: string; rd: string | null }): string {
  return layout(
    'Sign out',
    `      <form class="signin" method="post" action="/signout">
        <h1>Sign out</h1>
        <p>End your session on every app that uses this sign-in.</p>
        ${hidden('csrf', o.csrf)}
        ${o.rd ? hidden('rd', o.rd) : ''}
        <button type="submit" id="signout" class="primary" autofocus>Sign out</button>
      </form>`,
  );
}

/** A refusal or failure: what happened, and a button back to a fresh sign-in form. */
export function messagePage(o: { title: string; message: string; rd: string | null }): string {
  return layout(
    o.title,
    `      <form class="signin" method="get" action="/signin">
        <h1>${escapeHtml(o.title)}</h1>
        <p class="error" role="alert">${escapeHtml(o.message)}</p>
        ${o.rd ? hidden('rd', o.rd) : ''}
        <button type="submit" autofocus>Back to sign-in</button>
      </form>`,
  );
}
