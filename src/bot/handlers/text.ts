import { z } from 'zod';
import { executeAction, plain, VERBS } from '../../cards/adaptive';
import { t } from '../../i18n/messages';
import { helpCard, messageCard } from '../../cards/helpCard';
import { DuplicatePatientError } from '../../domain/errors';
import { isSuperuser } from '../../domain/team';
import { parseCommand, suggestCommand } from '../commandParser';
import { forTapper, sendCard, sendText } from '../replies';
import { notice, showForm, showPatient } from '../views';
import { sendPatientCard } from '../redraw';
import { type Turn } from '../turn';
import { sendFollowing, sendList } from './browse';
import type { CardHandler } from './cardHandler';
import { guardedTyped } from './typedHandler';
import { recordInBatch } from '../journal';
import { duplicateWarning } from './patientForm';
import { handlePatientCommand } from './patientCommands';
import { handleExport } from './transfer';
import { changeSuperuser, sendSettings } from './team';
import { sendPurgePreview } from './purge';
import { sendJournal } from './journal';
import { sendReleve, setShiftTimes } from './releve';

/** A typed command (the bot's @mention already removed), in French or English. */
export const handleText = guardedTyped(async (turn: Turn, text: string): Promise<void> => {
  const command = parseCommand(text);
  switch (command.kind) {
    case 'help': {
      const superuser = isSuperuser(await turn.settings(), turn.actor.id);
      return sendCard(turn, helpCard(turn.lang, superuser ? { superuserOf: turn.teamId } : {}));
    }
    case 'list':
      return sendList(turn, command.filter);
    case 'add':
      if (!command.name) {
        return sendCard(turn, await showForm(turn, { mode: 'create', requestId: turn.deps.newId() }));
      }
      try {
        const shown = recordInBatch(turn, 'patientShown');
        const { patient } = await turn.deps.patients.add(turn.teamId, turn.actor, { name: command.name }, { access: shown.record });
        shown.written(patient);
        const confirmation = notice(turn, 'done.created', 'Good', { number: patient.number });
        return await sendPatientCard(turn, patient, await showPatient(turn, patient, confirmation));
      } catch (error) {
        if (!(error instanceof DuplicatePatientError)) throw error;
        return await sendCard(turn, await duplicateWarning(turn, error, { name: command.name, requestId: turn.deps.newId() }));
      }
    case 'following':
      return sendFollowing(turn);
    case 'settings':
      return sendSettings(turn);
    case 'grant':
    case 'revoke':
      return changeSuperuser(turn, command.kind === 'grant');
    case 'export':
      if (turn.context.activity.conversation.conversationType !== 'personal') return sendText(turn, 'transfer.personalOnly');
      return handleExport(turn);
    case 'import':
      return sendText(turn, 'transfer.importHow');
    case 'purgePreview':
      return sendPurgePreview(turn);
    case 'journal':
      return sendJournal(turn, command.number);
    case 'releve':
      return sendReleve(turn, command.hours);
    case 'releveTimes':
      return setShiftTimes(turn, command.none, command.times);
    case 'usage':
      return sendText(turn, `usage.${command.command}`);
    case 'unknown':
      return answerUnknown(turn, text);
    default:
      return handlePatientCommand(turn, command);
  }
});

/** Not understood: a known command close to it is offered with a button; otherwise the way to help. */
async function answerUnknown(turn: Turn, text: string): Promise<void> {
  const suggestion = suggestCommand(text);
  if (!suggestion) return sendText(turn, 'error.unknownCommand');
  const typed = plain(text.trim().split(/\s+/).slice(0, 3).join(' '));
  const card = messageCard(notice(turn, 'suggest.title', 'Default', { typed, command: plain(suggestion) }), turn.lang, [
    executeAction(t(turn.lang, 'action.runSuggestion'), VERBS.runSuggestion, { text: suggestion }, { style: 'positive' }),
    executeAction(t(turn.lang, 'action.help'), VERBS.help),
  ]);
  await sendCard(turn, card);
}

const suggestionInput = z.object({ text: z.string().min(1).max(20_000) });

/**
 * The suggested command, run as if typed by the person who tapped (in their team, as always):
 * its answers come as messages, and the suggestion card says what was run.
 */
export const runSuggestion: CardHandler = async (turn, data) => {
  const { text } = suggestionInput.parse(data);
  await handleText(turn, text);
  return forTapper(messageCard(notice(turn, 'suggest.ran', 'Default', { command: plain(text) }), turn.lang, []));
};
