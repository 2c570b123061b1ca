import { DomainError } from './errors';
import type { HistoryRecord } from './history';
import type { Actor, FlagLevel, InactiveReason, Patient } from './patient';
import type { Versioned } from './ports';

/**
 * La relève: what changed in a team since a moment, built from the history records (plain
 * TypeScript, no storage). Also the team's shift changes, in Québec's local time.
 */

export const RELEVE_TIME_ZONE = 'America/Toronto';
/** A person's first relève in a team, and the command without hours, look this far back at most. */
export const FIRST_RELEVE_HOURS = 12;
export const RELEVE_HOURS_MIN = 1;
export const RELEVE_HOURS_MAX = 72;
export const SHIFT_TIMES_MAX = 6;
const HOUR_MS = 60 * 60 * 1000;
const MINUTE_MS = 60 * 1000;

/** A window of the team's history: changes at or after `from`, up to and including `to` (ISO). */
export interface ReleveWindow {
  from: string;
  to: string;
}

/** `relève 24h`: the last N hours, N from 1 to 72. */
export function hoursWindow(now: Date, hours: number): ReleveWindow {
  if (!Number.isInteger(hours) || hours < RELEVE_HOURS_MIN || hours > RELEVE_HOURS_MAX) {
    throw new DomainError('releveHoursOutOfRange', { min: RELEVE_HOURS_MIN, max: RELEVE_HOURS_MAX });
  }
  return { from: new Date(now.getTime() - hours * HOUR_MS).toISOString(), to: now.toISOString() };
}

/**
 * `relève`: since the person's last acknowledged relève in this team; the first time (or when
 * that is older than the longest window) the last 12 hours.
 */
export function personalWindow(now: Date, lastAcknowledged: string | undefined): ReleveWindow {
  const longest = now.getTime() - RELEVE_HOURS_MAX * HOUR_MS;
  const since = lastAcknowledged ? Date.parse(lastAcknowledged) : Number.NaN;
  const from = Number.isNaN(since) || since < longest ? now.getTime() - FIRST_RELEVE_HOURS * HOUR_MS : Math.min(since, now.getTime());
  return { from: new Date(from).toISOString(), to: now.toISOString() };
}

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

/** What a relève row shows about a patient now (a projection of the patient document). */
export type RelevePatient = Pick<Patient, 'id' | 'number' | 'name' | 'room' | 'status' | 'inactive' | 'flag'>;

export type ReleveGroup = 'urgent' | 'attention' | 'other';

/** One thing that changed about a patient in the window. */
export type ReleveEvent =
  | { kind: 'created' }
  | { kind: 'inactive'; reason?: InactiveReason | string }
  | { kind: 'reactivated' }
  | { kind: 'flagRaised'; level: FlagLevel | string; reason: string }
  | { kind: 'flagRemoved'; reason?: string }
  | { kind: 'field'; field: string; old?: string; new?: string };

export interface ReleveRow {
  patient: RelevePatient;
  group: ReleveGroup;
  /** An alert about this patient still waits for someone's "Vu". */
  unacknowledged: boolean;
  events: ReleveEvent[];
  notes: { count: number; latest?: { text: string; by: Actor; at: string } };
  /** Who made the changes, most recent first, each once. */
  by: Actor[];
  latestAt: string;
  changes: number;
}

export interface ReleveDigest {
  window: ReleveWindow;
  rows: ReleveRow[];
  /** History records in the window that concern the relève (follows and purge exclusions do not). */
  changes: number;
}

/** Who follows whom, and the purge exclusion, are not clinical news for the next shift. */
const IGNORED_ACTIONS = new Set<HistoryRecord['action']>(['follow', 'purge']);
const IGNORED_FIELDS = new Set(['followers', 'purgeExcluded']);
const GROUP_ORDER: Record<ReleveGroup, number> = { urgent: 0, attention: 1, other: 2 };

function groupOf(patient: RelevePatient): ReleveGroup {
  if (patient.flag?.level === 'urgent') return 'urgent';
  return patient.flag ? 'attention' : 'other';
}

/** A flag as history records it: `level: reason`. */
function splitFlag(value: string): { level: string; reason: string } {
  const at = value.indexOf(': ');
  return at < 0 ? { level: value, reason: '' } : { level: value.slice(0, at), reason: value.slice(at + 2) };
}

