import { type AuthContext, DEFAULT_ORGANIZATION_ID, requirePermission, targetOrganization } from '../../core/auth.js';
import { DomainError } from '../../core/errors.js';
import type { Core } from '../../core/index.js';
import type { SessionRecord } from '../../core/ports.js';
import type { Formats } from '../shared/formats.js';

/** LogScale's `User` as sessiond can fill it. */
export interface UserView {
  id: string;
  username: string;
  displayName: string | null;
}

/** Per-request state shared by the resolvers. */
export interface GraphqlContext {
  auth: AuthContext | null;
  core: Core;
  formats: Formats;
  /** User names looked up during this request (users:read), by user id. */
  users: Map<string, Promise<UserView>>;
}

export interface SessionsArgs {
  searchFilter?: string | null;
  level: 'Organization' | 'User';
  sortBy: 'ClientInfo' | 'IPAddress' | 'LastActivityTime' | 'Location' | 'LoginTime' | 'User';
  orderBy: 'ASC' | 'DESC';
  skip: number;
  limit: number;
  onlyActiveSessions: boolean;
}

/** The arguments as a query may send them: an explicit `null` is allowed for each (all are nullable). */
export type SessionsInput = { [K in keyof SessionsArgs]?: SessionsArgs[K] | null };

/** An argument given as an explicit `null` takes its schema default, as if it had been left out. */
function withDefaults(a: SessionsInput): SessionsArgs {
  return {
    searchFilter: a.searchFilter ?? null,
    level: a.level ?? 'Organization',
    sortBy: a.sortBy ?? 'LastActivityTime',
    orderBy: a.orderBy ?? 'ASC',
    skip: a.skip ?? 0,
    limit: a.limit ?? 50,
    onlyActiveSessions: a.onlyActiveSessions ?? true,
  };
}

/** The most sessions one query filters and sorts (newest first); older ones are not considered. */
export const MAX_SESSIONS_SCANNED = 10_000;
const PAGE = 1_000;
export const MAX_LIMIT = 1_000;

/** The organization this surface acts on: the caller's, or `default` for an instance-wide caller. */
export const organizationOf = (ctx: AuthContext | null): string => (ctx ? targetOrganization(ctx, undefined) : DEFAULT_ORGANIZATION_ID);

/** The user of a session, read once per request through the core (users:read). Deleted users keep their id. */
export function userOf(c: GraphqlContext, userId: string): Promise<UserView> {
  let p = c.users.get(userId);
  if (!p) {
    p = c.core.users.get(c.auth, userId).then(
      (u) => ({ id: u.id, username: u.loginName, displayName: u.displayName }),
      (err: unknown) => {
        if (err instanceof DomainError && err.code === 'not_found') return { id: userId, username: '(deleted user)', displayName: null };
        throw err;
      },
    );
    c.users.set(userId, p);
  }
  return p;
}

/** "Chrome 120 on macOS 14" from the stored user agent; empty when none was recorded. */
export function clientInfoOf(f: Formats, s: SessionRecord): string {
  const d = f.describeUserAgent(s.userAgent);
  const parts = [d.browser, d.operatingSystem].filter((x): x is string => x !== null);
  if (parts.length) return parts.join(' on ');
  return s.userAgent ?? '';
}

const locationOf = (s: SessionRecord) => [s.country, s.city].filter(Boolean).join(' ');

/**
 * LogScale's `sessions` query over sessiond's user sessions: filter, sort, then page.
 * Sorting by arbitrary fields needs the whole candidate set, so at most the newest
 * MAX_SESSIONS_SCANNED sessions of the organization are considered.
 */
export async function querySessions(c: GraphqlContext, given: SessionsInput): Promise<{ totalResults: number; results: SessionRecord[] }> {
  const a = withDefaults(given);
  const issues = [];
  if (a.skip < 0) issues.push({ field: 'skip', code: 'range', message: 'must be 0 or more' });
  if (a.limit < 0 || a.limit > MAX_LIMIT) issues.push({ field: 'limit', code: 'range', message: `must be from 0 to ${MAX_LIMIT}` });
  if ((a.searchFilter?.length ?? 0) > 256) issues.push({ field: 'searchFilter', code: 'range', message: 'must be at most 256 characters' });
  if (issues.length) throw new DomainError('invalid_argument', issues.map((i) => `${i.field} ${i.message}`).join('; '), issues);

  // API credentials are the only callers and have no user sessions of their own.
  if (a.level === 'User') {
    requirePermission(c.auth, 'sessions:read');
    return { totalResults: 0, results: [] };
  }
  let rows = await scan(c, a.onlyActiveSessions);
  const needle = a.searchFilter?.trim().toLowerCase();
  if (needle) {
    const hits = await Promise.all(
      rows.map(async (s) => {
        if ([s.ip, s.lastIp].some((ip) => ip?.toLowerCase().includes(needle))) return true;
        const u = await userOf(c, s.subjectId);
        return u.username.toLowerCase().includes(needle) || (u.displayName?.toLowerCase().includes(needle) ?? false);
      }),
    );
    rows = rows.filter((_, i) => hits[i]);
  }
  const keys = await sortKeys(c, rows, a.sortBy);
  const dir = a.orderBy === 'DESC' ? -1 : 1;
  const order = rows.map((s, i) => ({ s, k: keys[i] as string | number }));
  order.sort((x, y) => dir * (compare(x.k, y.k) || x.s.createdAtMs - y.s.createdAtMs || (x.s.id < y.s.id ? -1 : 1)));
  return { totalResults: order.length, results: order.slice(a.skip, a.skip + a.limit).map((o) => o.s) };
}

async function scan(c: GraphqlContext, activeOnly: boolean): Promise<SessionRecord[]> {
  const organizationId = organizationOf(c.auth);
  const out: SessionRecord[] = [];
  for (let offset = 0; offset < MAX_SESSIONS_SCANNED; offset += PAGE) {
    const r = await c.core.sessions.list(c.auth, { organizationId, activeOnly, limit: PAGE, offset });
    for (const s of r.items) if (s.record.subjectType === 'user') out.push(s.record);
    if (offset + PAGE >= r.total) break;
  }
  return out;
}

async function sortKeys(c: GraphqlContext, rows: SessionRecord[], by: SessionsArgs['sortBy']): Promise<(string | number)[]> {
  switch (by) {
    case 'LastActivityTime':
      return rows.map((s) => s.lastActiveAtMs);
    case 'LoginTime':
      return rows.map((s) => s.createdAtMs);
    case 'IPAddress':
      return rows.map((s) => s.ip ?? '');
    case 'Location':
      return rows.map(locationOf);
    case 'ClientInfo':
      return rows.map((s) => clientInfoOf(c.formats, s));
    case 'User':
      return Promise.all(rows.map(async (s) => (await userOf(c, s.subjectId)).username));
  }
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });
const compare = (a: string | number, b: string | number): number =>
  typeof a === 'number' && typeof b === 'number' ? a - b : collator.compare(String(a), String(b));
