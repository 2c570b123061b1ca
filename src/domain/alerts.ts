import type { FieldChange } from './history';
import type { Actor, FlagLevel, Patient } from './patient';

export interface AlertChange extends FieldChange {
  by: Actor;
  at: string;
}

/** pending → sending (claimed by one instance) → sent; or undeliverable (bot removed, conversation gone). */
export type AlertState = 'pending' | 'sending' | 'sent' | 'undeliverable';

/**
 * An alert to post in the team's channel: the outbox record, written in the same batch as the
 * change that causes it, and the card's content. It carries only what the card shows.
 */
export interface Alert {
  id: string;
  patientId: string;
  patientNumber: number;
  patientName: string;
  urgent: boolean;
  /** The patient's flag when the alert was made or last joined: the card shows its level and reason. */
  flag?: { level: FlagLevel; reason: string };
  changes: AlertChange[];
  /** Followers to @mention: everyone following except the people who made the changes. */
  mentions: Actor[];
  createdAt: string;
  dueAt: string;
  state: AlertState;
  attempts: number;
  nextAttemptAt: string;
  /** While `sending`, the instance that claimed it owns it until then. */
  leaseUntil?: string;
  lastError?: string;
  activityId?: string;
  sentAt?: string;
  /** Changes joined the alert after it was posted: the posted card must be redrawn. */
  redraw?: boolean;
  /** `lastAt`: when the latest reminder was posted (no two reminders of a patient in one minute). */
  reminders: { sent: number; nextAt?: string; lastAt?: string };
  acknowledged?: { by: Actor; at: string };
}

export interface AlertPolicy {
  /** Changes closer than this to the previous alert of the patient join one alert. */
  coalesceMs: number;
  reminderIntervalMs: number;
  maxReminders: number;
}

/** Two reminders of one patient are never closer than this, whatever the team's interval. */
export const REMINDER_MIN_GAP_MS = 60_000;

function reminderGap(policy: AlertPolicy): number {
  return Math.max(policy.reminderIntervalMs, REMINDER_MIN_GAP_MS);
}

function flagOf(patient: Patient): Alert['flag'] {
  return patient.flag ? { level: patient.flag.level, reason: patient.flag.reason } : undefined;
}

export const DEFAULT_ALERT_POLICY: AlertPolicy = { coalesceMs: 30_000, reminderIntervalMs: 120_000, maxReminders: 10 };

/**
 * A change concerns the followers when the patient is (or was just) flagged and someone other
 * than the person who made it follows the patient; following oneself alerts nobody.
 */
export function needsAlert(before: Patient, after: Patient, changes: FieldChange[], by: Actor, selfFollow: boolean): boolean {
  if (selfFollow || changes.length === 0 || !(before.flag || after.flag)) return false;
  return after.followers.some((follower) => follower.id !== by.id);
}

function mentionsFor(patient: Patient, changes: AlertChange[]): Actor[] {
  const changers = new Set(changes.map((c) => c.by.id));
  return patient.followers.filter((f) => !changers.has(f.id));
}

function stamped(changes: FieldChange[], by: Actor, at: string): AlertChange[] {
  return changes.map((change) => ({ ...change, by, at }));
}

/**
 * How a change relates to the patient's latest alert. Waiting to be sent: the change joins it.
 * Posted within the window and not acknowledged: the change joins it and the posted card is
 * redrawn (one alert for a burst, not five). Otherwise (being sent right now, older, acknowledged,
 * or the patient just turned urgent) the change makes a new alert.
 */
export function joinsAlert(alert: Alert, patient: Patient, now: Date, policy: AlertPolicy): 'waiting' | 'posted' | null {
  if (alert.state === 'pending') return 'waiting';
  // Turning urgent deserves its own post, with its reminders.
  if (patient.flag?.level === 'urgent' && !alert.urgent) return null;
  const sentAt = alert.sentAt ? Date.parse(alert.sentAt) : Number.NaN;
  if (alert.state === 'sent' && !alert.acknowledged && now.getTime() < sentAt + policy.coalesceMs) return 'posted';
  return null;
}

