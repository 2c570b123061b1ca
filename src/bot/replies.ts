import { CardFactory, MessageFactory } from 'botbuilder';
import { type AdaptiveCard, markdownEscaped } from '../cards/adaptive';
import { messageCard } from '../cards/helpCard';
import { DomainError } from '../domain/errors';
import { type MessageKey, t } from '../i18n/messages';
import type { Turn } from './turn';
import { notice, refusal } from './views';

export async function sendCard(turn: Turn, card: AdaptiveCard): Promise<void> {
  await turn.context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card)));
}

/** Every text reply goes through here: Teams renders message text as markdown, and replies echo people's text. */
export async function sendPlainText(turn: Turn, text: string): Promise<void> {
  await turn.context.sendActivity({ ...MessageFactory.text(markdownEscaped(text)), textFormat: 'markdown' });
}

export async function sendText(turn: Turn, key: MessageKey, params: Record<string, string | number> = {}): Promise<void> {
  await sendPlainText(turn, t(turn.lang, key, params));
}

/** A domain refusal as a text reply. */
export async function sendRefusal(turn: Turn, error: DomainError): Promise<void> {
  await sendPlainText(turn, refusal(turn, error).text);
}

/**
 * What a card button produces: a card, and whether it is the shared state of the conversation
 * (the posted card is updated for everyone) or a step for the person who tapped (a form).
 * `redrawnForEveryone`: someone else (the alert dispatcher) updates the posted card for everyone,
 * so the tap only answers the person who tapped, and sends nothing when it cannot.
 */
export interface CardReply {
  card: AdaptiveCard;
  shared: boolean;
  redrawnForEveryone?: boolean;
}

export const forTapper = (card: AdaptiveCard): CardReply => ({ card, shared: false });
export const forEveryone = (card: AdaptiveCard): CardReply => ({ card, shared: true });
export const redrawnForEveryone = (card: AdaptiveCard): CardReply => ({ card, shared: false, redrawnForEveryone: true });

/** Unexpected failures: logged without activity text or card data, answered with a generic sentence. */
export function technicalProblem(turn: Turn, error: unknown): AdaptiveCard {
  turn.log.error({ err: error }, 'card action failed');
  return messageCard(notice(turn, 'error.technical', 'Attention'), turn.lang);
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}
