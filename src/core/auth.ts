import { DomainError } from './errors.js';
import { expandPermissions, type Permission } from './permissions.js';
import type { Credential } from './ports.js';

/** Who is calling, and what they may do. */
export interface AuthContext {
  /** For event records: `credential:<clientId>`, `system`, … */
  actor: string;
  permissions: ReadonlySet<Permission>;
  /** null: instance-wide; else the only organization this caller may act in. */
  organizationId: string | null;
  credentialId: string | null;
  /** Set when the caller authenticated with a session (e.g. a Looker access token) instead of the secret. */
  sessionId: string | null;
}

export const systemContext: AuthContext = Object.freeze({
  actor: 'system',
  permissions: expandPermissions(['admin']),
  organizationId: null,
  credentialId: null,
  sessionId: null,
});

/** The context of a request made with a credential's secret (or one of its sessions). */
export function credentialContext(c: Credential, sessionId: string | null = null): AuthContext {
  return {
    actor: `credential:${c.clientId}`,
    permissions: expandPermissions(c.permissions),
    organizationId: c.organizationId,
    credentialId: c.id,
    sessionId,
  };
}

/**
 * The context of an administrator signed in with a session (the admin console): every
 * permission, instance-wide for an admin of the default organization, else only in their own.
 */
export function adminUserContext(user: { id: string; organizationId: string }, sessionId: string): AuthContext {
  return {
    actor: `user:${user.id}`,
    permissions: expandPermissions(['admin']),
    organizationId: user.organizationId === DEFAULT_ORGANIZATION_ID ? null : user.organizationId,
    credentialId: null,
    sessionId,
  };
}

/** Throws `unauthenticated` (no caller) or `permission_denied` (caller lacks the permission). */
export function requirePermission(ctx: AuthContext | null, permission: Permission): AuthContext {
  if (!ctx) throw new DomainError('unauthenticated', 'a credential is required');
  if (!ctx.permissions.has(permission)) {
    throw new DomainError('permission_denied', `this credential lacks the '${permission}' permission`);
  }
  return ctx;
}

/** Objects of another organization are invisible to an organization-scoped caller. */
export function canSeeOrganization(ctx: AuthContext, organizationId: string): boolean {
  return ctx.organizationId === null || ctx.organizationId === organizationId;
}

/** The organization a call acts on: the one asked for, else the caller's, else `default`. */
export function targetOrganization(ctx: AuthContext, asked: string | undefined): string {
  const org = asked ?? ctx.organizationId ?? DEFAULT_ORGANIZATION_ID;
  if (!canSeeOrganization(ctx, org)) throw new DomainError('not_found', `organization '${org}' not found`);
  return org;
}

export const DEFAULT_ORGANIZATION_ID = 'default';
