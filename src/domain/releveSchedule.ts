import { DomainError } from './errors';
import type { ReleveWindow } from './releve';

/** The team's shift changes, in Québec's local time, and the relève posted at each of them. */

export const RELEVE_TIME_ZONE = 'America/Toronto';
export const SHIFT_TIMES_MAX = 6;
const HOUR_MS = 60 * 60 * 1000;
const MINUTE_MS = 60 * 1000;

/** The team's shift changes: local times (HH:MM) and when they were set (no post for earlier ones). */
export interface ShiftSchedule {
  times: string[];
  since: string;
}

/** `07:00 15:00 23:00` (or `7h`, `23h30`): valid, distinct, sorted; `aucune` / `none` is handled by the caller. */
export function parseShiftTimes(words: string[]): string[] {
  if (words.length === 0 || words.length > SHIFT_TIMES_MAX) throw new DomainError('shiftTimesInvalid', { max: SHIFT_TIMES_MAX });
  const times = words.map((word) => {
    const match = /^(\d{1,2})(?:[:h](\d{2})?)?$/i.exec(word.trim());
    const hours = Number(match?.[1]);
    const minutes = Number(match?.[2] ?? 0);
    if (!match || hours > 23 || minutes > 59) throw new DomainError('shiftTimesInvalid', { max: SHIFT_TIMES_MAX });
    return `${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}`;
  });
  return [...new Set(times)].sort();
}

const localParts = new Intl.DateTimeFormat('en-CA', {
  timeZone: RELEVE_TIME_ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
});

/** Local calendar date and time of an instant in Québec, as `YYYY-MM-DD` and `HH:MM`. */
export function localDateTime(at: Date): { date: string; time: string } {
  const parts = Object.fromEntries(localParts.formatToParts(at).map((p) => [p.type, p.value]));
  return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}` };
}

/**
 * The instant a local date and time happens in Québec. A time that does not exist that day (the
 * spring-forward hour) gives the next minute that does; a time that happens twice (the fall-back
 * hour) gives its first occurrence, so a shift change is never counted twice.
 */
export function localInstant(date: string, time: string): Date {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const [hours, minutes] = time.split(':').map(Number) as [number, number];
  // Québec is 4 or 5 hours behind UTC: try both offsets, minute by minute through a gap.
  for (let shift = 0; shift <= 120; shift++) {
    const naive = Date.UTC(year, month - 1, day, hours, minutes + shift);
    const wanted = new Date(naive).toISOString().slice(0, 16);
    const matches = [4, 5]
      .map((offset) => new Date(naive + offset * HOUR_MS))
      .filter((candidate) => {
        const local = localDateTime(candidate);
        return `${local.date}T${local.time}` === wanted;
      });
    if (matches.length > 0) return matches[0]!;
  }
  throw new Error(`no local time near ${date} ${time}`);
}

function addDays(date: string, days: number): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, day + days)).toISOString().slice(0, 10);
}

/** The shift changes from two days before `now` to the day after, in time order, each instant once. */
function shiftChangesAround(now: Date, times: string[]): Date[] {
  const today = localDateTime(now).date;
  const instants = [-2, -1, 0, 1].flatMap((days) => times.map((time) => localInstant(addDays(today, days), time).getTime()));
  return [...new Set(instants)].sort((a, b) => a - b).map((ms) => new Date(ms));
}

/** The latest shift change at or before `now`, and the one before it: the shift that just ended. */
export function endedShift(now: Date, times: string[]): { from: Date; at: Date } | null {
  if (times.length === 0) return null;
  const past = shiftChangesAround(now, times).filter((instant) => instant.getTime() <= now.getTime());
  const at = past[past.length - 1];
  const from = past[past.length - 2];
  return at && from ? { from, at } : null;
}

/**
 * What the scheduler posts now for a team, if anything: the relève of the shift that ended at the
 * latest shift change, as long as that change came after the schedule was set. A bot that was down
 * at the change posts when it comes back during the shift; once the next change has passed, only
 * that one's relève is due.
 */
export function duePost(now: Date, schedule: ShiftSchedule | undefined): { shiftAt: string; window: ReleveWindow } | null {
  if (!schedule || schedule.times.length === 0) return null;
  const shift = endedShift(now, schedule.times);
  if (!shift || shift.at.getTime() < Date.parse(schedule.since)) return null;
  return { shiftAt: shift.at.toISOString(), window: { from: shift.from.toISOString(), to: now.toISOString() } };
}

/** Minutes a claim on a scheduled post lasts before another instance may post it instead. */
export const POST_CLAIM_MS = 5 * MINUTE_MS;

/** A scheduled post of a shift's relève: claimed by one instance, then posted (written conditionally). */
export interface RelevePost {
  shiftAt: string;
  state: 'claimed' | 'posted';
  holder: string;
  /** While claimed, the claim lapses then (the instance crashed): another one may post. */
  until: string;
  activityId?: string;
}
