import { type AuthContext, canSeeOrganization, DEFAULT_ORGANIZATION_ID, requirePermission } from './auth.js';
import type { Clock } from './clock.js';
import { DomainError } from './errors.js';
import type { PasswordChecker } from './lockout.js';
import { observeSignIn } from './observer.js';
import type { CoreObserver, EventRecord, EventStore, SessionActivityStore, SessionRecord, SessionStore, Transactions, User, UserStore } from './ports.js';
import { endedByRemoval } from './session-rules.js';
import type { ClientInfo, SessionInfo, SessionService } from './sessions.js';
import { hashSecret, type IdSource, looksLikeSecret, sameHash } from './tokens.js';

/**
 * Sessions built up by checks (the ZITADEL Session Service flow): a session is created with a
 * checked user, a password check may follow in the same or a later request, each successful
 * change rotates the session token. The rules live here so every surface shares them:
 *
 * - the user check happens once; checking another user on the same session is refused;
 * - a password check needs the session's user and goes through the one password rule
 *   (core/lockout.ts, the policy's `maxFailedPasswordAttempts` and `lockoutSeconds`): a wrong
 *   password adds no factor and counts toward lockout; while the user is locked every check is
 *   refused as "locked" (whatever the password), a successful one resets the count;
 * - factors and the client's user-agent facts are recorded on the session's events
 *   (`session.created`, `session.checked`), so no schema change is needed.
 */

/** What one session may hold as metadata in all (values base64, as stored), however many Sets added to it. */
export const MAX_SESSION_METADATA_KEYS = 100;
export const MAX_SESSION_METADATA_CHARS = 131_072;

/** Refuses metadata a session may not hold. */
function checkMetadataSize(metadata: Record<string, string>): void {
  const entries = Object.entries(metadata);
  const chars = entries.reduce((n, [k, v]) => n + k.length + v.length, 0);
  if (entries.length > MAX_SESSION_METADATA_KEYS || chars > MAX_SESSION_METADATA_CHARS) {
    const message = `a session holds at most ${MAX_SESSION_METADATA_KEYS} metadata keys and ${MAX_SESSION_METADATA_CHARS} characters of keys and base64 values`;
    throw new DomainError('invalid_argument', message, [{ field: 'metadata', code: 'length', message }]);
  }
}

export interface UserRef {
  userId?: string | undefined;
  loginName?: string | undefined;
}

export interface UserFactor {
  verifiedAtMs: number;
  id: string;
  loginName: string;
  displayName: string;
  organizationId: string;
}

export interface Factors {
  user?: UserFactor;
  password?: { verifiedAtMs: number };
}

/** User-agent facts a client reported (ZITADEL `userAgent`); ip and the UA string go to the session record. */
export interface ReportedAgent {
  fingerprintId?: string | undefined;
  description?: string | undefined;
  header?: Record<string, string[]> | undefined;
}

export interface CheckedSession extends SessionInfo {
  factors: Factors;
  agent: ReportedAgent | null;
  /** The last event of the session: its per-session sequence and time. */
  sequence: number;
  changedAtMs: number;
  /** Actor that created the session (`credential:<clientId>`, `user:<id>` …). */
  creator: string;
}

export interface SessionSearch {
  ids?: string[] | undefined;
  userId?: string | undefined;
  /** Every condition must hold. */
  created?: { atMs: number; method: 'equals' | 'greater' | 'greater_or_equals' | 'less' | 'less_or_equals' }[] | undefined;
  /** Actor string of the creator. */
  creator?: string | undefined;
  fingerprintId?: string | undefined;
  asc: boolean;
  offset: number;
  limit: number;
}

/** Sessions scanned at most for one search with filters the store cannot apply. */
export const SEARCH_SCAN_LIMIT = 10_000;

export interface SessionCheckDeps {
  /** Sessions and their events (factors are read back from them); users only read. */
  store: SessionStore & SessionActivityStore & EventStore & UserStore & Transactions<SessionStore & EventStore>;
  clock: Clock;
  ids: IdSource;
  passwords: PasswordChecker;
  sessions: SessionService;
  observer?: CoreObserver | undefined;
}

