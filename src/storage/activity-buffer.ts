/** One pending record of use. */
export interface Activity {
  sessionId: string;
  atMs: number;
  ip: string | null;
}

/**
 * Write-behind of "last active" times: uses are coalesced per session in memory and
 * written in one batch every `flushMs`. Validation never waits for a disk write. If the
 * process dies, stored times are at most `flushMs` old, which can only make a session
 * look idle earlier, never keep it alive longer (see docs/architecture.md).
 */
export class ActivityBuffer {
  private pending = new Map<string, Activity>();
  /** The batch being written: still visible to `peek` until its write is done. */
  private inFlight: Map<string, Activity> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;

  constructor(
    private readonly write: (batch: Activity[]) => Promise<void>,
    private readonly flushMs: number,
    /** Past this many pending sessions a flush starts at once, bounding memory. */
    private readonly maxPending = 50_000,
    private readonly onError: (e: unknown) => void = () => {},
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.flush().catch(this.onError), this.flushMs);
    this.timer.unref();
  }

  record(sessionId: string, atMs: number, ip: string | null): void {
    const prev = this.pending.get(sessionId);
    if (prev) {
      // Updated in place: a pending entry is only ever read (`peek` callers copy what they need),
      // and a batch being written holds entries of the previous map, never of this one.
      if (prev.atMs < atMs) {
        prev.atMs = atMs;
        if (ip !== null) prev.ip = ip;
      }
      return;
    }
    this.pending.set(sessionId, { sessionId, atMs, ip });
    if (this.pending.size >= this.maxPending) void this.flush().catch(this.onError);
  }

  /** The not-yet-written use of a session, if any. */
  peek(sessionId: string): Activity | undefined {
    return this.pending.get(sessionId) ?? this.inFlight?.get(sessionId);
  }

  /** The session with its not-yet-written use applied (the same record when there is none newer). */
  overlay<S extends { id: string; lastActiveAtMs: number; lastIp: string | null }>(s: S): S {
    const a = this.peek(s.id);
    return a && a.atMs > s.lastActiveAtMs ? { ...s, lastActiveAtMs: a.atMs, lastIp: a.ip ?? s.lastIp } : s;
  }

  get size(): number {
    return this.pending.size;
  }

  /** Writes everything pending; concurrent calls share one write. On failure the batch is kept for the next try. */
  async flush(): Promise<void> {
    if (this.flushing) await this.flushing;
    if (this.pending.size === 0) return;
    const taken = this.pending;
    const batch = [...taken.values()];
    this.pending = new Map();
    this.inFlight = taken;
    // A write that throws at once (a worker thread that cannot be started) must keep the batch too;
    // it is still started synchronously, so the batch is on its way before flush() yields.
    let writing: Promise<void>;
    try {
      writing = this.write(batch);
    } catch (e) {
      writing = Promise.reject(e);
    }
    this.flushing = writing
      .catch((e) => {
        for (const a of batch) {
          const now = this.pending.get(a.sessionId);
          if (!now || now.atMs < a.atMs) this.pending.set(a.sessionId, a);
        }
        throw e;
      })
      .finally(() => {
        this.flushing = null;
        this.inFlight = null;
      });
    await this.flushing;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
  }
}
