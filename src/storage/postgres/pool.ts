import { Kysely, PostgresDialect, type PostgresPool, type PostgresPoolClient } from 'kysely';
import pg from 'pg';
import { DomainError } from '../../core/errors.js';
import type { BackgroundErrorSink } from '../background.js';
import { migrate } from '../migrations.js';
import type { Database as Schema } from '../schema.js';
import { storageUnavailable } from '../unavailable.js';
import { isPgUnavailable } from './errors.js';

export interface PostgresPoolOptions {
  /** postgres://user[:password]@host[:port]/database[?…] */
  url: string;
  /** Largest number of connections this node opens. */
  poolSize: number;
  /** Fail-fast limits (ms); the defaults suit production. */
  connectTimeoutMs?: number;
  statementTimeoutMs?: number;
  onError?: BackgroundErrorSink;
}

/** Connects, runs pending migrations (several nodes may start at once: Kysely's migrator takes an advisory lock). */
export async function openPostgres(o: PostgresPoolOptions): Promise<Kysely<Schema>> {
  const statementTimeout = o.statementTimeoutMs ?? 5000;
  const pool = new pg.Pool({
    connectionString: o.url,
    max: o.poolSize,
    // Waiting for a connection (a free one from the pool, or a new one) fails after this.
    connectionTimeoutMillis: o.connectTimeoutMs ?? 2000,
    // Server side: no statement runs longer, no transaction sits idle holding locks.
    statement_timeout: statementTimeout,
    lock_timeout: statementTimeout,
    idle_in_transaction_session_timeout: 4 * statementTimeout,
    // Client side: a server that stops answering (network loss) does not hang a request.
    query_timeout: statementTimeout + 1000,
    keepAlive: true,
    idleTimeoutMillis: 30_000,
    application_name: 'sessiond',
  });
  // An idle connection dropped by the server (restart) must not crash the process; the pool replaces it.
  pool.on('error', (e) => o.onError?.(new Error('an idle PostgreSQL connection was lost (the pool opens a new one)', { cause: e }), 'postgres_connection'));
  const kysely = new Kysely<Schema>({ dialect: new PostgresDialect({ pool: neutralPool(pool) }) });
  try {
    await migrate(kysely, 'postgres');
  } catch (e) {
    await kysely.destroy().catch(() => {});
    throw e;
  }
  return kysely;
}

const hasNul = (v: unknown) => typeof v === 'string' && v.includes('\u0000');
const READ_OR_DELETE = /^\s*(select|delete)\b/i;

/**
 * PostgreSQL's text cannot hold U+0000 (SQLite's can) and refuses a parameter containing it
 * (client input such as `GET /v1/users/%00` must not become a 500). No stored value contains
 * one, so in a SELECT or DELETE (where every string parameter is compared: =, IN, LIKE) such a
 * parameter matches nothing; it is bound as NULL, which matches nothing either: the same answers
 * as SQLite ("not found", an empty list). Writing such a value is refused as `invalid_argument`.
 *
 * The pool as Kysely sees it, turning "cannot reach PostgreSQL" into the core's neutral
 * `unavailable` on every query (the shared queries guard only their inserts), and dropping
 * a connection that failed that way instead of returning it to the pool.
 *
 * pg-pool listens for `error` on idle clients only: a client checked out (a query, a transaction,
 * its advisory locks, the policy poll) whose connection drops emits `error` with no listener,
 * which kills the process. Each checked-out client gets one here: the error marks it broken (its
 * pending or next query fails as `unavailable`; release discards it), and the pool opens new
 * connections once PostgreSQL is back.
 */
function neutralPool(pool: pg.Pool): PostgresPool {
  return {
    async connect(): Promise<PostgresPoolClient> {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (e) {
        throw isPgUnavailable(e) ? storageUnavailable(e) : e;
      }
      let broken: Error | undefined;
      const onError = (e: Error) => {
        broken ??= e;
      };
      client.on('error', onError);
      return {
        // biome-ignore lint/suspicious/noExplicitAny: forwards both overloads of pg's query
        query: ((text: any, values?: any) => {
          if (typeof text !== 'string') return client.query(text);
          if (Array.isArray(values) && values.some(hasNul)) {
            if (!READ_OR_DELETE.test(text)) return Promise.reject(new DomainError('invalid_argument', 'text must not contain the NUL character (U+0000)'));
            values = values.map((v) => (hasNul(v) ? null : v));
          }
          return client.query(text, values).catch((e: unknown) => {
            if (!isPgUnavailable(e)) throw e;
            broken = e instanceof Error ? e : new Error(String(e));
            throw storageUnavailable(e);
          });
        }) as PostgresPoolClient['query'],
        release: () => {
          client.removeListener('error', onError);
          client.release(broken);
        },
      };
    },
    end: () => pool.end(),
  };
}
