import { type AuthContext, canSeeOrganization, DEFAULT_ORGANIZATION_ID, requirePermission } from './auth.js';
import type { Clock } from './clock.js';
import { DomainError } from './errors.js';
import type { PasswordChecker } from './lockout.js';
import { observeSignIn, observeTimeEnd } from './observer.js';
import type { PolicyService } from './policies.js';
import { type Role, sessionLimitFor } from './policy.js';
import type {
  CoreObserver,
  CredentialStore,
  EventStore,
  GeoLocator,
  Location,
  OrganizationPolicyStore,
  SessionActivityStore,
  SessionRecord,
  SessionStore,
  SubjectType,
  Transactions,
  UserStore,
} from './ports.js';
import { evaluateSession, sessionsToEvict, type Verdict } from './session-rules.js';
import { sweepCutoffs } from './sweep.js';
import { hashSecret, type IdSource, looksLikeSecret, sameHash } from './tokens.js';

/** A session with the verdict of the current policy on it. */
export interface SessionInfo {
  record: SessionRecord;
  verdict: Verdict;
}

/** A session the current policy finds active, with its deadlines. */
export interface ActiveSession extends SessionInfo {
  verdict: Verdict & { active: true };
}

/** A session the current policy finds ended, and why. */
export interface EndedSession extends SessionInfo {
  verdict: Verdict & { active: false };
}

/** Narrows a judged session (or an introspection answer) to an active one. */
export const isActiveSession = (i: SessionInfo | IntrospectResult): i is ActiveSession => i.verdict.active;

/** What introspection answers: the judged session, or only an inactive verdict for an unknown token. */
export type IntrospectResult = ActiveSession | EndedSession | { verdict: Verdict & { active: false } };

export interface ClientInfo {
  ip?: string | null | undefined;
  userAgent?: string | null | undefined;
}

export interface NewSessionOptions {
  persistent?: boolean | undefined;
  client?: ClientInfo | undefined;
  /** A per-session expiry on top of the policy (ZITADEL `lifetime`). */
  expiresAtMs?: number | null | undefined;
  metadata?: Record<string, string> | undefined;
  /** Extra facts recorded on the `session.created` event (e.g. checked factors, see session-checks.ts). */
  eventData?: Record<string, unknown> | undefined;
  actor: string;
}

export interface PasswordSignIn {
  organizationId?: string | undefined;
  loginName: string;
  password: string;
  persistent?: boolean | undefined;
  client?: ClientInfo | undefined;
  /** Only users of this role may sign in this way (the admin console: `admin`); checked after the password. */
  requireRole?: Role | undefined;
}

export interface Subject {
  type: SubjectType;
  id: string;
  organizationId: string;
  role: Role;
}

export interface SessionDeps {
  /** Sessions and their use; users, credentials and organizations are only read (sign-in, names, scopes). */
  store: SessionStore & SessionActivityStore & UserStore & CredentialStore & OrganizationPolicyStore & Transactions<SessionStore & EventStore>;
  clock: Clock;
  ids: IdSource;
  passwords: PasswordChecker;
  policies: PolicyService;
  geo: GeoLocator | null;
  observer?: CoreObserver | undefined;
}

/** Session lifecycle: sign-in, validation, use, revocation. */
export class SessionService {
  constructor(private readonly d: SessionDeps) {}

  /**
   * Signs a user in with a password. Unknown login name, wrong password, a locked user (even
   * with the right password) and a disabled user give the same error after the same work (one
   * hash check; a dummy hash for an unknown name). Wrong passwords count toward lockout.
   */
  signIn(input: PasswordSignIn): Promise<{ session: SessionInfo; token: string }> {
    return observeSignIn(this.d.observer, 'password', () => this.passwordSignIn(input));
  }

