import { randomUUID } from 'node:crypto';
import { type Kysely, type Selectable, sql, type Transaction, type Updateable } from 'kysely';
import { DomainError } from '../core/errors.js';
import type { Policy, PolicyPatch, Role } from '../core/policy.js';
import {
  type Credential,
  type EventQuery,
  type EventRecord,
  loginKey,
  type NewEvent,
  type OpenSessionWindow,
  type Organization,
  type SessionQuery,
  type SessionRecord,
  type SessionScan,
  type SessionScanRow,
  type StoreTx,
  type User,
} from '../core/ports.js';
import type { StoredEndReason } from '../core/session-rules.js';
import type { CredentialsTable, Database, EventsTable, SessionsTable, UsersTable } from './schema.js';
import { storageUnavailable } from './unavailable.js';

/** Driver-specific knowledge the shared queries need. */
export interface SqlFlavor {
  /** True when the error is a unique-constraint violation. */
  isUniqueViolation(e: unknown): boolean;
  /** True when the error means the database cannot be reached. */
  isUnavailable(e: unknown): boolean;
}

/** Stored end reasons of sessions that ended by time (the others were removed: revoked, evicted). */
const TIME_END_REASONS: StoredEndReason[] = ['expired', 'idle_timeout'];

/** Events per INSERT of `appendEvents` (8 values each, within every dialect's bound-parameter limit). */
const EVENT_CHUNK = 500;

/** Largest number of ids bound in one IN (…) list. */
const CHUNK = 500;

/**
 * The storage port's queries, written once with Kysely for every SQL dialect.
 * Works on the database or inside a transaction.
 */
export class SqlRepo implements StoreTx {
  constructor(
    protected readonly db: Kysely<Database> | Transaction<Database>,
    protected readonly flavor: SqlFlavor,
  ) {}

  protected async guard<T>(what: string, op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (e) {
      if (e instanceof DomainError) throw e;
      if (this.flavor.isUniqueViolation(e)) throw new DomainError('already_exists', `${what} already exists`);
      if (this.flavor.isUnavailable(e)) throw storageUnavailable(e);
      throw e;
    }
  }

  async getOrganization(id: string) {
    const r = await this.db.selectFrom('organizations').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? organizationFromRow(r) : undefined;
  }
  async listOrganizations() {
    return (await this.db.selectFrom('organizations').selectAll().orderBy('created_at_ms').execute()).map(organizationFromRow);
  }
  async insertOrganization(o: Organization) {
    await this.guard(`organization '${o.id}'`, () =>
      this.db
        .insertInto('organizations')
        .values({ id: o.id, name: o.name, created_at_ms: o.createdAtMs, policy_override: json(o.policyOverride) })
        .execute(),
    );
  }
  async setOrganizationOverride(id: string, override: PolicyPatch | null) {
    await this.db
      .updateTable('organizations')
      .set({ policy_override: json(override) })
      .where('id', '=', id)
      .execute();
  }
  async deleteOrganization(id: string) {
    await this.db.deleteFrom('organizations').where('id', '=', id).execute();
  }

  async getInstancePolicy() {
    const r = await this.db.selectFrom('settings').select('value').where('key', '=', 'policy').executeTakeFirst();
    return r ? (JSON.parse(r.value) as Policy) : undefined;
  }
  async putInstancePolicy(p: Policy) {
    const value = JSON.stringify(p);
    await this.db
      .insertInto('settings')
      .values({ key: 'policy', value })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
      .execute();
  }