/** One patient's records, oldest first, as net changes: a value changed twice shows first old → last new. */
function eventsOf(records: HistoryRecord[]): { events: ReleveEvent[]; notes: ReleveRow['notes'] } {
  const created = records.some((r) => r.action === 'create' || r.action === 'import');
  const net = new Map<string, { old?: string; new?: string }>();
  let notes: ReleveRow['notes'] = { count: 0 };
  for (const record of records) {
    // A new patient's first values are the news "Nouveau"; later changes show as changes.
    if (record.action === 'create' || record.action === 'import') continue;
    for (const change of record.changes) {
      if (IGNORED_FIELDS.has(change.field)) continue;
      if (change.field === 'note') {
        notes = { count: notes.count + 1, latest: { text: change.new ?? '', by: record.by, at: record.at } };
        continue;
      }
      const seen = net.get(change.field);
      net.set(change.field, { old: seen ? seen.old : change.old, new: change.new });
    }
  }
  const events: ReleveEvent[] = created ? [{ kind: 'created' }] : [];
  const status = net.get('status');
  const reason = net.get('inactiveReason');
  if (status && status.old !== status.new) {
    events.push(status.new === 'inactive' ? { kind: 'inactive', reason: reason?.new } : { kind: 'reactivated' });
  } else if (reason && reason.new && reason.old !== reason.new) {
    events.push({ kind: 'inactive', reason: reason.new });
  }
  const flag = net.get('flag');
  if (flag && flag.old !== flag.new) {
    if (flag.new) events.push({ kind: 'flagRaised', ...splitFlag(flag.new) });
    else events.push({ kind: 'flagRemoved', ...(flag.old && { reason: splitFlag(flag.old).reason }) });
  }
  for (const [field, change] of net) {
    if (field === 'status' || field === 'inactiveReason' || field === 'flag' || change.old === change.new) continue;
    events.push({ kind: 'field', field, ...(change.old !== undefined && { old: change.old }), ...(change.new !== undefined && { new: change.new }) });
  }
  return { events, notes };
}

/**
 * The relève of a window: one row per changed patient still in the team, urgent flags first, then
 * attention flags, then the others; within a group, the most recent change first.
 */
export function buildReleve(
  window: ReleveWindow,
  records: HistoryRecord[],
  patients: RelevePatient[],
  unacknowledged: ReadonlySet<string>,
): ReleveDigest {
  const byId = new Map(patients.map((p) => [p.id, p]));
  const perPatient = new Map<string, HistoryRecord[]>();
  let changes = 0;
  for (const record of records) {
    if (IGNORED_ACTIONS.has(record.action) || record.at < window.from || record.at > window.to || !byId.has(record.patientId)) continue;
    changes += 1;
    const list = perPatient.get(record.patientId) ?? [];
    list.push(record);
    perPatient.set(record.patientId, list);
  }
  const rows: ReleveRow[] = [];
  for (const [patientId, list] of perPatient) {
    const patient = byId.get(patientId)!;
    const ordered = [...list].sort((a, b) => a.at.localeCompare(b.at) || a.id.localeCompare(b.id));
    const { events, notes } = eventsOf(ordered);
    const by = new Map<string, Actor>();
    for (const record of [...ordered].reverse()) if (!by.has(record.by.id)) by.set(record.by.id, record.by);
    const group = groupOf(patient);
    rows.push({
      patient,
      group,
      unacknowledged: group === 'urgent' && unacknowledged.has(patientId),
      events,
      notes,
      by: [...by.values()],
      latestAt: ordered[ordered.length - 1]!.at,
      changes: ordered.length,
    });
  }
  rows.sort(
    (a, b) => GROUP_ORDER[a.group] - GROUP_ORDER[b.group] || b.latestAt.localeCompare(a.latestAt) || a.patient.number - b.patient.number,
  );
  return { window, rows, changes };
}

/** The ids of the patients a window's records name (what the row query reads). */
export function patientIdsOf(records: HistoryRecord[]): string[] {
  return [...new Set(records.filter((r) => !IGNORED_ACTIONS.has(r.action)).map((r) => r.patientId))];
}

/** A person took this relève: the start of their next one in this team is where this one ended. */
export interface ReleveAcknowledgement {
  by: Actor;
  at: string;
  window: ReleveWindow;
}

