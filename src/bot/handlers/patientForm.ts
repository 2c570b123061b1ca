import type { FormValues } from '../../cards/formCards';
import { DomainError } from '../../domain/errors';
import { EDITABLE_FIELDS, type EditableField } from '../../domain/patient';
import { createInput, patientRef, updateInput } from '../cardData';
import { forEveryone, forTapper, notice, refusal, showForm, showPatient } from '../turn';
import type { CardHandler } from './cardHandler';

/** The fields the form sent (the team's fields); the others are left as they are. */
function fieldsOf(input: Partial<Record<EditableField, string | undefined>>): Partial<Record<EditableField, string>> {
  return Object.fromEntries(EDITABLE_FIELDS.flatMap((field) => (input[field] === undefined ? [] : [[field, input[field]]])));
}

const VALIDATION_CODES = new Set(['nameRequired', 'nameTooLong', 'dateInvalid', 'dateInFuture', 'dateTooOld', 'valueTooLong', 'valueInvalid']);

export function isValidationError(error: unknown): error is DomainError {
  return error instanceof DomainError && VALIDATION_CODES.has(error.code);
}

/** Add patient without a name: the form, with a fresh request id. */
export const openAddForm: CardHandler = async (turn) =>
  forTapper(await showForm(turn, { mode: 'create', requestId: turn.deps.newId() }));

export const createPatient: CardHandler = async (turn, data) => {
  const input = createInput.parse(data);
  const values: FormValues = { name: input.name, ...fieldsOf(input) };
  try {
    const result = await turn.deps.patients.add(turn.teamId, turn.actor, { name: input.name, fields: fieldsOf(input) }, { requestId: input.requestId });
    const done = notice(turn, result.changed ? 'done.created' : 'done.alreadyCreated', 'Good', { number: result.patient.number });
    return forEveryone(await showPatient(turn, result.patient, done));
  } catch (error) {
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
    const done = result.changed ? notice(turn, 'done.updated', 'Good', { number: result.patient.number }) : notice(turn, 'done.unchanged', 'Default');
    return forEveryone(await showPatient(turn, result.patient, done));
  } catch (error) {
    if (!isValidationError(error)) throw error;
    const patient = await patients.get(turn.teamId, input.patientId);
    const values: FormValues = { name: input.name, ...fieldsOf(input) };
    const edited = { ...patient, version: input.version ?? patient.version };
    return forTapper(await showForm(turn, { mode: 'edit', patient: edited }, { values, notice: refusal(turn, error) }));
  }
};
