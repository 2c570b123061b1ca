import { type Activity, TeamsInfo, TurnContext } from 'botbuilder';
import type { Logger } from 'pino';
import type { AccessPlace, AccessRecord } from '../domain/journal';
import type { Actor } from '../domain/patient';
import type { ChannelAddress } from '../domain/ports';
import { type Lang, langOf } from '../i18n/messages';

/** Everything the bot reads from an incoming activity: who, where, in which language, with what. */

type ChannelData = { team?: { id?: string }; channel?: { id?: string }; tenant?: { id?: string } } | undefined;

function channelDataOf(activity: Activity): ChannelData {
  return activity.channelData as ChannelData;
}

export function tenantOf(activity: Activity): string | undefined {
  return activity.conversation?.tenantId ?? channelDataOf(activity)?.tenant?.id;
}

/** A team's channels share one list; a group or personal chat that is not a team has its own. */
export function teamIdOf(activity: Activity): string {
  return channelDataOf(activity)?.team?.id ?? activity.conversation.id;
}

export function actorOf(activity: Activity): Actor {
  return { id: activity.from.aadObjectId ?? activity.from.id, name: activity.from.name ?? '', mri: activity.from.id };
}

/** The posted message whose card was tapped (a card action's `replyToId`). */
export function tappedMessageOf(activity: Activity): string | undefined {
  return activity.replyToId;
}

/** Local runs only: DEV_LOCALE stands in for the activity's locale. */
export function langOfActivity(activity: Activity, devLocale?: string): Lang {
  return langOf(devLocale ?? activity.locale);
}

/** The channel a team's alerts go to: the conversation reference of its last used channel, as a new post. */
export function channelAddress(activity: Activity): ChannelAddress | null {
  if (activity.conversation?.conversationType !== 'channel') return null;
  const reference = TurnContext.getConversationReference(activity);
  const channelId = channelDataOf(activity)?.channel?.id;
  // Without the ";messageid=" suffix a post starts a new thread in the channel.
  const conversationId = channelId ?? reference.conversation?.id?.split(';')[0];
  const { activityId: _activity, ...rest } = reference;
  return { ...rest, conversation: { ...reference.conversation, id: conversationId } } as unknown as ChannelAddress;
}

const PLACES: Record<string, AccessPlace> = { channel: 'channel', groupChat: 'groupChat', personal: 'personalChat' };

/** Where the activity happened: the team channel (its id), a group chat or the personal chat. */
export function placeOf(activity: Activity): AccessRecord['where'] {
  const place = PLACES[activity.conversation?.conversationType ?? ''] ?? 'channel';
  const channelId = channelDataOf(activity)?.channel?.id;
  return place === 'channel' ? { place, ...(channelId && { id: channelId }) } : { place, id: activity.conversation.id };
}

const FILE_DOWNLOAD = 'application/vnd.microsoft.teams.file.download.info';

export interface SharedFile {
  url: string;
  name: string;
}

/** The file a person attached in the personal chat (Teams gives a pre-authorised download URL). */
export function attachedFile(activity: Activity): SharedFile | undefined {
  const attachment = activity.attachments?.find((a) => a.contentType === FILE_DOWNLOAD);
  const url = (attachment?.content as { downloadUrl?: unknown } | undefined)?.downloadUrl;
  return typeof url === 'string' && attachment?.name ? { url, name: attachment.name } : undefined;
}

/**
 * The person named by the command's @mention (other than the bot), as Teams knows them:
 * undefined when nobody is mentioned, null when Teams could not say who it is.
 */
export async function mentionedMember(context: TurnContext, log: Logger): Promise<{ actor: Actor; guest: boolean } | null | undefined> {
  const activity = context.activity;
  const mention = (activity.entities ?? []).find(
    (entity) => entity.type === 'mention' && entity.mentioned?.id && entity.mentioned.id !== activity.recipient.id,
  );
  if (!mention) return undefined;
  try {
    const member = await TeamsInfo.getMember(context, mention.mentioned.id);
    const tenant = activity.conversation.tenantId;
    const guest = member.userRole === 'guest' || Boolean(member.tenantId && tenant && member.tenantId !== tenant);
    return { actor: { id: member.aadObjectId ?? member.id, name: member.name ?? mention.mentioned.name ?? '', mri: member.id }, guest };
  } catch (error) {
    log.warn({ err: error }, 'could not look up the mentioned member');
    return null;
  }
}
