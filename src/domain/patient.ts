import { createHash } from 'node:crypto';
import { DomainError } from './errors';
import { cleanMultiline, cleanText, fold } from './text';

export type PatientStatus = 'active' | 'inactive';
export const INACTIVE_REASONS = ['leave', 'discharge', 'death'] as const;
export type InactiveReason = (typeof INACTIVE_REASONS)[number];
export type FlagLevel = 'attention' | 'urgent';

/**
 * Québec's words for why a patient leaves, folded (no accents, lower case): a « congé » is a
 * discharge (the end of follow-up), an « absence » a temporary leave (hospitalisation, respite). English keeps leave / discharge / death. Stored values do not
 * change: `leave` is and stays the temporary absence.
 */
const REASON_WORDS: Record<string, InactiveReason> = Object.fromEntries<InactiveReason>([
  ['leave', 'leave'], ['absence', 'leave'], ['absence temporaire', 'leave'], ['absent', 'leave'], ['absente', 'leave'],
  ['conge temporaire', 'leave'], ['hospitalise', 'leave'], ['hospitalisee', 'leave'], ['hospitalisation', 'leave'], ['repit', 'leave'],
  ['discharge', 'discharge'], ['discharged', 'discharge'], ['conge', 'discharge'], ['conge definitif', 'discharge'],
  ['fin de suivi', 'discharge'], ['fin du suivi', 'discharge'], ['depart', 'discharge'], ['congedie', 'discharge'], ['congediee', 'discharge'],
  ['death', 'death'], ['deceased', 'death'], ['deces', 'death'], ['decede', 'death'], ['decedee', 'death'],
] as Array<[string, InactiveReason]>);

/** The inactive reason folded words name (`fin de suivi` → discharge), or undefined. */
export function inactiveReasonOf(foldedWords: string): InactiveReason | undefined {
  return Object.hasOwn(REASON_WORDS, foldedWords) ? REASON_WORDS[foldedWords] : undefined;
}

/** The follow-up fields a person can change one at a time (command `set` or the Edit card). */
export const EDITABLE_FIELDS = [
  'room',
  'dateOfBirth',
  'fileNumber',
  'reason',
  'phone',
  'clinician',
  'address',
  'ptiDate',
  'allergy',
  'codeStatus',
  'familyContact',
] as const;
export type EditableField = (typeof EDITABLE_FIELDS)[number];

export const NAME_MAX = 100;
export const NOTE_MAX = 2000;
export const RECENT_NOTES_KEPT = 3;

/** Longest value each field accepts (forms use the same limits). */
export const FIELD_MAX: Record<EditableField, number> = {
  room: 40,
  dateOfBirth: 10,
  fileNumber: 30,
  reason: 500,
  phone: 30,
  clinician: 100,
  address: 200,
  ptiDate: 10,
  allergy: 200,
  codeStatus: 60,
  familyContact: 200,
};

const PHONE_PATTERN = /^[0-9+()\-. ]+(?:(?:x|ext\.?|poste)\s*[0-9]+)?$/i;
const FILE_NUMBER_PATTERN = /^[\p{L}\p{N}][\p{L}\p{N} ./-]*$/u;

export interface Actor {
  /** Stable Teams user id (AAD object id when Teams gives one). */
  id: string;
  name: string;
  /** The Teams user id (29:…) that an @mention needs, when known. */
  mri?: string;
}

export interface Stamp {
  by: Actor;
  at: string;
}

export interface Note {
  id: string;
  patientId: string;
  text: string;
  by: Actor;
  at: string;
}

export interface Flag {
  level: FlagLevel;
  reason: string;
  by: Actor;
  at: string;
}

export type PatientFields = Partial<Record<EditableField, string>>;

export interface Patient extends PatientFields {
  id: string;
  teamId: string;
  /** Team-scoped number shown on every card (#12). */
  number: number;
  name: string;
  status: PatientStatus;
  inactive?: { reason: InactiveReason; since: string; comment?: string };
  flag?: Flag;
  /** People who get alerts about this patient; `followerIds` mirrors their ids for queries. */
  followers: Actor[];
  followerIds: string[];
  /** The patient's latest alert: changes close to it join it instead of making another. */
  alerting?: { latestId: string };
  /** The latest notes, newest first, so the card needs one read; all notes are kept apart. */
  recentNotes: Note[];
  noteCount: number;
  created: Stamp;
  updated: Stamp;
  /** Incremented on every change; a card remembers it to detect that it has gone stale. */
  version: number;
  /** A superuser kept this patient out of the retention purge. */
  purgeExcluded?: boolean;
}

export function validateName(raw: string): string {
  const name = cleanText(raw);
  if (!name) throw new DomainError('nameRequired');
  if (name.length > NAME_MAX) throw new DomainError('nameTooLong', { max: NAME_MAX });
  return name;
}

/** Accepts YYYY-MM-DD (what Input.Date sends and Québec's official format), a real calendar day. */
export function validateDate(raw: string): string {
  const value = raw.trim();
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) throw new DomainError('dateInvalid');
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    throw new DomainError('dateInvalid');
  }
  return value;
}

export function validateDateOfBirth(raw: string, today: Date): string {
  const value = validateDate(raw);
  if (value > today.toISOString().slice(0, 10)) throw new DomainError('dateInFuture');
  if (Number(value.slice(0, 4)) < 1890) throw new DomainError('dateTooOld');
  return value;
}

