import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';

export interface RedisBusOptions {
  url: string;
  /** Namespace of every key and channel (several deployments may share one Redis). */
  prefix: string;
  /** A publish not acknowledged by Redis within this (ms) counts as failed (default 250). */
  commandTimeoutMs?: number;
  /** How often this node sends itself a heartbeat through Redis (ms; default HEARTBEAT_MS). */
  heartbeatMs?: number;
  /** Messages count as arriving only while the newest heartbeat back was sent within this (ms; default HEARTBEAT_MAX_AGE_MS). */
  heartbeatMaxAgeMs?: number;
  onError?: (e: unknown) => void;
}

export interface RedisBusHandlers {
  /**
   * Other nodes changed these sessions: forget them. `changing`: told before the change commits
   * (its outcome is not readable yet), and a message without it follows after the commit.
   */
  sessions(ids: readonly string[], changing: boolean): void;
  /** Another node changed a policy or an organization: reload. */
  policies(): void;
  /**
   * Messages started or stopped arriving (subscription made or lost, heartbeat fresh or stale):
   * messages may have been missed or held up, so anything cached must be dropped; `up` says
   * whether messages now arrive.
   */
  state(up: boolean): void;
}

/** Ids per message (a mass revocation is split, keeping each message small). */
const IDS_PER_MESSAGE = 500;
/** How often a node sends itself a heartbeat (ms). */
export const HEARTBEAT_MS = 250;
/** The newest heartbeat back must have been sent within this (ms), or the subscription counts as stalled. */
export const HEARTBEAT_MAX_AGE_MS = 1000;
/** A subscription stalled this long is dropped and made again (a half-open connection never recovers by itself). */
const RESUBSCRIBE_AFTER_MS = 5000;

type Message = { n: string; s?: string[]; w?: 1; p?: 1 };

/**
 * Cross-node notification over Redis pub/sub: one channel, `<prefix>invalidate`, carrying
 * `{"n": node, "s": [session ids]}` (sessions changed), `{"n": node, "s": [ids], "w": 1}` (these
 * sessions are being changed: the change has not committed yet) or `{"n": node, "p": 1}` (policy or
 * organization changed). A node ignores its own messages. Two connections: a subscriber
 * (a subscribed connection can do nothing else) and a publisher. Nothing is stored in Redis.
 *
 * `up` is true only while the subscriber is subscribed **and** the heartbeat is fresh: every
 * HEARTBEAT_MS the node publishes the time (its monotonic clock) on its own channel,
 * `<prefix>heartbeat:<node>`, over the publisher, and hears it back on the subscriber. Redis
 * delivers a subscriber's messages in the order it processed them, so a heartbeat sent at T that
 * came back means every message Redis took before T has been handled here. A Redis or link that
 * stalls without closing anything stops the heartbeats; once the newest one back was sent more
 * than HEARTBEAT_MAX_AGE_MS ago, `up` is false (and `state(false)` is reported) until a fresh one
 * returns. A node that might miss messages must not trust anything it cached.
 */
export class RedisBus {
  readonly channel: string;
  private readonly node = randomBytes(8).toString('hex');
  private readonly heartbeatChannel: string;
  private readonly heartbeatMaxAgeMs: number;
  private readonly sub: Redis;
  private readonly pub: Redis;
  private readonly heartbeatTimer: NodeJS.Timeout;
  private subscribed = false;
  /** When (performance.now()) the newest heartbeat heard back on this subscription was sent. */
  private heartbeatSentAt = Number.NEGATIVE_INFINITY;
  /** When (performance.now()) the subscription was made or last seen up (for RESUBSCRIBE_AFTER_MS). */
  private freshSince = 0;
  /** The last state reported to the handlers. */
  private reported = false;
  private closed = false;
  private lastError: unknown = null;

  constructor(
    o: RedisBusOptions,
    private readonly h: RedisBusHandlers,
  ) {
    this.channel = `${o.prefix}invalidate`;
    this.heartbeatChannel = `${o.prefix}heartbeat:${this.node}`;
    this.heartbeatMaxAgeMs = o.heartbeatMaxAgeMs ?? HEARTBEAT_MAX_AGE_MS;
    const common = {
      lazyConnect: true,
      // Retry for ever, backing off to 1 s; a down Redis degrades, it never stops the node.
      retryStrategy: (times: number) => Math.min(50 * times, 1000),
      connectTimeout: 2000,
      maxRetriesPerRequest: 1,
    };
    // A publish is never queued while disconnected: a late invalidation is worse than none
    // (the other nodes' subscribers reconnect and clear their caches anyway). One not acknowledged
    // in time fails (the caller moves the cache epoch instead).
    this.pub = new Redis(o.url, { ...common, enableOfflineQueue: false, commandTimeout: o.commandTimeoutMs ?? 250 });
    this.sub = new Redis(o.url, { ...common, enableOfflineQueue: true });
    // A down Redis errors on every retry: report the first error of each outage only.
    const onError = (e: unknown) => {
      if (this.lastError === null) o.onError?.(e);
      this.lastError = e;
    };
    this.pub.on('error', onError);
    this.sub.on('error', onError);
    this.sub.on('message', (channel: string, raw: string) => {
      if (channel === this.channel) this.receive(raw);
      else if (channel === this.heartbeatChannel) this.heard(raw);
    });
    // 'ready' fires after every (re)connection, after ioredis re-subscribed (autoResubscribe).
    this.sub.on('ready', () => {
      if (this.closed) return;
      void this.sub
        .subscribe(this.channel, this.heartbeatChannel)
        .then(() => this.setSubscribed(true))
        .catch(onError);
    });
    // The first heartbeat of a subscription made before the publisher was ready.
    this.pub.on('ready', () => {
      if (this.subscribed) this.sendHeartbeat();
    });
    this.sub.on('close', () => this.setSubscribed(false));
    this.sub.on('end', () => this.setSubscribed(false));
    this.heartbeatTimer = setInterval(() => this.beat(), o.heartbeatMs ?? HEARTBEAT_MS);
    this.heartbeatTimer.unref();
  }

