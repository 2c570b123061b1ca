import { patientFormCard, type FormValues } from '../../cards/formCards';
import { patientCard } from '../../cards/patientCard';
import { DomainError } from '../../domain/errors';
import { EDITABLE_FIELDS, type EditableField } from '../../domain/patient';
import { createInput, patientRef, updateInput } from '../cardData';
import { forEveryone, forTapper, notice, refusal } from '../turn';
import type { CardHandler } from './cardHandler';

function fieldsOf(input: Partial<Record<EditableField, string | undefined>>): Partial<Record<EditableField, string>> {
  return Object.fromEntries(EDITABLE_FIELDS.map((field) => [field, input[field] ?? '']));
}

const VALIDATION_CODES = new Set(['nameRequired', 'nameTooLong', 'dateInvalid', 'dateInFuture', 'dateTooOld', 'valueTooLong', 'valueInvalid']);

export function isValidationError(error: unknown): error is DomainError {
  return error instanceof DomainError && VALIDATION_CODES.has(error.code);
}

/** Add patient without a name: the form, with a fresh request id. */
export const openAddForm: CardHandler = async (turn) =>
  forTapper(patientFormCard(turn.lang, { mode: 'create', requestId: turn.deps.newId() }, { now: turn.deps.clock.now() }));

export const createPatient: CardHandler = async (turn, data) => {
  const input = createInput.parse(data);
  const values: FormValues = { name: input.name, ...fieldsOf(input) };
  try {
    const result = await turn.deps.patients.add(turn.teamId, turn.actor, { name: input.name, fields: fieldsOf(input) }, { requestId: input.requestId });
    const done = notice(turn, result.changed ? 'done.created' : 'done.alreadyCreated', 'Good', { number: result.patient.number });
    return forEveryone(patientCard(result.patient, turn.lang, { notice: done, now: turn.deps.clock.now() }));
  } catch (error) {
    if (!isValidationError(error)) throw error;
    const form = { mode: 'create' as const, requestId: input.requestId };
    return forTapper(patientFormCard(turn.lang, form, { values, notice: refusal(turn, error), now: turn.deps.clock.now() }));
  }
};

export const openEditForm: CardHandler = async (turn, data) => {
  const patient = await turn.deps.patients.get(turn.teamId, patientRef.parse(data).patientId);
  return forTapper(patientFormCard(turn.lang, { mode: 'edit', patient }, { now: turn.deps.clock.now() }));
};

export const updatePatient: CardHandler = async (turn, data) => {
  const input = updateInput.parse(data);
  const { patients, clock } = turn.deps;
  try {
    const result = await patients.updateDetails(
      turn.teamId,
      turn.actor,
      input.patientId,
      { name: input.name, fields: fieldsOf(input) },
      { expectedVersion: input.version },
    );
    const done = result.changed ? notice(turn, 'done.updated', 'Good', { number: result.patient.number }) : notice(turn, 'done.unchanged', 'Default');
    return forEveryone(patientCard(result.patient, turn.lang, { notice: done, now: clock.now() }));
  } catch (error) {
    if (!isValidationError(error)) throw error;
    const patient = await patients.get(turn.teamId, input.patientId);
    const values: FormValues = { name: input.name, ...fieldsOf(input) };
    return forTapper(patientFormCard(turn.lang, { mode: 'edit', patient: { ...patient, version: input.version ?? patient.version } }, { values, notice: refusal(turn, error), now: clock.now() }));
  }
};