  private async passwordSignIn(input: PasswordSignIn): Promise<{ session: SessionInfo; token: string }> {
    const orgId = input.organizationId ?? DEFAULT_ORGANIZATION_ID;
    const user = await this.d.store.findUserByLogin(orgId, input.loginName);
    const verdict = await this.d.passwords.check(
      user,
      input.password,
      { actor: 'anonymous', via: 'sign_in', ip: input.client?.ip },
      { refuse: user?.disabled ? 'disabled' : undefined, unknown: { organizationId: orgId, loginName: input.loginName } },
    );
    if (!user || verdict !== 'ok') throw new DomainError('invalid_credentials', 'invalid login name or password');
    if (input.requireRole && user.role !== input.requireRole) {
      throw new DomainError('permission_denied', `only users with the role '${input.requireRole}' may sign in here`);
    }
    return this.createFor(
      { type: 'user', id: user.id, organizationId: user.organizationId, role: user.role },
      { persistent: input.persistent, client: input.client, actor: `user:${user.id}` },
    );
  }

  /**
   * Creates a session for an authenticated subject, enforcing the effective policy:
   * persistence, and the concurrent limit of the user's role (evicting the oldest
   * or refusing), all in one transaction.
   */
  async createFor(subject: Subject, o: NewSessionOptions): Promise<{ session: SessionInfo; token: string }> {
    const policy = this.d.policies.effective(subject.organizationId);
    const persistent = o.persistent ?? false;
    if (persistent && !policy.allowPersistentSessions) {
      throw new DomainError('persistent_not_allowed', 'the session policy does not allow persistent sessions');
    }
    const token = this.d.ids.newSecret();
    const now = this.d.clock.nowMs();
    const location = policy.trackLocation ? this.locate(o.client) : emptyLocation;
    const record: SessionRecord = {
      id: this.d.ids.newId(),
      tokenHash: hashSecret(token),
      subjectType: subject.type,
      subjectId: subject.id,
      organizationId: subject.organizationId,
      role: subject.role,
      persistent,
      createdAtMs: now,
      lastActiveAtMs: now,
      expiresAtMs: o.expiresAtMs ?? null,
      endedAtMs: null,
      endReason: null,
      ...location,
      lastIp: location.ip,
      metadata: o.metadata ?? {},
    };
    // Limits count a user's concurrent sign-ins; API credentials' sessions are not limited.
    const limit = subject.type === 'user' ? sessionLimitFor(policy, subject.role) : 0;
    await this.d.store.transaction(async (tx) => {
      if (limit > 0) {
        // Judge with the latest use, including use not yet written (write-behind).
        const open = (await tx.listOpenSessionsOfSubject(subject.id)).map((s) => this.d.store.withPendingActivity(s));
        const evict = sessionsToEvict(open, policy, limit, now);
        if (evict.length > 0 && policy.onLimit === 'deny_new') {
          throw new DomainError('session_limit_reached', `the limit of ${limit} concurrent sessions is reached`);
        }
        await this.end(tx, evict, 'evicted', 'system', now);
      }
      await tx.insertSession(record);
      await tx.appendEvent({
        aggregateType: 'session',
        aggregateId: record.id,
        type: 'session.created',
        actor: o.actor,
        organizationId: record.organizationId,
        atMs: now,
        data: { ...o.eventData, subjectType: subject.type, subjectId: subject.id, persistent, ip: record.ip },
      });
    });
    return { session: { record, verdict: evaluateSession(record, policy, now) }, token };
  }

  /**
   * The validation path: is this token good now? An active session counts as used
   * (write-behind, never a synchronous disk write).
   */
  async introspect(token: string, client?: ClientInfo): Promise<IntrospectResult> {
    const hash = looksLikeSecret(token) ? hashSecret(token) : null;
    let found = hash ? await this.d.store.findSessionByTokenHash(hash) : undefined;
    if (hash && found && this.mayMissOtherNodesUse(found)) found = await this.d.store.findFreshSessionByTokenHash?.(hash);
    if (hash && !found) {
      // Only tokens no session has now pay this read: a token rotated away says so.
      const rotated = await this.d.store.findRotatedToken(hash);
      if (rotated) return { verdict: { active: false, reason: 'rotated', endedAtMs: rotated.rotatedAtMs } };
    }
    return this.judgeUse(hash, found, client);
  }

