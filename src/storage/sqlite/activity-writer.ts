import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Activity } from '../activity-buffer.js';
import type { ActivityColumns, ActivityWorkerData, ActivityWorkerReply, ActivityWorkerRequest } from './activity-sql.js';

/**
 * The compiled worker. Next to this module when running from dist/; when this module runs from
 * src/ under the test runner (which does not compile worker threads), the build in dist/ that
 * `npm test` makes first.
 */
function workerUrl(): URL {
  const sibling = new URL('./activity-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(sibling))) return sibling;
  const built = new URL('../../../dist/storage/sqlite/activity-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(built))) return built;
  throw new Error('activity-worker.js not found: run `npm run build` first');
}

/** An error from the worker, with SQLite's code kept so the store can classify it (busy, I/O). */
export class ActivityWriteError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Writes activity batches on a worker thread with its own SQLite connection (started on the first
 * batch, so short-lived users of the store, like the CLI, never start it). One batch at a time;
 * the promise settles when the batch is committed.
 */
export class WorkerActivityWriter {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  /** Main-thread transactions waiting for or holding the write lock (see ActivityWorkerData). */
  readonly writersWaiting = new Int32Array(new SharedArrayBuffer(4));

  constructor(
    private readonly path: string,
    /** This writer's row in `settings` (see ACTIVITY_WRITER_KEY_PREFIX). */
    readonly writerKey: string,
  ) {}

  write(batch: Activity[]): Promise<void> {
    const n = batch.length;
    const columns: ActivityColumns = { ids: new Array<string>(n), atMs: new Float64Array(n), ips: new Array<string | null>(n) };
    for (let i = 0; i < n; i++) {
      const a = batch[i] as Activity;
      columns.ids[i] = a.sessionId;
      columns.atMs[i] = a.atMs;
      columns.ips[i] = a.ip;
    }
    return this.send({ type: 'write', id: this.nextId++, batch: columns }, [columns.atMs.buffer as ArrayBuffer]);
  }

  /** Called around a main-thread write transaction. */
  enterWriter(): void {
    Atomics.add(this.writersWaiting, 0, 1);
  }

  leaveWriter(): void {
    Atomics.sub(this.writersWaiting, 0, 1);
    Atomics.notify(this.writersWaiting, 0);
  }

  async close(): Promise<void> {
    const w = this.worker;
    if (!w) return;
    await this.send({ type: 'close', id: this.nextId++ });
    this.worker = null;
    await w.terminate();
  }

  private send(m: ActivityWorkerRequest, transfer: ArrayBuffer[] = []): Promise<void> {
    const worker = this.start();
    return new Promise<void>((resolve, reject) => {
      // Referenced only while a batch is in flight: an idle worker never holds the process open,
      // a busy one does (a shutdown's last flush must land).
      if (this.pending.size === 0) worker.ref();
      this.pending.set(m.id, { resolve, reject });
      worker.postMessage(m, transfer);
    });
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const data: ActivityWorkerData = { path: this.path, writerKey: this.writerKey, writersWaiting: this.writersWaiting.buffer as SharedArrayBuffer };
    const w = new Worker(workerUrl(), { workerData: data });
    w.unref();
    w.on('message', (r: ActivityWorkerReply) => {
      const p = this.pending.get(r.id);
      if (!p) return;
      this.pending.delete(r.id);
      if (this.pending.size === 0) w.unref();
      if (r.ok) p.resolve();
      else p.reject(new ActivityWriteError(r.code, r.message));
    });
    const failAll = (e: Error) => {
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
      if (this.worker === w) this.worker = null; // the next batch starts a new one
    };
    w.on('error', failAll);
    w.on('exit', (code) => failAll(new ActivityWriteError('ERR_WORKER_EXIT', `activity worker exited (${code})`)));
    this.worker = w;
    return w;
  }
}
