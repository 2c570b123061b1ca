import { noteFormCard } from '../../cards/formCards';
import { DomainError } from '../../domain/errors';
import { noteInput, patientRef } from '../cardData';
import { journal } from '../journal';
import { forEveryone, forTapper } from '../replies';
import { notice, refusal, showPatient } from '../views';
import type { CardHandler } from './cardHandler';

export const openNoteForm: CardHandler = async (turn, data) => {
  const patient = await turn.deps.patients.get(turn.teamId, patientRef.parse(data).patientId);
  await journal(turn, 'formOpened', [patient]);
  return forTapper(noteFormCard(patient, turn.deps.newId(), turn.lang));
};

export const saveNote: CardHandler = async (turn, data) => {
  const input = noteInput.parse(data);
  const { patients } = turn.deps;
  try {
    const result = await patients.addNote(turn.teamId, turn.actor, input.patientId, input.note, { requestId: input.requestId });
    const confirmation = notice(turn, 'done.noteAdded', 'Good', { number: result.patient.number });
    return forEveryone(await showPatient(turn, result.patient, confirmation));
  } catch (error) {
    if (!(error instanceof DomainError) || (error.code !== 'noteRequired' && error.code !== 'noteTooLong')) throw error;
    const patient = await patients.get(turn.teamId, input.patientId);
    await journal(turn, 'formOpened', [patient]);
    return forTapper(noteFormCard(patient, input.requestId, turn.lang, { values: { note: input.note }, notice: refusal(turn, error) }));
  }
};
