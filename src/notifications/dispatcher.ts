import { acknowledge, type Alert, type AlertPolicy, DEFAULT_ALERT_POLICY, isDue, markReminded, markSent } from '../domain/alerts';
import { ConcurrentEditError, DomainError } from '../domain/errors';
import type { Actor } from '../domain/patient';
import type { Clock } from '../domain/patientService';
import type { AlertRepository, ChannelAddress, Versioned } from '../domain/ports';
import { conversationKey, GoneError, type Messenger, ThrottledError } from './messenger';
import { ConversationPacer } from './pacer';

export interface DispatcherLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface DispatcherOptions {
  clock: Clock;
  policy?: AlertPolicy;
  /** How often every team is swept for alerts left behind (crash, restart, retry due). */
  sweepMs?: number;
  /** How long a claimed alert belongs to this instance before another may take it over. */
  leaseMs?: number;
  log: DispatcherLog;
  random?: () => number;
}

const MAX_BACKOFF_MS = 5 * 60_000;

/**
 * Sends the alerts of the outbox. Any number of instances may run: an alert is claimed with a
 * conditional write before it is posted, so one instance posts it. Throttling (429) is honoured
 * per conversation, server errors are retried with backoff and jitter, and a conversation that is
 * gone (403/404) makes the alert undeliverable instead of looping.
 */
