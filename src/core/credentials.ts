import Type from 'typebox';
import { type AuthContext, credentialContext, DEFAULT_ORGANIZATION_ID, requirePermission, targetOrganization } from './auth.js';
import type { Clock } from './clock.js';
import { DomainError } from './errors.js';
import { observeSignIn, observeTimeEnd } from './observer.js';
import { expandPermissions, grantableNames } from './permissions.js';
import type { PolicyService } from './policies.js';
import type { CoreObserver, Credential, CredentialStore, EventStore, OrganizationPolicyStore, SessionActivityStore, Transactions } from './ports.js';
import { evaluateSession } from './session-rules.js';
import type { ClientInfo, SessionInfo, SessionService } from './sessions.js';
import { hashSecret, type IdSource, looksLikeSecret, sameHash } from './tokens.js';
import { validator } from './validate.js';

export const BOOTSTRAP_CLIENT_ID = 'bootstrap';

export const NewCredentialSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    permissions: Type.Array(Type.Union(grantableNames.map((n) => Type.Literal(n))), {
      minItems: 1,
      maxItems: 32,
      description: 'Named permissions; `ServiceProviderAPI` grants both session_config permissions, `admin` grants all.',
    }),
    organizationId: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Limit the credential to one organization.' })),
  },
  { additionalProperties: false, title: 'NewCredential' },
);
const newCredentialCheck = validator(NewCredentialSchema);

/** API credentials: a client id and a secret shown once, stored only as a hash. */
export class CredentialService {
  constructor(
    private readonly d: {
      /** Credentials; organizations only read; a credential's session tokens are looked up and used (Looker access tokens). */
      store: CredentialStore & OrganizationPolicyStore & SessionActivityStore & Transactions<CredentialStore & EventStore>;
      clock: Clock;
      ids: IdSource;
      policies: PolicyService;
      sessions: SessionService;
      observer?: CoreObserver | undefined;
    },
  ) {}

  /** Creates a credential; a caller can grant only permissions it holds itself. */
  async create(ctx: AuthContext | null, input: unknown): Promise<{ credential: Credential; secret: string }> {
    const c = requirePermission(ctx, 'credentials:write');
    const issues = newCredentialCheck.issues(input);
    if (issues.length) throw new DomainError('invalid_argument', 'the credential is invalid', issues);
    const req = input as { name: string; permissions: string[]; organizationId?: string };
    const missing = [...expandPermissions(req.permissions)].filter((p) => !c.permissions.has(p));
    if (missing.length) throw new DomainError('permission_denied', `cannot grant permissions the caller lacks: ${missing.join(', ')}`);
    const organizationId = req.organizationId || c.organizationId ? targetOrganization(c, req.organizationId) : null;
    if (organizationId && !(await this.d.store.getOrganization(organizationId))) {
      throw new DomainError('not_found', `organization '${organizationId}' not found`);
    }
    const secret = this.d.ids.newSecret();
    const credential: Credential = {
      id: this.d.ids.newId(),
      // Not starting with '-' or '_': a client id is typed on command lines, where '-…' reads as an option.
      clientId: this.d.ids.newSecret().slice(0, 20).replace(/^[-_]/, 'c'),
      name: req.name,
      secretHash: hashSecret(secret),
      permissions: [...new Set(req.permissions)],
      organizationId,
      createdAtMs: this.d.clock.nowMs(),
      revokedAtMs: null,
    };
    await this.d.store.transaction(async (tx) => {
      await tx.insertCredential(credential);
      await this.event(tx, c.actor, credential, 'credential.created', { name: credential.name, permissions: credential.permissions });
    });
    return { credential, secret };
  }

  async list(ctx: AuthContext | null): Promise<Credential[]> {
    const c = requirePermission(ctx, 'credentials:read');
    const all = await this.d.store.listCredentials();
    return all.filter((x) => c.organizationId === null || x.organizationId === c.organizationId);
  }

