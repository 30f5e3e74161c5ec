import Type from 'typebox';
import { type AuthContext, canSeeOrganization, requirePermission, targetOrganization } from './auth.js';
import type { Clock } from './clock.js';
import { DomainError } from './errors.js';
import type { LockState, PasswordChecker } from './lockout.js';
import type { Role } from './policy.js';
import type { EventStore, OrganizationPolicyStore, PasswordHasher, SessionStore, Transactions, User, UserStore } from './ports.js';
import { isActiveSession, type SessionService } from './sessions.js';
import type { IdSource } from './tokens.js';
import { validator } from './validate.js';

/**
 * Login names: 1..200 printable characters. No control characters (C0, DEL, C1), and none of the
 * invisible ones that would make a second "alice" look like the first: soft hyphen, zero-width
 * and joiner characters, direction marks, embeddings and isolates, line and paragraph separators,
 * the byte order mark.
 */
export const LoginNameSchema = Type.String({
  minLength: 1,
  maxLength: 200,
  pattern: '^[^\\u0000-\\u001f\\u007f-\\u009f\\u00ad\\u061c\\u180e\\u200b-\\u200f\\u2028-\\u202e\\u2060-\\u2064\\u2066-\\u2069\\ufeff]+$',
  description: 'Unique (case-insensitively) within the organization. Printable: no control or invisible formatting characters.',
});
/** Passwords: 8..1024 characters (NIST SP 800-63B: at least 8, allow long passphrases). */
export const PasswordSchema = Type.String({ minLength: 8, maxLength: 1024, description: 'At least 8 characters.' });
export const RoleSchema = Type.Union([Type.Literal('user'), Type.Literal('admin')], { description: 'Selects the concurrent-session limit.' });

export const NewUserSchema = Type.Object(
  {
    loginName: LoginNameSchema,
    password: PasswordSchema,
    role: Type.Optional(RoleSchema),
    organizationId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    displayName: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false, title: 'NewUser' },
);
const newUserCheck = validator(NewUserSchema);

export interface UserDeps {
  /** Users; organizations only read; a user's sessions end in the same transaction as the change. */
  store: UserStore & OrganizationPolicyStore & Transactions<UserStore & SessionStore & EventStore>;
  clock: Clock;
  ids: IdSource;
  hasher: PasswordHasher;
  passwords: PasswordChecker;
  sessions: SessionService;
  /** OWASP ASVS V7.4.3: a password change ends the user's other sessions. */
  revokeSessionsOnPasswordChange: boolean;
}

/** Users: accounts that sign in with a password. */
export class UserService {
  constructor(private readonly d: UserDeps) {}

  /** Checks a new user's fields (also used by bulk import before any write). */
  static validateNew(input: unknown) {
    const issues = newUserCheck.issues(input);
    if (issues.length) throw new DomainError('invalid_argument', 'the user is invalid', issues);
    return input as { loginName: string; password: string; role?: Role; organizationId?: string; displayName?: string };
  }

  async create(ctx: AuthContext | null, input: unknown): Promise<User> {
    const c = requirePermission(ctx, 'users:write');
    const u = UserService.validateNew(input);
    const organizationId = targetOrganization(c, u.organizationId);
    if (!(await this.d.store.getOrganization(organizationId))) {
      throw new DomainError('not_found', `organization '${organizationId}' not found`);
    }
    const now = this.d.clock.nowMs();
    const user: User = {
      id: this.d.ids.newId(),
      organizationId,
      loginName: u.loginName,
      displayName: u.displayName ?? null,
      role: u.role ?? 'user',
      passwordHash: await this.d.hasher.hash(u.password),
      disabled: false,
      createdAtMs: now,
      updatedAtMs: now,
      failedPasswordAttempts: 0,
      lockedAtMs: null,
    };
    await this.d.store.transaction(async (tx) => {
      await tx.insertUser(user);
      await tx.appendEvent({
        aggregateType: 'user',
        aggregateId: user.id,
        type: 'user.created',
        actor: c.actor,
        organizationId,
        atMs: now,
        data: { loginName: user.loginName, role: user.role },
      });
    });
    return user;
  }

  async get(ctx: AuthContext | null, id: string): Promise<User> {
    const c = requirePermission(ctx, 'users:read');
    return this.visible(c, id);
  }

  async list(
    ctx: AuthContext | null,
    q: { organizationId?: string | undefined; search?: string | undefined; limit: number; offset: number },
  ): Promise<{ items: User[]; total: number }> {
    const c = requirePermission(ctx, 'users:read');
    const organizationId = c.organizationId ?? q.organizationId;
    if (q.organizationId && !canSeeOrganization(c, q.organizationId)) return { items: [], total: 0 };
    const filter = { ...(organizationId ? { organizationId } : {}), ...(q.search ? { search: q.search } : {}) };
    const [items, total] = await Promise.all([this.d.store.listUsers({ ...filter, limit: q.limit, offset: q.offset }), this.d.store.countUsers(filter)]);
    return { items, total };
  }