  /**
   * Judges a token like `introspect` but does not count it as use: for checks a person did not
   * make (the admin console asking in the background whether its session is still good).
   */
  async peek(token: string): Promise<IntrospectResult> {
    const hash = looksLikeSecret(token) ? hashSecret(token) : null;
    const found = hash ? ((await this.d.store.findFreshSessionByTokenHash?.(hash)) ?? (await this.d.store.findSessionByTokenHash(hash))) : undefined;
    if (!found || !sameHash(found.tokenHash, hash as string)) return { verdict: { active: false, reason: 'unknown', endedAtMs: this.d.clock.nowMs() } };
    return this.judge(this.d.store.withPendingActivity(found));
  }

  /**
   * A session held in this node's memory that looks idle may have been used on another node
   * since it was read (PostgreSQL + Redis): such a verdict is never given from memory; the session
   * is read again past the node's memory (Redis carries every node's recorded use).
   */
  private mayMissOtherNodesUse(found: SessionRecord): boolean {
    if (!this.d.store.findFreshSessionByTokenHash) return false;
    const v = evaluateSession(found, this.d.policies.effective(found.organizationId), this.d.clock.nowMs());
    return !v.active && v.reason === 'idle_timeout';
  }

  /**
   * `introspect` without waiting, when the store can answer from memory: the same judgement, or
   * null when storage must be read (then call `introspect`). Saves the promise hops on the
   * hottest path of all.
   */
  introspectIfCached(token: string, client?: ClientInfo): IntrospectResult | null {
    if (!this.d.store.findCachedSessionByTokenHash || !looksLikeSecret(token)) return null;
    const hash = hashSecret(token);
    const found = this.d.store.findCachedSessionByTokenHash(hash);
    if (!found || this.mayMissOtherNodesUse(found)) return null;
    // Found by that very hash as the key: comparing it again would add nothing.
    return this.judgeUse(hash, found, client, true);
  }

  private judgeUse(hash: string | null, found: SessionRecord | undefined, client: ClientInfo | undefined, matched = false): IntrospectResult {
    const now = this.d.clock.nowMs();
    if (!found || !(matched || sameHash(found.tokenHash, hash as string))) return { verdict: { active: false, reason: 'unknown', endedAtMs: now } };
    const policy = this.d.policies.effective(found.organizationId);
    const before = evaluateSession(found, policy, now);
    if (!before.active) {
      observeTimeEnd(this.d.observer, found, before);
      return { record: found, verdict: before };
    }
    const ip = policy.trackLocation ? (client?.ip ?? null) : null;
    // Use is recorded at a granularity of at most 1 s (less for idle timeouts under a minute): a
    // session can look idle at most that much earlier than exact, never later; busy tokens cost less.
    if (now - found.lastActiveAtMs < activityGranularityMs(policy.idleTimeoutSeconds) && (ip === null || ip === found.lastIp)) {
      return { record: found, verdict: before };
    }
    this.d.store.recordActivity(found.id, now, ip);
    const used: SessionRecord = { ...found, lastActiveAtMs: now, lastIp: ip ?? found.lastIp };
    return judged(used, evaluateSession(used, policy, now));
  }

  /** Reads a session without counting it as used. */
  async get(ctx: AuthContext | null, id: string): Promise<SessionInfo> {
    const c = requirePermission(ctx, 'sessions:read');
    const s = await this.d.store.getSession(id);
    if (!s || !canSeeOrganization(c, s.organizationId)) throw new DomainError('not_found', `session '${id}' not found`);
    return this.judge(s);
  }

