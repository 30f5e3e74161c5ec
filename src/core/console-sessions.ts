import { type AuthContext, adminUserContext, credentialContext } from './auth.js';
import type { CredentialService } from './credentials.js';
import type { Permission } from './permissions.js';
import type { CredentialStore, UserStore } from './ports.js';
import { type ActiveSession, type ClientInfo, isActiveSession, type SessionInfo, type SessionService } from './sessions.js';

/** Who is signed in to the admin console, and until when. */
export interface ConsoleCaller {
  ctx: AuthContext;
  session: ActiveSession;
  kind: 'user' | 'credential';
  /** The user's login name or the credential's name. */
  name: string;
}

export type ConsoleSignIn = { loginName: string; password: string; organizationId?: string | undefined } | { secret: string };

/**
 * Sessions of the admin console: ordinary sessions of the core, so the policy governs them like
 * any other (lifetime, idle timeout, limits, revocation). A person signs in as a user with the
 * `admin` role, or with an API credential's secret; the session token goes to the browser only
 * in an HttpOnly cookie (src/surfaces/native/console-routes.ts).
 */
export class ConsoleSessions {
  constructor(private readonly d: { store: UserStore & CredentialStore; sessions: SessionService; credentials: CredentialService }) {}

  /** Signs in; the same errors as the native sign-in, plus `permission_denied` for a user who is not an admin. */
  signIn(input: ConsoleSignIn, client: ClientInfo): Promise<{ session: SessionInfo; token: string }> {
    if ('secret' in input) return this.d.credentials.signInWithSecret(input.secret, client);
    return this.d.sessions.signIn({ ...input, client, requireRole: 'admin' });
  }

  /**
   * The caller behind a console session token, or null when it is not active (ended, unknown, or
   * its user is no longer an enabled admin, its credential revoked). `countAsUse`: a person's
   * action keeps the session from going idle; the console's background refreshes do not.
   */
  async caller(token: string, countAsUse: boolean): Promise<ConsoleCaller | null> {
    const found = countAsUse ? await this.d.sessions.introspect(token) : await this.d.sessions.peek(token);
    if (!isActiveSession(found)) return null;
    const s = found.record;
    if (s.subjectType === 'user') {
      const user = await this.d.store.getUser(s.subjectId);
      if (!user || user.disabled || user.role !== 'admin') return null;
      return { ctx: adminUserContext(user, s.id), session: found, kind: 'user', name: user.loginName };
    }
    const cred = await this.d.store.getCredential(s.subjectId);
    if (!cred || cred.revokedAtMs !== null) return null;
    return { ctx: credentialContext(cred, s.id), session: found, kind: 'credential', name: cred.name };
  }

  /** Ends the console session of this token (sign-out). */
  async signOut(token: string): Promise<void> {
    await this.d.sessions.revokeByToken(token);
  }
}

/** Permissions as a sorted list, for the console to show what the caller may do. */
export const permissionList = (ctx: AuthContext): Permission[] => [...ctx.permissions].sort();
