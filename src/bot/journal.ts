import { type AccessKind, type AccessRecord, accessRecord, needsRecord } from '../domain/journal';
import type { Actor, Patient } from '../domain/patient';
import { placeOf } from './activity';
import type { Turn } from './turn';

const JOURNALED = Symbol('journaled');

/** The journal could not be written: the information is not shown (never a domain refusal). */
export class JournalUnavailableError extends Error {
  constructor(cause: unknown) {
    super('access journal unavailable', { cause });
    this.name = 'JournalUnavailableError';
  }
}

/** What the turn's one record covered, and whether a write's batch carried it (see recordInBatch). */
interface Journaled {
  showing: string;
  inBatch: boolean;
}

function showingOf(kind: AccessKind, patients: ReadonlyArray<Pick<Patient, 'id'>>): string {
  return `${kind}:${patients.map((p) => p.id).join(',')}`;
}

/**
 * Call before a reply shows patients' information: writes the turn's one journal record in the
 * team's partition, or throws, and then nothing is shown (no record, no display). A second call
 * in the same turn is a bug in the caller (one record per turn), so it throws too, unless the
 * record went in a write's batch (recordInBatch) for exactly this showing.
 * An empty list page shows no one: no record. `teamId` is for the personal chat acting on a team the person administers.
 */
export async function journal(
  turn: Turn,
  kind: AccessKind,
  patients: ReadonlyArray<Pick<Patient, 'id' | 'number'>>,
  options: { teamId?: string; subject?: Actor } = {},
): Promise<void> {
  if (!needsRecord(kind, patients)) return;
  const state = turn.context.turnState;
  const done = state.get<Journaled>(JOURNALED);
  if (done?.inBatch && done.showing === showingOf(kind, patients)) return void state.set(JOURNALED, { ...done, inBatch: false });
  if (done) throw new Error(`a second access-journal record in one turn (${kind})`);
  state.set(JOURNALED, { showing: showingOf(kind, patients), inBatch: false });
  try {
    await turn.deps.journal.record(options.teamId ?? turn.teamId, recordOf(turn, kind, patients, options.subject));
  } catch (error) {
    throw new JournalUnavailableError(error);
  }
}

/**
 * For a write that shows what it writes (a patient added): the turn's record goes in the write's
 * own batch, one request fewer, and if the write fails nothing is recorded or shown. Call
 * `written` once the batch succeeded: showing that patient then journals nothing more.
 */
export function recordInBatch(turn: Turn, kind: AccessKind) {
  return {
    record: (patient: Pick<Patient, 'id' | 'number'>): AccessRecord => recordOf(turn, kind, [patient]),
    written: (patient: Pick<Patient, 'id'>) => turn.context.turnState.set(JOURNALED, { showing: showingOf(kind, [patient]), inBatch: true }),
  };
}

function recordOf(turn: Turn, kind: AccessKind, patients: ReadonlyArray<Pick<Patient, 'id' | 'number'>>, subject?: Actor): AccessRecord {
  return accessRecord(turn.deps.newId(), turn.deps.clock.now(), turn.actor, kind, placeOf(turn.context.activity), patients, { subject });
}
