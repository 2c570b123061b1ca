import { helpCard } from '../../cards/helpCard';
import { patientCard } from '../../cards/patientCard';
import { patientFormCard } from '../../cards/formCards';
import { parseCommand } from '../commandParser';
import { isDomainError, notice, refusal, sendCard, sendText, type Turn } from '../turn';
import { sendFollowing, sendList } from './browse';
import { handlePatientCommand } from './patientCommands';

/** A typed command (the bot's @mention already removed), in French or English. */
export async function handleText(turn: Turn, text: string): Promise<void> {
  const command = parseCommand(text);
  switch (command.kind) {
    case 'help':
      return sendCard(turn, helpCard(turn.lang));
    case 'list':
      return sendList(turn, command.filter);
    case 'add':
      if (!command.name) {
        return sendCard(turn, patientFormCard(turn.lang, { mode: 'create', requestId: turn.deps.newId() }, { now: turn.deps.clock.now() }));
      }
      try {
        const { patient } = await turn.deps.patients.add(turn.teamId, turn.actor, { name: command.name });
        const done = notice(turn, 'done.created', 'Good', { number: patient.number });
        return await sendCard(turn, patientCard(patient, turn.lang, { notice: done, now: turn.deps.clock.now() }));
      } catch (error) {
        if (!isDomainError(error)) throw error;
        await turn.context.sendActivity(refusal(turn, error).text);
        return;
      }
    case 'following':
      return sendFollowing(turn);
    case 'usage':
      return sendText(turn, `usage.${command.command}`);
    case 'unknown':
      return sendText(turn, 'error.unknownCommand');
    default:
      return handlePatientCommand(turn, command);
  }
}
