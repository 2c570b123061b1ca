import { DomainError } from './errors';
import type { HistoryRecord } from './history';
import type { Actor, FlagLevel, InactiveReason, Patient } from './patient';

/**
 * La relève: what changed in a team since a moment, built from the history records (plain
 * TypeScript, no storage). The shift changes and scheduled posts are in releveSchedule.ts, the
 * service and its port in releveService.ts.
 */

/** A person's first relève in a team, and the command without hours, look this far back at most. */
export const FIRST_RELEVE_HOURS = 12;
export const RELEVE_HOURS_MIN = 1;
export const RELEVE_HOURS_MAX = 72;
const HOUR_MS = 60 * 60 * 1000;

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

/** A window the card carries back: the longest one a person can ask for, never reversed. */
export function checkWindow(window: ReleveWindow): ReleveWindow {
  const from = Date.parse(window.from);
  const to = Date.parse(window.to);
  if (Number.isNaN(from) || Number.isNaN(to) || from > to || to - from > (RELEVE_HOURS_MAX + 1) * HOUR_MS) {
    throw new DomainError('releveHoursOutOfRange', { min: RELEVE_HOURS_MIN, max: RELEVE_HOURS_MAX });
  }
  return { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
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
