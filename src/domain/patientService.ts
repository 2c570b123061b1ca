import { randomUUID } from 'node:crypto';
import { type AlertPolicy, DEFAULT_ALERT_POLICY } from './alerts';
import { type Clock, systemClock } from './clock';
import { AlreadyExistsError, DomainError, DuplicatePatientError } from './errors';
import { diffPatients, type HistoryAction, historyRecord } from './history';
import type { AccessedPatient } from './journal';
import {
  type Actor,
  type FlagLevel,
  isFollowing,
  type EditableField,
  type InactiveReason,
  newPatient,
  type Patient,
  validateField,
  validateFields,
  validateName,
  validateFlagReason,
  validateInactiveComment,
  validateNote,
  withFollower,
  withoutFollower,
} from './patient';
import { applyChange, type ChangeContext, type ChangeOrigin, idFromRequest, type MutationResult, type PatientChange, readPatient } from './patientChange';
import { type ImportedPatient, importPatients } from './patientImport';
import { duplicatesOf, type Resolution, resolvePatient } from './patientLookup';
import type { ListCounts, ListFilter, PageCursor, PatientPage, PatientRepository } from './ports';

export interface PatientServiceOptions {
  clock?: Clock;
  alertPolicy?: AlertPolicy;
  /** Told after a write that put an alert in the outbox, so that it is sent right away. */
  onAlert?: (teamId: string) => void;
}

export class PatientService {
  private readonly clock: Clock;
  private readonly changes: ChangeContext;

  constructor(
    private readonly repo: PatientRepository,
    options: PatientServiceOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.changes = {
      repo,
      clock: this.clock,
      alertPolicy: options.alertPolicy ?? DEFAULT_ALERT_POLICY,
      onAlert: options.onAlert ?? (() => undefined),
    };
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
      const [duplicate] = await duplicatesOf(this.repo, teamId, name, fields.fileNumber);
      if (duplicate) throw new DuplicatePatientError(duplicate, fields.fileNumber !== undefined && duplicate.fileNumber === fields.fileNumber);
    }
    const number = await this.repo.allocateNumber(teamId);
    const stamp = { by: actor, at: today.toISOString() };
    const patient = newPatient(teamId, number, { name, fields, status: 'active' }, stamp);
    const history = historyRecord(patient.id, actor, stamp.at, 'create', diffPatients(undefined, patient));
    try {
      return { patient: (await this.repo.create(patient, { history, requestKey, access: origin.access?.(patient) })).value, changed: true };
    } catch (error) {
      if (!(error instanceof AlreadyExistsError) || !requestKey) throw error;
      const existing = await this.repo.createdByRequest(teamId, requestKey);
      if (!existing) throw error;
      return { patient: existing.value, changed: false };
    }
  }

  resolve(teamId: string, ref: string): Promise<Resolution> {
    return resolvePatient(this.repo, teamId, ref);
  }

  async get(teamId: string, id: string): Promise<Patient> {
    return (await readPatient(this.repo, teamId, id)).value;
  }

  /** The filter buttons' counts, for a card that shows them without a list page (the patients I follow). */
  counts(teamId: string): Promise<ListCounts> {
    return this.repo.counts(teamId);
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
      return await this.mutate(teamId, actor, patientId, { current: origin.current }, 'note', (p) => p, {
        note: (p, at) => ({ id: noteId, patientId: p.id, text, by: actor, at }),
      });
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

  /** The team's start-up import (see importPatients). */
  importPatients(teamId: string, by: Actor, rows: ImportedPatient[]): Promise<AccessedPatient[]> {
    return importPatients(this.repo, teamId, by, rows, this.clock.now().toISOString());
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

  /**
   * Keeps the patient out of every later purge (the caller checked that a superuser asks):
   * conditional on the ETag like any change, so a purge that already read the patient leaves it.
   */
  excludeFromPurge(teamId: string, actor: Actor, patientId: string): Promise<MutationResult> {
    return this.mutate(teamId, actor, patientId, {}, 'purge', (p) => (p.purgeExcluded === true ? null : { ...p, purgeExcluded: true }), {
      recorded: [{ field: 'purgeExcluded', new: 'true' }],
    });
  }

  followedBy(teamId: string, actorId: string, limit: number): Promise<Patient[]> {
    return this.repo.followedBy(teamId, actorId, limit);
  }

  private mutate(
    teamId: string,
    actor: Actor,
    patientId: string,
    origin: ChangeOrigin,
    action: HistoryAction,
    change: PatientChange['change'],
    more: Pick<PatientChange, 'note' | 'recorded'> = {},
  ): Promise<MutationResult> {
    return applyChange(this.changes, { teamId, actor, patientId, origin, action, change, ...more });
  }
}