interface CheckedData {
  factors?: { user?: { verifiedAtMs: number; id: string }; password?: { verifiedAtMs: number } };
  agent?: ReportedAgent;
}

export class SessionCheckService {
  constructor(private readonly d: SessionCheckDeps) {}

  /** Creates a session with a user check (and optionally a password check). */
  async create(
    ctx: AuthContext | null,
    input: {
      user: UserRef;
      password?: string | undefined;
      metadata?: Record<string, string> | undefined;
      expiresAtMs?: number | null | undefined;
      client?: ClientInfo | undefined;
      agent?: ReportedAgent | undefined;
    },
  ): Promise<{ session: CheckedSession; token: string }> {
    const c = requirePermission(ctx, 'sessions:write');
    // Sizes first: a request refused for its metadata must not count as a password attempt.
    const metadata = Object.fromEntries(Object.entries(input.metadata ?? {}).filter(([, v]) => v !== ''));
    checkMetadataSize(metadata);
    const user = await this.findUser(c, input.user);
    const now = this.d.clock.nowMs();
    const factors: NonNullable<CheckedData['factors']> = { user: { verifiedAtMs: now, id: user.id } };
    if (input.password !== undefined) {
      await this.checkPassword(c, user, input.password, input.client?.ip);
      factors.password = { verifiedAtMs: this.d.clock.nowMs() };
    }
    const { session, token } = await this.d.sessions.createFor(
      { type: 'user', id: user.id, organizationId: user.organizationId, role: user.role },
      {
        client: input.client,
        expiresAtMs: input.expiresAtMs ?? null,
        metadata,
        actor: c.actor,
        eventData: { factors, ...(input.agent ? { agent: input.agent } : {}) },
      },
    );
    return { session: await this.describe(session.record), token };
  }

  /**
   * Adds checks, metadata or a new expiry to an open session. When something changed, the token
   * is rotated (the previous one stops working) and returned; otherwise token is null.
   * Metadata values are base64; an empty value removes the key.
   */
  async set(
    ctx: AuthContext | null,
    id: string,
    input: { user?: UserRef | undefined; password?: string | undefined; metadata?: Record<string, string> | undefined; expiresAtMs?: number | undefined },
  ): Promise<{ session: CheckedSession; token: string | null }> {
    const c = requirePermission(ctx, 'sessions:write');
    const s = await this.visible(c, id);
    if (!this.d.sessions.judge(s).verdict.active) throw new DomainError('not_found', `session '${id}' not found`);
    let metadata: Record<string, string> | undefined;
    if (input.metadata) {
      // A Map, so no key (not even `__proto__`) can reach an object's prototype.
      const merged = new Map(Object.entries(s.metadata));
      for (const [k, v] of Object.entries(input.metadata)) {
        if (v === '') merged.delete(k);
        else merged.set(k, v);
      }
      const next = Object.fromEntries(merged);
      checkMetadataSize(next);
      if (!sameRecord(next, s.metadata)) metadata = next;
    }
    const factors: NonNullable<CheckedData['factors']> = {};
    if (input.user) {
      const user = await this.findUser(c, input.user);
      if (s.subjectType !== 'user' || user.id !== s.subjectId) throw new DomainError('invalid_argument', 'user change not possible');
      factors.user = { verifiedAtMs: this.d.clock.nowMs(), id: user.id };
    }
    if (input.password !== undefined) {
      const user = s.subjectType === 'user' ? await this.d.store.getUser(s.subjectId) : undefined;
      if (!user) throw new DomainError('failed_precondition', 'the password check needs a checked user');
      await this.checkPassword(c, user, input.password);
      factors.password = { verifiedAtMs: this.d.clock.nowMs() };
    }
    const expiresAtMs = input.expiresAtMs !== undefined && input.expiresAtMs !== s.expiresAtMs ? input.expiresAtMs : undefined;
    if (!factors.user && !factors.password && metadata === undefined && expiresAtMs === undefined) {
      return { session: await this.describe(s), token: null };
    }
    const token = this.d.ids.newSecret();
    const now = this.d.clock.nowMs();
    await this.d.store.transaction(async (tx) => {
      await tx.updateSession(id, {
        tokenHash: hashSecret(token),
        ...(metadata !== undefined ? { metadata } : {}),
        ...(expiresAtMs !== undefined ? { expiresAtMs } : {}),
      });
      await tx.appendEvent({
        aggregateType: 'session',
        aggregateId: id,
        type: 'session.checked',
        actor: c.actor,
        organizationId: s.organizationId,
        atMs: now,
        data: {
          ...(factors.user || factors.password ? { factors } : {}),
          ...(metadata !== undefined ? { metadataKeys: Object.keys(metadata) } : {}),
          ...(expiresAtMs !== undefined ? { expiresAtMs } : {}),
        },
      });
    });
    const updated = await this.d.store.getSession(id);
    return { session: await this.describe(updated ?? s), token };
  }

