import { randomUUID } from 'node:crypto';
import { type Actor, EDITABLE_FIELDS, type Patient } from './patient';

export type HistoryAction = 'create' | 'update' | 'note' | 'status' | 'flag' | 'follow' | 'import' | 'purge';

export interface FieldChange {
  field: string;
  old?: string;
  new?: string;
}

/** One change to a patient, kept in the team's partition, written with the change itself. */
export interface HistoryRecord {
  id: string;
  patientId: string;
  at: string;
  by: Actor;
  action: HistoryAction;
  changes: FieldChange[];
}

/** The values a person can see change, as text, for the history and the alerts. */
function traced(patient: Patient | undefined): Record<string, string | undefined> {
  if (!patient) return {};
  const values: Record<string, string | undefined> = { name: patient.name, status: patient.status };
  for (const field of EDITABLE_FIELDS) values[field] = patient[field];
  values.inactiveReason = patient.inactive?.reason;
  values.inactiveComment = patient.inactive?.comment;
  values.flag = patient.flag ? `${patient.flag.level}: ${patient.flag.reason}` : undefined;
  values.followers = patient.followers.map((f) => f.name).join(', ') || undefined;
  return values;
}

export function diffPatients(before: Patient | undefined, after: Patient): FieldChange[] {
  const old = traced(before);
  const now = traced(after);
  return Object.keys(now)
    .filter((field) => old[field] !== now[field])
    .map((field) => ({ field, ...(old[field] !== undefined && { old: old[field] }), ...(now[field] !== undefined && { new: now[field] }) }));
}

export function historyRecord(patientId: string, by: Actor, at: string, action: HistoryAction, changes: FieldChange[]): HistoryRecord {
  return { id: randomUUID(), patientId, at, by, action, changes };
}
