import { type Activity, CardFactory, MessageFactory } from 'botbuilder';
import type { AdaptiveCard } from '../cards/adaptive';
import { patientCard } from '../cards/patientCard';
import type { Patient } from '../domain/patient';
import { tappedMessageOf } from './activity';
import type { Turn } from './turn';
import { teamFields } from './views';

/** Posts a patient card and remembers it, so that later typed changes redraw it in place. */
export async function sendPatientCard(turn: Turn, patient: Patient, card: AdaptiveCard): Promise<void> {
  const response = await turn.context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card)));
  if (response?.id) turn.deps.posted.remember(turn.context.activity.conversation.id, patient.id, response.id);
}

/** The patient card posted earlier in this conversation, if any, redrawn for everyone. */
export async function redrawPosted(turn: Turn, patient: Patient): Promise<void> {
  const id = turn.deps.posted.find(turn.context.activity.conversation.id, patient.id);
  if (!id) return;
  await updateCard(turn, id, patientCard(patient, turn.lang, { now: turn.deps.clock.now(), fields: await teamFields(turn) }));
}

/** The posted card that was tapped is updated in place; when that fails a new message carries the card. */
export async function updatePostedCard(turn: Turn, card: AdaptiveCard): Promise<boolean> {
  const tapped = tappedMessageOf(turn.context.activity);
  return tapped ? updateCard(turn, tapped, card) : false;
}

/** Replaces a posted message's card; a failure is logged and reported, never thrown (the change itself is saved). */
async function updateCard(turn: Turn, activityId: string, card: AdaptiveCard): Promise<boolean> {
  const update: Partial<Activity> = { ...MessageFactory.attachment(CardFactory.adaptiveCard(card)), id: activityId };
  try {
    await turn.context.updateActivity(update);
    return true;
  } catch (error) {
    turn.log.warn({ err: error }, 'could not update the posted card');
    return false;
  }
}
