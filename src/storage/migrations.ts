import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import type { Database } from './schema.js';

export type SqlDialectName = 'sqlite' | 'postgres';

/**
 * Versioned migrations, shared by every SQL adapter; named by date so they sort.
 * Never edit one that has shipped: add a new one.
 */
function migrations(dialect: SqlDialectName): Record<string, Migration> {
  // 64-bit integers for ms timestamps in PostgreSQL; SQLite integers are 64-bit already.
  const ms = dialect === 'postgres' ? 'bigint' : 'integer';
  return {
    '2026-11-23-0001-initial': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('organizations')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('created_at_ms', ms, (c) => c.notNull())
          .addColumn('policy_override', 'text')
          .execute();
        await db.schema
          .createTable('settings')
          .addColumn('key', 'text', (c) => c.primaryKey())
          .addColumn('value', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('users')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('organization_id', 'text', (c) => c.notNull())
          .addColumn('login_name', 'text', (c) => c.notNull())
          .addColumn('login_key', 'text', (c) => c.notNull())
          .addColumn('display_name', 'text')
          .addColumn('role', 'text', (c) => c.notNull())
          .addColumn('password_hash', 'text', (c) => c.notNull())
          .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('created_at_ms', ms, (c) => c.notNull())
          .addColumn('updated_at_ms', ms, (c) => c.notNull())
          .addUniqueConstraint('users_org_login_unique', ['organization_id', 'login_key'])
          .execute();
        await db.schema
          .createTable('credentials')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('client_id', 'text', (c) => c.notNull().unique())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('secret_hash', 'text', (c) => c.notNull().unique())
          .addColumn('permissions', 'text', (c) => c.notNull())
          .addColumn('organization_id', 'text')
          .addColumn('created_at_ms', ms, (c) => c.notNull())
          .addColumn('revoked_at_ms', ms)
          .execute();
        await db.schema
          .createTable('sessions')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('token_hash', 'text', (c) => c.notNull().unique())
          .addColumn('subject_type', 'text', (c) => c.notNull())
          .addColumn('subject_id', 'text', (c) => c.notNull())
          .addColumn('organization_id', 'text', (c) => c.notNull())
          .addColumn('role', 'text', (c) => c.notNull())
          .addColumn('persistent', 'integer', (c) => c.notNull())
          .addColumn('created_at_ms', ms, (c) => c.notNull())
          .addColumn('last_active_at_ms', ms, (c) => c.notNull())
          .addColumn('expires_at_ms', ms)
          .addColumn('ended_at_ms', ms)
          .addColumn('end_reason', 'text')
          .addColumn('ip', 'text')
          .addColumn('user_agent', 'text')
          .addColumn('country', 'text')
          .addColumn('city', 'text')
          .addColumn('last_ip', 'text')
          .addColumn('metadata', 'text', (c) => c.notNull().defaultTo('{}'))
          .execute();
        // Per-subject open sessions (limits, mass revocation) and the sweep's three ranges.
        await db.schema.createIndex('sessions_subject').on('sessions').columns(['subject_id', 'ended_at_ms']).execute();
        await db.schema.createIndex('sessions_org_created').on('sessions').columns(['organization_id', 'created_at_ms']).execute();
        await db.schema.createIndex('sessions_ended').on('sessions').column('ended_at_ms').execute();
        await db.schema.createIndex('sessions_created').on('sessions').column('created_at_ms').execute();
        await db.schema.createIndex('sessions_last_active').on('sessions').column('last_active_at_ms').execute();
        await db.schema
          .createTable('events')
          .addColumn('id', dialect === 'postgres' ? 'bigserial' : 'integer', (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
          .addColumn('aggregate_type', 'text', (c) => c.notNull())
          .addColumn('aggregate_id', 'text', (c) => c.notNull())
          .addColumn('sequence', 'integer', (c) => c.notNull())
          .addColumn('type', 'text', (c) => c.notNull())
          .addColumn('actor', 'text', (c) => c.notNull())
          .addColumn('organization_id', 'text')
          .addColumn('at_ms', ms, (c) => c.notNull())
          .addColumn('data', 'text', (c) => c.notNull())
          .addUniqueConstraint('events_aggregate_sequence', ['aggregate_type', 'aggregate_id', 'sequence'])
          .execute();
        await db.schema.createIndex('events_at').on('events').column('at_ms').execute();
        await db.schema.createIndex('events_type').on('events').columns(['type', 'id']).execute();
        await db.schema.createIndex('events_actor').on('events').columns(['actor', 'id']).execute();
        await db.schema.createIndex('events_org').on('events').columns(['organization_id', 'id']).execute();
      },
    },
    // Lockout (core/lockout.ts): a counter on the user row, changed in one UPDATE per refused
    // password, so nodes counting concurrently lose none and a sign-in reads the state with the user.
    '2026-12-08-0001-password-lockout': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .alterTable('users')
          .addColumn('failed_password_attempts', 'integer', (c) => c.notNull().defaultTo(0))
          .execute();
        await db.schema.alterTable('users').addColumn('locked_at_ms', ms).execute();
        await db.schema.alterTable('users').addColumn('lock_id', 'text').execute();
      },
    },
    // Hashes of rotated-away session tokens: introspecting one answers `rotated` (a replayed old
    // token is told apart from one never issued); deleted by the sweep with the session's retention.
    '2026-12-09-0001-rotated-tokens': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('rotated_tokens')
          .addColumn('token_hash', 'text', (c) => c.primaryKey())
          .addColumn('session_id', 'text', (c) => c.notNull())
          .addColumn('rotated_at_ms', ms, (c) => c.notNull())
          .execute();
        await db.schema.createIndex('rotated_tokens_at').on('rotated_tokens').column('rotated_at_ms').execute();
      },
    },
  };
}

/** Brings the schema up to date; returns the names of the migrations it ran. */
export async function migrate(db: Kysely<Database>, dialect: SqlDialectName): Promise<string[]> {
  const provider: MigrationProvider = { getMigrations: async () => migrations(dialect) };
  const migrator = new Migrator({ db, provider, migrationTableName: 'schema_migrations', migrationLockTableName: 'schema_migrations_lock' });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
