import { ZodError } from 'zod';
import { messageCard } from '../../cards/helpCard';
import { type CardReply, forTapper, isDomainError, technicalProblem } from '../replies';
import { notice, refusal, showPatient } from '../views';
import { type Turn } from '../turn';

export type CardHandler = (turn: Turn, data: unknown) => Promise<CardReply>;

/**
 * Every card verb goes through here: bad or foreign card data gets a plain answer, a refusal about
 * a known patient comes back on that patient's current card, and nothing unexpected leaks to chat.
 */
export function guarded(handler: CardHandler): CardHandler {
  return async (turn, data) => {
    try {
      return await handler(turn, data);
    } catch (error) {
      if (error instanceof ZodError) {
        turn.log.warn({ issues: error.issues.map((i) => i.path.join('.')) }, 'card data refused');
        return forTapper(messageCard(notice(turn, 'error.badCard', 'Attention'), turn.lang));
      }
      if (isDomainError(error)) {
        const patientId = (data as { patientId?: unknown } | null)?.patientId;
        if (error.code !== 'patientNotFound' && typeof patientId === 'string') {
          const current = await turn.deps.patients.get(turn.teamId, patientId);
          return forTapper(await showPatient(turn, current, refusal(turn, error)));
        }
        if (error.code === 'patientNotFound') {
          turn.log.warn({ event: 'patient-not-in-team' }, 'card named a patient this team does not have');
        }
        return forTapper(messageCard(refusal(turn, error), turn.lang));
      }
      return forTapper(technicalProblem(turn, error));
    }
  };
}