  async getUser(id: string) {
    const r = await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? userFromRow(r) : undefined;
  }
  async findUserByLogin(organizationId: string, loginName: string) {
    const r = await this.db
      .selectFrom('users')
      .selectAll()
      .where('organization_id', '=', organizationId)
      .where('login_key', '=', loginKey(loginName))
      .executeTakeFirst();
    return r ? userFromRow(r) : undefined;
  }
  private userFilter(q: { organizationId?: string; search?: string }) {
    let s = this.db.selectFrom('users');
    if (q.organizationId) s = s.where('organization_id', '=', q.organizationId);
    if (q.search) s = s.where(sql<boolean>`login_key like ${`%${escapeLike(loginKey(q.search))}%`} escape '\\'`);
    return s;
  }
  async listUsers(q: { organizationId?: string; limit: number; offset: number; search?: string }) {
    const rows = await this.userFilter(q).selectAll().orderBy('created_at_ms').orderBy('id').limit(q.limit).offset(q.offset).execute();
    return rows.map(userFromRow);
  }
  async countUsers(q: { organizationId?: string; search?: string }) {
    const r = await this.userFilter(q)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }
  async insertUser(u: User) {
    await this.guard(`login name '${u.loginName}'`, () =>
      this.db
        .insertInto('users')
        .values({
          id: u.id,
          organization_id: u.organizationId,
          login_name: u.loginName,
          login_key: loginKey(u.loginName),
          display_name: u.displayName,
          role: u.role,
          password_hash: u.passwordHash,
          disabled: u.disabled ? 1 : 0,
          created_at_ms: u.createdAtMs,
          updated_at_ms: u.updatedAtMs,
          failed_password_attempts: u.failedPasswordAttempts,
          locked_at_ms: u.lockedAtMs,
        })
        .execute(),
    );
  }
  async updateUser(id: string, c: Partial<Pick<User, 'role' | 'passwordHash' | 'disabled' | 'displayName' | 'updatedAtMs'>>) {
    const set: Partial<Updateable<UsersTable>> = {};
    if (c.role !== undefined) set.role = c.role;
    if (c.passwordHash !== undefined) set.password_hash = c.passwordHash;
    if (c.disabled !== undefined) set.disabled = c.disabled ? 1 : 0;
    if (c.displayName !== undefined) set.display_name = c.displayName;
    if (c.updatedAtMs !== undefined) set.updated_at_ms = c.updatedAtMs;
    if (Object.keys(set).length) await this.db.updateTable('users').set(set).where('id', '=', id).execute();
  }
  async deleteUser(id: string) {
    await this.db.deleteFrom('users').where('id', '=', id).execute();
  }
  async countPasswordFailure(userId: string, o: { atMs: number; lockAt: number; expiredLockAtOrBeforeMs: number | null }) {
    // One statement, so a refused check costs one write whatever happens (core/lockout.ts): the
    // row lock (PostgreSQL) or the write lock (SQLite) serializes concurrent counts and each sees
    // the previous one's result, so none is lost. SET expressions read the row as it was. The
    // statement that locks stores a token of its own in lock_id: exactly one call per lock finds
    // its token in the row it returns.
    const expired = expiredLock(o.expiredLockAtOrBeforeMs);
    const lockId = randomUUID();
    const newly =
      o.lockAt > 0
        ? sql<boolean>`(case when ${expired} then 1 else failed_password_attempts + 1 end >= ${o.lockAt} and (${expired} or locked_at_ms is null))`
        : sql<boolean>`false`;
    const r = await this.db
      .updateTable('users')
      .set({
        failed_password_attempts: sql<number>`case when ${expired} then 1 else failed_password_attempts + 1 end`,
        locked_at_ms: sql<number | null>`case when ${newly} then ${o.atMs} when ${expired} then null else locked_at_ms end`,
        lock_id: sql<string | null>`case when ${newly} then ${lockId} when ${expired} then null else lock_id end`,
      })
      .where('id', '=', userId)
      .returning(['failed_password_attempts', 'locked_at_ms', 'lock_id'])
      .executeTakeFirst();
    if (!r) return undefined;
    return {
      failedPasswordAttempts: Number(r.failed_password_attempts),
      lockedAtMs: r.locked_at_ms === null ? null : Number(r.locked_at_ms),
      lockedNow: r.lock_id === lockId,
    };
  }
  async countUnknownLoginFailure(bucket: number) {
    await this.db
      .insertInto('settings')
      .values({ key: `unknown_login_failures:${bucket}`, value: '1' })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: sql<string>`cast(cast(settings.value as bigint) + 1 as text)` }))
      .execute();
  }
  async clearPasswordFailures(userId: string, o: { keepLockInForce: boolean; expiredLockAtOrBeforeMs: number | null }) {
    let q = this.db
      .updateTable('users')
      .set({ failed_password_attempts: 0, locked_at_ms: null, lock_id: null })
      .where('id', '=', userId)
      .where((eb) => eb.or([eb('failed_password_attempts', '<>', 0), eb('locked_at_ms', 'is not', null)]));
    if (o.keepLockInForce) {
      const until = o.expiredLockAtOrBeforeMs;
      q = q.where((eb) => (until === null ? eb('locked_at_ms', 'is', null) : eb.or([eb('locked_at_ms', 'is', null), eb('locked_at_ms', '<=', until)])));
    }
    const r = await q.executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async getCredential(id: string) {
    const r = await this.db.selectFrom('credentials').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? credentialFromRow(r) : undefined;
  }
  async findCredentialByClientId(clientId: string) {
    const r = await this.db.selectFrom('credentials').selectAll().where('client_id', '=', clientId).executeTakeFirst();
    return r ? credentialFromRow(r) : undefined;
  }
  async findCredentialBySecretHash(secretHash: string) {
    const r = await this.db.selectFrom('credentials').selectAll().where('secret_hash', '=', secretHash).executeTakeFirst();
    return r ? credentialFromRow(r) : undefined;
  }
  async listCredentials() {
    return (await this.db.selectFrom('credentials').selectAll().orderBy('created_at_ms').execute()).map(credentialFromRow);
  }
  async insertCredential(c: Credential) {
    await this.guard(`credential '${c.clientId}'`, () =>
      this.db
        .insertInto('credentials')
        .values({
          id: c.id,
          client_id: c.clientId,
          name: c.name,
          secret_hash: c.secretHash,
          permissions: JSON.stringify(c.permissions),
          organization_id: c.organizationId,
          created_at_ms: c.createdAtMs,
          revoked_at_ms: c.revokedAtMs,
        })
        .execute(),
    );
  }
  async updateCredential(id: string, c: Partial<Pick<Credential, 'secretHash' | 'permissions' | 'revokedAtMs' | 'name'>>) {
    const set: Partial<CredentialsTable> = {};
    if (c.secretHash !== undefined) set.secret_hash = c.secretHash;
    if (c.permissions !== undefined) set.permissions = JSON.stringify(c.permissions);
    if (c.revokedAtMs !== undefined) set.revoked_at_ms = c.revokedAtMs;
    if (c.name !== undefined) set.name = c.name;
    if (Object.keys(set).length) await this.db.updateTable('credentials').set(set).where('id', '=', id).execute();
  }

  async getSession(id: string) {
    const r = await this.db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? sessionFromRow(r) : undefined;
  }
  async insertSession(s: SessionRecord) {
    await this.guard('session', () => this.db.insertInto('sessions').values(sessionToRow(s)).execute());
  }
  async listOpenSessionsOfSubject(subjectId: string) {
    const rows = await this.db
      .selectFrom('sessions')
      .selectAll()
      .where('subject_id', '=', subjectId)
      .where('ended_at_ms', 'is', null)
      .orderBy('created_at_ms')
      .execute();
    return rows.map(sessionFromRow);
  }
  private sessionFilter(q: Omit<SessionQuery, 'limit' | 'offset'>) {
    let s = this.db.selectFrom('sessions');
    if (q.userId) s = s.where('subject_id', '=', q.userId);
    if (q.organizationId) s = s.where('organization_id', '=', q.organizationId);
    if (q.openOnly) s = s.where('ended_at_ms', 'is', null);
    if (q.notRemoved) s = s.where((eb) => eb.or([eb('ended_at_ms', 'is', null), eb('end_reason', 'in', TIME_END_REASONS)]));
    if (q.createdAfterMs !== undefined) s = s.where('created_at_ms', '>=', q.createdAfterMs);
    if (q.activeAfterMs !== undefined) s = s.where('last_active_at_ms', '>=', q.activeAfterMs);
    if (q.search) {
      const text = q.search.toLowerCase();
      const prefix = `${escapeLike(q.search)}%`;
      const part = `%${escapeLike(text)}%`;
      const login = `%${escapeLike(loginKey(q.search))}%`;
      s = s.where(
        sql<boolean>`(id = ${q.search} or subject_id = ${q.search} or ip like ${prefix} escape '\\' or last_ip like ${prefix} escape '\\'
          or lower(user_agent) like ${part} escape '\\' or lower(country) like ${part} escape '\\' or lower(city) like ${part} escape '\\'
          or subject_id in (select id from users where login_key like ${login} escape '\\'))`,
      );
    }
    return s;
  }
  async scanSessions(q: SessionScan): Promise<SessionScanRow[]> {
    let s = this.db.selectFrom('sessions').select(SCAN_COLUMNS);
    if (q.afterId !== null) s = s.where('id', '>', q.afterId);
    const rows = await s.orderBy('id').limit(q.limit).execute();
    return rows.map(scanRowFromRow);
  }
  async scanOpenSessionsInWindow(q: OpenSessionWindow): Promise<SessionScanRow[]> {
    const col = q.by === 'createdAtMs' ? 'created_at_ms' : 'last_active_at_ms';
    // Only the band's own time may use an index: every other term is written as an expression
    // (`+n`, `s || ''`), or SQLite, which has no statistics here, would walk the index of
    // `ended_at_ms` (every open session) and sort them for each page.
    let s = this.db.selectFrom('sessions').select(SCAN_COLUMNS).where(sql<boolean>`+ended_at_ms is null`).where(col, '>', q.afterMs).where(col, '<=', q.upToMs);
    if (q.createdAfterMs !== undefined) s = s.where(sql<boolean>`+created_at_ms > ${q.createdAfterMs}`);
    if (q.lastActiveAfterMs !== undefined) s = s.where(sql<boolean>`+last_active_at_ms > ${q.lastActiveAfterMs}`);
    const orgs = q.organizations;
    const org = sql`(organization_id || '')`;
    if ('in' in orgs) s = orgs.in.length ? s.where(sql<boolean>`${org} in (${sql.join(orgs.in)})`) : s.where(sql<boolean>`1 = 0`);
    else if (orgs.notIn.length) s = s.where(sql<boolean>`${org} not in (${sql.join(orgs.notIn)})`);
    const c = q.cursor;
    // (time, id) > cursor, written so the time index's range starts at the cursor.
    if (c) s = s.where(col, '>=', c.atMs).where((eb) => eb.or([eb(col, '>', c.atMs), eb('id', '>', c.id)]));
    const rows = await s.orderBy(col).orderBy('id').limit(q.limit).execute();
    return rows.map(scanRowFromRow);
  }
  async listSessions(q: SessionQuery) {
    const rows = await this.sessionFilter(q).selectAll().orderBy('created_at_ms', 'desc').orderBy('id', 'desc').limit(q.limit).offset(q.offset).execute();
    return rows.map(sessionFromRow);
  }
  async countSessions(q: Omit<SessionQuery, 'limit' | 'offset'>) {
    const r = await this.sessionFilter(q)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }
  async endSessions(ids: readonly string[], reason: StoredEndReason, atMs: number | ReadonlyMap<string, number>) {
    const ended: string[] = [];
    for (let i = 0; i < ids.length; i += CHUNK) {
      const chunk = ids.slice(i, i + CHUNK);
      const rows = await this.db
        .updateTable('sessions')
        .set({ ended_at_ms: typeof atMs === 'number' ? atMs : eachOwnTime(chunk, atMs), end_reason: reason })
        .where('id', 'in', chunk)
        // An expression, not the column: SQLite (no statistics) would otherwise walk the index of
        // every open session instead of looking up the ids.
        .where(sql<boolean>`+ended_at_ms is null`)
        .returning('id')
        .execute();
      for (const r of rows) ended.push(r.id);
    }
    return ended;
  }
  async recordRotatedToken(tokenHash: string, sessionId: string, atMs: number) {
    await this.db.insertInto('rotated_tokens').values({ token_hash: tokenHash, session_id: sessionId, rotated_at_ms: atMs }).execute();
  }
  async findRotatedToken(tokenHash: string) {
    const r = await this.db.selectFrom('rotated_tokens').select(['session_id', 'rotated_at_ms']).where('token_hash', '=', tokenHash).executeTakeFirst();
    return r ? { sessionId: r.session_id, rotatedAtMs: Number(r.rotated_at_ms) } : undefined;
  }
  async deleteRotatedTokens(o: { rotatedBeforeMs: number; batchSize: number }) {
    const old = this.db.selectFrom('rotated_tokens').select('token_hash').where('rotated_at_ms', '<', o.rotatedBeforeMs).limit(o.batchSize);
    const r = await this.db.deleteFrom('rotated_tokens').where('token_hash', 'in', old).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
  async updateSession(id: string, c: Partial<Pick<SessionRecord, 'tokenHash' | 'metadata' | 'expiresAtMs' | 'subjectId' | 'role' | 'organizationId'>>) {
    const set: Partial<SessionsTable> = {};
    if (c.tokenHash !== undefined) set.token_hash = c.tokenHash;
    if (c.metadata !== undefined) set.metadata = JSON.stringify(c.metadata);
    if (c.expiresAtMs !== undefined) set.expires_at_ms = c.expiresAtMs;
    if (c.subjectId !== undefined) set.subject_id = c.subjectId;
    if (c.role !== undefined) set.role = c.role;
    if (c.organizationId !== undefined) set.organization_id = c.organizationId;
    if (Object.keys(set).length) await this.db.updateTable('sessions').set(set).where('id', '=', id).execute();
  }

  async appendEvent(e: NewEvent): Promise<EventRecord> {
    const last = await this.lastEventOf(e.aggregateType, e.aggregateId);
    const sequence = (last?.sequence ?? 0) + 1;
    const row = await this.guard('event', () =>
      this.db
        .insertInto('events')
        .values({
          aggregate_type: e.aggregateType,
          aggregate_id: e.aggregateId,
          sequence,
          type: e.type,
          actor: e.actor,
          organization_id: e.organizationId,
          at_ms: e.atMs,
          data: JSON.stringify(e.data),
        })
        .returning('id')
        .executeTakeFirstOrThrow(),
    );
    return { ...e, id: Number(row.id), sequence };
  }
  async appendEvents(events: readonly NewEvent[]): Promise<EventRecord[]> {
    const out: EventRecord[] = [];
    const key = (type: string, id: string) => `${type}\u0000${id}`;
    for (let i = 0; i < events.length; i += EVENT_CHUNK) {
      const chunk = events.slice(i, i + EVENT_CHUNK);
      const last = new Map<string, number>();
      for (const type of new Set(chunk.map((e) => e.aggregateType))) {
        const ids = chunk.filter((e) => e.aggregateType === type).map((e) => e.aggregateId);
        const rows = await this.db
          .selectFrom('events')
          .select((eb) => ['aggregate_id', eb.fn.max('sequence').as('sequence')])
          .where('aggregate_type', '=', type)
          .where('aggregate_id', 'in', ids)
          .groupBy('aggregate_id')
          .execute();
        for (const r of rows) last.set(key(type, r.aggregate_id), Number(r.sequence));
      }
      const records = chunk.map((e) => ({ ...e, id: 0, sequence: (last.get(key(e.aggregateType, e.aggregateId)) ?? 0) + 1 }));
      const inserted = await this.guard('event', () =>
        this.db
          .insertInto('events')
          .values(
            records.map((e) => ({
              aggregate_type: e.aggregateType,
              aggregate_id: e.aggregateId,
              sequence: e.sequence,
              type: e.type,
              actor: e.actor,
              organization_id: e.organizationId,
              at_ms: e.atMs,
              data: JSON.stringify(e.data),
            })),
          )
          .returning(['id', 'aggregate_type', 'aggregate_id'])
          .execute(),
      );
      // RETURNING's row order is not promised: match each id to its (distinct) aggregate.
      const ids = new Map(inserted.map((r) => [key(r.aggregate_type, r.aggregate_id), Number(r.id)]));
      for (const r of records) out.push({ ...r, id: ids.get(key(r.aggregateType, r.aggregateId)) ?? 0 });
    }
    return out;
  }
  async lastEventOf(aggregateType: string, aggregateId: string) {
    const r = await this.db
      .selectFrom('events')
      .selectAll()
      .where('aggregate_type', '=', aggregateType)
      .where('aggregate_id', '=', aggregateId)
      .orderBy('sequence', 'desc')
      .limit(1)
      .executeTakeFirst();
    return r ? eventFromRow(r) : undefined;
  }
  async listEvents(q: EventQuery) {
    let s = this.db.selectFrom('events').selectAll();
    if (q.aggregateType) s = s.where('aggregate_type', '=', q.aggregateType);
    if (q.aggregateId) s = s.where('aggregate_id', '=', q.aggregateId);
    if (q.type) s = s.where('type', '=', q.type);
    if (q.actor) s = s.where('actor', '=', q.actor);
    if (q.organizationId) s = s.where('organization_id', '=', q.organizationId);
    if (q.sinceMs !== undefined) s = s.where('at_ms', '>=', q.sinceMs);
    if (q.untilMs !== undefined) s = s.where('at_ms', '<', q.untilMs);
    if (q.afterId !== undefined) s = s.where('id', '>', q.afterId);
    return (await s.orderBy('id').limit(q.limit).execute()).map(eventFromRow);
  }
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);
const json = (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(v));

function organizationFromRow(r: Selectable<Database['organizations']>): Organization {
  return {
    id: r.id,
    name: r.name,
    createdAtMs: Number(r.created_at_ms),
    policyOverride: r.policy_override ? (JSON.parse(r.policy_override) as PolicyPatch) : null,
  };
}
function userFromRow(r: Selectable<UsersTable>): User {
  return {
    id: r.id,
    organizationId: r.organization_id,
    loginName: r.login_name,
    displayName: r.display_name,
    role: r.role as Role,
    passwordHash: r.password_hash,
    disabled: Boolean(r.disabled),
    createdAtMs: Number(r.created_at_ms),
    updatedAtMs: Number(r.updated_at_ms),
    failedPasswordAttempts: Number(r.failed_password_attempts),
    lockedAtMs: r.locked_at_ms === null ? null : Number(r.locked_at_ms),
  };
}
/** SQL: the user's lock has expired (false when locks do not expire). */
function expiredLock(expiredLockAtOrBeforeMs: number | null) {
  return expiredLockAtOrBeforeMs === null ? sql<boolean>`false` : sql<boolean>`(locked_at_ms is not null and locked_at_ms <= ${expiredLockAtOrBeforeMs})`;
}
function credentialFromRow(r: Selectable<CredentialsTable>): Credential {
  return {
    id: r.id,
    clientId: r.client_id,
    name: r.name,
    secretHash: r.secret_hash,
    permissions: JSON.parse(r.permissions) as string[],
    organizationId: r.organization_id,
    createdAtMs: Number(r.created_at_ms),
    revokedAtMs: r.revoked_at_ms === null ? null : Number(r.revoked_at_ms),
  };
}
const numOrNull = (v: number | string | null) => (v === null ? null : Number(v));
/** Maps a sessions row to the core's record (exported for adapters' hand-prepared hot path). */
export function sessionFromRow(r: Selectable<SessionsTable>): SessionRecord {
  return {
    id: r.id,
    tokenHash: r.token_hash,
    subjectType: r.subject_type as SessionRecord['subjectType'],
    subjectId: r.subject_id,
    organizationId: r.organization_id,
    role: r.role as Role,
    persistent: Boolean(r.persistent),
    createdAtMs: Number(r.created_at_ms),
    lastActiveAtMs: Number(r.last_active_at_ms),
    expiresAtMs: numOrNull(r.expires_at_ms),
    endedAtMs: numOrNull(r.ended_at_ms),
    endReason: r.end_reason as StoredEndReason | null,
    ip: r.ip,
    userAgent: r.user_agent,
    country: r.country,
    city: r.city,
    lastIp: r.last_ip,
    metadata: JSON.parse(r.metadata) as Record<string, string>,
  };
}
const SCAN_COLUMNS = [
  'id',
  'subject_type',
  'subject_id',
  'organization_id',
  'created_at_ms',
  'last_active_at_ms',
  'expires_at_ms',
  'ended_at_ms',
  'end_reason',
  'last_ip',
] as const;
function scanRowFromRow(r: Pick<Selectable<SessionsTable>, (typeof SCAN_COLUMNS)[number]>): SessionScanRow {
  return {
    id: r.id,
    subjectType: r.subject_type as SessionScanRow['subjectType'],
    subjectId: r.subject_id,
    organizationId: r.organization_id,
    createdAtMs: Number(r.created_at_ms),
    lastActiveAtMs: Number(r.last_active_at_ms),
    expiresAtMs: numOrNull(r.expires_at_ms),
    endedAtMs: numOrNull(r.ended_at_ms),
    endReason: r.end_reason as SessionScanRow['endReason'],
    lastIp: r.last_ip,
  };
}
/** `CASE id WHEN … THEN <its time> … END`: each session's own end time in one UPDATE. */
function eachOwnTime(ids: readonly string[], atMs: ReadonlyMap<string, number>) {
  const whens = ids.map((id) => sql`when ${id} then cast(${atMs.get(id) ?? null} as bigint)`);
  return sql<number>`case id ${sql.join(whens, sql` `)} end`;
}
function sessionToRow(s: SessionRecord): SessionsTable {
  return {
    id: s.id,
    token_hash: s.tokenHash,
    subject_type: s.subjectType,
    subject_id: s.subjectId,
    organization_id: s.organizationId,
    role: s.role,
    persistent: s.persistent ? 1 : 0,
    created_at_ms: s.createdAtMs,
    last_active_at_ms: s.lastActiveAtMs,
    expires_at_ms: s.expiresAtMs,
    ended_at_ms: s.endedAtMs,
    end_reason: s.endReason,
    ip: s.ip,
    user_agent: s.userAgent,
    country: s.country,
    city: s.city,
    last_ip: s.lastIp,
    metadata: JSON.stringify(s.metadata),
  };
}
function eventFromRow(r: Selectable<EventsTable>): EventRecord {
  return {
    id: Number(r.id),
    aggregateType: r.aggregate_type as EventRecord['aggregateType'],
    aggregateId: r.aggregate_id,
    sequence: Number(r.sequence),
    type: r.type,
    actor: r.actor,
    organizationId: r.organization_id,
    atMs: Number(r.at_ms),
    data: JSON.parse(r.data) as Record<string, unknown>,
  };
}