  /** Lists sessions newest first; `activeOnly` applies the current policy. */
  async list(
    ctx: AuthContext | null,
    q: {
      userId?: string | undefined;
      organizationId?: string | undefined;
      /** Session id, user id, login name (part), IP (prefix), user agent, country or city (part). */
      search?: string | undefined;
      /** Also look up who each session belongs to (`names`). */
      withNames?: boolean;
      activeOnly: boolean;
      limit: number;
      offset: number;
    },
  ): Promise<{ items: SessionInfo[]; total: number; names: Map<string, string> }> {
    const c = requirePermission(ctx, 'sessions:read');
    const organizationId = c.organizationId ?? q.organizationId;
    if (q.organizationId && !canSeeOrganization(c, q.organizationId)) return { items: [], total: 0, names: new Map() };
    await this.d.store.flush();
    const filter = {
      ...(q.userId ? { userId: q.userId } : {}),
      ...(organizationId ? { organizationId } : {}),
      ...(q.search?.trim() ? { search: q.search.trim() } : {}),
      openOnly: q.activeOnly,
      ...(q.activeOnly ? this.surelyEndedCutoffs() : {}),
    };
    const rows = await this.d.store.listSessions({ ...filter, limit: q.limit, offset: q.offset });
    const items = rows.map((s) => this.judge(s)).filter((s) => !q.activeOnly || s.verdict.active);
    return { items, total: await this.d.store.countSessions(filter), names: q.withNames ? await this.subjectNames(items) : new Map() };
  }

  /**
   * Sessions created or last used before these times have ended under every policy in force
   * (with a minute's margin for use other nodes have not written yet), so lists of active
   * sessions leave them out in storage and their totals stay close to what they show.
   */
  private surelyEndedCutoffs(): { createdAfterMs: number; activeAfterMs?: number } {
    const cut = sweepCutoffs(this.d.policies.allEffective(), this.d.clock.nowMs(), 60);
    return { createdAfterMs: cut.createdBeforeMs, ...(cut.idleSinceBeforeMs === null ? {} : { activeAfterMs: cut.idleSinceBeforeMs }) };
  }

  /** Login names of the users and names of the credentials the sessions belong to, by subject id (a list shows who, not only an id). */
  private async subjectNames(items: readonly SessionInfo[]): Promise<Map<string, string>> {
    const names = new Map<string, string>();
    const subjects = new Map(items.map((i) => [i.record.subjectId, i.record.subjectType]));
    await Promise.all(
      [...subjects].map(async ([id, type]) => {
        const name = type === 'user' ? (await this.d.store.getUser(id))?.loginName : (await this.d.store.getCredential(id))?.name;
        if (name !== undefined) names.set(id, name);
      }),
    );
    return names;
  }

  /** Ends one session (admin). Ending an ended session is a no-op. */
  async revoke(ctx: AuthContext | null, id: string): Promise<void> {
    const c = requirePermission(ctx, 'sessions:write');
    const s = await this.d.store.getSession(id);
    if (!s || !canSeeOrganization(c, s.organizationId)) throw new DomainError('not_found', `session '${id}' not found`);
    await this.d.store.transaction((tx) => this.end(tx, [s], 'revoked', c.actor, this.d.clock.nowMs()));
  }

  /** Ends the session of this token (sign-out by the token holder). False if the token is unknown. */
  async revokeByToken(token: string): Promise<boolean> {
    const s = looksLikeSecret(token) ? await this.d.store.findSessionByTokenHash(hashSecret(token)) : undefined;
    if (!s) return false;
    await this.d.store.transaction((tx) => this.end(tx, [s], 'revoked', `session:${s.id}`, this.d.clock.nowMs()));
    return true;
  }

  /** "Log out my other devices": ends every other session of the token's subject. Returns how many. */
  async revokeOthers(token: string): Promise<number> {
    const info = await this.introspect(token);
    if (!isActiveSession(info)) throw new DomainError('unauthenticated', 'the session token is not active');
    const { record } = info;
    return this.revokeAllOfSubject(record.subjectId, `session:${record.id}`, record.id);
  }

