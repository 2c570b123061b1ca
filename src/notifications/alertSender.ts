import type { Alert } from '../domain/alerts';
import type { ChannelAddress } from '../domain/ports';

/** Teams answered 429: retry after `retryAfterMs` when Teams said so, otherwise back off. */
export class ThrottledError extends Error {
  constructor(readonly retryAfterMs: number | undefined) {
    super(retryAfterMs === undefined ? 'throttled' : `throttled for ${retryAfterMs} ms`);
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

/** The connector did not answer within the call's deadline; the call was abandoned. */
export class DeadlineError extends Error {
  constructor(readonly afterMs: number) {
    super(`no answer within ${afterMs} ms`);
    this.name = 'DeadlineError';
  }
}

/**
 * How alerts reach a channel; the bot layer implements it over the Bot Connector. Each call is
 * made once (no retry of its own: the dispatcher owns retries) and stops when `signal` aborts.
 */
export interface Messenger {
  /** Posts the alert (or a reminder of it) with its @mentions; returns the new message id. */
  post(address: ChannelAddress, alert: Alert, reminder: boolean, signal: AbortSignal): Promise<string>;
  /** Redraws the posted alert (joined changes, acknowledged) for everyone. */
  update(address: ChannelAddress, activityId: string, alert: Alert, signal: AbortSignal): Promise<void>;
}

/** The tenant of a channel, for the per-tenant limit. */
export function tenantOf(address: ChannelAddress): string {
  const conversation = address.conversation as { tenantId?: unknown } | undefined;
  return typeof conversation?.tenantId === 'string' ? conversation.tenantId : '';
}
