import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

export interface RedisBusOptions {
  url: string;
  /** Namespace of every key and channel (several deployments may share one Redis). */
  prefix: string;
  onError?: (e: unknown) => void;
}

export interface RedisBusHandlers {
  /** Other nodes changed these sessions: forget them. */
  sessions(ids: readonly string[]): void;
  /** Another node changed a policy or an organization: reload. */
  policies(): void;
  /**
   * The subscription (re)started or was lost: messages may have been missed, so anything
   * cached must be dropped; `up` says whether messages now arrive.
   */
  state(up: boolean): void;
}

/** Ids per message (a mass revocation is split, keeping each message small). */
const IDS_PER_MESSAGE = 500;

type Message = { n: string; s?: string[]; p?: 1 };

/**
 * Cross-node notification over Redis pub/sub: one channel, `<prefix>invalidate`, carrying
 * `{"n": node, "s": [session ids]}` (sessions changed) or `{"n": node, "p": 1}` (policy or
 * organization changed). A node ignores its own messages. Two connections: a subscriber
 * (a subscribed connection can do nothing else) and a publisher. Nothing is stored in Redis.
 *
 * `up` is true only while the subscriber is connected and subscribed: a node that might miss
 * messages must not trust anything it cached (the store reads PostgreSQL meanwhile).
 */
export class RedisBus {
  readonly channel: string;
  private readonly node = randomBytes(8).toString('hex');
  private readonly sub: Redis;
  private readonly pub: Redis;
  private subscribed = false;
  private closed = false;
  private lastError: unknown = null;

  constructor(
    o: RedisBusOptions,
    private readonly h: RedisBusHandlers,
  ) {
    this.channel = `${o.prefix}invalidate`;
    const common = {
      lazyConnect: true,
      // Retry for ever, backing off to 1 s; a down Redis degrades, it never stops the node.
      retryStrategy: (times: number) => Math.min(50 * times, 1000),
      connectTimeout: 2000,
      maxRetriesPerRequest: 1,
    };
    // A publish is never queued while disconnected: a late invalidation is worse than none
    // (the other nodes' subscribers reconnect and clear their caches anyway).
    this.pub = new Redis(o.url, { ...common, enableOfflineQueue: false });
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
    });
    // 'ready' fires after every (re)connection, after ioredis re-subscribed (autoResubscribe).
    this.sub.on('ready', () => {
      if (this.closed) return;
      void this.sub
        .subscribe(this.channel)
        .then(() => this.setUp(true))
        .catch(onError);
    });
    this.sub.on('close', () => this.setUp(false));
    this.sub.on('end', () => this.setUp(false));
  }

  /** Starts connecting; never throws (a Redis that is down now is retried in the background). */
  start(): void {
    this.sub.connect().catch(() => {});
    this.pub.connect().catch(() => {});
  }

  get up(): boolean {
    return this.subscribed && !this.closed;
  }

  /** Resolves when the subscription is active, or false after timeoutMs. */
  async waitUntilUp(timeoutMs: number): Promise<boolean> {
    const until = Date.now() + timeoutMs;
    while (!this.up && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    return this.up;
  }

  private setUp(up: boolean): void {
    if (up === this.subscribed) return;
    this.subscribed = up;
    if (up) this.lastError = null;
    this.h.state(up);
  }

  private receive(raw: string): void {
    let m: Message;
    try {
      m = JSON.parse(raw) as Message;
    } catch {
      return;
    }
    if (m.n === this.node) return;
    if (Array.isArray(m.s)) this.h.sessions(m.s.filter((x) => typeof x === 'string'));
    if (m.p === 1) this.h.policies();
  }

  /** Tells the other nodes these sessions changed (after the change is committed). Best effort. */
  publishSessions(ids: readonly string[]): void {
    for (let i = 0; i < ids.length; i += IDS_PER_MESSAGE) this.send({ n: this.node, s: ids.slice(i, i + IDS_PER_MESSAGE) });
  }

  publishPolicies(): void {
    this.send({ n: this.node, p: 1 });
  }

  private send(m: Message): void {
    if (this.closed || this.pub.status !== 'ready') return;
    this.pub.publish(this.channel, JSON.stringify(m)).catch((e: unknown) => {
      this.lastError = e;
    });
  }

  describeError(): string | null {
    return this.lastError instanceof Error ? this.lastError.message : this.lastError === null ? null : String(this.lastError);
  }

  /** For tests: drop the subscriber's connection as a network failure would (no automatic reconnection). */
  disconnectSubscriber(): void {
    this.sub.disconnect(false);
  }

  /** For tests: connect the subscriber again after disconnectSubscriber. */
  reconnectSubscriber(): void {
    if (!this.closed) this.sub.connect().catch(() => {});
  }

  async close(): Promise<void> {
    this.closed = true;
    this.setUp(false);
    this.sub.disconnect();
    this.pub.disconnect();
  }
}