/**
 * Where the next relève starts once a person acknowledged a window: just after its end (a window
 * includes its end), never later than now (card data comes from the client), and never earlier
 * than a later relève they already took (an old post acknowledged late).
 */
export function acknowledgedUpTo(window: ReleveWindow, now: Date, current?: string): string {
  const to = Date.parse(window.to);
  const end = (Number.isNaN(to) ? now.getTime() : Math.min(to, now.getTime())) + 1;
  const already = current ? Date.parse(current) : Number.NaN;
  return new Date(Number.isNaN(already) ? end : Math.max(end, already)).toISOString();
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

/** What the relève needs from storage, one team's partition at a time. */
export interface ReleveRepository {
  /** The team's history records in the window: one query, newest first. */
  historyIn(teamId: string, window: ReleveWindow): Promise<HistoryRecord[]>;
  /** The rows' patients (one query, whatever their number). */
  patients(teamId: string, ids: string[]): Promise<RelevePatient[]>;
  /** Patients with an urgent alert nobody has acknowledged. */
  unacknowledgedAlerts(teamId: string): Promise<Set<string>>;
  /** Where the person's next relève starts in this team. */
  nextStart(teamId: string, actorId: string): Promise<string | undefined>;
  /** Records who took the relève of a window and when, and the start of their next one. */
  acknowledge(teamId: string, acknowledgement: ReleveAcknowledgement, nextStart: string): Promise<void>;
  acknowledgements(teamId: string, window: ReleveWindow): Promise<ReleveAcknowledgement[]>;
  /** Takes the shift's post for this instance; null when it is posted or another instance holds it. */
  claimPost(teamId: string, shiftAt: string, holder: string, now: Date): Promise<Versioned<RelevePost> | null>;
  /** @throws ConcurrentEditError when the claim lapsed and another instance took it. */
  markPosted(teamId: string, post: Versioned<RelevePost>, activityId: string): Promise<void>;
}

/** A window the card carries back: the longest one a person can ask for, never reversed. */
export function checkWindow(window: ReleveWindow): ReleveWindow {
  const from = Date.parse(window.from);
  const to = Date.parse(window.to);
  if (Number.isNaN(from) || Number.isNaN(to) || from > to || to - from > (RELEVE_HOURS_MAX + 1) * HOUR_MS) {
    throw new DomainError('releveHoursOutOfRange', { min: RELEVE_HOURS_MIN, max: RELEVE_HOURS_MAX });
  }
  return { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
}

export interface ReleveView {
  digest: ReleveDigest;
  acknowledgements: ReleveAcknowledgement[];
}

/** The relève on demand, its acknowledgement, and what the scheduled post shows. */
export class ReleveService {
  constructor(
    private readonly repo: ReleveRepository,
    private readonly clock: { now(): Date },
  ) {}

  /** `relève`: since the person's last acknowledged relève in this team (first time: 12 h). */
  async mine(teamId: string, actor: Actor): Promise<ReleveView> {
    return this.view(teamId, personalWindow(this.clock.now(), await this.repo.nextStart(teamId, actor.id)));
  }

  /** `relève 24h`. */
  lastHours(teamId: string, hours: number): Promise<ReleveView> {
    return this.view(teamId, hoursWindow(this.clock.now(), hours));
  }

  /** One query over the window's history, one for its patients, one for open alerts, one for who took it. */
  async view(teamId: string, window: ReleveWindow): Promise<ReleveView> {
    const checked = checkWindow(window);
    const [records, unacknowledged, acknowledgements] = await Promise.all([
      this.repo.historyIn(teamId, checked),
      this.repo.unacknowledgedAlerts(teamId),
      this.repo.acknowledgements(teamId, checked),
    ]);
    const patients = await this.repo.patients(teamId, patientIdsOf(records));
    return { digest: buildReleve(checked, records, patients, unacknowledged), acknowledgements };
  }

  /** « Pris connaissance »: the person's next relève starts where this one ends. */
  async acknowledge(teamId: string, actor: Actor, window: ReleveWindow): Promise<ReleveView> {
    const checked = checkWindow(window);
    const now = this.clock.now();
    const current = await this.repo.nextStart(teamId, actor.id);
    await this.repo.acknowledge(teamId, { by: actor, at: now.toISOString(), window: checked }, acknowledgedUpTo(checked, now, current));
    return this.view(teamId, checked);
  }
}
