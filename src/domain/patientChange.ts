import { createHash, randomUUID } from 'node:crypto';
import { type AlertPolicy, needsAlert } from './alerts';
import type { Clock } from './clock';
import { conditionalWrite, type ConflictPolicy, jitteredPause } from './conditionalWrite';
import { DomainError } from './errors';
import { diffPatients, type FieldChange, type HistoryAction, historyRecord } from './history';
import type { AccessRecord } from './journal';
import { planAlert } from './outbox';
import { type Actor, countsDelta, type Note, type Patient, RECENT_NOTES_KEPT } from './patient';
import type { PatientRepository, Versioned, WriteExtras } from './ports';

/**
 * The one write path of an existing patient: read, apply, write conditional on the ETag with its
 * history record, note, alert and counts in one batch, retry on a concurrent writer.
 */

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
  /** The journal record of showing the patient created, written in its creation batch. */
  access?: (patient: Patient) => AccessRecord;
}

/** What every change of a patient needs besides the change itself. */
export interface ChangeContext {
  repo: PatientRepository;
  clock: Clock;
  alertPolicy: AlertPolicy;
  /** Told after a write that put an alert in the outbox, so that it is sent right away. */
  onAlert: (teamId: string) => void;
}

export interface PatientChange {
  teamId: string;
  actor: Actor;
  patientId: string;
  origin: ChangeOrigin;
  action: HistoryAction;
  /** The patient changed, or null when there is nothing to change. */
  change: (patient: Patient, at: string) => Patient | null;
  note?: (patient: Patient, at: string) => Note;
  /** Changes kept in the history record only, that no alert announces. */
  recorded?: FieldChange[];
}

/** Enough for 50 writers on one patient from two instances (measured, README "Concurrent edits"). */
const WRITE_CONFLICTS: ConflictPolicy = { attempts: 30, pause: jitteredPause(400) };

export async function readPatient(repo: PatientRepository, teamId: string, id: string): Promise<Versioned<Patient>> {
  const found = await repo.get(teamId, id);
  if (!found) throw new DomainError('patientNotFound');
  return found;
}

/**
 * Applies a change on the latest stored patient, conditional on its ETag. A typed command
 * (no expected version) is re-applied on fresh data when another writer won; a card that
 * showed an older version is refused so that nobody overwrites a change they have not seen.
 */
export function applyChange(context: ChangeContext, request: PatientChange): Promise<MutationResult> {
  const { repo, clock } = context;
  const { teamId, actor, patientId, origin, action } = request;
  const known = origin.current?.value.id === patientId ? origin.current : undefined;
  return conditionalWrite(WRITE_CONFLICTS, () => readPatient(repo, teamId, patientId), async (current): Promise<MutationResult> => {
    const now = clock.now();
    const at = now.toISOString();
    const changed = request.change(current.value, at);
    if (changed === null) return { patient: current.value, changed: false };
    if (origin.expectedVersion !== undefined && origin.expectedVersion !== current.value.version) {
      throw new DomainError('patientChanged');
    }
    const note = request.note?.(current.value, at);
    let next: Patient = {
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
    let extras: WriteExtras = { note, countsDelta: countsDelta(current.value, next) };
    if (needsAlert(current.value, next, changes, actor, action === 'follow')) {
      const latest = next.alerting?.latestId ? await repo.getAlert(teamId, next.alerting.latestId) : null;
      const { patient, ...outbox } = planAlert(next, latest, changes, actor, now, context.alertPolicy, { alert: randomUUID(), access: randomUUID() });
      next = patient;
      extras = { ...extras, ...outbox };
    }
    extras.history = historyRecord(next.id, actor, at, action, [...changes, ...(request.recorded ?? [])]);
    const saved = (await repo.replace(next, current.etag, extras)).value;
    if (extras.newAlert || extras.mergedAlert) context.onAlert(teamId);
    return { patient: saved, changed: true };
  }, known);
}

/** The same request in the same team always yields the same id; another team's replay does not collide. */
export function idFromRequest(teamId: string, requestId: string): string {
  return createHash('sha256').update(`${teamId}\n${requestId}`).digest('hex').slice(0, 32);
}