  /**
   * Token rotation by its holder: the active session gets a new 256-bit token and the old one is
   * inactive at once (every cache forgets it with the write). Same session id and creation time,
   * so the absolute lifetime does not restart; counts as use. Inactive or unknown: unauthenticated.
   */
  async rotateToken(token: string, client?: ClientInfo): Promise<{ session: SessionInfo; token: string }> {
    const info = await this.introspect(token, client);
    if (!isActiveSession(info)) throw new DomainError('unauthenticated', 'the session token is not active');
    const { record } = info;
    const next = this.d.ids.newSecret();
    const tokenHash = hashSecret(next);
    const now = this.d.clock.nowMs();
    const policy = this.d.policies.effective(record.organizationId);
    const rotated = await this.d.store.transaction(async (tx) => {
      // Read under the subject's lock (PostgreSQL): two rotations of one token on any nodes are
      // serialized, and the second finds the hash changed, so exactly one new token is handed out.
      const current = (await tx.listOpenSessionsOfSubject(record.subjectId)).find((s) => s.id === record.id);
      if (!current || !sameHash(current.tokenHash, record.tokenHash)) return false;
      await tx.updateSession(record.id, { tokenHash });
      await tx.recordRotatedToken(record.tokenHash, record.id, now);
      await tx.appendEvent({
        aggregateType: 'session',
        aggregateId: record.id,
        type: 'session.token_rotated',
        actor: `session:${record.id}`,
        organizationId: record.organizationId,
        atMs: now,
        data: { ip: policy.trackLocation ? (client?.ip ?? null) : null },
      });
      return true;
    });
    if (!rotated) throw new DomainError('unauthenticated', 'the session token is not active');
    return { session: this.judge({ ...record, tokenHash }), token: next };
  }

  /** Ends all sessions of a user (admin). Returns how many were ended. */
  async revokeAllOfUser(ctx: AuthContext | null, userId: string, organizationId: string): Promise<number> {
    const c = requirePermission(ctx, 'sessions:write');
    if (!canSeeOrganization(c, organizationId)) throw new DomainError('not_found', `user '${userId}' not found`);
    return this.revokeAllOfSubject(userId, c.actor);
  }

  /** Ends every open session of the subject (user or credential) this session belongs to (admin). Returns how many. */
  async revokeAllOfSessionSubject(ctx: AuthContext | null, sessionId: string): Promise<number> {
    const c = requirePermission(ctx, 'sessions:write');
    const s = await this.d.store.getSession(sessionId);
    if (!s || !canSeeOrganization(c, s.organizationId)) throw new DomainError('not_found', `session '${sessionId}' not found`);
    return this.revokeAllOfSubject(s.subjectId, c.actor);
  }

  /**
   * Ends every open session of the users of an organization (admin: "sign everyone out").
   * Sessions of API credentials (e.g. Looker access tokens) stay. Returns how many ended.
   */
  async revokeAllUserSessionsOfOrganization(ctx: AuthContext | null, organizationId: string): Promise<number> {
    const c = requirePermission(ctx, 'sessions:write');
    if (!canSeeOrganization(c, organizationId) || !(await this.d.store.getOrganization(organizationId))) {
      throw new DomainError('not_found', `organization '${organizationId}' not found`);
    }
    const PAGE = 1_000;
    let total = 0;
    // Pages shift as sessions end or begin meanwhile, so passes repeat until one ends nothing.
    for (let endedInPass = -1; endedInPass !== 0; ) {
      endedInPass = 0;
      for (let offset = 0; ; offset += PAGE) {
        const page = await this.d.store.listSessions({ organizationId, openOnly: true, limit: PAGE, offset });
        const users = page.filter((s) => s.subjectType === 'user');
        const ended = await this.d.store.transaction((tx) => this.end(tx, users, 'revoked', c.actor, this.d.clock.nowMs()));
        endedInPass += ended.length;
        offset -= ended.length;
        if (page.length < PAGE) break;
      }
      total += endedInPass;
    }
    return total;
  }

  /**
   * Ends all open sessions of a user known only by id (admin; surfaces without organizations,
   * e.g. Dynatrace `DELETE /userSessions?userId=`). Unknown or invisible users: not_found. Returns how many.
   */
  async revokeAllOfUserId(ctx: AuthContext | null, userId: string): Promise<number> {
    const c = requirePermission(ctx, 'sessions:write');
    const user = await this.d.store.getUser(userId);
    if (!user || !canSeeOrganization(c, user.organizationId)) throw new DomainError('not_found', `user '${userId}' not found`);
    return this.revokeAllOfSubject(user.id, c.actor);
  }

