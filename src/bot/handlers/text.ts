import { helpCard } from '../../cards/helpCard';
import { isSuperuser } from '../../domain/team';
import { parseCommand } from '../commandParser';
import { isDomainError, notice, sendCard, sendRefusal, sendText, showForm, showPatient, type Turn } from '../turn';
import { sendFollowing, sendList } from './browse';
import { handlePatientCommand } from './patientCommands';
import { handleExport } from './transfer';
import { changeSuperuser, sendSettings } from './team';
import { sendPurgePreview } from './purge';
import { sendJournal } from './journal';
import { sendReleve, setShiftTimes } from './releve';

/** A typed command (the bot's @mention already removed), in French or English. */
export async function handleText(turn: Turn, text: string): Promise<void> {
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
        const { patient } = await turn.deps.patients.add(turn.teamId, turn.actor, { name: command.name });
        const done = notice(turn, 'done.created', 'Good', { number: patient.number });
        return await sendCard(turn, await showPatient(turn, patient, done));
      } catch (error) {
        if (!isDomainError(error)) throw error;
        await sendRefusal(turn, error);
        return;
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
      return sendText(turn, 'error.unknownCommand');
    default:
      return handlePatientCommand(turn, command);
  }
}