  /** Revokes by id or client id; the secret and its sessions stop working at once. */
  async revoke(ctx: AuthContext | null, idOrClientId: string): Promise<Credential> {
    const c = requirePermission(ctx, 'credentials:write');
    const cred = await this.find(c, idOrClientId);
    if (cred.revokedAtMs !== null) return cred;
    const now = this.d.clock.nowMs();
    await this.d.store.transaction(async (tx) => {
      await tx.updateCredential(cred.id, { revokedAtMs: now });
      await this.event(tx, c.actor, cred, 'credential.revoked', {});
    });
    return { ...cred, revokedAtMs: now };
  }

  /** Gives a credential a new secret; the old one stops working at once. */
  async rotate(ctx: AuthContext | null, idOrClientId: string): Promise<{ credential: Credential; secret: string }> {
    const c = requirePermission(ctx, 'credentials:write');
    const cred = await this.find(c, idOrClientId);
    if (cred.revokedAtMs !== null) throw new DomainError('failed_precondition', 'the credential is revoked');
    const secret = this.d.ids.newSecret();
    await this.d.store.transaction(async (tx) => {
      await tx.updateCredential(cred.id, { secretHash: hashSecret(secret) });
      await this.event(tx, c.actor, cred, 'credential.rotated', {});
    });
    return { credential: { ...cred, secretHash: hashSecret(secret) }, secret };
  }

  /**
   * Who presents this secret: a credential's secret, or the token of an active session
   * the credential signed in with (Looker access tokens). Null when neither.
   */
  async authenticate(secret: string): Promise<AuthContext | null> {
    if (!looksLikeSecret(secret)) return null;
    const hash = hashSecret(secret);
    const cred = await this.d.store.findCredentialBySecretHash(hash);
    if (cred) return cred.revokedAtMs === null && sameHash(cred.secretHash, hash) ? credentialContext(cred) : null;
    const s = await this.d.store.findSessionByTokenHash(hash);
    if (s?.subjectType !== 'credential' || !sameHash(s.tokenHash, hash)) return null;
    const now = this.d.clock.nowMs();
    const verdict = evaluateSession(s, this.d.policies.effective(s.organizationId), now);
    if (!verdict.active) {
      observeTimeEnd(this.d.observer, s, verdict);
      return null;
    }
    const owner = await this.d.store.getCredential(s.subjectId);
    if (!owner || owner.revokedAtMs !== null) return null;
    this.d.store.recordActivity(s.id, now, null);
    return credentialContext(owner, s.id);
  }

  /**
   * Client-credentials sign-in (Looker `POST /login`): a session of the API credential, in its
   * organization (`default` for an instance-wide one), with the credential's permissions and the
   * policy's deadlines. An unknown client and a wrong secret fail alike (`invalid_credentials`).
   */
  signIn(clientId: string, secret: string, client: ClientInfo): Promise<{ session: SessionInfo; token: string }> {
    return observeSignIn(this.d.observer, 'client_secret', async () => {
      const cred = await this.verifyClient(clientId, secret);
      if (!cred) throw new DomainError('invalid_credentials', 'invalid client id or secret');
      return this.d.sessions.createFor(
        { type: 'credential', id: cred.id, organizationId: cred.organizationId ?? DEFAULT_ORGANIZATION_ID, role: 'user' },
        { client, actor: `credential:${cred.clientId}` },
      );
    });
  }

  /**
   * Sign-in with a credential's secret alone (the admin console): a session of the credential,
   * as `signIn` makes. A session token is not a secret here; an unknown or revoked secret fails
   * with `invalid_credentials`.
   */
  signInWithSecret(secret: string, client: ClientInfo): Promise<{ session: SessionInfo; token: string }> {
    return observeSignIn(this.d.observer, 'client_secret', async () => {
      const hash = looksLikeSecret(secret) ? hashSecret(secret) : null;
      const cred = hash ? await this.d.store.findCredentialBySecretHash(hash) : undefined;
      if (!hash || !cred || cred.revokedAtMs !== null || !sameHash(cred.secretHash, hash)) {
        throw new DomainError('invalid_credentials', 'invalid secret');
      }
      return this.d.sessions.createFor(
        { type: 'credential', id: cred.id, organizationId: cred.organizationId ?? DEFAULT_ORGANIZATION_ID, role: 'user' },
        { client, actor: `credential:${cred.clientId}` },
      );
    });
  }

