import type { TeamsAdapter } from '@microsoft/teams-ai';
import { type Activity, CardFactory, type ConversationReference, MessageFactory, TurnContext } from 'botbuilder';
import { alertCard } from '../cards/alertCard';
import type { Alert, AlertPolicy } from '../domain/alerts';
import type { ChannelAddress } from '../domain/ports';
import type { Lang } from '../i18n/messages';
import { GoneError, type Messenger, ThrottledError } from '../notifications/messenger';

/** The channel a team's alerts go to: the conversation reference of its last used channel, as a new post. */
export function channelAddress(activity: Activity): ChannelAddress | null {
  if (activity.conversation?.conversationType !== 'channel') return null;
  const reference = TurnContext.getConversationReference(activity);
  const channelId = (activity.channelData as { channel?: { id?: string } } | undefined)?.channel?.id;
  // Without the ";messageid=" suffix a post starts a new thread in the channel.
  const conversationId = channelId ?? reference.conversation?.id?.split(';')[0];
  const { activityId: _activity, ...rest } = reference;
  return { ...rest, conversation: { ...reference.conversation, id: conversationId } } as unknown as ChannelAddress;
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

function retryAfterMs(error: unknown): number {
  const headers = (error as { response?: { headers?: { get?: (name: string) => string | undefined } } }).response?.headers;
  const value = headers?.get?.('retry-after');
  const seconds = value === undefined ? Number.NaN : Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : 1000;
}

/** Posts alerts through the Bot Connector (proactive messages), translating its answers for the dispatcher. */
export class BotMessenger implements Messenger {
  constructor(
    private readonly adapter: TeamsAdapter,
    private readonly botAppId: string,
    private readonly policy: AlertPolicy,
    private readonly lang: Lang = 'fr',
  ) {}

  async post(address: ChannelAddress, alert: Alert, reminder: boolean): Promise<string> {
    const card = alertCard(alert, this.lang, { reminder, maxReminders: this.policy.maxReminders });
    const activity = MessageFactory.attachment(CardFactory.adaptiveCard(card));
    activity.entities = (card.msteams as { entities: Activity['entities'] }).entities;
    let id = '';
    await this.call(address, async (context) => {
      id = (await context.sendActivity(activity))?.id ?? '';
    });
    return id;
  }

  async update(address: ChannelAddress, activityId: string, alert: Alert): Promise<void> {
    const card = alertCard(alert, this.lang, { maxReminders: this.policy.maxReminders });
    await this.call(address, async (context) => {
      await context.updateActivity({ ...MessageFactory.attachment(CardFactory.adaptiveCard(card)), id: activityId });
    });
  }

  private async call(address: ChannelAddress, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    try {
      await this.adapter.continueConversationAsync(this.botAppId, address as unknown as ConversationReference, logic);
    } catch (error) {
      const status = statusOf(error);
      if (status === 429) throw new ThrottledError(retryAfterMs(error));
      if (status === 403 || status === 404) throw new GoneError(status);
      throw error;
    }
  }
}
