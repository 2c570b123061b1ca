import { createHash, randomUUID } from 'node:crypto';
import { type AlertPolicy, DEFAULT_ALERT_POLICY, joinsAlert, mergeIntoAlert, needsAlert, newAlert } from './alerts';
import { AlreadyExistsError, ConcurrentEditError, DomainError, DuplicatePatientError } from './errors';
import { diffPatients, type HistoryAction, type HistoryRecord } from './history';
import { type AccessedPatient, alertAccess } from './journal';
import {
  type Actor,
  countsDelta,
  type FlagLevel,
  isFollowing,
  type EditableField,
  type InactiveReason,
  type Note,
  type Patient,
  patientIdOf,
  RECENT_NOTES_KEPT,
  validateField,
  validateFields,
  validateName,
  validateFlagReason,
  validateInactiveComment,
  validateNote,
  withFollower,
  withoutFollower,
} from './patient';
import type { ListFilter, PageCursor, PatientPage, PatientRepository, Versioned, WriteExtras } from './ports';
import { fold } from './text';

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export type Resolution =
  | { kind: 'found'; patient: Patient; etag?: string }
  | { kind: 'none' }
  | { kind: 'many'; candidates: Patient[] };

/** A validated row of the establishment's file. */
export interface ImportedPatient {
  name: string;
  fields: Partial<Record<EditableField, string>>;
  status: Patient['status'];
  inactive?: Patient['inactive'];
}

export interface MutationResult {
  patient: Patient;
  changed: boolean;
}

/** Where a change comes from: a typed command retries on fresh data; a card knows the version it showed. */
export interface ChangeOrigin {
  expectedVersion?: number;
  /** Id the card generated once, so that the same form submitted twice does one thing. */
  requestId?: string;
  /** The person saw that the team already has this patient and adds it anyway. */
  allowDuplicate?: boolean;
  /** The patient as this turn just read it: the first attempt starts from it instead of reading again. */
  current?: Versioned<Patient>;
}

export const CHOICE_LIMIT = 8;
/** Enough for 50 writers on one patient from two instances (measured, README "Concurrent edits"). */
const WRITE_ATTEMPTS = 30;

export interface PatientServiceOptions {
  clock?: Clock;
  alertPolicy?: AlertPolicy;
  /** Told after a write that put an alert in the outbox, so that it is sent right away. */
  onAlert?: (teamId: string) => void;
}

export class PatientService {
  private readonly clock: Clock;
  private readonly alertPolicy: AlertPolicy;
  private readonly onAlert: (teamId: string) => void;

  constructor(
    private readonly repo: PatientRepository,
    options: PatientServiceOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.alertPolicy = options.alertPolicy ?? DEFAULT_ALERT_POLICY;
    this.onAlert = options.onAlert ?? (() => undefined);
  }

  async add(
    teamId: string,
    actor: Actor,
    input: { name: string; fields?: Partial<Record<EditableField, string>> },
    origin: ChangeOrigin = {},
  ): Promise<MutationResult> {
    const today = this.clock.now();
    const name = validateName(input.name);
    const fields = validateFields(input.fields ?? {}, today);
    const requestKey = origin.requestId ? idFromRequest(teamId, origin.requestId) : undefined;
    if (requestKey) {
      const existing = await this.repo.createdByRequest(teamId, requestKey);
      if (existing) return { patient: existing.value, changed: false };
    }
    if (!origin.allowDuplicate) {
      const [duplicate] = await this.duplicatesOf(teamId, name, fields.fileNumber);
      if (duplicate) throw new DuplicatePatientError(duplicate, fields.fileNumber !== undefined && duplicate.fileNumber === fields.fileNumber);
    }
    const number = await this.repo.allocateNumber(teamId);
    const stamp = { by: actor, at: today.toISOString() };
    const patient: Patient = {
      id: patientIdOf(teamId, number),
      teamId,
      number,
      name,
      ...fields,
      status: 'active',
      followers: [],
      followerIds: [],
      recentNotes: [],
      noteCount: 0,
      created: stamp,
      updated: stamp,
      version: 1,
    };
    const history = historyRecord(patient.id, actor, stamp.at, 'create', diffPatients(undefined, patient));
    try {
      return { patient: (await this.repo.create(patient, { history, requestKey })).value, changed: true };
    } catch (error) {
      if (!(error instanceof AlreadyExistsError) || !requestKey) throw error;
      const existing = await this.repo.createdByRequest(teamId, requestKey);
      if (!existing) throw error;
      return { patient: existing.value, changed: false };
    }
  }

