import { type Api, ApiError, type ConsoleSession } from './api.js';
import { describeDuration } from './units.js';

/**
 * The console's idea of its session. The server decides (the cookie's session ends by the
 * policy); this only wakes up when the idle or absolute deadline should have passed, asks the
 * server without counting as use, and signs out the page if the session has ended.
 */
export class SessionWatch {
  private timer: number | undefined;
  private session: ConsoleSession | null = null;

  constructor(
    private readonly api: Pick<Api, 'currentSession'>,
    private readonly onEnded: (reason: string) => void,
  ) {}

  start(s: ConsoleSession): void {
    this.session = s;
    this.schedule(this.deadline(s));
  }

  stop(): void {
    window.clearTimeout(this.timer);
    this.session = null;
  }

  /** The person did something the server counted as use: the idle deadline moved to now + timeout. */
  used(): void {
    const s = this.session;
    if (!s || s.idleTimeoutSeconds === 0) return;
    const idle = Date.now() + s.idleTimeoutSeconds * 1000;
    this.session = { ...s, idleExpiresAt: new Date(Math.min(idle, Date.parse(s.expiresAt))).toISOString() };
    this.schedule(this.deadline(this.session));
  }

  private deadline(s: ConsoleSession): number {
    const absolute = Date.parse(s.expiresAt);
    return s.idleExpiresAt ? Math.min(absolute, Date.parse(s.idleExpiresAt)) : absolute;
  }

  private schedule(atMs: number): void {
    window.clearTimeout(this.timer);
    // A little after the deadline, so the server has passed it too; timers are capped at ~24 days.
    const wait = Math.min(Math.max(atMs - Date.now() + 1000, 1000), 2 ** 31 - 1);
    this.timer = window.setTimeout(() => void this.check(), wait);
  }

  private async check(): Promise<void> {
    try {
      const s = await this.api.currentSession();
      this.start(s); // still active (used in another tab): wait for the new deadline
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 401)) {
        this.schedule(Date.now() + 30_000); // sessiond unreachable: ask again later
        return;
      }
      const s = this.session;
      this.stop();
      const idle = s ? describeDuration(s.idleTimeoutSeconds) : 'off';
      this.onEnded(
        idle !== 'off' && Date.now() < Date.parse(s?.expiresAt ?? '')
          ? `You were signed out after ${idle} without activity.`
          : 'Your console session has ended.',
      );
    }
  }
}
