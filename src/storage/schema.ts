import type { Generated } from 'kysely';

/** Table shapes shared by every SQL adapter. Times are integer ms since the epoch; booleans 0/1; JSON as text. */
export interface OrganizationsTable {
  id: string;
  name: string;
  created_at_ms: number;
  policy_override: string | null;
}
export interface SettingsTable {
  key: string;
  value: string;
}
export interface UsersTable {
  id: string;
  organization_id: string;
  login_name: string;
  /** Lower-cased login name: the unique key within an organization. */
  login_key: string;
  display_name: string | null;
  role: string;
  password_hash: string;
  disabled: number;
  created_at_ms: number;
  updated_at_ms: number;
  /** Wrong passwords counted toward lockout (core/lockout.ts). */
  failed_password_attempts: Generated<number>;
  locked_at_ms: number | null;
  /** Token of the statement that set the lock (see SqlRepo.countPasswordFailure). */
  lock_id: string | null;
}
export interface CredentialsTable {
  id: string;
  client_id: string;
  name: string;
  secret_hash: string;
  permissions: string;
  organization_id: string | null;
  created_at_ms: number;
  revoked_at_ms: number | null;
}
export interface SessionsTable {
  id: string;
  token_hash: string;
  subject_type: string;
  subject_id: string;
  organization_id: string;
  role: string;
  persistent: number;
  created_at_ms: number;
  last_active_at_ms: number;
  expires_at_ms: number | null;
  ended_at_ms: number | null;
  end_reason: string | null;
  ip: string | null;
  user_agent: string | null;
  country: string | null;
  city: string | null;
  last_ip: string | null;
  metadata: string;
}
export interface EventsTable {
  id: Generated<number>;
  aggregate_type: string;
  aggregate_id: string;
  sequence: number;
  type: string;
  actor: string;
  organization_id: string | null;
  at_ms: number;
  data: string;
}
/** Token hashes a session had before a rotation, so their introspection says `rotated`, not `unknown`. */
export interface RotatedTokensTable {
  token_hash: string;
  session_id: string;
  rotated_at_ms: number;
}
export interface Database {
  rotated_tokens: RotatedTokensTable;
  organizations: OrganizationsTable;
  settings: SettingsTable;
  users: UsersTable;
  credentials: CredentialsTable;
  sessions: SessionsTable;
  events: EventsTable;
}
