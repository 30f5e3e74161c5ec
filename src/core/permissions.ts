/** Named permissions a credential can hold (CONTRACT §2). */
export const permissions = [
  'session_config:read',
  'session_config:write',
  'sessions:read',
  'sessions:write',
  'users:read',
  'users:write',
  'credentials:read',
  'credentials:write',
  'organizations:read',
  'organizations:write',
  'audit:read',
  'metrics:read', // GET /metrics, when SESSIOND_METRICS_REQUIRE_CREDENTIAL is on
] as const;

export type Permission = (typeof permissions)[number];

/** Aliases that grant several permissions at once, as the copied products name them. */
export const permissionAliases: Record<string, readonly Permission[]> = {
  ServiceProviderAPI: ['session_config:read', 'session_config:write'],
  admin: permissions,
};

export const grantableNames: readonly string[] = [...permissions, ...Object.keys(permissionAliases)];

/** Expands names and aliases to the set of permissions they grant; unknown names grant nothing. */
export function expandPermissions(names: readonly string[]): Set<Permission> {
  const out = new Set<Permission>();
  for (const n of names) {
    const alias = permissionAliases[n];
    if (alias) for (const p of alias) out.add(p);
    else if ((permissions as readonly string[]).includes(n)) out.add(n as Permission);
  }
  return out;
}
