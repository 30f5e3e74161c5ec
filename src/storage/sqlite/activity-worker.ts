// The worker thread that writes last-activity batches for SqliteStore with its own connection
// to the same WAL database, so validation on the main thread never waits for these writes, the
// WAL checkpoints they cause, or the disk (see docs/performance.md).
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import {
  ACTIVITY_CHUNK,
  type ActivityColumns,
  type ActivityWorkerData,
  type ActivityWorkerReply,
  type ActivityWorkerRequest,
  SELECT_WRITERS_SQL,
  STALE_WRITER_MS,
  UPDATE_ACTIVITY_SQL,
  UPSERT_WRITER_SQL,
} from './activity-sql.js';

/** A passive checkpoint at most this often: copies the WAL back into the database off the main thread. */
const CHECKPOINT_MS = 1000;

const port = parentPort;
if (!port) throw new Error('activity-worker must run as a worker thread');
const data = workerData as ActivityWorkerData;
const waiting = new Int32Array(data.writersWaiting);

const db = new Database(data.path);
db.pragma('busy_timeout = 5000');
// Activity is write-behind by design: a commit survives a process crash without an fsync.
db.pragma('synchronous = NORMAL');
const update = db.prepare(UPDATE_ACTIVITY_SQL);
const upsertWriter = db.prepare(UPSERT_WRITER_SQL);
let commits = 0;
const writeChunk = db.transaction((b: ActivityColumns, from: number, to: number) => {
  for (let i = from; i < to; i++) {
    const at = b.atMs[i] as number;
    update.run(at, b.ips[i] ?? null, b.ids[i], at);
  }
  upsertWriter.run(data.writerKey, JSON.stringify({ commits: ++commits, atMs: Date.now() }));
});

// Rows of writers long gone (their process exited) would otherwise accumulate, one per start.
{
  const del = db.prepare('DELETE FROM settings WHERE key = ?');
  for (const r of db.prepare<[], { key: string; value: string }>(SELECT_WRITERS_SQL).all()) {
    const atMs = Number((JSON.parse(r.value) as { atMs?: unknown }).atMs);
    if (!(atMs > Date.now() - STALE_WRITER_MS)) del.run(r.key);
  }
}

/** Lets a main-thread transaction that wants the write lock go first. */
function giveWay(): void {
  for (let v = Atomics.load(waiting, 0); v > 0; v = Atomics.load(waiting, 0)) Atomics.wait(waiting, 0, v, 50);
}

let dirty = false;
const checkpoint = setInterval(() => {
  if (!dirty) return;
  dirty = false;
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    dirty = true; // busy: the next tick tries again
  }
}, CHECKPOINT_MS);

port.on('message', (m: ActivityWorkerRequest) => {
  let reply: ActivityWorkerReply;
  try {
    if (m.type === 'close') {
      clearInterval(checkpoint);
      if (dirty) db.pragma('wal_checkpoint(PASSIVE)');
      db.close();
    } else {
      const n = m.batch.ids.length;
      for (let i = 0; i < n; i += ACTIVITY_CHUNK) {
        giveWay();
        writeChunk(m.batch, i, Math.min(n, i + ACTIVITY_CHUNK));
        dirty = true;
      }
    }
    reply = { id: m.id, ok: true };
  } catch (e) {
    const err = e as { code?: unknown; message?: unknown };
    reply = { id: m.id, ok: false, code: String(err.code ?? 'ERR'), message: String(err.message ?? e) };
  }
  port.postMessage(reply);
  if (m.type === 'close') port.close();
});