  /** Deletes a user and ends all their sessions (ASVS V7.4.2). */
  async delete(ctx: AuthContext | null, id: string): Promise<number> {
    const c = requirePermission(ctx, 'users:write');
    const user = await this.visible(c, id);
    return this.d.store.transaction(async (tx) => {
      const ended = await this.d.sessions.revokeAllOfSubject(user.id, c.actor, undefined, tx);
      await tx.deleteUser(user.id);
      await this.event(tx, c, user, 'user.deleted', { sessionsEnded: ended });
      return ended;
    });
  }

  /** Disables (ending all sessions) or re-enables a user. */
  async setDisabled(ctx: AuthContext | null, id: string, disabled: boolean): Promise<User> {
    const c = requirePermission(ctx, 'users:write');
    const user = await this.visible(c, id);
    if (user.disabled === disabled) return user;
    const now = this.d.clock.nowMs();
    await this.d.store.transaction(async (tx) => {
      await tx.updateUser(id, { disabled, updatedAtMs: now });
      const ended = disabled ? await this.d.sessions.revokeAllOfSubject(id, c.actor, undefined, tx) : 0;
      await this.event(tx, c, user, disabled ? 'user.disabled' : 'user.enabled', { sessionsEnded: ended });
    });
    return { ...user, disabled, updatedAtMs: now };
  }

  async setRole(ctx: AuthContext | null, id: string, role: Role): Promise<User> {
    const c = requirePermission(ctx, 'users:write');
    const user = await this.visible(c, id);
    if (user.role === role) return user;
    const now = this.d.clock.nowMs();
    await this.d.store.transaction(async (tx) => {
      await tx.updateUser(id, { role, updatedAtMs: now });
      await this.event(tx, c, user, 'user.role_changed', { from: user.role, to: role });
    });
    return { ...user, role, updatedAtMs: now };
  }

  /**
   * Sets a new password. With `revokeSessionsOnPasswordChange`, the user's other
   * sessions end (all of them, except `keepSessionId` when the user changes it themselves).
   */
  async setPassword(ctx: AuthContext | null, id: string, password: string, keepSessionId?: string): Promise<{ sessionsEnded: number }> {
    const c = requirePermission(ctx, 'users:write');
    const user = await this.visible(c, id);
    return this.changePassword(c.actor, user, password, keepSessionId);
  }

  /** Self-service: the holder of an active session changes their password, proving the current one. */
  async changeOwnPassword(token: string, currentPassword: string, newPassword: string): Promise<{ sessionsEnded: number }> {
    const info = await this.d.sessions.introspect(token);
    if (!isActiveSession(info) || info.record.subjectType !== 'user') {
      throw new DomainError('unauthenticated', 'the session token is not active');
    }
    const user = await this.d.store.getUser(info.record.subjectId);
    // The same rule as sign-in: a wrong current password counts toward lockout; a locked user is refused.
    const verdict = await this.d.passwords.check(user, currentPassword, { actor: `session:${info.record.id}`, via: 'password_change' });
    if (!user || verdict !== 'ok') throw new DomainError('invalid_credentials', 'the current password is wrong');
    return this.changePassword(`user:${user.id}`, user, newPassword, info.record.id);
  }

  /** Whether the user is locked out now, until when, and the count of wrong passwords (no I/O). */
  lockState(user: User): LockState {
    return this.d.passwords.lockState(user);
  }

  /** Ends a user's lockout and sets their count of wrong passwords to 0 (`user.unlocked` event when there was something to clear). */
  async unlock(ctx: AuthContext | null, id: string): Promise<User> {
    const c = requirePermission(ctx, 'users:write');
    const user = await this.visible(c, id);
    await this.d.passwords.unlock(user, c.actor);
    return { ...user, failedPasswordAttempts: 0, lockedAtMs: null };
  }

  private async changePassword(actor: string, user: User, password: string, keepSessionId?: string) {
    const issues = validator(PasswordSchema).issues(password);
    if (issues.length) {
      throw new DomainError(
        'invalid_argument',
        'the password is invalid',
        issues.map((i) => ({ ...i, field: 'password' })),
      );
    }
    const passwordHash = await this.d.hasher.hash(password);
    const now = this.d.clock.nowMs();
    return this.d.store.transaction(async (tx) => {
      await tx.updateUser(user.id, { passwordHash, updatedAtMs: now });
      const sessionsEnded = this.d.revokeSessionsOnPasswordChange ? await this.d.sessions.revokeAllOfSubject(user.id, actor, keepSessionId, tx) : 0;
      await tx.appendEvent({
        aggregateType: 'user',
        aggregateId: user.id,
        type: 'user.password_changed',
        actor,
        organizationId: user.organizationId,
        atMs: now,
        data: { sessionsEnded },
      });
      return { sessionsEnded };
    });
  }

  private async visible(c: AuthContext, id: string): Promise<User> {
    const user = await this.d.store.getUser(id);
    if (!user || !canSeeOrganization(c, user.organizationId)) throw new DomainError('not_found', `user '${id}' not found`);
    return user;
  }

  private event(tx: EventStore, c: AuthContext, user: User, type: string, data: Record<string, unknown>) {
    return tx.appendEvent({
      aggregateType: 'user',
      aggregateId: user.id,
      type,
      actor: c.actor,
      organizationId: user.organizationId,
      atMs: this.d.clock.nowMs(),
      data,
    });
  }
}
