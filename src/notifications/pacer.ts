import type { RateWindow } from '../domain/ports';

/**
 * Teams' per-conversation limits for bots (product brief): 7 messages a second, 8 in 2 s,
 * 60 in 30 s, 1,800 an hour.
 */
export const TEAMS_CONVERSATION_LIMITS: ReadonlyArray<readonly [windowMs: number, max: number]> = [
  [1_000, 7],
  [2_000, 8],
  [30_000, 60],
  [3_600_000, 1_800],
];

const SHORT_WINDOW_MS = 30_000;
const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

/**
 * The window lives in the conversation's lane document, shared by every instance; per-minute
 * counts cover the hour, and counting a whole minute that only partly overlaps it errs on the safe side.
 */
export const EMPTY_WINDOW: RateWindow = { recent: [], minutes: [] };

/** Teams counts posts as they arrive: a full window is left this much later than the limits alone say. */
export const ARRIVAL_MARGIN_MS = 25;

/** 0 when a send may go now, otherwise how many ms to wait. */
export function paceWait(window: RateWindow, now: number, limits = TEAMS_CONVERSATION_LIMITS, margin = ARRIVAL_MARGIN_MS): number {
  let wait = 0;
  for (const [span, max] of limits) {
    if (span > SHORT_WINDOW_MS) {
      const minutes = window.minutes.filter(([start]) => start + MINUTE_MS > now - span);
      let count = minutes.reduce((sum, [, n]) => sum + n, 0);
      // Drop whole minutes, oldest first, until a send fits: it may go once that minute left the window.
      for (const [start, n] of minutes) {
        if (count < max) break;
        count -= n;
        wait = Math.max(wait, start + MINUTE_MS + span - now + margin);
      }
      continue;
    }
    const inWindow = window.recent.filter((t) => t > now - span);
    if (inWindow.length >= max) wait = Math.max(wait, inWindow[inWindow.length - max]! + span - now + margin);
  }
  return Math.max(0, wait);
}

/** The window with one more send at `now`, older entries dropped. */
export function recordSend(window: RateWindow, now: number): RateWindow {
  const minute = Math.floor(now / MINUTE_MS) * MINUTE_MS;
  const minutes = window.minutes.filter(([start]) => start + MINUTE_MS > now - HOUR_MS);
  const last = minutes.at(-1);
  const counted: RateWindow['minutes'] = last && last[0] === minute ? [...minutes.slice(0, -1), [minute, last[1] + 1]] : [...minutes, [minute, 1]];
  return { recent: [...window.recent.filter((t) => t > now - SHORT_WINDOW_MS), now], minutes: counted };
}

/**
 * The send reserved at `reservedAt` is over at `endedAt`: it reached Teams in between, so later
 * sends are counted from `endedAt` (jitter between the reservation and the arrival cannot squeeze
 * eight posts into a second).
 */
export function settleSend(window: RateWindow, reservedAt: number, endedAt: number): RateWindow {
  const index = window.recent.lastIndexOf(reservedAt);
  if (index < 0) return window;
  return { ...window, recent: [...window.recent.slice(0, index), endedAt, ...window.recent.slice(index + 1)] };
}

/** How often an instance renews its heartbeat document (and counts the live instances). */
export const HEARTBEAT_MS = 2_000;
/** A heartbeat not renewed for this long is an instance gone (dead, or cut off from the store). */
export const INSTANCE_TTL_MS = 6_000;
/** A newcomer next to live instances sends nothing this long: each of them has heartbeat once and counted it. */
export const JOIN_MS = 2 * HEARTBEAT_MS;

/**
 * Teams also limits a bot per app and tenant (design for 30 requests/s), whichever instance sends:
 * each instance takes floor(30 / live instances) in any second, the live ones counted from their
 * heartbeat documents. A send counts from its reservation until one second after its call ended
 * (it reached Teams in between), so one instance's arrivals never exceed its share in any second,
 * and the shares add up to at most 30.
 */
export class TenantLimiter {
  /** Per tenant: when each send stops counting; a call in flight counts until its deadline could end it. */
  private readonly sent = new Map<string, number[]>();
  private live = 1;
  /** Started: its share comes from heartbeats (a dispatcher never started is alone). */
  private counted = false;
  /** Its last heartbeat since it (re)joined; undefined before the first. */
  private beatAt?: number;
  /** From when it takes its share: at once when alone, after JOIN_MS next to others. */
  private sharesFrom = 0;
  private waiters: Array<() => void> = [];

  /** `heartbeatClock`: real time, like the heartbeat's timer (a test's fixed clock would never let a newcomer join). */
  constructor(
    private readonly perSecond: number,
    private readonly callMs: number,
    private readonly heartbeatClock: () => number = Date.now,
  ) {}

  /** This instance's heartbeat was just written, and `live` instances (this one included) are live. */
  heard(live: number): void {
    const now = this.heartbeatClock();
    const rejoined = this.beatAt === undefined || now - this.beatAt > INSTANCE_TTL_MS;
    this.live = Math.max(1, live);
    // Alone, nobody else holds a share to give up; next to others, it waits until they have counted it.
    if (rejoined) this.sharesFrom = this.live === 1 ? now : now + JOIN_MS;
    this.beatAt = now;
    this.wake();
  }

  /** Started or stopped (its heartbeat removed): nothing is sent until a heartbeat joins afresh. */
  unheard(): void {
    this.counted = true;
    this.beatAt = undefined;
    this.wake();
  }

  /** This instance's sends per second for each tenant. */
  share(): number {
    return this.excludedFor() > 0 ? 0 : Math.floor(this.perSecond / this.live);
  }

  /**
   * 0 when it takes its share, otherwise how long it sends nothing at most: until its join is
   * over, or a heartbeat's time when unheard (never, or for a heartbeat past the last one's: its
   * document expires at the TTL, when the others take its share, and what it sent must have
   * arrived and counted its second by then). A heartbeat wakes the waiting sends sooner.
   */
  private excludedFor(): number {
    if (!this.counted) return 0;
    const now = this.heartbeatClock();
    if (this.beatAt === undefined || now - this.beatAt > INSTANCE_TTL_MS - HEARTBEAT_MS) return HEARTBEAT_MS;
    return Math.max(0, this.sharesFrom - now);
  }

  /** 0 and the request is counted (settle it when its call ends), or how many ms to wait at most. */
  reserve(tenant: string, now: number): number {
    const excluded = this.excludedFor();
    if (excluded > 0) return excluded;
    const times = (this.sent.get(tenant) ?? []).filter((t) => t > now);
    this.sent.set(tenant, times);
    if (times.length >= this.share()) return Math.min(...times) - now + 1;
    times.push(now + this.callMs + 1_000);
    return 0;
  }

  /** The call reserved at `reservedAt` ended at `endedAt`: it counts one second more. */
  settle(tenant: string, reservedAt: number, endedAt: number): void {
    const times = this.sent.get(tenant);
    const index = times?.indexOf(reservedAt + this.callMs + 1_000) ?? -1;
    if (times && index >= 0) times[index] = endedAt + 1_000;
    this.wake();
  }

  /** Waits `ms`, or less when a call ends or a heartbeat changes the share (a waiting send may go sooner). */
  pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.waiters.push(done);
    });
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const done of waiters) done();
  }
}