export class AlertDispatcher {
  private readonly pacer = new ConversationPacer();
  private readonly policy: AlertPolicy;
  private readonly sweepMs: number;
  private readonly leaseMs: number;
  private readonly random: () => number;
  private readonly queued = new Set<string>();
  private chain: Promise<void> = Promise.resolve();
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly repo: AlertRepository,
    private readonly messenger: Messenger,
    private readonly options: DispatcherOptions,
  ) {
    this.policy = options.policy ?? DEFAULT_ALERT_POLICY;
    this.sweepMs = options.sweepMs ?? 10_000;
    this.leaseMs = options.leaseMs ?? 60_000;
    this.random = options.random ?? Math.random;
  }

  /** Sweeps once now (alerts left by a previous run), then every `sweepMs`. */
  start(): void {
    this.stopped = false;
    void this.sweep();
    this.timer = setInterval(() => void this.sweep(), this.sweepMs);
    this.timer.unref();
  }

  /** No new work; resolves when the sends in progress are finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.chain;
  }

  /** A write just put an alert in the team's outbox: send it now. */
  kick(teamId: string): void {
    if (this.stopped || this.queued.has(teamId)) return;
    this.queued.add(teamId);
    this.enqueue(async () => {
      this.queued.delete(teamId);
      await this.processTeam(teamId);
    });
  }

  sweep(): Promise<void> {
    return this.enqueue(async () => {
      for (const teamId of await this.repo.teams()) {
        if (this.stopped) return;
        await this.processTeam(teamId);
      }
    });
  }

  /** Waits for everything queued so far (tests, drain). */
  idle(): Promise<void> {
    return this.chain;
  }

  /**
   * A follower tapped Acknowledge: reminders stop and the posted alert shows who and when, for
   * everyone. The first acknowledgement stays; a second tap changes nothing.
   */
  async acknowledge(teamId: string, actor: Actor, alertId: string): Promise<Alert> {
    for (let attempt = 1; ; attempt++) {
      const stored = await this.repo.getAlert(teamId, alertId);
      if (!stored) throw new DomainError('alertNotFound');
      if (stored.value.acknowledged) return stored.value;
      const saved = await this.save(teamId, acknowledge(stored.value, actor, this.options.clock.now()), stored.etag);
      if (saved) {
        await this.redraw(teamId, saved.value);
        return saved.value;
      }
      if (attempt >= 5) throw new DomainError('concurrentEdit');
    }
  }

  private async redraw(teamId: string, alert: Alert): Promise<void> {
    const address = alert.activityId ? await this.repo.channelOf(teamId) : null;
    if (!address || !alert.activityId) return;
    try {
      await this.messenger.update(address, alert.activityId, alert);
    } catch (error) {
      this.options.log.warn({ teamId, alertId: alert.id, err: error }, 'could not redraw the acknowledged alert');
    }
  }

  private enqueue(work: () => Promise<void>): Promise<void> {
    this.chain = this.chain.then(work).catch((error: unknown) => this.options.log.error({ err: error }, 'alert dispatch failed'));
    return this.chain;
  }

  async processTeam(teamId: string): Promise<void> {
    const now = this.options.clock.now();
    const due = (await this.repo.dueAlerts(teamId, now)).filter((a) => isDue(a.value, now));
    if (due.length === 0) return;
    const address = await this.repo.channelOf(teamId);
    if (!address) {
      this.options.log.warn({ teamId, alerts: due.length }, 'alerts wait: no channel on record for this team');
      return;
    }
    for (const alert of due.sort((a, b) => a.value.nextAttemptAt.localeCompare(b.value.nextAttemptAt))) {
      if (this.stopped) return;
      if (alert.value.state !== 'sent') await this.send(teamId, address, alert);
      else if (alert.value.redraw) await this.redrawPosted(teamId, address, alert);
      else await this.remind(teamId, address, alert);
    }
  }

  private async send(teamId: string, address: ChannelAddress, stored: Versioned<Alert>): Promise<void> {
    const now = this.options.clock.now();
    const claimed = await this.save(teamId, {
      ...stored.value,
      state: 'sending',
      leaseUntil: new Date(now.getTime() + this.leaseMs).toISOString(),
      attempts: stored.value.attempts + 1,
    }, stored.etag);
    if (!claimed) return;
    const key = conversationKey(address);
    const wait = this.pacer.reserve(key, now.getTime());
    if (wait > 0) {
      await this.retryLater(teamId, claimed, wait, undefined, stored.value.attempts);
      return;
    }
    try {
      const activityId = await this.messenger.post(address, claimed.value, false);
      await this.save(teamId, markSent(claimed.value, activityId, this.options.clock.now(), this.policy), claimed.etag);
      this.options.log.info({ teamId, alertId: claimed.value.id, attempts: claimed.value.attempts }, 'alert sent');
    } catch (error) {
      await this.failed(teamId, key, claimed, error, stored.value.attempts);
    }
  }

  /** Changes joined a posted alert: the posted card shows them (no new post, no new push). */
  private async redrawPosted(teamId: string, address: ChannelAddress, stored: Versioned<Alert>): Promise<void> {
    const claimed = await this.save(teamId, { ...stored.value, redraw: false }, stored.etag);
    if (!claimed || !claimed.value.activityId) return;
    try {
      await this.messenger.update(address, claimed.value.activityId, claimed.value);
    } catch (error) {
      if (error instanceof GoneError) return;
      if (error instanceof ThrottledError) this.pacer.block(conversationKey(address), this.options.clock.now().getTime() + error.retryAfterMs);
      // Left marked: the next sweep redraws it.
      await this.save(teamId, { ...claimed.value, redraw: true, lastError: describe(error) }, claimed.etag);
    }
  }

  private async remind(teamId: string, address: ChannelAddress, stored: Versioned<Alert>): Promise<void> {
    const now = this.options.clock.now();
    const key = conversationKey(address);
    // Claim the reminder first (another instance sees it is not due any more), then post it.
    const lease = new Date(now.getTime() + this.leaseMs).toISOString();
    const claimed = await this.save(teamId, { ...stored.value, reminders: { ...stored.value.reminders, nextAt: lease } }, stored.etag);
    if (!claimed) return;
    const wait = this.pacer.reserve(key, now.getTime());
    if (wait > 0) {
      await this.save(teamId, { ...claimed.value, reminders: { ...claimed.value.reminders, nextAt: new Date(now.getTime() + wait).toISOString() } }, claimed.etag);
      return;
    }
    try {
      await this.messenger.post(address, { ...claimed.value, reminders: { ...claimed.value.reminders, sent: claimed.value.reminders.sent + 1 } }, true);
      await this.save(teamId, markReminded(claimed.value, this.options.clock.now(), this.policy), claimed.etag);
    } catch (error) {
      const retry = error instanceof ThrottledError ? error.retryAfterMs : this.backoff(claimed.value.reminders.sent + 1);
      if (error instanceof ThrottledError) this.pacer.block(key, now.getTime() + error.retryAfterMs);
      const reminders = error instanceof GoneError ? { sent: claimed.value.reminders.sent } : { ...claimed.value.reminders, nextAt: new Date(now.getTime() + retry).toISOString() };
      await this.save(teamId, { ...claimed.value, reminders, lastError: describe(error) }, claimed.etag);
    }
  }

  private async failed(teamId: string, key: string, claimed: Versioned<Alert>, error: unknown, previousAttempts: number): Promise<void> {
    const now = this.options.clock.now().getTime();
    if (error instanceof GoneError) {
      const { leaseUntil: _lease, ...rest } = claimed.value;
      await this.save(teamId, { ...rest, state: 'undeliverable', lastError: describe(error) }, claimed.etag);
      this.options.log.warn({ teamId, alertId: claimed.value.id, status: error.status }, 'alert undeliverable');
      return;
    }
    if (error instanceof ThrottledError) {
      this.pacer.block(key, now + error.retryAfterMs);
      // A throttled post was not delivered: it does not count as a failed attempt.
      await this.retryLater(teamId, claimed, error.retryAfterMs + this.random() * 250, describe(error), previousAttempts);
      return;
    }
    this.options.log.warn({ teamId, alertId: claimed.value.id, err: error }, 'alert send failed; will retry');
    await this.retryLater(teamId, claimed, this.backoff(claimed.value.attempts), describe(error), claimed.value.attempts);
  }

  private backoff(attempt: number): number {
    const base = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.max(0, attempt - 1));
    return base / 2 + this.random() * (base / 2);
  }

  private async retryLater(teamId: string, claimed: Versioned<Alert>, delayMs: number, lastError: string | undefined, attempts: number): Promise<void> {
    const { leaseUntil: _lease, ...rest } = claimed.value;
    const next = new Date(this.options.clock.now().getTime() + delayMs).toISOString();
    await this.save(teamId, { ...rest, state: 'pending', attempts, nextAttemptAt: next, ...(lastError && { lastError }) }, claimed.etag);
  }

  /** A conditional write; null when another instance changed the alert first. */
  private async save(teamId: string, alert: Alert, etag: string): Promise<Versioned<Alert> | null> {
    try {
      return await this.repo.saveAlert(teamId, alert, etag);
    } catch (error) {
      if (error instanceof ConcurrentEditError) return null;
      throw error;
    }
  }
}

function describe(error: unknown): string {
  if (error instanceof ThrottledError || error instanceof GoneError) return error.message;
  return error instanceof Error ? error.name : 'error';
}
