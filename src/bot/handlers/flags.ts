import { z } from 'zod';
import { flagFormCard } from '../../cards/formCards';
import { DomainError } from '../../domain/errors';
import type { MutationResult } from '../../domain/patientChange';
import type { MessageKey } from '../../i18n/messages';
import { patientRef } from '../cardData';
import { journal } from '../journal';
import { forEveryone, forTapper } from '../replies';
import { refusal, showChange } from '../views';
import { type Turn } from '../turn';
import type { CardHandler } from './cardHandler';

const flagInput = patientRef.extend({ level: z.string().max(20).default(''), reason: z.string().max(2000).default('') });

/** The patient card after a change, drawn for everyone. */
async function changedForEveryone(turn: Turn, result: MutationResult, key: MessageKey) {
  return forEveryone(await showChange(turn, result, key));
}

export const openFlagForm: CardHandler = async (turn, data) => {
  const patient = await turn.deps.patients.get(turn.teamId, patientRef.parse(data).patientId);
  await journal(turn, 'formOpened', [patient]);
  return forTapper(flagFormCard(patient, turn.lang));
};

export const flagPatient: CardHandler = async (turn, data) => {
  const input = flagInput.parse(data);
  const level = input.level === 'urgent' ? 'urgent' : 'attention';
  try {
    const result = await turn.deps.patients.flag(turn.teamId, turn.actor, input.patientId, level, input.reason, { expectedVersion: input.version });
    return changedForEveryone(turn, result, 'done.flagged');
  } catch (error) {
    if (!(error instanceof DomainError) || (error.code !== 'flagReasonRequired' && error.code !== 'valueTooLong')) throw error;
    const patient = await turn.deps.patients.get(turn.teamId, input.patientId);
    await journal(turn, 'formOpened', [patient]);
    return forTapper(flagFormCard(patient, turn.lang, { values: input, notice: refusal(turn, error) }));
  }
};

export const unflagPatient: CardHandler = async (turn, data) => {
  const input = patientRef.parse(data);
  return changedForEveryone(turn, await turn.deps.patients.unflag(turn.teamId, turn.actor, input.patientId, { expectedVersion: input.version }), 'done.unflagged');
};

export const followPatient: CardHandler = async (turn, data) =>
  changedForEveryone(turn, await turn.deps.patients.follow(turn.teamId, turn.actor, patientRef.parse(data).patientId), 'done.followed');

export const unfollowPatient: CardHandler = async (turn, data) =>
  changedForEveryone(turn, await turn.deps.patients.unfollow(turn.teamId, turn.actor, patientRef.parse(data).patientId), 'done.unfollowed');
