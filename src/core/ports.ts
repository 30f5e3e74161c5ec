import type { Policy, PolicyPatch, Role } from './policy.js';
import type { SessionTimes, StoredEndReason } from './session-rules.js';

// Records as the core sees them. Times are ms since the epoch; a missing row is `undefined`.

export interface Organization {
  id: string;
  name: string;
  createdAtMs: number;
  /** Fields of the instance policy this organization overrides; null when it has none. */
  policyOverride: PolicyPatch | null;
}

export interface User {
  id: string;
  organizationId: string;
  loginName: string;
  displayName: string | null;
  role: Role;
  passwordHash: string;
  disabled: boolean;
  createdAtMs: number;
  updatedAtMs: number;
  /** Refused password checks since the last success, unlock or expired lock (core/lockout.ts). */
  failedPasswordAttempts: number;
  /** When the user was locked for too many wrong passwords; null when not. Whether the lock is still in force is the policy's to say (core/lockout.ts). */
  lockedAtMs: number | null;
}

/** A user's count of wrong passwords and lock after `countPasswordFailure`. */
export interface PasswordFailureCount {
  failedPasswordAttempts: number;
  /** null: not locked (an expired lock was cleared by the count). */
  lockedAtMs: number | null;
  /** True when this very call locked the user (exactly one call per lock does). */
  lockedNow: boolean;
}

export interface Credential {
  id: string;
  clientId: string;
  name: string;
  secretHash: string;
  /** Names as granted (may include aliases such as `ServiceProviderAPI`). */
  permissions: string[];
  /** null: instance-wide; else limited to that organization. */
  organizationId: string | null;
  createdAtMs: number;
  revokedAtMs: number | null;
}

export type SubjectType = 'user' | 'credential';

export interface Location {
  ip: string | null;
  userAgent: string | null;
  country: string | null;
  city: string | null;
}

export interface SessionRecord extends SessionTimes, Location {
  id: string;
  tokenHash: string;
  subjectType: SubjectType;
  /** The user (subjectType `user`) or credential (subjectType `credential`) the session belongs to. */
  subjectId: string;
  organizationId: string;
  role: Role;
  persistent: boolean;
  lastIp: string | null;
  /** Free key → value data attached by clients (ZITADEL metadata); values base64. */
  metadata: Record<string, string>;
  endReason: StoredEndReason | null;
}

export interface EventRecord {
  /** Global position, increasing. */
  id: number;
  aggregateType: 'session' | 'user' | 'credential' | 'organization' | 'policy';
  aggregateId: string;
  /** Position within the aggregate, 1, 2, 3… */
  sequence: number;
  type: string;
  /** Who made the change: `credential:<clientId>`, `user:<id>`, `session:<id>`, `system`, or `anonymous` (an unauthenticated sign-in attempt). */
  actor: string;
  organizationId: string | null;
  atMs: number;
  /** What changed; never contains secrets. */
  data: Record<string, unknown>;
}

export type NewEvent = Omit<EventRecord, 'id' | 'sequence'>;

export interface Page<T> {
  items: T[];
  /** Opaque cursor for the next page; null at the end. */
  nextCursor: string | null;
}

export interface SessionQuery {
  userId?: string;
  organizationId?: string;
  /** Only sessions without a stored end (revoked, evicted, or a time end made final by a looser policy); time ends are otherwise judged by the core. */
  openOnly?: boolean;
  /** Only sessions not ended by removal (revoked, evicted): open ones and those ended by time. */
  notRemoved?: boolean;
  /**
   * Sessions whose id, subject id, IP or last IP (prefix), user agent, country or city (part,
   * case-insensitive), or user's login name (part) match.
   */
  search?: string;
  /** Only sessions created at or after this time (ms). */
  createdAfterMs?: number;
  /** Only sessions last used at or after this time (ms; the stored last use). */
  activeAfterMs?: number;
  limit: number;
  /** Offset into the result (sessions are listed newest first). */
  offset: number;
}

/** What a scan reads of each session: enough to judge it and to say whose it is. */
export type SessionScanRow = Pick<
  SessionRecord,
  'id' | 'subjectType' | 'subjectId' | 'organizationId' | 'createdAtMs' | 'lastActiveAtMs' | 'expiresAtMs' | 'endedAtMs' | 'endReason' | 'lastIp'
>;

/** The fields of a session that recorded use changes. */
export type SessionUse = Pick<SessionRecord, 'id' | 'lastActiveAtMs' | 'lastIp'>;

