import type { InactiveReason, Patient } from './patient';
import type { Versioned } from './ports';

/**
 * Retention purge rules (plain TypeScript). A patient who left for good (discharge, death) is
 * purged once inactive for longer than the team's retention period; temporary leave never is,
 * an active (reactivated) patient never is, and a superuser can exclude one patient.
 */

/** Default retention when a team has no settings yet (the settings default is the same: 2 years). */
export const DEFAULT_RETENTION_MONTHS = 24;

/** Reasons after which a patient is purged; `leave` is temporary and is never purged. */
export const PURGED_REASONS: readonly InactiveReason[] = ['discharge', 'death'];

/** What the rule reads from a patient: a projection is enough, so the store need not load notes. */
export type RetentionView = Pick<Patient, 'status' | 'inactive' | 'purgeExcluded'>;

/**
 * Calendar-month arithmetic in UTC: the same day of the month, clamped to the month's last day
 * (31 March − 1 month = 28 or 29 February), time of day kept.
 */
export function addMonths(date: Date, months: number): Date {
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return new Date(
    Date.UTC(year, month, Math.min(date.getUTCDate(), lastDay), date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds(), date.getUTCMilliseconds()),
  );
}

/** Patients inactive since before this instant have been gone for longer than the retention period. */
export function retentionCutoff(now: Date, retentionMonths: number): Date {
  return addMonths(now, -retentionMonths);
}

/** True when, at `at`, the patient is inactive for discharge or death for longer than the retention, and not excluded. */
export function isDueForPurge(patient: RetentionView, at: Date, retentionMonths: number): boolean {
  if (patient.status !== 'inactive' || !patient.inactive) return false;
  if (!PURGED_REASONS.includes(patient.inactive.reason)) return false;
  if (patient.purgeExcluded === true) return false;
  const since = Date.parse(patient.inactive.since);
  // An unreadable date is never a reason to delete someone's record.
  if (Number.isNaN(since)) return false;
  return since < retentionCutoff(at, retentionMonths).getTime();
}

/** A patient the purge would delete: what the preview shows, and the version the delete is conditional on. */
export interface PurgeCandidate {
  id: string;
  number: number;
  name: string;
  reason: InactiveReason;
  since: string;
  etag: string;
}

/**
 * When runs happen: one per slot of `everyMs`, slots starting at `offsetMs` past the Unix epoch
 * (UTC). The default is daily at 08:00 UTC, 03:00 or 04:00 in Québec, when nobody is on rounds.
 * Every instance computes the same slots, so the next run time is the same whoever runs it.
 */
export interface PurgeSchedule {
  everyMs: number;
  offsetMs: number;
}

export const DAY_MS = 24 * 60 * 60 * 1000;
export const DAILY_PURGE: PurgeSchedule = { everyMs: DAY_MS, offsetMs: 8 * 60 * 60 * 1000 };

/** Start of the slot that contains `now`. */
export function slotStart(now: Date, schedule: PurgeSchedule): Date {
  const elapsed = now.getTime() - schedule.offsetMs;
  return new Date(Math.floor(elapsed / schedule.everyMs) * schedule.everyMs + schedule.offsetMs);
}

/** The current slot has not had its run yet (no run ever, or the last one was in an earlier slot). */
export function isRunDue(now: Date, lastRunAt: string | undefined, schedule: PurgeSchedule): boolean {
  if (!lastRunAt) return true;
  return Date.parse(lastRunAt) < slotStart(now, schedule).getTime();
}

/**
 * When the next run happens: at the next check when the current slot's run is still to do
 * (`checkMs` is how often instances look), otherwise at the start of the next slot.
 */
export function nextRunAt(now: Date, lastRunAt: string | undefined, schedule: PurgeSchedule, checkMs: number): Date {
  if (isRunDue(now, lastRunAt, schedule)) return new Date(now.getTime() + Math.min(checkMs, schedule.everyMs));
  return new Date(slotStart(now, schedule).getTime() + schedule.everyMs);
}

/** One instance at a time runs the purge: it holds this lease until `until` (ISO) or releases it. */
export interface PurgeLease {
  holder: string;
  until: string;
  /** When the last complete run started, whoever ran it. */
  lastRunAt?: string;
}

export function leaseIsFree(lease: PurgeLease | undefined, now: Date): boolean {
  return !lease || Date.parse(lease.until) <= now.getTime();
}

/** A team-level trace of one run: how many patients were purged and when; never who. */
export interface PurgeRun {
  id: string;
  at: string;
  count: number;
}

/** Outcome of deleting one candidate: gone with its records, changed meanwhile (kept), or already gone. */
export type PurgeOutcome = 'purged' | 'changed' | 'gone';

/** What the purge needs from storage. Every method except the lease and `teams` is scoped to one team. */
export interface RetentionRepository {
  /** Teams known to the registry. */
  teams(): Promise<string[]>;
  /** Patients due for purge at `at` under `retentionMonths`, oldest departure first. */
  candidates(teamId: string, at: Date, retentionMonths: number): Promise<PurgeCandidate[]>;
  /**
   * Deletes the patient and every document of its partition that names it (notes, history
   * records, alerts), the patient last, only if the patient still has `etag`.
   */
  purgePatient(teamId: string, patientId: string, etag: string): Promise<PurgeOutcome>;
  recordRun(teamId: string, run: PurgeRun): Promise<void>;
  readLease(): Promise<Versioned<PurgeLease> | null>;
  /** Creates (no etag) or replaces (etag) the lease; null when another instance wrote it first. */
  writeLease(lease: PurgeLease, etag?: string): Promise<Versioned<PurgeLease> | null>;
}
