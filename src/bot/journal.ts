import { type AccessKind, accessRecord, needsRecord } from '../domain/journal';
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

/**
 * Call before a reply shows patients' information: writes the turn's one journal record in the
 * team's partition, or throws, and then nothing is shown (no record, no display). A second call
 * in the same turn is a bug in the caller (one record per turn), so it throws too.
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
  if (state.get(JOURNALED)) throw new Error(`a second access-journal record in one turn (${kind})`);
  state.set(JOURNALED, true);
  const record = accessRecord(turn.deps.newId(), turn.deps.clock.now(), turn.actor, kind, placeOf(turn.context.activity), patients, { subject: options.subject });
  try {
    await turn.deps.journal.record(options.teamId ?? turn.teamId, record);
  } catch (error) {
    throw new JournalUnavailableError(error);
  }
}
