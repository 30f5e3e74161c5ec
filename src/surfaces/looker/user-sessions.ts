import { type AuthContext, canSeeOrganization, requirePermission } from '../../core/auth.js';
import { DomainError } from '../../core/errors.js';
import type { SessionRecord } from '../../core/ports.js';
import type { SessionInfo } from '../../core/sessions.js';
import { isoTime } from '../shared/iso-time.js';
import { describeUserAgent } from '../shared/user-agent.js';
import { API_PREFIX } from './errors.js';
import type { LookerApp, LookerDeps } from './types.js';

const PAGE = 500;
type Params = { user_id: string; session_id?: string };

const notFound = () => new DomainError('not_found', 'Not found');

/** Looker's Session fields from a sessiond session that is active now. */
export function lookerSessionView(info: SessionInfo & { verdict: { active: true } }, ctx: AuthContext, url: string) {
  const { record: r, verdict: v } = info;
  const ua = describeUserAgent(r.userAgent);
  return {
    can: { show: ctx.permissions.has('sessions:read'), destroy: ctx.permissions.has('sessions:write') },
    id: r.id,
    ip_address: r.ip,
    browser: ua.browser,
    operating_system: ua.operatingSystem,
    city: r.city,
    state: null,
    country: r.country,
    credentials_type: r.subjectType === 'user' ? 'email' : 'api3',
    // Every use extends an idle deadline; the last use is when the session was last extended.
    extended_at: r.lastActiveAtMs > r.createdAtMs ? isoTime(r.lastActiveAtMs) : null,
    extended_count: null,
    sudo_user_id: null,
    created_at: isoTime(r.createdAtMs),
    // When the session ends if unused from now on.
    expires_at: isoTime(Math.min(v.absoluteDeadlineMs, v.idleDeadlineMs ?? Number.POSITIVE_INFINITY)),
    url,
  };
}

/** Looker's `fields` parameter: a comma-separated list of the fields to answer. */
function pick<T extends Record<string, unknown>>(o: T, fields: unknown): Partial<T> {
  if (typeof fields !== 'string' || fields.trim() === '') return o;
  const wanted = new Set(fields.split(',').map((f) => f.trim()));
  return Object.fromEntries(Object.entries(o).filter(([k]) => wanted.has(k))) as Partial<T>;
}

const isActive = (i: SessionInfo): i is SessionInfo & { verdict: { active: true } } => i.verdict.active;
const belongsTo = (r: SessionRecord, userId: string) => r.subjectType === 'user' && r.subjectId === userId;

/** GET /users/:user_id/sessions, GET and DELETE /users/:user_id/sessions/:session_id. */
export function userSessionRoutes(app: LookerApp, { core }: LookerDeps) {
  const sessionUrl = (req: { protocol: string; host: string }, userId: string, id: string) =>
    `${req.protocol}://${req.host}${API_PREFIX}/users/${encodeURIComponent(userId)}/sessions/${encodeURIComponent(id)}`;
  const fieldsOf = (query: unknown) => (query as { fields?: unknown } | undefined)?.fields;

  app.get('/users/:user_id/sessions', { schema: { hide: true } }, async (req) => {
    const { user_id: userId } = req.params as Params;
    const items: (SessionInfo & { verdict: { active: true } })[] = [];
    for (let offset = 0; ; offset += PAGE) {
      const page = await core.sessions.list(req.auth, { userId, activeOnly: true, limit: PAGE, offset });
      items.push(...page.items.filter((i) => belongsTo(i.record, userId)).filter(isActive));
      if (page.items.length < PAGE) break;
    }
    const ctx = req.auth as AuthContext; // list() has checked sessions:read
    if (items.length === 0) {
      const user = await core.store.getUser(userId);
      if (!user || !canSeeOrganization(ctx, user.organizationId)) throw notFound();
    }
    return items.map((i) => pick(lookerSessionView(i, ctx, sessionUrl(req, userId, i.record.id)), fieldsOf(req.query)));
  });

  app.get('/users/:user_id/sessions/:session_id', { schema: { hide: true } }, async (req) => {
    const { user_id: userId, session_id: id = '' } = req.params as Params;
    const found = await core.sessions.get(req.auth, id);
    const info = core.sessions.judge(core.store.withPendingActivity(found.record));
    if (!belongsTo(info.record, userId) || !isActive(info)) throw notFound();
    return pick(lookerSessionView(info, req.auth as AuthContext, sessionUrl(req, userId, id)), fieldsOf(req.query));
  });

  app.delete('/users/:user_id/sessions/:session_id', { schema: { hide: true } }, async (req, reply) => {
    const { user_id: userId, session_id: id = '' } = req.params as Params;
    // Deleting needs sessions:write only; the ownership check reads the session without sessions:read.
    const ctx = requirePermission(req.auth, 'sessions:write');
    const s = await core.store.getSession(id);
    if (!s || !canSeeOrganization(ctx, s.organizationId) || !belongsTo(s, userId) || !core.sessions.judge(core.store.withPendingActivity(s)).verdict.active) {
      throw notFound();
    }
    await core.sessions.revoke(ctx, id);
    return reply.code(204).send();
  });
}