  /**
   * Reads a session with its factors. Sessions ended by revocation or eviction are not_found
   * (time-based ends are returned: their expiry is in the past). A given token must be the session's.
   */
  async get(ctx: AuthContext | null, id: string, token?: string): Promise<CheckedSession> {
    const c = requirePermission(ctx, 'sessions:read');
    const s = await this.visible(c, id);
    if (endedByRemoval(s)) throw new DomainError('not_found', `session '${id}' not found`);
    if (token !== undefined) this.requireToken(s, token);
    return this.describe(s);
  }

  /** Ends a session; ending an ended one succeeds. A given token must be the session's. */
  async delete(ctx: AuthContext | null, id: string, token?: string): Promise<CheckedSession> {
    const c = requirePermission(ctx, 'sessions:write');
    const s = await this.visible(c, id);
    if (token !== undefined) this.requireToken(s, token);
    await this.d.sessions.revoke(c, id);
    return this.describe((await this.d.store.getSession(id)) ?? s);
  }

  /**
   * Sessions matching every filter (ended ones included except revoked/evicted ones), newest first
   * unless `asc`. Filters the store cannot apply are applied to at most SEARCH_SCAN_LIMIT sessions.
   */
  async search(ctx: AuthContext | null, q: SessionSearch): Promise<{ items: CheckedSession[]; total: number }> {
    const c = requirePermission(ctx, 'sessions:read');
    await this.d.store.flush();
    let rows: SessionRecord[];
    if (q.ids) {
      const found = await Promise.all([...new Set(q.ids)].map((id) => this.d.store.getSession(id)));
      rows = found.filter((s): s is SessionRecord => s !== undefined);
    } else {
      rows = [];
      const PAGE = 1_000;
      for (let offset = 0; offset < SEARCH_SCAN_LIMIT; offset += PAGE) {
        const page = await this.d.store.listSessions({
          ...(q.userId ? { userId: q.userId } : {}),
          ...(c.organizationId ? { organizationId: c.organizationId } : {}),
          notRemoved: true,
          limit: PAGE,
          offset,
        });
        rows.push(...page);
        if (page.length < PAGE) break;
      }
    }
    rows = rows.filter((s) => canSeeOrganization(c, s.organizationId) && !endedByRemoval(s) && (!q.userId || s.subjectId === q.userId));
    for (const { atMs, method } of q.created ?? []) rows = rows.filter((s) => compare(s.createdAtMs, atMs, method));
    let described: CheckedSession[] | null = null;
    if (q.creator !== undefined || q.fingerprintId !== undefined) {
      described = (await Promise.all(rows.map((s) => this.describe(s)))).filter(
        (s) => (q.creator === undefined || s.creator === q.creator) && (q.fingerprintId === undefined || s.agent?.fingerprintId === q.fingerprintId),
      );
      rows = described.map((s) => s.record);
    }
    rows.sort((a, b) => (q.asc ? a.createdAtMs - b.createdAtMs : b.createdAtMs - a.createdAtMs) || (a.id < b.id ? -1 : 1));
    const page = rows.slice(q.offset, q.offset + q.limit);
    const byId = new Map((described ?? []).map((s) => [s.record.id, s]));
    const items = await Promise.all(page.map((s) => byId.get(s.id) ?? this.describe(s)));
    return { items, total: rows.length };
  }