/**
 * A keyset page over all sessions in id order, for scans of every one of them: each page costs the
 * same wherever it is (the primary key's order; filters would make a database sort every page).
 */
export interface SessionScan {
  /** Sessions with an id greater than this; null from the start. */
  afterId: string | null;
  limit: number;
}

/** A band of open sessions by one stored time (policy-loosening.ts). Times in ms. */
export interface OpenSessionWindow {
  by: 'createdAtMs' | 'lastActiveAtMs';
  afterMs: number;
  upToMs: number;
  /** Only sessions also created after this. */
  createdAfterMs?: number;
  /** Only sessions also last used (stored value) after this. */
  lastActiveAfterMs?: number;
  organizations: { in: readonly string[] } | { notIn: readonly string[] };
  /** Continue after this row of the order; null from the start. */
  cursor: { atMs: number; id: string } | null;
  limit: number;
}

export interface EventQuery {
  aggregateType?: string;
  aggregateId?: string;
  type?: string;
  actor?: string;
  organizationId?: string;
  sinceMs?: number;
  untilMs?: number;
  /** Return events with id greater than this (paging forward). */
  afterId?: number;
  limit: number;
}

// The storage port, split per aggregate (as Kratos splits its persister): each core service takes
// only the parts it uses, so its dependencies show in its type. Every method is atomic on its own;
// `transaction` groups several into one atomic unit. Adapters turn driver errors into DomainError
// `already_exists` / `not_found` / `unavailable`; nothing above them sees SQL.

/** Organizations and the session policy: the instance policy and each organization's override of it. */
export interface OrganizationPolicyStore {
  getOrganization(id: string): Promise<Organization | undefined>;
  listOrganizations(): Promise<Organization[]>;
  /** Throws `already_exists` if the id is taken. */
  insertOrganization(org: Organization): Promise<void>;
  setOrganizationOverride(id: string, override: PolicyPatch | null): Promise<void>;
  deleteOrganization(id: string): Promise<void>;

  /** The instance policy, or undefined before the first start stored one. */
  getInstancePolicy(): Promise<Policy | undefined>;
  putInstancePolicy(policy: Policy): Promise<void>;
}

/**
 * What login names are compared by: case-insensitively, in NFC. Stores match and keep them unique
 * per organization by it; core/lockout.ts counts unknown names by it.
 */
export const loginKey = (loginName: string): string => loginName.normalize('NFC').toLowerCase();

/** Users, with their counts of wrong passwords and locks (core/lockout.ts). */
export interface UserStore {
  getUser(id: string): Promise<User | undefined>;
  /** Login names are matched case-insensitively within an organization (`loginKey`). */
  findUserByLogin(organizationId: string, loginName: string): Promise<User | undefined>;
  listUsers(q: { organizationId?: string; limit: number; offset: number; search?: string }): Promise<User[]>;
  countUsers(q: { organizationId?: string; search?: string }): Promise<number>;
  /** Throws `already_exists` if the login name is taken in the organization. */
  insertUser(user: User): Promise<void>;
  updateUser(id: string, changes: Partial<Pick<User, 'role' | 'passwordHash' | 'disabled' | 'displayName' | 'updatedAtMs'>>): Promise<void>;
  deleteUser(id: string): Promise<void>;
  /**
   * Counts one refused password check of a user in one atomic write (concurrent calls on any node
   * lose no count): +1, or back to 1 when the user's lock has expired (`lockedAtMs` ≤
   * `expiredLockAtOrBeforeMs`; null: locks do not expire), which also clears that lock; and when
   * `lockAt` > 0, the new count reaches it and the user is not locked, locks the user at `atMs`
   * (ms). Undefined for an unknown user.
   */
  countPasswordFailure(userId: string, o: { atMs: number; lockAt: number; expiredLockAtOrBeforeMs: number | null }): Promise<PasswordFailureCount | undefined>;
  /**
   * Sets a user's count of wrong passwords to 0 and removes the lock. With `keepLockInForce`, a
   * lock set after `expiredLockAtOrBeforeMs` (any lock when that is null) stays, and so does the
   * count. Returns true when it changed the row (false: nothing to clear, kept, or no such user).
   */
  clearPasswordFailures(userId: string, o: { keepLockInForce: boolean; expiredLockAtOrBeforeMs: number | null }): Promise<boolean>;
  /**
   * Adds 1 to counter `bucket` (0..63) of failed sign-ins with unknown login names: a write like
   * `countPasswordFailure`'s, so an unknown name costs what a known one does (core/lockout.ts).
   */
  countUnknownLoginFailure(bucket: number): Promise<void>;
}

