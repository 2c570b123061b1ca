import type { Patient } from './patient';
import type { PatientRepository } from './ports';
import { fold } from './text';

export type Resolution =
  | { kind: 'found'; patient: Patient; etag?: string }
  | { kind: 'none' }
  | { kind: 'many'; candidates: Patient[] };

export const CHOICE_LIMIT = 8;

/** `#12` / `12` is a number; anything else is a part of the name, accents and case ignored. */
export async function resolvePatient(repo: PatientRepository, teamId: string, ref: string): Promise<Resolution> {
  const number = /^#?\s*(\d{1,9})$/.exec(ref.trim());
  if (number) {
    const found = await repo.findByNumber(teamId, Number(number[1]));
    return found ? { kind: 'found', patient: found.value, etag: found.etag } : { kind: 'none' };
  }
  const part = fold(ref);
  if (!part) return { kind: 'none' };
  const candidates = await repo.findByNamePart(teamId, part, CHOICE_LIMIT + 1);
  if (candidates.length === 0) return { kind: 'none' };
  const exact = candidates.filter((p) => fold(p.name) === part);
  if (exact.length === 1 && exact[0]) return { kind: 'found', patient: exact[0] };
  if (candidates.length === 1 && candidates[0]) return { kind: 'found', patient: candidates[0] };
  return { kind: 'many', candidates: candidates.slice(0, CHOICE_LIMIT) };
}

/**
 * Patients the team already has under this name (accents, case and spacing ignored) or this
 * file number, those with the file number first: adding one of them again is most often a
 * mistake, so `add` asks first. One query for both.
 */
export async function duplicatesOf(repo: PatientRepository, teamId: string, name: string, fileNumber?: string): Promise<Patient[]> {
  const foldedName = fold(name);
  const file = fileNumber?.trim() || undefined;
  const found = await repo.findNamesakes(teamId, { foldedName, fileNumber: file }, CHOICE_LIMIT);
  const sameFile = (p: Patient) => file !== undefined && p.fileNumber === file;
  return [...found.filter(sameFile), ...found.filter((p) => !sameFile(p))];
}
