import type { Note, Patient } from './patient';

/** A stored value with the opaque token that makes the next write conditional on it. */
export interface Versioned<T> {
  value: T;
  etag: string;
}

export const LIST_FILTERS = ['active', 'inactive', 'flagged', 'all'] as const;
export type ListFilter = (typeof LIST_FILTERS)[number];

/** Keyset cursor over the activity order: `after` pages towards older rows, `before` towards newer. */
export type PageCursor = { after: string } | { before: string } | Record<string, never>;

export interface PatientPage {
  patients: Patient[];
  total: number;
  /** Cursor keys of the first and last rows, for the Previous / Next buttons. */
  firstKey?: string;
  lastKey?: string;
  hasNewer: boolean;
  hasOlder: boolean;
}

/**
 * What the domain needs from storage. Every method is scoped to one team (one partition);
 * an implementation must never return another team's document.
 */
export interface PatientRepository {
  /** Next team-scoped patient number, unique under concurrent callers. */
  allocateNumber(teamId: string): Promise<number>;
  /** @throws AlreadyExistsError when the id is taken (a form submitted twice). */
  create(patient: Patient): Promise<Versioned<Patient>>;
  get(teamId: string, id: string): Promise<Versioned<Patient> | null>;
  findByNumber(teamId: string, number: number): Promise<Versioned<Patient> | null>;
  /** Patients whose folded name contains the folded part, at most `limit`. */
  findByNamePart(teamId: string, foldedPart: string, limit: number): Promise<Patient[]>;
  /**
   * Writes the patient if it still has `etag`, with the new note in the same transactional batch.
   * @throws ConcurrentEditError when someone else wrote first.
   * @throws AlreadyExistsError when the note id exists (a note form submitted twice).
   */
  replace(patient: Patient, etag: string, newNote?: Note): Promise<Versioned<Patient>>;
  listPage(teamId: string, filter: ListFilter, cursor: PageCursor, pageSize: number): Promise<PatientPage>;
}