  /** Starts connecting; never throws (a Redis that is down now is retried in the background). */
  start(): void {
    this.sub.connect().catch(() => {});
    this.pub.connect().catch(() => {});
  }

  /** Messages arrive: subscribed, and the newest heartbeat back is fresh (cheap: read on every validation). */
  get up(): boolean {
    return this.subscribed && !this.closed && performance.now() - this.heartbeatSentAt <= this.heartbeatMaxAgeMs;
  }

  /** Resolves when the subscription is active, or false after timeoutMs. */
  async waitUntilUp(timeoutMs: number): Promise<boolean> {
    const until = Date.now() + timeoutMs;
    while (!this.up && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    return this.up;
  }

  private setSubscribed(subscribed: boolean): void {
    if (subscribed === this.subscribed) return;
    this.subscribed = subscribed;
    // Only heartbeats heard on this subscription count.
    this.heartbeatSentAt = Number.NEGATIVE_INFINITY;
    this.freshSince = performance.now();
    if (subscribed) this.sendHeartbeat();
    this.report();
  }

  /** Tells the handlers when `up` changed (a stale heartbeat is noticed here, at the latest on the next beat). */
  private report(): void {
    const up = this.up;
    if (up === this.reported) return;
    this.reported = up;
    if (up) this.lastError = null;
    this.h.state(up);
  }

  private beat(): void {
    if (this.closed) return;
    this.report();
    if (!this.subscribed) return;
    const now = performance.now();
    if (this.reported) this.freshSince = now;
    else if (now - this.freshSince > RESUBSCRIBE_AFTER_MS && this.pub.status === 'ready') {
      // Stalled for long: maybe a connection that is dead without knowing it. Make it again.
      this.freshSince = now;
      this.sub.disconnect(true);
      return;
    }
    this.sendHeartbeat();
  }

  private sendHeartbeat(): void {
    if (this.closed || this.pub.status !== 'ready') return;
    this.pub.publish(this.heartbeatChannel, String(performance.now())).catch(() => {});
  }

  private heard(raw: string): void {
    const sentAt = Number(raw);
    // Only this node publishes here, with its own clock; never later than now.
    if (!Number.isFinite(sentAt) || sentAt <= this.heartbeatSentAt) return;
    this.heartbeatSentAt = Math.min(sentAt, performance.now());
    this.report();
  }

  private receive(raw: string): void {
    let m: Message;
    try {
      m = JSON.parse(raw) as Message;
    } catch {
      return;
    }
    if (m.n === this.node) return;
    if (Array.isArray(m.s))
      this.h.sessions(
        m.s.filter((x) => typeof x === 'string'),
        m.w === 1,
      );
    if (m.p === 1) this.h.policies();
  }

  /**
   * Tells the other nodes these sessions changed (`changing`: are being changed, before the
   * commit). True once Redis took every message (it then reaches every subscribed node, or that
   * node's heartbeat goes stale); false when not sent or not acknowledged in time: the caller
   * must then move the cache epoch.
   */
  publishSessions(ids: readonly string[], changing = false): Promise<boolean> {
    const sends: Promise<boolean>[] = [];
    for (let i = 0; i < ids.length; i += IDS_PER_MESSAGE) {
      const s = ids.slice(i, i + IDS_PER_MESSAGE);
      sends.push(this.send(changing ? { n: this.node, s, w: 1 } : { n: this.node, s }));
    }
    return Promise.all(sends).then((ok) => ok.every(Boolean));
  }

  /** Best effort: the policy poll is the fallback. */
  publishPolicies(): void {
    void this.send({ n: this.node, p: 1 });
  }

  private send(m: Message): Promise<boolean> {
    if (this.closed || this.pub.status !== 'ready') return Promise.resolve(false);
    return this.pub.publish(this.channel, JSON.stringify(m)).then(
      () => true,
      (e: unknown) => {
        this.lastError = e;
        return false;
      },
    );
  }

  describeError(): string | null {
    return this.lastError instanceof Error ? this.lastError.message : this.lastError === null ? null : String(this.lastError);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.heartbeatTimer);
    this.setSubscribed(false);
    this.sub.disconnect();
    this.pub.disconnect();
  }
}