/** API credentials. */
export interface CredentialStore {
  getCredential(id: string): Promise<Credential | undefined>;
  findCredentialByClientId(clientId: string): Promise<Credential | undefined>;
  findCredentialBySecretHash(secretHash: string): Promise<Credential | undefined>;
  listCredentials(): Promise<Credential[]>;
  /** Throws `already_exists` if the client id is taken. */
  insertCredential(c: Credential): Promise<void>;
  updateCredential(id: string, changes: Partial<Pick<Credential, 'secretHash' | 'permissions' | 'revokedAtMs' | 'name'>>): Promise<void>;
}

/** Session rows as stored, and the hashes of tokens rotated away. Stored use may lag (see SessionActivityStore). */
export interface SessionStore {
  getSession(id: string): Promise<SessionRecord | undefined>;
  insertSession(s: SessionRecord): Promise<void>;
  /** Sessions of a subject that have no stored end, oldest first (for limits and mass revocation). */
  listOpenSessionsOfSubject(subjectId: string): Promise<SessionRecord[]>;
  listSessions(q: SessionQuery): Promise<SessionRecord[]>;
  countSessions(q: Omit<SessionQuery, 'limit' | 'offset'>): Promise<number>;
  /** Sessions (ended ones too) in ascending id order after `afterId`, at most `limit` (fewer: the end). */
  scanSessions(q: SessionScan): Promise<SessionScanRow[]>;
  /**
   * Marks the sessions ended (only those not already ended) at `atMs`: one time for all, or each
   * id's own (time ends stored at their deadline). Returns the ids it ended.
   */
  endSessions(ids: readonly string[], reason: StoredEndReason, atMs: number | ReadonlyMap<string, number>): Promise<string[]>;
  /**
   * Sessions without a stored end whose creation or last use (`by`, the stored value) is in
   * (`afterMs`, `upToMs`], optionally also created / last used after a time, of some
   * organizations; in (`by`, id) order after `cursor`, at most `limit` (fewer: the end). An
   * indexed range: the cost is that of the rows in the band, not of all sessions.
   */
  scanOpenSessionsInWindow(q: OpenSessionWindow): Promise<SessionScanRow[]>;
  /** Remembers the hash a session's token had before a rotation (`atMs`: when). */
  recordRotatedToken(tokenHash: string, sessionId: string, atMs: number): Promise<void>;
  /** When a token with this hash was rotated away, or undefined (never issued, or forgotten by the sweep). */
  findRotatedToken(tokenHash: string): Promise<{ sessionId: string; rotatedAtMs: number } | undefined>;
  updateSession(
    id: string,
    changes: Partial<Pick<SessionRecord, 'tokenHash' | 'metadata' | 'expiresAtMs' | 'subjectId' | 'role' | 'organizationId'>>,
  ): Promise<void>;
}

/** The audit log: every change as an event of its aggregate. */
export interface EventStore {
  /** Appends an event, giving it the next sequence of its aggregate. */
  appendEvent(e: NewEvent): Promise<EventRecord>;
  /**
   * Appends events of distinct aggregates in a few statements (bulk ends): each gets the next
   * sequence of its aggregate, as `appendEvent` would give it.
   */
  appendEvents(events: readonly NewEvent[]): Promise<EventRecord[]>;
  /** The last event of an aggregate, or undefined. */
  lastEventOf(aggregateType: string, aggregateId: string): Promise<EventRecord | undefined>;
  listEvents(q: EventQuery): Promise<EventRecord[]>;
}

/** Everything a transaction offers: every aggregate, each call part of the one atomic unit. */
export interface StoreTx extends OrganizationPolicyStore, UserStore, CredentialStore, SessionStore, EventStore {}

/**
 * Atomic units of work over the aggregates `Tx` names: a service asks for the part of `StoreTx`
 * its transactions touch (a `Store` offers all of it). One `Transactions<…>` per type: two in one
 * intersection would overload `transaction`, and calls would pick the first.
 */
export interface Transactions<Tx> {
  /** Runs fn in one transaction; a throw rolls everything back. Transactions on one user's sessions never interleave. */
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
}

/**
 * Sessions as validation sees them, outside any transaction: found by token hash (from memory when
 * cached) with this node's not-yet-written use overlaid, and use recorded write-behind.
 */