  /** `#12` / `12` is a number; anything else is a part of the name, accents and case ignored. */
  async resolve(teamId: string, ref: string): Promise<Resolution> {
    const number = /^#?\s*(\d{1,9})$/.exec(ref.trim());
    if (number) {
      const found = await this.repo.findByNumber(teamId, Number(number[1]));
      return found ? { kind: 'found', patient: found.value, etag: found.etag } : { kind: 'none' };
    }
    const part = fold(ref);
    if (!part) return { kind: 'none' };
    const candidates = await this.repo.findByNamePart(teamId, part, CHOICE_LIMIT + 1);
    if (candidates.length === 0) return { kind: 'none' };
    const exact = candidates.filter((p) => fold(p.name) === part);
    if (exact.length === 1 && exact[0]) return { kind: 'found', patient: exact[0] };
    if (candidates.length === 1 && candidates[0]) return { kind: 'found', patient: candidates[0] };
    return { kind: 'many', candidates: candidates.slice(0, CHOICE_LIMIT) };
  }

  async get(teamId: string, id: string): Promise<Patient> {
    return (await this.read(teamId, id)).value;
  }

  /**
   * Patients the team already has under this name (accents, case and spacing ignored) or this
   * file number: adding one of them again is most often a mistake, so `add` asks first.
   */
  private async duplicatesOf(teamId: string, name: string, fileNumber?: string): Promise<Patient[]> {
    const folded = fold(name);
    const [byName, byFile] = await Promise.all([
      folded ? this.repo.findByNamePart(teamId, folded, CHOICE_LIMIT + 1) : Promise.resolve([]),
      fileNumber?.trim() ? this.repo.findByFileNumber(teamId, fileNumber.trim(), CHOICE_LIMIT) : Promise.resolve([]),
    ]);
    const found = [...byFile, ...byName.filter((p) => fold(p.name) === folded)];
    return found.filter((p, i) => found.findIndex((q) => q.id === p.id) === i);
  }

  list(teamId: string, filter: ListFilter, cursor: PageCursor, pageSize: number): Promise<PatientPage> {
    return this.repo.listPage(teamId, filter, cursor, pageSize);
  }

  async setField(
    teamId: string,
    actor: Actor,
    patientId: string,
    field: EditableField,
    raw: string,
    origin: ChangeOrigin = {},
  ): Promise<MutationResult> {
    const value = validateField(field, raw, this.clock.now());
    return this.mutate(teamId, actor, patientId, origin, 'update', (p) => (p[field] === value ? null : { ...p, [field]: value }));
  }

  /** A Teams user named as responsible clinician also follows the patient (and gets its alerts). */
  async assignClinician(teamId: string, actor: Actor, patientId: string, clinician: Actor, origin: ChangeOrigin = {}): Promise<MutationResult> {
    const name = validateField('clinician', clinician.name, this.clock.now());
    return this.mutate(teamId, actor, patientId, origin, 'update', (p) => {
      const next = withFollower({ ...p, clinician: name }, clinician);
      return next.clinician === p.clinician && next.followers === p.followers ? null : next;
    });
  }

  /** The Edit form: name and every field at once; fields left empty are cleared. */
  async updateDetails(
    teamId: string,
    actor: Actor,
    patientId: string,
    input: { name: string; fields: Partial<Record<EditableField, string>> },
    origin: ChangeOrigin = {},
  ): Promise<MutationResult> {
    const today = this.clock.now();
    const name = validateName(input.name);
    const fields = validateFields(input.fields, today);
    return this.mutate(teamId, actor, patientId, origin, 'update', (p) => {
      const next: Patient = { ...p, name };
      for (const field of Object.keys(input.fields) as EditableField[]) next[field] = fields[field];
      return diffPatients(p, next).length === 0 ? null : next;
    });
  }

