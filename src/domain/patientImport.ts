import { diffPatients, historyRecord } from './history';
import type { AccessedPatient } from './journal';
import { type Actor, type EditableField, newPatient, type Patient } from './patient';
import type { PatientRepository } from './ports';

/** A validated row of the establishment's file. */
export interface ImportedPatient {
  name: string;
  fields: Partial<Record<EditableField, string>>;
  status: Patient['status'];
  inactive?: Patient['inactive'];
}

/**
 * The team's start-up import: numbers allocated in one block, in file order, each patient with
 * a history record "imported" by the person (or tool) that ran it. Rows arrive validated.
 */
export async function importPatients(repo: PatientRepository, teamId: string, by: Actor, rows: ImportedPatient[], at: string): Promise<AccessedPatient[]> {
  if (rows.length === 0) return [];
  const last = await repo.allocateNumbers(teamId, rows.length);
  const entries = rows.map((row, index) => {
    const patient = newPatient(teamId, last - rows.length + 1 + index, row, { by, at });
    return { patient, history: historyRecord(patient.id, by, at, 'import', diffPatients(undefined, patient)) };
  });
  await repo.createMany(teamId, entries);
  await repo.recordImport(teamId, { at, count: rows.length, by: by.name });
  return entries.map(({ patient }) => ({ id: patient.id, number: patient.number }));
}
