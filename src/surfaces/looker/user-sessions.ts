import { type AuthContext, requirePermission } from '../../core/auth.js';
import type { ActiveSession } from '../../core/sessions.js';
import type { Formats } from '../shared/formats.js';
import { API_PREFIX } from './errors.js';
import type { LookerApp, LookerDeps } from './types.js';

type Params = { user_id: string; session_id?: string };

/** Looker's Session fields from a sessiond session that is active now. */
export function lookerSessionView(f: Formats, info: ActiveSession, ctx: AuthContext, url: string) {
  const { isoTime, describeUserAgent } = f;
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

/** GET /users/:user_id/sessions, GET and DELETE /users/:user_id/sessions/:session_id. */
export function userSessionRoutes(app: LookerApp, { core, formats }: LookerDeps) {
  const sessionUrl = (req: { protocol: string; host: string }, userId: string, id: string) =>
    `${req.protocol}://${req.host}${API_PREFIX}/users/${encodeURIComponent(userId)}/sessions/${encodeURIComponent(id)}`;
  const fieldsOf = (query: unknown) => (query as { fields?: unknown } | undefined)?.fields;

  app.get('/users/:user_id/sessions', { schema: { hide: true } }, async (req) => {
    const { user_id: userId } = req.params as Params;
    const ctx = requirePermission(req.auth, 'sessions:read');
    const items = await core.sessions.listActiveOfUser(ctx, userId);
    return items.map((i) => pick(lookerSessionView(formats, i, ctx, sessionUrl(req, userId, i.record.id)), fieldsOf(req.query)));
  });

  app.get('/users/:user_id/sessions/:session_id', { schema: { hide: true } }, async (req) => {
    const { user_id: userId, session_id: id = '' } = req.params as Params;
    const ctx = requirePermission(req.auth, 'sessions:read');
    const info = await core.sessions.activeOfUser(ctx, userId, id, 'read');
    return pick(lookerSessionView(formats, info, ctx, sessionUrl(req, userId, id)), fieldsOf(req.query));
  });

  app.delete('/users/:user_id/sessions/:session_id', { schema: { hide: true } }, async (req, reply) => {
    const { user_id: userId, session_id: id = '' } = req.params as Params;
    // Ending needs sessions:write only: the core checks whose session it is without sessions:read.
    await core.sessions.activeOfUser(req.auth, userId, id, 'revoke');
    return reply.code(204).send();
  });
}