  async addNote(
    teamId: string,
    actor: Actor,
    patientId: string,
    raw: string,
    origin: ChangeOrigin = {},
  ): Promise<MutationResult> {
    const text = validateNote(raw);
    const noteId = origin.requestId ? idFromRequest(teamId, origin.requestId) : randomUUID();
    // A note is additive: a card that went stale meanwhile still adds it, so no version check.
    try {
      return await this.mutate(teamId, actor, patientId, { current: origin.current }, 'note', (p) => p, (p, at) => ({
        id: noteId,
        patientId: p.id,
        text,
        by: actor,
        at,
      }));
    } catch (error) {
      if (error instanceof AlreadyExistsError) throw new DomainError('alreadySaved');
      throw error;
    }
  }

  async setInactive(
    teamId: string,
    actor: Actor,
    patientId: string,
    reason: InactiveReason,
    origin: ChangeOrigin & { comment?: string } = {},
  ): Promise<MutationResult> {
    const comment = validateInactiveComment(origin.comment);
    const inactive = (since: string) => ({ reason, since, ...(comment && { comment }) });
    return this.mutate(teamId, actor, patientId, origin, 'status', (p, at) => {
      if (p.status === 'inactive') {
        if (p.inactive?.reason === reason && p.inactive.comment === comment) throw new DomainError('alreadyInactive');
        return { ...p, inactive: inactive(p.inactive?.since ?? at) };
      }
      return { ...p, status: 'inactive', inactive: inactive(at) };
    });
  }

  async setActive(teamId: string, actor: Actor, patientId: string, origin: ChangeOrigin = {}): Promise<MutationResult> {
    return this.mutate(teamId, actor, patientId, origin, 'status', (p) => {
      if (p.status === 'active') throw new DomainError('alreadyActive');
      const { inactive: _left, ...rest } = p;
      return { ...rest, status: 'active' };
    });
  }

  /**
   * The team's start-up import: numbers allocated in one block, in file order, each patient with
   * a history record "imported" by the person (or tool) that ran it. Rows arrive validated.
   */
  async importPatients(teamId: string, by: Actor, rows: ImportedPatient[]): Promise<AccessedPatient[]> {
    if (rows.length === 0) return [];
    const at = this.clock.now().toISOString();
    const last = await this.repo.allocateNumbers(teamId, rows.length);
    const entries = rows.map((row, index) => {
      const number = last - rows.length + 1 + index;
      const patient: Patient = {
        id: patientIdOf(teamId, number),
        teamId,
        number,
        name: row.name,
        ...row.fields,
        status: row.status,
        ...(row.inactive && { inactive: row.inactive }),
        followers: [],
        followerIds: [],
        recentNotes: [],
        noteCount: 0,
        created: { by, at },
        updated: { by, at },
        version: 1,
      };
      return { patient, history: historyRecord(patient.id, by, at, 'import', diffPatients(undefined, patient)) };
    });
    await this.repo.createMany(teamId, entries);
    await this.repo.recordImport(teamId, { at, count: rows.length, by: by.name });
    return entries.map(({ patient }) => ({ id: patient.id, number: patient.number }));
  }

  all(teamId: string): Promise<Patient[]> {
    return this.repo.all(teamId);
  }

  lastImport(teamId: string) {
    return this.repo.lastImport(teamId);
  }

  /** Whoever flags a patient follows it. */
  async flag(
    teamId: string,
    actor: Actor,
    patientId: string,
    level: FlagLevel,
    rawReason: string,
    origin: ChangeOrigin = {},
  ): Promise<MutationResult> {
    const reason = validateFlagReason(rawReason);
    return this.mutate(teamId, actor, patientId, origin, 'flag', (p, at) => {
      if (p.flag?.level === level && p.flag.reason === reason && isFollowing(p, actor.id)) return null;
      return withFollower({ ...p, flag: { level, reason, by: actor, at } }, actor);
    });
  }

  async unflag(teamId: string, actor: Actor, patientId: string, origin: ChangeOrigin = {}): Promise<MutationResult> {
    return this.mutate(teamId, actor, patientId, origin, 'flag', (p) => {
      if (!p.flag) throw new DomainError('notFlagged');
      const { flag: _removed, ...rest } = p;
      return rest;
    });
  }

  async follow(teamId: string, actor: Actor, patientId: string, origin: ChangeOrigin = {}): Promise<MutationResult> {
    return this.mutate(teamId, actor, patientId, origin, 'follow', (p) => {
      if (isFollowing(p, actor.id)) throw new DomainError('alreadyFollowing');
      return withFollower(p, actor);
    });
  }

