import Type, { type Static, type TSchema } from 'typebox';
import type { AuthContext } from '../../core/auth.js';
import type { Core } from '../../core/index.js';
import type { SessionInfo } from '../../core/sessions.js';
import type { Formats } from '../shared/formats.js';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

/** Dynatrace's UserSession ("Managed user session instance"); times in ms since the epoch. */
export const UserSession = Type.Object(
  {
    userId: Type.String({ description: 'User id (the sessiond user id)' }),
    nodeId: Type.Integer({ description: 'Node on which the session exists (sessiond: always 1)' }),
    sessionId: Type.String({ description: 'User session id' }),
    creationTime: Type.Integer({ description: 'User session creation timestamp (ms since the epoch)' }),
    lastAccessedTimestamp: Type.Integer({ description: 'When the session was last used (ms since the epoch)' }),
    tenantUuid: Type.String({ description: "The session's organization id" }),
    loginType: Type.Union([Type.Literal('LOCAL'), Type.Literal('LDAP'), Type.Literal('SSO_MANAGED'), Type.Literal('DEVOPSTOKEN')]),
    device: Nullable(Type.String({ description: 'Browser and operating system from the user agent; null when not recorded' })),
    ip: Nullable(Type.String({ description: 'IP address at sign-in; null when not recorded' })),
  },
  { title: 'UserSession' },
);

export type UserSession = Static<typeof UserSession>;

/** sessiond is one node as far as Dynatrace clients can tell. */
const NODE_ID = 1;
/** The longest list one call answers (Dynatrace's call has no paging); newest first. */
export const MAX_LISTED_SESSIONS = 10_000;
const PAGE = 1_000;

/** "Chrome 126 on Windows 10", the raw user agent when nothing can be recognized, or null. */
function deviceOf(f: Formats, userAgent: string | null): string | null {
  if (!userAgent) return null;
  const d = f.describeUserAgent(userAgent);
  const parts = [d.browser, d.operatingSystem].filter((p): p is string => p !== null);
  return parts.length ? parts.join(' on ') : userAgent;
}

export function toUserSession(f: Formats, { record: r }: SessionInfo): UserSession {
  return {
    userId: r.subjectId,
    nodeId: NODE_ID,
    sessionId: r.id,
    creationTime: r.createdAtMs,
    lastAccessedTimestamp: r.lastActiveAtMs,
    tenantUuid: r.organizationId,
    // Every sessiond user session starts with a local password sign-in.
    loginType: 'LOCAL',
    device: deviceOf(f, r.userAgent),
    ip: r.ip,
  };
}

/**
 * The active user sessions the caller may see (one user's, or everyone's in its scope),
 * newest first. Sessions of API credentials are not user sessions and are left out.
 */
export async function activeUserSessions(core: Core, f: Formats, ctx: AuthContext | null, userId: string | undefined): Promise<UserSession[]> {
  const out: UserSession[] = [];
  for (let offset = 0; out.length < MAX_LISTED_SESSIONS; offset += PAGE) {
    const page = await core.sessions.list(ctx, { userId, activeOnly: true, limit: PAGE, offset });
    for (const s of page.items) if (s.record.subjectType === 'user' && out.length < MAX_LISTED_SESSIONS) out.push(toUserSession(f, s));
    if (offset + PAGE >= page.total) break;
  }
  return out;
}