/** Validates one field's new value; an empty value clears the field (returns undefined). */
export function validateField(field: EditableField, raw: string, today: Date): string | undefined {
  const value = field === 'reason' ? cleanMultiline(raw) : cleanText(raw);
  if (!value) return undefined;
  if (field === 'dateOfBirth') return validateDateOfBirth(value, today);
  if (field === 'ptiDate') return validateDate(value);
  const max = FIELD_MAX[field];
  if (value.length > max) throw new DomainError('valueTooLong', { field, max });
  if (field === 'phone' && !PHONE_PATTERN.test(value)) throw new DomainError('phoneInvalid');
  if (field === 'fileNumber' && !FILE_NUMBER_PATTERN.test(value)) throw new DomainError('valueInvalid', { field });
  return value;
}

export function validateFields(raw: Partial<Record<EditableField, string>>, today: Date): PatientFields {
  const fields: PatientFields = {};
  for (const field of EDITABLE_FIELDS) {
    const value = raw[field];
    if (value !== undefined) {
      const clean = validateField(field, value, today);
      if (clean !== undefined) fields[field] = clean;
    }
  }
  return fields;
}

export const FLAG_REASON_MAX = 200;
export const INACTIVE_COMMENT_MAX = 200;

/** An optional word on why the patient left (« hospitalisé à l'HEJ »); empty means none. */
export function validateInactiveComment(raw: string | undefined): string | undefined {
  const comment = cleanText(raw ?? '');
  if (!comment) return undefined;
  if (comment.length > INACTIVE_COMMENT_MAX) throw new DomainError('valueTooLong', { field: 'inactiveComment', max: INACTIVE_COMMENT_MAX });
  return comment;
}

export function validateFlagReason(raw: string): string {
  const reason = cleanText(raw);
  if (!reason) throw new DomainError('flagReasonRequired');
  if (reason.length > FLAG_REASON_MAX) throw new DomainError('valueTooLong', { field: 'flagReason', max: FLAG_REASON_MAX });
  return reason;
}

export function isFollowing(patient: Patient, actorId: string): boolean {
  return patient.followerIds.includes(actorId);
}

export function withFollower(patient: Patient, actor: Actor): Patient {
  if (isFollowing(patient, actor.id)) return patient;
  return { ...patient, followers: [...patient.followers, actor], followerIds: [...patient.followerIds, actor.id] };
}

export function withoutFollower(patient: Patient, actorId: string): Patient {
  if (!isFollowing(patient, actorId)) return patient;
  return {
    ...patient,
    followers: patient.followers.filter((f) => f.id !== actorId),
    followerIds: patient.followerIds.filter((id) => id !== actorId),
  };
}

export function validateNote(raw: string): string {
  const text = cleanMultiline(raw);
  if (!text) throw new DomainError('noteRequired');
  if (text.length > NOTE_MAX) throw new DomainError('noteTooLong', { max: NOTE_MAX });
  return text;
}

/** Folded name used by name-part search, stored beside the name. */
export function searchKey(name: string): string {
  return fold(name);
}

/** Orders by latest activity, newest first, with the number breaking ties. */
export function activityKey(at: string, number: number): string {
  return `${at}#${String(number).padStart(9, '0')}`;
}

/** Rank letters of the list order (read descending): urgent, then attention, then the rest. */
const FLAG_RANK: Record<FlagLevel | 'none', string> = { urgent: 'c', attention: 'b', none: 'a' };

/**
 * The team list's one sort key, read in descending order: urgent patients first, then those to
 * watch, then the others, each group by latest activity. Keys written before the rank existed
 * start with a digit, so they sort after every ranked key until they are re-keyed.
 */
export function listSortKey(patient: Pick<Patient, 'flag' | 'updated' | 'number'>): string {
  return `${FLAG_RANK[patient.flag?.level ?? 'none']}|${activityKey(patient.updated.at, patient.number)}`;
}

/** Whether a stored key predates the flag rank (see listSortKey). */
export function isLegacySortKey(key: string): boolean {
  return !/^[abc]\|/.test(key);
}

/**
 * A patient's id, derived from its team and number: `#12` is then a point read, not a query.
 * Another team's card replayed here names an id that does not exist in this team.
 */
export function patientIdOf(teamId: string, number: number): string {
  return createHash('sha256').update(`${teamId}\n#${number}`).digest('hex').slice(0, 32);
}

/** A patient as first written, under its allocated number: added by someone, or imported from the establishment's file. */
export function newPatient(
  teamId: string,
  number: number,
  input: { name: string; fields: PatientFields; status: PatientStatus; inactive?: Patient['inactive'] },
  created: Stamp,
): Patient {
  return {
    id: patientIdOf(teamId, number),
    teamId,
    number,
    name: input.name,
    ...input.fields,
    status: input.status,
    ...(input.inactive && { inactive: input.inactive }),
    followers: [],
    followerIds: [],
    recentNotes: [],
    noteCount: 0,
    created,
    updated: created,
    version: 1,
  };
}

/** What a patient adds to the list's counts (the filter buttons and the page header). */
export interface ListCounts {
  active: number;
  inactive: number;
  flagged: number;
}

function countsOf(patient: Patient | undefined): ListCounts {
  return {
    active: patient?.status === 'active' ? 1 : 0,
    inactive: patient?.status === 'inactive' ? 1 : 0,
    flagged: patient?.flag ? 1 : 0,
  };
}

/** How a change moves the counts (undefined before: created; undefined after: deleted). */
export function countsDelta(before: Patient | undefined, after: Patient | undefined): ListCounts {
  const [b, a] = [countsOf(before), countsOf(after)];
  return { active: a.active - b.active, inactive: a.inactive - b.inactive, flagged: a.flagged - b.flagged };
}
