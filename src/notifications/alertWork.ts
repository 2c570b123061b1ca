import { type Alert, type AlertPolicy, markReminded, markSent, stopReminders } from '../domain/alerts';
import type { Clock } from '../domain/clock';
import { conditionalWrite, type ConflictPolicy } from '../domain/conditionalWrite';
import { ConcurrentEditError, DomainError } from '../domain/errors';
import type { AlertRepository, ChannelAddress, Versioned } from '../domain/ports';
import { GoneError, type Messenger, ThrottledError } from './alertSender';
import { type ConnectorCalls, describe } from './connectorCalls';
import type { DispatcherLog } from './dispatcher';

export type Work = 'send' | 'redraw' | 'remind';

/** The result of one post, redraw or reminder. `retryAt`: the lane waits until then; `failed`: it counts for the backoff. */
export interface Outcome {
  alert: Versioned<Alert> | null;
  retryAt?: number;
  failed?: boolean;
}

export interface AlertWorkOptions {
  clock: Clock;
  policy: AlertPolicy;
  log: DispatcherLog;
  /** How long a claim on an alert holds: longer than a call's deadline, so a live instance's post is never taken over. */
  claimMs: number;
  /** The wait after the `failure`th failure in a row. */
  backoff: (failure: number) => number;
}

/** An alert written meanwhile (an acknowledgement, a joined change) is re-read and changed again, at once. */
const SETTLE_CONFLICTS: ConflictPolicy = { attempts: 5 };

/**
 * One alert's work in its lane: claimed (a conditional write that loses to any other writer),
 * the connector called under its deadline, and the outcome written back, a failure classified
 * for its retry.
 */
export class AlertWork {
  constructor(
    private readonly repo: AlertRepository,
    private readonly messenger: Messenger,
    private readonly calls: ConnectorCalls,
    private readonly options: AlertWorkOptions,
  ) {}

  /** `callEnded`: told the moment its connector call is over (answered, failed or abandoned), before the outcome is written. */
  async attempt(teamId: string, address: ChannelAddress, stored: Versioned<Alert>, work: Work, failures: number, callEnded: () => void): Promise<Outcome> {
    const t = this.options.clock.now().getTime();
    if (work === 'send') {
      const claimed = await this.claim(teamId, stored, {
        ...stored.value,
        state: 'sending',
        leaseUntil: new Date(t + this.options.claimMs).toISOString(),
        attempts: stored.value.attempts + 1,
      });
      if (!claimed) return { alert: null };
      try {
        const activityId = await this.calls.run((signal) => this.messenger.post(address, claimed.value, false, signal), callEnded);
        const sentAt = this.options.clock.now();
        // Acknowledged while it was being posted: the card just posted is redrawn neutral.
        const sent = await this.settle(teamId, claimed, (alert) => ({ ...markSent(alert, activityId, sentAt, this.options.policy), ...(alert.acknowledged && { redraw: true }) }));
        this.options.log.info({ teamId, alertId: claimed.value.id, attempts: claimed.value.attempts }, 'alert sent');
        return { alert: sent };
      } catch (error) {
        return this.failed(teamId, claimed, error, failures, (alert, retryAt, throttled) => {
          const { leaseUntil: _lease, ...rest } = alert;
          if (error instanceof GoneError) return { ...rest, state: 'undeliverable', lastError: describe(error) };
          // A throttled post was not delivered: it does not count as a failed attempt.
          const attempts = throttled ? stored.value.attempts : alert.attempts;
          return { ...rest, state: 'pending', attempts, nextAttemptAt: new Date(retryAt).toISOString(), lastError: describe(error) };
        });
      }
    }
    if (work === 'redraw') {
      const claimed = await this.claim(teamId, stored, { ...stored.value, redraw: false });
      if (!claimed || !claimed.value.activityId) return { alert: claimed };
      const activityId = claimed.value.activityId;
      try {
        await this.calls.run((signal) => this.messenger.update(address, activityId, claimed.value, signal), callEnded);
        return { alert: claimed };
      } catch (error) {
        return this.failed(teamId, claimed, error, failures, (alert) => (error instanceof GoneError ? alert : { ...alert, redraw: true, lastError: describe(error) }));
      }
    }
    // Claimed first: another instance sees the reminder is not due any more.
    const claimed = await this.claim(teamId, stored, { ...stored.value, reminders: { ...stored.value.reminders, nextAt: new Date(t + this.options.claimMs).toISOString() } });
    if (!claimed) return { alert: null };
    try {
      const reminder = { ...claimed.value, reminders: { ...claimed.value.reminders, sent: claimed.value.reminders.sent + 1 } };
      await this.calls.run((signal) => this.messenger.post(address, reminder, true, signal), callEnded);
      const at = this.options.clock.now();
      return { alert: await this.settle(teamId, claimed, (alert) => markReminded(alert, at, this.options.policy)) };
    } catch (error) {
      return this.failed(teamId, claimed, error, failures, (alert, retryAt) =>
        error instanceof GoneError
          ? stopReminders(alert)
          : { ...alert, reminders: { ...alert.reminders, nextAt: new Date(retryAt).toISOString() }, lastError: describe(error) },
      );
    }
  }

  /**
   * A failed call: 403/404 end the alert's work (`next` decides how), a 429 with Retry-After
   * waits that long for this conversation only, anything else (429 without it, 5xx, 412, the
   * deadline, the network) backs off exponentially with jitter.
   */
  private async failed(
    teamId: string,
    claimed: Versioned<Alert>,
    error: unknown,
    failures: number,
    next: (alert: Alert, retryAt: number, throttled: boolean) => Alert,
  ): Promise<Outcome> {
    const t = this.options.clock.now().getTime();
    if (error instanceof GoneError) {
      this.options.log.warn({ teamId, alertId: claimed.value.id, status: error.status }, 'alert undeliverable');
      return { alert: await this.settle(teamId, claimed, (alert) => next(alert, t, false)) };
    }
    const throttled = error instanceof ThrottledError;
    const told = throttled ? error.retryAfterMs : undefined;
    const retryAt = t + (told ?? this.options.backoff(failures + 1));
    if (!throttled) this.options.log.warn({ teamId, alertId: claimed.value.id, err: error }, 'alert call failed; will retry');
    const alert = await this.settle(teamId, claimed, (current) => next(current, retryAt, throttled));
    return { alert, retryAt, failed: told === undefined };
  }

  /** A conditional write that loses to any other writer: null when another instance changed the alert first. */
  private async claim(teamId: string, stored: Versioned<Alert>, alert: Alert): Promise<Versioned<Alert> | null> {
    try {
      return await this.repo.saveAlert(teamId, alert, stored.etag);
    } catch (error) {
      if (error instanceof ConcurrentEditError) return null;
      throw error;
    }
  }

  /** Applies `change` to the alert, re-read and re-applied when someone wrote it meanwhile (an acknowledgement). */
  settle(teamId: string, stored: Versioned<Alert>, change: (alert: Alert) => Alert): Promise<Versioned<Alert>> {
    const reread = async (): Promise<Versioned<Alert>> => {
      const fresh = await this.repo.getAlert(teamId, stored.value.id);
      if (!fresh) throw new DomainError('concurrentEdit');
      return fresh;
    };
    return conditionalWrite(SETTLE_CONFLICTS, reread, (current) => this.repo.saveAlert(teamId, change(current.value), current.etag), stored);
  }
}