  /**
   * The active sessions of one user, newest first (surfaces that address sessions under their
   * user, e.g. Looker). An unknown user, or one the caller cannot see, is not_found.
   */
  async listActiveOfUser(ctx: AuthContext | null, userId: string): Promise<ActiveSession[]> {
    const c = requirePermission(ctx, 'sessions:read');
    const user = await this.d.store.getUser(userId);
    if (!user || !canSeeOrganization(c, user.organizationId)) throw new DomainError('not_found', `user '${userId}' not found`);
    await this.d.store.flush();
    const open = await this.d.store.listOpenSessionsOfSubject(user.id);
    return open
      .map((s) => this.judge(s))
      .filter(isActiveSession)
      .sort((a, b) => b.record.createdAtMs - a.record.createdAtMs);
  }

  /**
   * One active session of one user, read (`sessions:read`) or ended (`sessions:write`). A session
   * of someone else, an ended one, or one the caller cannot see is not_found.
   */
  async activeOfUser(ctx: AuthContext | null, userId: string, sessionId: string, action: 'read' | 'revoke'): Promise<ActiveSession> {
    const c = requirePermission(ctx, action === 'read' ? 'sessions:read' : 'sessions:write');
    const s = await this.d.store.getSession(sessionId);
    const info = s && canSeeOrganization(c, s.organizationId) && s.subjectType === 'user' && s.subjectId === userId ? this.judge(s) : null;
    if (!info || !isActiveSession(info)) throw new DomainError('not_found', `session '${sessionId}' of user '${userId}' not found`);
    if (action === 'revoke') await this.d.store.transaction((tx) => this.end(tx, [info.record], 'revoked', c.actor, this.d.clock.nowMs()));
    return info;
  }

  /** Ends every open session of a subject except `keepId`; used by user deletion and password changes. */
  async revokeAllOfSubject(subjectId: string, actor: string, keepId?: string, tx?: SessionStore & EventStore): Promise<number> {
    const run = async (t: SessionStore & EventStore) => {
      const open = await t.listOpenSessionsOfSubject(subjectId);
      const others = open.filter((s) => s.id !== keepId);
      return (await this.end(t, others, 'revoked', actor, this.d.clock.nowMs())).length;
    };
    return tx ? run(tx) : this.d.store.transaction(run);
  }

  /** Applies the current policy to a stored session. */
  judge(s: SessionRecord): ActiveSession | EndedSession {
    return judged(s, evaluateSession(s, this.d.policies.effective(s.organizationId), this.d.clock.nowMs()));
  }

  private async end(
    tx: SessionStore & EventStore,
    sessions: readonly Pick<SessionRecord, 'id' | 'organizationId'>[],
    reason: 'revoked' | 'evicted',
    actor: string,
    now: number,
  ) {
    if (sessions.length === 0) return [];
    const ended = new Set(
      await tx.endSessions(
        sessions.map((s) => s.id),
        reason,
        now,
      ),
    );
    for (const s of sessions) {
      if (!ended.has(s.id)) continue;
      await tx.appendEvent({
        aggregateType: 'session',
        aggregateId: s.id,
        type: `session.${reason}`,
        actor,
        organizationId: s.organizationId,
        atMs: now,
        data: { reason },
      });
    }
    return [...ended];
  }

  private locate(client: ClientInfo | undefined): Location {
    const ip = client?.ip ?? null;
    const geo = ip && this.d.geo ? this.d.geo.lookup(ip) : null;
    return { ip, userAgent: client?.userAgent ?? null, country: geo?.country ?? null, city: geo?.city ?? null };
  }
}

/** A record and its verdict, typed by whether it is active (narrowing the verdict alone does not narrow the pair). */
const judged = (record: SessionRecord, verdict: Verdict): ActiveSession | EndedSession => (verdict.active ? { record, verdict } : { record, verdict });

/** How old a recorded use must be before another is recorded: 1/60 of the idle timeout, at most 1 s. */
export const activityGranularityMs = (idleTimeoutSeconds: number): number =>
  idleTimeoutSeconds === 0 ? 1_000 : Math.min(1_000, Math.floor((idleTimeoutSeconds * 1000) / 60));

const emptyLocation: Location = { ip: null, userAgent: null, country: null, city: null };