  /** Checks a client id and secret pair (Looker login); null when they do not match. */
  async verifyClient(clientId: string, secret: string): Promise<Credential | null> {
    const cred = await this.d.store.findCredentialByClientId(clientId);
    const given = hashSecret(secret);
    const ok = cred !== undefined && cred.revokedAtMs === null && sameHash(cred.secretHash, given);
    return ok ? cred : null;
  }

  /**
   * Makes sure the bootstrap credential exists. With a secret (SESSIOND_BOOTSTRAP_TOKEN), its
   * secret is set to that value; without, a first start creates one and returns its secret
   * (to be shown once); later starts return null.
   */
  async ensureBootstrap(secret: string | undefined): Promise<{ created: boolean; secret: string | null }> {
    if (secret !== undefined && !looksLikeSecret(secret)) {
      throw new DomainError('invalid_argument', 'SESSIOND_BOOTSTRAP_TOKEN must be 16..512 URL-safe characters (A-Z a-z 0-9 _ -); 43 random ones give 256 bits');
    }
    const existing = await this.d.store.findCredentialByClientId(BOOTSTRAP_CLIENT_ID);
    const now = this.d.clock.nowMs();
    if (existing) {
      if (secret === undefined) return { created: false, secret: null };
      const hash = hashSecret(secret);
      if (sameHash(existing.secretHash, hash) && existing.revokedAtMs === null && existing.permissions.includes('admin')) {
        return { created: false, secret: null };
      }
      await this.d.store.transaction(async (tx) => {
        await tx.updateCredential(existing.id, { secretHash: hash, revokedAtMs: null, permissions: ['admin'] });
        await this.event(tx, 'system', existing, 'credential.rotated', { reason: 'SESSIOND_BOOTSTRAP_TOKEN changed' });
      });
      return { created: false, secret: null };
    }
    const value = secret ?? this.d.ids.newSecret();
    const credential: Credential = {
      id: this.d.ids.newId(),
      clientId: BOOTSTRAP_CLIENT_ID,
      name: 'bootstrap (instance admin)',
      secretHash: hashSecret(value),
      permissions: ['admin'],
      organizationId: null,
      createdAtMs: now,
      revokedAtMs: null,
    };
    try {
      await this.d.store.transaction(async (tx) => {
        await tx.insertCredential(credential);
        await this.event(tx, 'system', credential, 'credential.created', { name: credential.name, permissions: ['admin'] });
      });
    } catch (e) {
      // Another node starting at the same moment created it first: start from what it stored
      // (this node's generated secret was never valid and is not shown).
      if (e instanceof DomainError && e.code === 'already_exists') return this.ensureBootstrap(secret);
      throw e;
    }
    return { created: true, secret: secret === undefined ? value : null };
  }

  private async find(c: AuthContext, idOrClientId: string): Promise<Credential> {
    const cred = (await this.d.store.getCredential(idOrClientId)) ?? (await this.d.store.findCredentialByClientId(idOrClientId));
    if (!cred || (c.organizationId !== null && cred.organizationId !== c.organizationId)) {
      throw new DomainError('not_found', `credential '${idOrClientId}' not found`);
    }
    return cred;
  }

  private event(tx: EventStore, actor: string, cred: Credential, type: string, data: Record<string, unknown>) {
    return tx.appendEvent({
      aggregateType: 'credential',
      aggregateId: cred.id,
      type,
      actor,
      organizationId: cred.organizationId,
      atMs: this.d.clock.nowMs(),
      data: { clientId: cred.clientId, ...data },
    });
  }
}