  private checkPassword(c: AuthContext, user: User, password: string, ip?: string | null): Promise<void> {
    return observeSignIn(this.d.observer, 'session_check', () => this.verifyPassword(c, user, password, ip));
  }

  private async verifyPassword(c: AuthContext, user: User, password: string, ip?: string | null): Promise<void> {
    const verdict = await this.d.passwords.check(user, password, { actor: c.actor, via: 'session_check', ip });
    if (verdict === 'locked') throw new DomainError('failed_precondition', 'the user is locked: too many wrong passwords');
    if (verdict === 'wrong') throw new DomainError('invalid_credentials', 'the password is invalid');
  }

  private async findUser(c: AuthContext, ref: UserRef): Promise<User> {
    let user: User | undefined;
    if (ref.userId !== undefined) user = await this.d.store.getUser(ref.userId);
    else if (ref.loginName !== undefined) user = await this.d.store.findUserByLogin(c.organizationId ?? DEFAULT_ORGANIZATION_ID, ref.loginName);
    else throw new DomainError('invalid_argument', 'the user check needs a userId or a loginName');
    if (!user || !canSeeOrganization(c, user.organizationId)) throw new DomainError('not_found', 'user not found');
    if (user.disabled) throw new DomainError('failed_precondition', 'the user is not active');
    return user;
  }

  private async visible(c: AuthContext, id: string): Promise<SessionRecord> {
    const s = await this.d.store.getSession(id);
    if (!s || !canSeeOrganization(c, s.organizationId)) throw new DomainError('not_found', `session '${id}' not found`);
    return this.d.store.withPendingActivity(s);
  }

  private requireToken(s: SessionRecord, token: string): void {
    if (!looksLikeSecret(token) || !sameHash(s.tokenHash, hashSecret(token))) {
      throw new DomainError('permission_denied', 'the session token is not valid for this session');
    }
  }

  /** The session with its factors, reported agent and last event, from its event records. */
  async describe(s: SessionRecord): Promise<CheckedSession> {
    const events = await this.d.store.listEvents({ aggregateType: 'session', aggregateId: s.id, limit: 10_000 });
    const info = this.d.sessions.judge(s);
    let user: { verifiedAtMs: number; id: string } | undefined;
    let password: { verifiedAtMs: number } | undefined;
    let agent: ReportedAgent | null = null;
    let creator = 'system';
    let last: EventRecord | undefined;
    for (const e of events) {
      last = e;
      const data = e.data as CheckedData & { subjectType?: string };
      if (e.type === 'session.created') {
        creator = e.actor;
        agent = data.agent ?? null;
        // Sessions signed in with a password elsewhere (native sign-in) checked both at creation.
        if (!data.factors && s.subjectType === 'user') {
          user = { verifiedAtMs: e.atMs, id: s.subjectId };
          password = { verifiedAtMs: e.atMs };
        }
      }
      if (data.factors?.user) user = data.factors.user;
      if (data.factors?.password) password = data.factors.password;
    }
    const factors: Factors = {};
    if (user) {
      const u = await this.d.store.getUser(user.id);
      factors.user = {
        verifiedAtMs: user.verifiedAtMs,
        id: user.id,
        loginName: u?.loginName ?? '',
        displayName: u?.displayName ?? u?.loginName ?? '',
        organizationId: u?.organizationId ?? s.organizationId,
      };
    }
    if (password) factors.password = password;
    return { ...info, factors, agent, creator, sequence: last?.sequence ?? 0, changedAtMs: last?.atMs ?? s.createdAtMs };
  }
}

function sameRecord(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => b[k] === a[k]);
}

function compare(v: number, at: number, method: NonNullable<SessionSearch['created']>[number]['method']): boolean {
  switch (method) {
    case 'equals':
      return v === at;
    case 'greater':
      return v > at;
    case 'greater_or_equals':
      return v >= at;
    case 'less':
      return v < at;
    case 'less_or_equals':
      return v <= at;
  }
}