  async unfollow(teamId: string, actor: Actor, patientId: string, origin: ChangeOrigin = {}): Promise<MutationResult> {
    return this.mutate(teamId, actor, patientId, origin, 'follow', (p) => {
      if (!isFollowing(p, actor.id)) throw new DomainError('notFollowing');
      return withoutFollower(p, actor.id);
    });
  }

  followedBy(teamId: string, actorId: string, limit: number): Promise<Patient[]> {
    return this.repo.followedBy(teamId, actorId, limit);
  }

  private async read(teamId: string, id: string): Promise<Versioned<Patient>> {
    const found = await this.repo.get(teamId, id);
    if (!found) throw new DomainError('patientNotFound');
    return found;
  }

  /**
   * Applies a change on the latest stored patient, conditional on its ETag. A typed command
   * (no expected version) is re-applied on fresh data when another writer won; a card that
   * showed an older version is refused so that nobody overwrites a change they have not seen.
   */
  private async mutate(
    teamId: string,
    actor: Actor,
    patientId: string,
    origin: ChangeOrigin,
    action: HistoryAction,
    change: (patient: Patient, at: string) => Patient | null,
    makeNote?: (patient: Patient, at: string) => Note,
  ): Promise<MutationResult> {
    let known = origin.current?.value.id === patientId ? origin.current : undefined;
    for (let attempt = 1; ; attempt++) {
      const current = known ?? (await this.read(teamId, patientId));
      known = undefined;
      const now = this.clock.now();
      const at = now.toISOString();
      const changed = change(current.value, at);
      if (changed === null) return { patient: current.value, changed: false };
      if (origin.expectedVersion !== undefined && origin.expectedVersion !== current.value.version) {
        throw new DomainError('patientChanged');
      }
      const note = makeNote?.(current.value, at);
      const next: Patient = {
        ...changed,
        ...(note && {
          recentNotes: [note, ...changed.recentNotes].slice(0, RECENT_NOTES_KEPT),
          noteCount: changed.noteCount + 1,
        }),
        updated: { by: actor, at },
        version: current.value.version + 1,
      };
      const changes = diffPatients(current.value, next);
      if (note) changes.push({ field: 'note', new: note.text });
      const extras: WriteExtras = { note, history: historyRecord(next.id, actor, at, action, changes), countsDelta: countsDelta(current.value, next) };
      const selfFollow = action === 'follow';
      if (needsAlert(current.value, next, changes, actor, selfFollow)) {
        const latest = next.alerting?.latestId ? await this.repo.getAlert(teamId, next.alerting.latestId) : null;
        if (latest && joinsAlert(latest.value, next, now, this.alertPolicy)) {
          extras.mergedAlert = { value: mergeIntoAlert(latest.value, next, changes, actor, now), etag: latest.etag };
        } else {
          extras.newAlert = newAlert(randomUUID(), next, changes, actor, now);
          next.alerting = { latestId: extras.newAlert.id };
        }
        // Posting (or redrawing) the alert communicates the change to the mentioned people.
        extras.access = alertAccess(randomUUID(), (extras.newAlert ?? extras.mergedAlert?.value)!, actor, now);
      }
      try {
        const saved = (await this.repo.replace(next, current.etag, extras)).value;
        if (extras.newAlert || extras.mergedAlert) this.onAlert(teamId);
        return { patient: saved, changed: true };
      } catch (error) {
        if (!(error instanceof ConcurrentEditError)) throw error;
        if (attempt >= WRITE_ATTEMPTS) throw new DomainError('concurrentEdit');
        await pause(attempt);
      }
    }
  }
}

function historyRecord(patientId: string, by: Actor, at: string, action: HistoryAction, changes: HistoryRecord['changes']): HistoryRecord {
  return { id: randomUUID(), patientId, at, by, action, changes };
}

/** The same request in the same team always yields the same id; another team's replay does not collide. */
function idFromRequest(teamId: string, requestId: string): string {
  return createHash('sha256').update(`${teamId}\n${requestId}`).digest('hex').slice(0, 32);
}

/** Full jitter, growing to at most 400 ms: writers that lost together do not collide again. */
function pause(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(400, 10 * 2 ** attempt)));
}
