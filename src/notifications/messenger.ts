import type { Alert } from '../domain/alerts';
import type { ChannelAddress } from '../domain/ports';

/** Teams answered 429: wait at least this long before the next post to that conversation. */
export class ThrottledError extends Error {
  constructor(readonly retryAfterMs: number) {
    super(`throttled for ${retryAfterMs} ms`);
    this.name = 'ThrottledError';
  }
}

/** 403/404: the bot was removed or the conversation is gone; retrying cannot help. */
export class GoneError extends Error {
  constructor(readonly status: number) {
    super(`conversation unreachable (${status})`);
    this.name = 'GoneError';
  }
}

/** How alerts reach a channel; the bot layer implements it over the Bot Connector. */
export interface Messenger {
  /** Posts the alert (or a reminder of it) with its @mentions; returns the new message id. */
  post(address: ChannelAddress, alert: Alert, reminder: boolean): Promise<string>;
  /** Redraws the posted alert (acknowledged) for everyone. */
  update(address: ChannelAddress, activityId: string, alert: Alert): Promise<void>;
}

/** Stable key of a conversation for pacing. */
export function conversationKey(address: ChannelAddress): string {
  const conversation = address.conversation as { id?: unknown } | undefined;
  return typeof conversation?.id === 'string' ? conversation.id : JSON.stringify(address);
}
