import { describe, expect, it } from 'vitest';
import { allowedRedirectDomains, safeRedirectTarget } from '../src/surfaces/shared/redirect-target.js';

describe('redirect target allow-list', () => {
  const allowed = allowedRedirectDomains(' Good.com, .apps.example.org ,,');

  it('reads SESSIOND_ALLOWED_REDIRECT_DOMAINS as lower-case domains', () => {
    expect(allowed).toEqual(['good.com', 'apps.example.org']);
    expect(allowedRedirectDomains(undefined)).toEqual([]);
  });

  it('allows an allowed host, its subdomains, any port, http and https, and same-host paths', () => {
    expect(safeRedirectTarget('https://good.com/x?y=1#z', allowed, null)).toBe('https://good.com/x?y=1#z');
    expect(safeRedirectTarget('http://app.GOOD.com:8443/', allowed, null)).toBe('http://app.good.com:8443/');
    expect(safeRedirectTarget('https://a.b.apps.example.org', allowed, null)).toBe('https://a.b.apps.example.org/');
    expect(safeRedirectTarget('/dashboard?tab=1', allowed, null)).toBe('/dashboard?tab=1');
    expect(safeRedirectTarget('/', [], null)).toBe('/');
  });

  it('with no allowed domains, only the request host itself (port included)', () => {
    expect(safeRedirectTarget('https://auth.example.com/app', [], 'auth.example.com')).toBe('https://auth.example.com/app');
    expect(safeRedirectTarget('https://auth.example.com:444/app', [], 'auth.example.com')).toBeNull();
    expect(safeRedirectTarget('https://other.example.com/', [], 'auth.example.com')).toBeNull();
    expect(safeRedirectTarget('https://auth.example.com/', [], null)).toBeNull();
    // The default port written or left out on either side, and case, make no difference.
    expect(safeRedirectTarget('http://Auth.example.com:80/a', [], 'auth.example.com')).toBe('http://auth.example.com/a');
    expect(safeRedirectTarget('https://auth.example.com/a', [], 'AUTH.example.com:443')).toBe('https://auth.example.com/a');
    expect(safeRedirectTarget('http://auth.example.com/a', [], 'auth.example.com:443')).toBeNull();
    expect(safeRedirectTarget('http://auth.example.com/a', [], 'bad host/')).toBeNull();
  });

  it.each([
    ['scheme-relative', '//evil.com'],
    ['scheme-relative with a path', '//evil.com/good.com'],
    ['backslash before user info', 'https://evil.com\\@good.com'],
    ['backslash path', '/\\evil.com'],
    ['backslash scheme', 'https:\\\\evil.com'],
    ['suffix that is not a subdomain', 'https://good.com.evil.com'],
    ['lookalike prefix', 'https://evilgood.com'],
    ['user info', 'https://good.com@evil.com'],
    ['user info on an allowed host', 'https://user:pw@good.com/'],
    ['empty user info', 'https://@good.com/'],
    ['javascript:', 'javascript:alert(1)'],
    ['javascript: upper case', 'JavaScript://good.com/%0aalert(1)'],
    ['data:', 'data:text/html,<script>alert(1)</script>'],
    ['other scheme', 'ftp://good.com/'],
    ['tab inside', '/\t/evil.com'],
    ['newline inside', 'https://good.com/\n'],
    ['space', ' https://good.com/'],
    ['non-ASCII host', 'https://gооd.com/'],
    ['relative without a slash', 'evil.com'],
    ['percent-encoded dot', 'https://good.com%2eevil.com/'],
    ['trailing dot host', 'https://good.com.'],
    ['too long', `/${'a'.repeat(5000)}`],
    ['empty', ''],
  ])('refuses %s', (_name, target) => {
    expect(safeRedirectTarget(target, allowed, 'good.com')).toBeNull();
  });
});