/** A new alert, sent at once. */
export function newAlert(id: string, patient: Patient, changes: FieldChange[], by: Actor, now: Date): Alert {
  const due = now;
  const alertChanges = stamped(changes, by, now.toISOString());
  return {
    id,
    patientId: patient.id,
    patientNumber: patient.number,
    patientName: patient.name,
    urgent: patient.flag?.level === 'urgent',
    ...(patient.flag && { flag: flagOf(patient) }),
    changes: alertChanges,
    mentions: mentionsFor(patient, alertChanges),
    createdAt: now.toISOString(),
    dueAt: due.toISOString(),
    state: 'pending',
    attempts: 0,
    nextAttemptAt: due.toISOString(),
    reminders: { sent: 0 },
  };
}

/** A change joins the patient's alert (see joinsAlert); a posted one is marked for redrawing. */
export function mergeIntoAlert(alert: Alert, patient: Patient, changes: FieldChange[], by: Actor, now: Date): Alert {
  const all = [...alert.changes, ...stamped(changes, by, now.toISOString())];
  return {
    ...alert,
    patientName: patient.name,
    urgent: alert.urgent || patient.flag?.level === 'urgent',
    ...(patient.flag ? { flag: flagOf(patient) } : {}),
    changes: all,
    mentions: mentionsFor(patient, all),
    ...(alert.state === 'sent' && { redraw: true }),
  };
}

/** After a successful post: an urgent alert is posted again until someone acknowledges it. */
export function markSent(alert: Alert, activityId: string, now: Date, policy: AlertPolicy): Alert {
  const { leaseUntil: _lease, lastError: _error, ...rest } = alert;
  const reminders = alert.urgent && !alert.acknowledged && alert.reminders.sent < policy.maxReminders
    ? { sent: alert.reminders.sent, nextAt: new Date(now.getTime() + reminderGap(policy)).toISOString() }
    : { sent: alert.reminders.sent };
  return { ...rest, state: 'sent', activityId: alert.activityId ?? activityId, sentAt: alert.sentAt ?? now.toISOString(), reminders };
}

export function markReminded(alert: Alert, now: Date, policy: AlertPolicy): Alert {
  const sent = alert.reminders.sent + 1;
  const more = !alert.acknowledged && sent < policy.maxReminders;
  const lastAt = now.toISOString();
  return { ...alert, reminders: more ? { sent, lastAt, nextAt: new Date(now.getTime() + reminderGap(policy)).toISOString() } : { sent, lastAt } };
}

export function acknowledge(alert: Alert, by: Actor, now: Date): Alert {
  if (alert.acknowledged) return alert;
  // A posted card is redrawn neutral, with who and when; one not posted yet goes out that way.
  return { ...stopReminders(alert), acknowledged: { by, at: now.toISOString() }, ...(alert.state === 'sent' && { redraw: true }) };
}

/** A newer alert of the patient took over its reminders: this one stops reminding. */
export function stopReminders(alert: Alert): Alert {
  return { ...alert, reminders: { sent: alert.reminders.sent, ...(alert.reminders.lastAt && { lastAt: alert.reminders.lastAt }) } };
}

/**
 * When this alert next needs the dispatcher (ms since epoch): a send, a lapsed claim, a redraw,
 * a reminder; undefined when nothing is left to do.
 */
export function nextDueAt(alert: Alert): number | undefined {
  if (alert.state === 'pending') return Date.parse(alert.nextAttemptAt);
  if (alert.state === 'sending') return Date.parse(alert.leaseUntil ?? alert.nextAttemptAt);
  if (alert.state === 'sent') {
    if (alert.redraw) return 0;
    if (alert.reminders.nextAt && !alert.acknowledged) return Date.parse(alert.reminders.nextAt);
  }
  return undefined;
}

export function isDue(alert: Alert, now: Date): boolean {
  const at = nextDueAt(alert);
  return at !== undefined && at <= now.getTime();
}

/**
 * The gap still needed before reminding `alert`, given the other alerts of its team: no two
 * reminders of one patient within REMINDER_MIN_GAP_MS.
 */
export function reminderWait(alert: Alert, others: Alert[], now: Date): number {
  const last = Math.max(
    0,
    ...others.filter((o) => o.patientId === alert.patientId && o.reminders.lastAt).map((o) => Date.parse(o.reminders.lastAt!)),
  );
  return Math.max(0, last + REMINDER_MIN_GAP_MS - now.getTime());
}
