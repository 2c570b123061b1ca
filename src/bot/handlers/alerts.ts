import { z } from 'zod';
import { alertCard } from '../../cards/alertCard';
import { tappedMessageOf } from '../activity';
import { ALERT_LANG } from '../connectorMessenger';
import { journal } from '../journal';
import { forEveryone, redrawnForEveryone } from '../replies';
import type { CardHandler } from './cardHandler';

const ackInput = z.object({ alertId: z.string().min(1).max(100) });

/** Acknowledge / Vu: reminders stop, and the card shows who acknowledged and when. */
export const acknowledgeAlert: CardHandler = async (turn, data) => {
  const { alertId } = ackInput.parse(data);
  const alert = await turn.deps.alerts.acknowledge(turn.teamId, turn.actor, alertId);
  await journal(turn, 'patientShown', [{ id: alert.patientId, number: alert.patientNumber }]);
  // The alert belongs to the channel: it keeps the channel's language whoever taps.
  const card = alertCard(alert, ALERT_LANG);
  // The alert's own message is redrawn once, by the dispatcher (in the channel's lane, retried, on
  // one instance): this turn updating it too would draw it twice. Any other message tapped is
  // updated here.
  const onAlertMessage = alert.activityId !== undefined && alert.activityId === tappedMessageOf(turn.context.activity);
  return onAlertMessage ? redrawnForEveryone(card) : forEveryone(card);
};
