import { type AdaptiveCard, executeAction, plain, VERBS } from '../../cards/adaptive';
import type { FormValues } from '../../cards/formCards';
import { messageCard } from '../../cards/helpCard';
import { t } from '../../i18n/messages';
import { DomainError, DuplicatePatientError } from '../../domain/errors';
import { EDITABLE_FIELDS, type EditableField } from '../../domain/patient';
import { createInput, patientRef, updateInput } from '../cardData';
import { forEveryone, forTapper } from '../replies';
import { notice, refusal, showForm, showPatient } from '../views';
import { type Turn } from '../turn';
import { writtenDates } from '../confirmation';
import { journal, recordInBatch } from '../journal';
import type { CardHandler } from './cardHandler';

/** The fields the form sent (the team's fields); the others are left as they are. */
function fieldsOf(input: Partial<Record<EditableField, string | undefined>>): Partial<Record<EditableField, string>> {
  return Object.fromEntries(EDITABLE_FIELDS.flatMap((field) => (input[field] === undefined ? [] : [[field, input[field]]])));
}

const VALIDATION_CODES = new Set(['nameRequired', 'nameTooLong', 'dateInvalid', 'dateInFuture', 'dateTooOld', 'valueTooLong', 'valueInvalid', 'phoneInvalid']);

export function isValidationError(error: unknown): error is DomainError {
  return error instanceof DomainError && VALIDATION_CODES.has(error.code);
}

/**
 * The team already has this patient: « Lucie Caron existe déjà (#5) : Ouvrir #5 / Ajouter quand
 * même ». The second button carries what was typed, so the patient is added as asked. It shows
 * who the team follows (name, number, file number): journaled like any showing of a patient.
 */
export async function duplicateWarning(
  turn: Turn,
  error: DuplicatePatientError,
  input: { name: string; requestId: string; fields?: Partial<Record<EditableField, string>> },
): Promise<AdaptiveCard> {
  const { existing } = error;
  await journal(turn, 'patientShown', [existing]);
  const text = error.sameFileNumber
    ? t(turn.lang, 'duplicate.fileNumber', { file: plain(existing.fileNumber ?? ''), number: existing.number, name: plain(existing.name) })
    : t(turn.lang, 'duplicate.name', { name: plain(existing.name), number: existing.number });
  return messageCard({ text, color: 'Attention' }, turn.lang, [
    executeAction(t(turn.lang, 'action.openNumber', { number: existing.number }), VERBS.open, { patientId: existing.id }),
    executeAction(t(turn.lang, 'action.addAnyway'), VERBS.create, { ...input.fields, name: input.name, requestId: input.requestId, force: true }, { inputs: false }),
  ]);
}

/** Add patient without a name: the form, with a fresh request id. */
export const openAddForm: CardHandler = async (turn) =>
  forTapper(await showForm(turn, { mode: 'create', requestId: turn.deps.newId() }));

export const createPatient: CardHandler = async (turn, data) => {
  const input = createInput.parse(data);
  const values: FormValues = { name: input.name, ...fieldsOf(input) };
  try {
    const shown = recordInBatch(turn, 'patientShown');
    const origin = { requestId: input.requestId, allowDuplicate: input.force, access: shown.record };
    const result = await turn.deps.patients.add(turn.teamId, turn.actor, { name: input.name, fields: fieldsOf(input) }, origin);
    // A form submitted again found the patient the first one made, in a batch this turn did not write.
    if (result.changed) shown.written(result.patient);
    const confirmation = notice(turn, result.changed ? 'done.created' : 'done.alreadyCreated', 'Good', { number: result.patient.number });
    confirmation.text = [confirmation.text, ...(await writtenDates(turn, result.patient, EDITABLE_FIELDS))].join(' ');
    return forEveryone(await showPatient(turn, result.patient, confirmation));
  } catch (error) {
    if (error instanceof DuplicatePatientError) return forTapper(await duplicateWarning(turn, error, { name: input.name, requestId: input.requestId, fields: fieldsOf(input) }));
    if (!isValidationError(error)) throw error;
    const form = { mode: 'create' as const, requestId: input.requestId };
    return forTapper(await showForm(turn, form, { values, notice: refusal(turn, error) }));
  }
};

export const openEditForm: CardHandler = async (turn, data) => {
  const patient = await turn.deps.patients.get(turn.teamId, patientRef.parse(data).patientId);
  return forTapper(await showForm(turn, { mode: 'edit', patient }));
};

export const updatePatient: CardHandler = async (turn, data) => {
  const input = updateInput.parse(data);
  const { patients } = turn.deps;
  try {
    const result = await patients.updateDetails(
      turn.teamId,
      turn.actor,
      input.patientId,
      { name: input.name, fields: fieldsOf(input) },
      { expectedVersion: input.version },
    );
    const confirmation = result.changed ? notice(turn, 'done.updated', 'Good', { number: result.patient.number }) : notice(turn, 'done.unchanged', 'Default');
    if (result.changed) confirmation.text = [confirmation.text, ...(await writtenDates(turn, result.patient, Object.keys(fieldsOf(input)) as EditableField[]))].join(' ');
    return forEveryone(await showPatient(turn, result.patient, confirmation));
  } catch (error) {
    if (!isValidationError(error)) throw error;
    const patient = await patients.get(turn.teamId, input.patientId);
    const values: FormValues = { name: input.name, ...fieldsOf(input) };
    const edited = { ...patient, version: input.version ?? patient.version };
    return forTapper(await showForm(turn, { mode: 'edit', patient: edited }, { values, notice: refusal(turn, error) }));
  }
};
