import { type Activity, CardFactory, MessageFactory } from 'botbuilder';
import type { AdaptiveCard } from '../cards/adaptive';
import { patientCard } from '../cards/patientCard';
import type { Patient } from '../domain/patient';
import type { Turn } from './turn';
import { teamFields } from './views';

/** Posts a patient card and remembers it, so that later typed changes redraw it in place. */
export async function sendPatientCard(turn: Turn, patient: Patient, card: AdaptiveCard): Promise<void> {
  const response = await turn.context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card)));
  if (response?.id) turn.deps.posted.remember(turn.context.activity.conversation.id, patient.id, response.id);
}

/** The patient card posted earlier in this conversation, if any, redrawn for everyone. */
export async function redrawPosted(turn: Turn, patient: Patient): Promise<void> {
  const conversation = turn.context.activity.conversation.id;
  const id = turn.deps.posted.find(conversation, patient.id);
  if (!id) return;
  const card = await patientCard(patient, turn.lang, { now: turn.deps.clock.now(), fields: await teamFields(turn) });
  try {
    await turn.context.updateActivity({ ...MessageFactory.attachment(CardFactory.adaptiveCard(card)), id });
  } catch (error) {
    turn.log.warn({ err: error }, 'could not redraw the posted patient card');
  }
}

/** The posted card that was tapped is updated in place; when that fails a new message carries the card. */
export async function updatePostedCard(turn: Turn, card: AdaptiveCard): Promise<boolean> {
  const replyToId = turn.context.activity.replyToId;
  if (!replyToId) return false;
  const update: Partial<Activity> = { ...MessageFactory.attachment(CardFactory.adaptiveCard(card)), id: replyToId };
  try {
    await turn.context.updateActivity(update);
    return true;
  } catch (error) {
    turn.log.warn({ err: error }, 'could not update the posted card');
    return false;
  }
}
