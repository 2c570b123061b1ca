import type { Alert } from './alerts';
import type { Actor, Patient } from './patient';
import { addMonths } from './retention';

/**
 * The access journal (LRSSS art. 103): who was shown which patients' information, when, how and
 * where. A record names patients by id and team number only, never clinical content, and is
 * never edited: only the retention purge removes it once the team's journal retention is over.
 */

/** What was done with the information. */
export const ACCESS_KINDS = [
  'patientShown',
  'formOpened',
  'historyViewed',
  'listViewed',
  'releve',
  'export',
  'import',
  'alertPosted',
  'journalViewed',
] as const;
export type AccessKind = (typeof ACCESS_KINDS)[number];

/** Where the person saw it: a team channel, a group chat, the personal chat with the bot, or a command-line tool. */
export type AccessPlace = 'channel' | 'groupChat' | 'personalChat' | 'tool';

export interface AccessedPatient {
  id: string;
  number: number;
}

export interface AccessRecord {
  id: string;
  /** UTC, ISO 8601. */
  at: string;
  /** The person (Entra object id, display name at the time). */
  by: Actor;
  kind: AccessKind;
  where: { place: AccessPlace; id?: string };
  patients: AccessedPatient[];
  /** A communication's recipients (an alert's mentioned people). */
  to?: Actor[];
  /** Whose access journal was looked at (`journal @person`). */
  subject?: Actor;
}

/** Default journal retention: 5 years, the establishment's decision (a team setting changes it). */
export const DEFAULT_JOURNAL_RETENTION_MONTHS = 60;
export const JOURNAL_RETENTION_MIN = 12;
export const JOURNAL_RETENTION_MAX = 240;

export function accessedPatients(patients: ReadonlyArray<Pick<Patient, 'id' | 'number'>>): AccessedPatient[] {
  const seen = new Set<string>();
  return patients.flatMap((p) => (seen.has(p.id) ? [] : (seen.add(p.id), [{ id: p.id, number: p.number }])));
}

export function accessRecord(
  id: string,
  at: Date,
  by: Actor,
  kind: AccessKind,
  where: AccessRecord['where'],
  patients: ReadonlyArray<Pick<Patient, 'id' | 'number'>>,
  extra: Pick<AccessRecord, 'to' | 'subject'> = {},
): AccessRecord {
  // Only the stable id and the display name: the Teams MRI says nothing more about who it was.
  const person = (actor: Actor): Actor => ({ id: actor.id, name: actor.name });
  return {
    id,
    at: at.toISOString(),
    by: person(by),
    kind,
    where,
    patients: accessedPatients(patients),
    ...(extra.to && { to: extra.to.map(person) }),
    ...(extra.subject && { subject: person(extra.subject) }),
  };
}

/** A display needs a record when it shows patients; looking at a journal always does (it shows who did what). */
export function needsRecord(kind: AccessKind, patients: readonly unknown[]): boolean {
  return patients.length > 0 || kind === 'journalViewed';
}

/** An alert put in the outbox is a communication of the patient's changes to the mentioned people. */
export function alertAccess(id: string, alert: Alert, by: Actor, at: Date): AccessRecord {
  return accessRecord(id, at, by, 'alertPosted', { place: 'channel' }, [{ id: alert.patientId, number: alert.patientNumber }], { to: alert.mentions });
}

/** Records older than this instant are past the journal retention (calendar months, as for patients). */
export function journalCutoff(now: Date, retentionMonths: number): Date {
  return addMonths(now, -retentionMonths);
}

/** One page of journal records, newest first; `nextKey` continues to older ones. */
export interface AccessPage {
  records: AccessRecord[];
  nextKey?: string;
}

/** The patient as the records name it (id and number), for the record of looking at its journal. */
export function patientNamed(records: AccessRecord[], number: number): AccessedPatient[] {
  const named = records.flatMap((r) => r.patients).find((p) => p.number === number);
  return named ? [named] : [];
}

/** Whose accesses a page shows: those to one patient (by team number), or those by one person. */
export type AccessQuery = { patientNumber: number } | { actorId: string };
