import { inactiveFormCard } from '../../cards/formCards';
import { INACTIVE_REASONS, type InactiveReason } from '../../domain/patient';
import { inactiveInput, patientRef } from '../cardData';
import { journal } from '../journal';
import { forEveryone, forTapper } from '../replies';
import { notice, showPatient } from '../views';
import type { CardHandler } from './cardHandler';

export const openInactiveForm: CardHandler = async (turn, data) => {
  const patient = await turn.deps.patients.get(turn.teamId, patientRef.parse(data).patientId);
  await journal(turn, 'formOpened', [patient]);
  return forTapper(inactiveFormCard(patient, turn.lang));
};

function isReason(value: string): value is InactiveReason {
  return (INACTIVE_REASONS as readonly string[]).includes(value);
}

export const setInactive: CardHandler = async (turn, data) => {
  const input = inactiveInput.parse(data);
  const { patients } = turn.deps;
  if (!isReason(input.reason)) {
    const patient = await patients.get(turn.teamId, input.patientId);
    await journal(turn, 'formOpened', [patient]);
    return forTapper(inactiveFormCard(patient, turn.lang, { notice: notice(turn, 'usage.inactive', 'Attention'), values: input }));
  }
  const origin = { expectedVersion: input.version, comment: input.comment };
  const result = await patients.setInactive(turn.teamId, turn.actor, input.patientId, input.reason, origin);
  const confirmation = notice(turn, 'done.inactive', 'Good', { number: result.patient.number });
  return forEveryone(await showPatient(turn, result.patient, confirmation));
};

export const setActive: CardHandler = async (turn, data) => {
  const input = patientRef.parse(data);
  const result = await turn.deps.patients.setActive(turn.teamId, turn.actor, input.patientId, { expectedVersion: input.version });
  const confirmation = notice(turn, 'done.active', 'Good', { number: result.patient.number });
  return forEveryone(await showPatient(turn, result.patient, confirmation));
};
