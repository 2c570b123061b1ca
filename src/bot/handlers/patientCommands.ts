import { z } from 'zod';
import { choiceCard } from '../../cards/listCard';
import { inactiveFormCard } from '../../cards/formCards';
import type { AdaptiveCard } from '../../cards/adaptive';
import { EDITABLE_FIELDS, INACTIVE_REASONS, type Patient } from '../../domain/patient';
import { type Command } from '../commandParser';
import { historyFor } from './team';
import { mentionedMember } from '../activity';
import { confirmChange } from '../confirmation';
import { isDomainError, sendCard, sendText } from '../replies';
import { refusal, showPatient } from '../views';
import { sendPatientCard } from '../redraw';
import { type Turn } from '../turn';
import { journal } from '../journal';

/** Commands that act on one patient named by number or part of the name. */
export type PatientCommand = Extract<
  Command,
  { kind: 'show' | 'note' | 'set' | 'inactive' | 'active' | 'flag' | 'unflag' | 'follow' | 'unfollow' | 'history' }
>;

/** The pending command a choice card carries, checked again when it comes back. */
export const pendingCommandSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('show') }),
  z.object({ kind: z.literal('note'), text: z.string().min(1).max(4000) }),
  z.object({ kind: z.literal('set'), field: z.enum(EDITABLE_FIELDS), value: z.string().min(1).max(1000) }),
  z.object({ kind: z.literal('inactive'), reason: z.enum(INACTIVE_REASONS).optional() }),
  z.object({ kind: z.literal('active') }),
  z.object({ kind: z.literal('flag'), level: z.enum(['attention', 'urgent']), reason: z.string().min(1).max(1000) }),
  z.object({ kind: z.literal('unflag') }),
  z.object({ kind: z.literal('follow') }),
  z.object({ kind: z.literal('unfollow') }),
  z.object({ kind: z.literal('history') }),
]);
export type PendingCommand = z.infer<typeof pendingCommandSchema>;

/**
 * Runs a command on a patient of this team; domain refusals come back on the patient's card.
 * With the ETag it was read with, a change starts from that read instead of reading again.
 */
export async function runOnPatient(turn: Turn, patient: Patient, command: PendingCommand, etag?: string): Promise<AdaptiveCard> {
  const { patients } = turn.deps;
  const { teamId, actor, lang } = turn;
  const origin = etag ? { current: { value: patient, etag } } : {};
  try {
    switch (command.kind) {
      case 'show':
        return await showPatient(turn, patient);
      case 'note':
        return confirmChange(turn, await patients.addNote(teamId, actor, patient.id, command.text, origin), 'done.noteAdded');
      case 'set': {
        // `set clinician #12 @Dre Lavoie`: the person named follows the patient too.
        const clinician = command.field === 'clinician' ? await mentionedMember(turn.context, turn.log) : undefined;
        if (clinician) return confirmChange(turn, await patients.assignClinician(teamId, actor, patient.id, clinician.actor, origin), 'done.updated');
        const value = command.value.replace(/<\/?at>/g, '');
        return confirmChange(turn, await patients.setField(teamId, actor, patient.id, command.field, value, origin), 'done.updated', [command.field]);
      }
      case 'inactive':
        if (!command.reason) {
          await journal(turn, 'formOpened', [patient]);
          return inactiveFormCard(patient, lang);
        }
        return confirmChange(turn, await patients.setInactive(teamId, actor, patient.id, command.reason, origin), 'done.inactive');
      case 'active':
        return confirmChange(turn, await patients.setActive(teamId, actor, patient.id, origin), 'done.active');
      case 'flag':
        return confirmChange(turn, await patients.flag(teamId, actor, patient.id, command.level, command.reason, origin), 'done.flagged');
      case 'unflag':
        return confirmChange(turn, await patients.unflag(teamId, actor, patient.id, origin), 'done.unflagged');
      case 'follow':
        return confirmChange(turn, await patients.follow(teamId, actor, patient.id, origin), 'done.followed');
      case 'history':
        return historyFor(turn, patient.id, undefined, 1);
      case 'unfollow':
        return confirmChange(turn, await patients.unfollow(teamId, actor, patient.id, origin), 'done.unfollowed');
    }
  } catch (error) {
    if (!isDomainError(error) || error.code === 'patientNotFound') throw error;
    const current = await patients.get(teamId, patient.id);
    return showPatient(turn, current, refusal(turn, error));
  }
}

/** Typed command: resolve the reference, then act, or offer a choice, or say nothing matched. */
export async function handlePatientCommand(turn: Turn, command: PatientCommand): Promise<void> {
  const resolution = await turn.deps.patients.resolve(turn.teamId, command.ref);
  const { ref: _ref, ...pending } = command;
  if (resolution.kind === 'none') return sendText(turn, 'error.noMatch', { ref: command.ref });
  if (resolution.kind === 'many') {
    await journal(turn, 'listViewed', resolution.candidates);
    return sendCard(turn, choiceCard(command.ref, resolution.candidates, pending, turn.lang));
  }
  if (pending.kind === 'show') return sendPatientCard(turn, resolution.patient, await showPatient(turn, resolution.patient));
  await sendCard(turn, await runOnPatient(turn, resolution.patient, pending, resolution.etag));
}
