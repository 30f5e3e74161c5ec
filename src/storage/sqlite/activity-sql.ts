/**
 * The one statement that writes last use, shared by the in-thread writer and the worker thread:
 * never moves a time backwards, keeps the last known IP when the policy does not track location.
 */
export const UPDATE_ACTIVITY_SQL = 'UPDATE sessions SET last_active_at_ms = ?, last_ip = coalesce(?, last_ip) WHERE id = ? AND last_active_at_ms < ?';

/**
 * Each activity writer (one per server process) counts its commits in a `settings` row of its
 * own, so a reader can tell another process's recorded use (which appends no event) from its own
 * worker's: both change SQLite's data_version.
 */
export const ACTIVITY_WRITER_KEY_PREFIX = 'activity_writer:';
export const UPSERT_WRITER_SQL = 'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value';
export const SELECT_WRITERS_SQL = "SELECT key, value FROM settings WHERE key >= 'activity_writer:' AND key < 'activity_writer;'";
/** Rows of writers silent this long are removed when a worker starts (processes that are gone). */
export const STALE_WRITER_MS = 24 * 3600_000;

/** Rows per activity transaction: each holds SQLite's write lock for a few ms at most. */
export const ACTIVITY_CHUNK = 1000;

/** A batch as it crosses to the worker thread: three parallel arrays (cheaper to clone than objects). */
export interface ActivityColumns {
  ids: string[];
  atMs: Float64Array;
  ips: (string | null)[];
}

/** What the worker is started with. */
export interface ActivityWorkerData {
  path: string;
  /** This process's writer row key (ACTIVITY_WRITER_KEY_PREFIX + a random id). */
  writerKey: string;
  /**
   * Shared Int32 counter: main-thread write transactions waiting for or holding the write lock.
   * The worker does not start its next chunk while it is above zero, so such a transaction
   * waits at most one chunk (SQLite's own busy handler alone could starve it for a whole batch).
   */
  writersWaiting: SharedArrayBuffer;
}

export type ActivityWorkerRequest = { type: 'write'; id: number; batch: ActivityColumns } | { type: 'close'; id: number };
export type ActivityWorkerReply = { id: number; ok: true } | { id: number; ok: false; code: string; message: string };
