import type { TeamsAdapter } from '@microsoft/teams-ai';
import { type Activity, CardFactory, type ConversationReference, MessageFactory, TurnContext } from 'botbuilder';
import type { ConnectorClient } from 'botframework-connector';
import type { AdaptiveCard } from '../cards/adaptive';
import { alertCard, alertSummary } from '../cards/alertCard';
import type { Alert, AlertPolicy } from '../domain/alerts';
import type { ChannelAddress } from '../domain/ports';
import type { Lang } from '../i18n/messages';
import type { CardPoster } from '../jobs/releveJob';
import { GoneError, type Messenger, ThrottledError } from '../notifications/alertSender';

/** Alerts are posted for a whole channel, in the network's first language. */
export const ALERT_LANG: Lang = 'fr';

function statusOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/** Retry-After in seconds (Teams sends seconds); undefined when absent or unreadable. */
function retryAfterMs(error: unknown): number | undefined {
  const headers = (error as { response?: { headers?: { get?: (name: string) => string | undefined } } }).response?.headers;
  const value = headers?.get?.('retry-after');
  const seconds = value === undefined || value.trim() === '' ? Number.NaN : Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

/** Pipeline policies of the connector client that retry on their own (a Retry-After would sleep inside one send). */
const RETRY_POLICIES = ['defaultRetryPolicy', 'exponentialRetryPolicy', 'throttlingRetryPolicy', 'systemErrorRetryPolicy'];

/** The turn's connector client, with its own retries removed: the dispatcher owns every retry. */
function connectorOf(context: TurnContext): ConnectorClient {
  const client = context.turnState.get<ConnectorClient>(context.adapter.ConnectorClientKey);
  const pipeline = (client as unknown as { client?: { pipeline?: { removePolicy(options: { name: string }): unknown } } }).client?.pipeline;
  for (const name of RETRY_POLICIES) pipeline?.removePolicy({ name });
  return client;
}

/** Posts alerts through the Bot Connector (proactive messages), translating its answers for the dispatcher. */
/** A post that Teams has not answered by then is abandoned (the relève job logs it and the next look retries). */
const CARD_POST_DEADLINE_MS = 8_000;

export class BotMessenger implements Messenger, CardPoster {
  constructor(
    private readonly adapter: TeamsAdapter,
    private readonly botAppId: string,
    private readonly policy: AlertPolicy,
    private readonly lang: Lang = ALERT_LANG,
  ) {}

  post(address: ChannelAddress, alert: Alert, reminder: boolean, signal: AbortSignal): Promise<string> {
    const card = alertCard(alert, this.lang, { reminder, maxReminders: this.policy.maxReminders });
    // The summary is what the phone's notification shows.
    return this.send(address, card, signal, alertSummary(alert, this.lang));
  }

  /** The scheduled relève: a new post in the channel, with the same deadline as an alert's. */
  postCard(address: ChannelAddress, card: AdaptiveCard): Promise<string> {
    return this.send(address, card, AbortSignal.timeout(CARD_POST_DEADLINE_MS));
  }

  /** A card as a new post in the channel, with the card's @mentions. */
  private async send(address: ChannelAddress, card: AdaptiveCard, signal: AbortSignal, summary?: string): Promise<string> {
    const activity = MessageFactory.attachment(CardFactory.adaptiveCard(card));
    const entities = (card.msteams as { entities?: Activity['entities'] } | undefined)?.entities;
    if (entities) activity.entities = entities;
    if (summary) activity.summary = summary;
    let id = '';
    await this.call(address, async (context) => {
      // A new post in the channel (sendToConversation), not a reply to the continuation activity.
      const outgoing = TurnContext.applyConversationReference(activity, address as unknown as ConversationReference);
      delete outgoing.replyToId;
      id = (await connectorOf(context).conversations.sendToConversation(outgoing.conversation?.id ?? '', outgoing, { abortSignal: signal })).id ?? '';
    });
    return id;
  }

  async update(address: ChannelAddress, activityId: string, alert: Alert, signal: AbortSignal): Promise<void> {
    const card = alertCard(alert, this.lang, { maxReminders: this.policy.maxReminders });
    await this.call(address, async (context) => {
      const outgoing = TurnContext.applyConversationReference(
        { ...MessageFactory.attachment(CardFactory.adaptiveCard(card)), id: activityId },
        address as unknown as ConversationReference,
      );
      const conversationId = outgoing.conversation?.id ?? '';
      await connectorOf(context).conversations.updateActivity(conversationId, activityId, outgoing, { abortSignal: signal });
    });
  }

  private async call(address: ChannelAddress, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    // The adapter hands errors of a proactive turn to onTurnError: keep them to decide here.
    let failure: unknown;
    await this.adapter.continueConversationAsync(this.botAppId, address as unknown as ConversationReference, async (context) => {
      try {
        await logic(context);
      } catch (error) {
        failure = error;
      }
    });
    if (failure === undefined) return;
    const status = statusOf(failure);
    if (status === 429) throw new ThrottledError(retryAfterMs(failure));
    if (status === 403 || status === 404) throw new GoneError(status);
    throw failure;
  }
}
