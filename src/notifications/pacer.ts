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

/**
 * Teams also limits a bot per app and tenant (design for 30 requests/s): a sliding one-second
 * window per tenant, in this process.
 */
export class TenantLimiter {
  private readonly sent = new Map<string, number[]>();

  constructor(private readonly perSecond: number) {}

  /** 0 and the request is counted, or how many ms to wait. */
  reserve(tenant: string, now: number): number {
    const times = (this.sent.get(tenant) ?? []).filter((t) => t > now - 1_000);
    this.sent.set(tenant, times);
    if (times.length >= this.perSecond) return times[times.length - this.perSecond]! + 1_000 - now + 1;
    times.push(now);
    return 0;
  }
}