export interface SessionActivityStore {
  /** The hot path of validation: one indexed read by token hash, pending activity overlaid. */
  findSessionByTokenHash(tokenHash: string): Promise<SessionRecord | undefined>;
  /**
   * The same answer from memory, synchronously, when the store holds this session in a cache;
   * undefined means "not cached" (not "unknown"): then call findSessionByTokenHash. Optional.
   */
  findCachedSessionByTokenHash?(tokenHash: string): SessionRecord | undefined;
  /**
   * Stores whose memory may lag uses recorded on other nodes (PostgreSQL + Redis): the session
   * read past this node's memory, with every node's recorded use applied.
   */
  findFreshSessionByTokenHash?(tokenHash: string): Promise<SessionRecord | undefined>;
  /**
   * Records use of a session, write-behind: coalesced in memory and written in one
   * batch at most `activityFlushMs` later (and on flush/close). Never blocks on disk.
   */
  recordActivity(sessionId: string, atMs: number, ip: string | null): void;
  /** Writes pending activity now. */
  flush(): Promise<void>;
  /** The session with its not-yet-written last use applied (rows read inside a transaction lack it). */
  withPendingActivity<S extends SessionUse>(s: S): S;
}

/** The sweep: bounded deletes of what no policy can need any more. */
export interface SweepStore {
  /**
   * Deletes sessions ended before `endedBeforeMs`, or created before `createdBeforeMs`, or
   * idle since before `idleSinceBeforeMs` (null skips that test), at most `batchSize` rows.
   * Returns how many it deleted; cost is proportional to that number (indexed ranges).
   */
  deleteEndedSessions(o: { endedBeforeMs: number; createdBeforeMs: number; idleSinceBeforeMs: number | null; batchSize: number }): Promise<number>;
  /** Forgets rotated-away hashes older than `rotatedBeforeMs`, at most `batchSize`; returns how many. */
  deleteRotatedTokens(o: { rotatedBeforeMs: number; batchSize: number }): Promise<number>;
}

/** The store as a running component: what it is, whether it answers, its caches and its end. */
export interface MaintenanceStore {
  readonly description: string;
  /**
   * Registers a listener for changes made by another process to the same storage, after which
   * in-memory state derived from it (the policies) must be reloaded. Optional: stores without it
   * never see outside writes.
   */
  onExternalChange?(listener: () => void): void;
  /**
   * Tells a store that keeps copies of sessions outside this process (PostgreSQL + Redis) how many
   * ms each session has until its absolute deadline under the current policy (≤ 0: past it), so
   * no copy outlives that. Optional.
   */
  useRemainingLifetime?(remainingMs: (s: SessionRecord) => number): void;
  /** Counters of an in-memory session cache, where the store has one. */
  cacheStats?(): { entries: number; hits: number; misses: number };
  /** True while storage answers. */
  ping(): Promise<boolean>;
  /** States of helper components whose loss degrades but does not break the store (e.g. `{ redis: 'down' }`). Optional. */
  health?(): Record<string, 'ok' | 'down'>;
  close(): Promise<void>;
}

/** The whole storage port, as each adapter implements it (src/storage) and `createCore` receives it. */
export interface Store extends StoreTx, Transactions<StoreTx>, SessionActivityStore, SweepStore, MaintenanceStore {}

/** Password hashing (argon2id in production). Runs off the event loop. */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
  /** Spends the same time as `verify` on a dummy hash, for unknown users. */
  verifyDummy(password: string): Promise<void>;
}

/** The core's ways of signing in: a user's password (`SessionService.signIn`), an API client's secret (`CredentialService.signIn`), a password check on a session (`SessionCheckService`). */
export type SignInFlow = 'password' | 'client_secret' | 'session_check';

/**
 * How a sign-in attempt ended: `success`; `failure` (wrong or unknown login name, password or
 * secret); `rejected` (refused by a rule: session limit, persistence, lockout, rate limit, disabled
 * user where the answer says so); `error` (anything unexpected, e.g. storage unavailable).
 */
export type SignInResult = 'success' | 'failure' | 'rejected' | 'error';

/**
 * What the core reports for metrics. Optional. Called synchronously, never on the path of an
 * active session's validation, so an implementation must be cheap and must not throw.
 */
export interface CoreObserver {
  signIn(flow: SignInFlow, result: SignInResult): void;
  /**
   * A validation found this session ended by time (lifetime or idle timeout). Such ends are
   * derived (stored only when a looser policy would undo them), so this is called on every
   * validation that finds one; counting each session once is the observer's business.
   */
  timeEnded(reason: 'expired' | 'idle_timeout', sessionId: string): void;
}

/** Country and city of an IP address, when a GeoIP database is configured. */
export interface GeoLocator {
  lookup(ip: string): { country: string | null; city: string | null } | null;
}
