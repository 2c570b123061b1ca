import { randomUUID } from 'node:crypto';
import {
  acknowledge,
  type Alert,
  type AlertPolicy,
  DEFAULT_ALERT_POLICY,
  isDue,
  markReminded,
  markSent,
  nextDueAt,
  reminderWait,
  stopReminders,
} from '../domain/alerts';
import { conditionalWrite, type ConflictPolicy } from '../domain/conditionalWrite';
import { AlreadyExistsError, ConcurrentEditError, DomainError } from '../domain/errors';
import type { Actor } from '../domain/patient';
import type { Clock } from '../domain/clock';
import type { AlertLane, AlertRepository, ChannelAddress, Versioned } from '../domain/ports';
import { DeadlineError, GoneError, type Messenger, tenantOf, ThrottledError } from './alertSender';
import { EMPTY_WINDOW, HEARTBEAT_MS, INSTANCE_TTL_MS, paceWait, recordSend, settleSend, TenantLimiter } from './pacer';

export interface DispatcherLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface DispatcherOptions {
  clock: Clock;
  policy?: AlertPolicy;
  /** How often the due index is read for what a crash or another instance left (default 10 s). */
  sweepMs?: number;
  log: DispatcherLog;
  random?: () => number;
  /** Deadline of one connector call (post, update): past it the call is aborted and abandoned. */
  callTimeoutMs?: number;
  /** How long a lane is held without a send renewing it (longer than a call's deadline): a dead instance's lane is taken over after it. */
  leaseMs?: number;
  /** Conversations sent to at once; each one's alerts go in order, one at a time. */
  concurrency?: number;
  /** Teams' per-app, per-tenant limit, shared by the live instances (each takes its share). */
  tenantPerSecond?: number;
  /** How long stop() lets calls in flight finish before aborting them. */
  drainMs?: number;
  /** First backoff after a failed post (429 without Retry-After, 5xx, 412, deadline, network). */
  backoffBaseMs?: number;
  maxBackoffMs?: number;
}

/** The result of one post, redraw or reminder. `retryAt`: the lane waits until then; `failed`: it counts for the backoff. */
interface Outcome {
  alert: Versioned<Alert> | null;
  retryAt?: number;
  failed?: boolean;
}

type Work = 'send' | 'redraw' | 'remind';

const MIN_WAKE_MS = 20;
/** A team with alerts but no channel on record is looked at again after this. */
const NO_CHANNEL_RETRY_MS = 60_000;
/** An alert written meanwhile (an acknowledgement, a joined change) is re-read and changed again, at once. */
const SETTLE_CONFLICTS: ConflictPolicy = { attempts: 5 };

/**
 * Sends the alerts of the outbox, for any number of instances sharing the store.
 *
 * Each team's channel is a lane: its alerts go in order, one at a time, and at most `concurrency`
 * lanes send at once, so a slow, throttled or hung conversation never holds up another. A lane is
 * sent by the instance that holds its lane document: every post is first recorded in that
 * document (conditional on its ETag), which renews the hold and keeps Teams' per-conversation
 * limits across instances; a holder that dies is replaced once `leaseMs` has passed. Every
 * connector call has a deadline; a deferred alert is retried by a timer at its due time; the
 * sweep reads the due index (one query) for what a crash or another instance left.
 */
export class AlertDispatcher {
  readonly instanceId = randomUUID();
  private readonly policy: AlertPolicy;
  private readonly sweepMs: number;
  private readonly callTimeoutMs: number;
  private readonly leaseMs: number;
  /** An alert claim outlives the post's deadline, so a live instance's post is never taken over. */
  private readonly claimMs: number;
  private readonly concurrency: number;
  private readonly drainMs: number;
  private readonly backoffBaseMs: number;
  private readonly maxBackoffMs: number;
  private readonly random: () => number;
  private readonly tenants: TenantLimiter;
  private readonly ready: string[] = [];
  private readonly running = new Set<string>();
  /** Lanes asked for while running: they run once more after. */
  private readonly again = new Set<string>();
  private readonly timers = new Map<string, { at: number; handle: NodeJS.Timeout }>();
  private readonly calls = new Set<AbortController>();
  private idleWaiters: Array<() => void> = [];
  private sweepTimer?: NodeJS.Timeout;
  private heartbeatTimer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly repo: AlertRepository,
    private readonly messenger: Messenger,
    private readonly options: DispatcherOptions,
  ) {
    this.policy = options.policy ?? DEFAULT_ALERT_POLICY;
    this.sweepMs = options.sweepMs ?? 10_000;
    this.callTimeoutMs = options.callTimeoutMs ?? 8_000;
    this.leaseMs = options.leaseMs ?? 10_000;
    this.claimMs = this.callTimeoutMs + 5_000;
    this.concurrency = options.concurrency ?? 32;
    this.drainMs = options.drainMs ?? 10_000;
    this.backoffBaseMs = options.backoffBaseMs ?? 250;
    this.maxBackoffMs = options.maxBackoffMs ?? 8_000;
    this.random = options.random ?? Math.random;
    this.tenants = new TenantLimiter(options.tenantPerSecond ?? 30, this.callTimeoutMs);
  }

  /** Sweeps once now (alerts left by a previous run), then every `sweepMs`. */
  start(): void {
    this.stopped = false;
    this.tenants.unheard();
    void this.sweep();
    this.sweepTimer = setInterval(() => void this.sweep(), this.sweepMs);
    this.sweepTimer.unref();
  }

  /**
   * No new work; calls in flight get `drainMs` to finish, then are aborted. What was not sent
   * stays in the outbox: pending, or claimed until the claim lapses.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = undefined;
    for (const { handle } of this.timers.values()) clearTimeout(handle);
    this.timers.clear();
    this.ready.length = 0;
    // Sends waiting for the tenant's budget give up at once.
    this.tenants.unheard();
    await this.idleOr(this.drainMs);
    for (const call of this.calls) call.abort();
    await this.idleOr(2_000);
    // Its calls are over: the other instances may take its share of each tenant.
    await this.repo.leave(this.instanceId).catch((error: unknown) => this.options.log.warn({ err: error }, 'alert heartbeat not removed'));
  }

  /** Counts the live instances, for this one's share of each tenant's budget (real time, like its timer). */
  private async heartbeat(): Promise<void> {
    try {
      const t = Date.now();
      const live = await this.repo.heartbeat(this.instanceId, t + INSTANCE_TTL_MS, t);
      if (!this.stopped) this.tenants.heard(live);
    } catch (error) {
      this.options.log.warn({ err: error }, 'alert heartbeat failed');
    }
  }

  /** A write just put an alert in the team's outbox: send it now. */
  kick(teamId: string): void {
    if (!this.stopped) this.schedule(teamId);
  }

  /** Reads the due index and runs every lane found due; resolves when they are done. */
  async sweep(): Promise<void> {
    if (this.stopped) return;
    try {
      for (const teamId of await this.repo.dueTeams(this.options.clock.now())) this.schedule(teamId);
    } catch (error) {
      this.options.log.error({ err: error }, 'alert sweep failed');
    }
    await this.idle();
  }

  /** Resolves when no lane is running or waiting to run (timers set for later do not count). */
  idle(): Promise<void> {
    if (this.running.size === 0 && this.ready.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * « Vu »: acknowledges the patient. Every alert of the patient nobody acknowledged stops (no
   * more reminders) and its posted card is redrawn neutral with who and when, for everyone. A tap
   * on a card already acknowledged changes nothing.
   */
  async acknowledge(teamId: string, actor: Actor, alertId: string): Promise<Alert> {
    const tapped = await this.repo.getAlert(teamId, alertId);
    if (!tapped) throw new DomainError('alertNotFound');
    if (tapped.value.acknowledged) return tapped.value;
    const now = this.options.clock.now();
    let result = acknowledge(tapped.value, actor, now);
    const open = await this.repo.unacknowledgedAlerts(teamId, tapped.value.patientId);
    for (const stored of open.some((a) => a.value.id === alertId) ? open : [...open, tapped]) {
      const saved = await this.settle(teamId, stored, (alert) => acknowledge(alert, actor, now));
      if (saved.value.id === alertId) result = saved.value;
    }
    this.kick(teamId);
    return result;
  }

  /** Is this alert of this patient still waiting for « Vu »? */
  async unacknowledged(teamId: string, alertId: string, patientId: string): Promise<boolean> {
    const alert = await this.repo.getAlert(teamId, alertId);
    return Boolean(alert && alert.value.patientId === patientId && !alert.value.acknowledged && alert.value.state !== 'undeliverable');
  }

  private schedule(teamId: string): void {
    // Heartbeats begin with the first work: an instance that never sends writes nothing.
    if (!this.heartbeatTimer) {
      void this.heartbeat();
      this.heartbeatTimer = setInterval(() => void this.heartbeat(), HEARTBEAT_MS);
      this.heartbeatTimer.unref();
    }
    if (this.running.has(teamId)) {
      this.again.add(teamId);
      return;
    }
    if (!this.ready.includes(teamId)) this.ready.push(teamId);
    this.pump();
  }

  private pump(): void {
    while (!this.stopped && this.running.size < this.concurrency && this.ready.length > 0) {
      const teamId = this.ready.shift()!;
      this.running.add(teamId);
      void this.runLane(teamId)
        .catch((error: unknown) => {
          this.options.log.error({ teamId, err: error }, 'alert dispatch failed');
          this.wake(teamId, this.options.clock.now().getTime() + this.backoff(1));
        })
        .finally(() => {
          this.running.delete(teamId);
          if (this.again.delete(teamId) && !this.stopped) this.ready.push(teamId);
          this.pump();
          if (this.running.size === 0 && (this.ready.length === 0 || this.stopped)) {
            const waiters = this.idleWaiters;
            this.idleWaiters = [];
            for (const resolve of waiters) resolve();
          }
        });
    }
  }

  private idleOr(ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    return Promise.race([this.idle(), new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]).finally(() => clearTimeout(timer));
  }

  /** Runs the lane again at `at` (the earliest asked for wins). */
  private wake(teamId: string, at: number): void {
    if (this.stopped) return;
    const existing = this.timers.get(teamId);
    if (existing && existing.at <= at) return;
    if (existing) clearTimeout(existing.handle);
    const delay = Math.max(MIN_WAKE_MS, at - this.options.clock.now().getTime());
    const handle = setTimeout(() => {
      this.timers.delete(teamId);
      this.schedule(teamId);
    }, delay);
    handle.unref();
    this.timers.set(teamId, { at, handle });
  }

  private async runLane(teamId: string): Promise<void> {
    const now = () => this.options.clock.now().getTime();
    let lane = await this.repo.getLane(teamId);
    if (lane && lane.value.owner !== this.instanceId && lane.value.until > now()) {
      // Another instance sends this channel's alerts; look again when its hold lapses.
      this.wake(teamId, lane.value.until + 1);
      return;
    }
    const entry = await this.repo.dueEntry(teamId);
    const alerts = await this.repo.openAlerts(teamId);
    const address = alerts.length > 0 ? await this.repo.channelOf(teamId) : null;
    if (alerts.length > 0 && !address) this.options.log.warn({ teamId, alerts: alerts.length }, 'alerts wait: no channel on record for this team');
    let state: AlertLane = lane?.value ?? { owner: this.instanceId, until: 0, window: EMPTY_WINDOW, blockedUntil: 0, failures: 0 };
    let held = false;
    let notBefore = address ? 0 : now() + NO_CHANNEL_RETRY_MS;
    for (let i = 0; address && i < alerts.length && !this.stopped; i++) {
      const current = alerts[i]!;
      const t = now();
      // Holding the lane means its previous holder's calls are past their deadline (the hold
      // outlasts it): an alert it left claimed is taken over now, in its place in the order.
      if (current.value.state !== 'sending' && !isDue(current.value, new Date(t))) continue;
      const work: Work = current.value.state !== 'sent' ? 'send' : current.value.redraw ? 'redraw' : 'remind';
      if (work === 'remind') {
        const gap = reminderWait(current.value, alerts.filter((other) => other !== current).map((other) => other.value), new Date(t));
        if (gap > 0) {
          alerts[i] = await this.settle(teamId, current, (alert) => ({ ...alert, reminders: { ...alert.reminders, nextAt: new Date(t + gap).toISOString() } }));
          continue;
        }
      }
      // Order within the channel: nothing overtakes an alert that has to wait.
      const wait = Math.max(state.blockedUntil - t, paceWait(state.window, t));
      if (wait > 0) {
        notBefore = t + wait;
        break;
      }
      // The tenant's budget frees up within a second (a few while this instance joins): wait here rather than re-reading the lane.
      const tenant = tenantOf(address);
      let sendAt = now();
      for (let tenantWait; !this.stopped && (tenantWait = this.tenants.reserve(tenant, sendAt)) > 0; sendAt = now()) await this.tenants.pause(tenantWait);
      if (this.stopped) break;
      // The send is recorded (and the hold renewed) before the post, where every instance sees it.
      try {
        lane = await this.repo.saveLane(teamId, { ...state, owner: this.instanceId, until: sendAt + this.leaseMs, window: recordSend(state.window, sendAt) }, lane?.etag);
      } catch (error) {
        if (!(error instanceof ConcurrentEditError || error instanceof AlreadyExistsError)) throw error;
        // Another instance took the lane first: it sends; this one looks again when its hold lapses.
        this.tenants.settle(tenant, sendAt, now());
        this.again.add(teamId);
        return;
      }
      state = lane.value;
      held = true;
      const outcome = await this.attempt(teamId, address, current, work, state.failures);
      state = { ...state, window: settleSend(state.window, sendAt, now()) };
      this.tenants.settle(tenant, sendAt, now());
      if (outcome.alert) alerts[i] = outcome.alert;
      else this.again.add(teamId);
      if (outcome.retryAt !== undefined) {
        state = { ...state, blockedUntil: outcome.retryAt, failures: outcome.failed ? state.failures + 1 : state.failures };
        break;
      }
      state = { ...state, failures: 0 };
      if (work === 'send' && outcome.alert?.value.reminders.nextAt) await this.supersedeReminders(teamId, alerts, i);
    }
    if (held && lane) {
      // Released for any instance, keeping the window and the wait for whoever sends next.
      lane = await this.repo.saveLane(teamId, { ...state, until: now() }, lane.etag).catch(() => lane);
    }
    const t = now();
    const dues = alerts.map((a) => nextDueAt(a.value)).filter((at): at is number => at !== undefined);
    const next = dues.length === 0 ? undefined : Math.max(Math.min(...dues), notBefore, state.blockedUntil, t + paceWait(state.window, t));
    if (next !== undefined) this.wake(teamId, next);
    if (!(await this.repo.setDue(teamId, next === undefined ? undefined : new Date(next), entry?.etag))) this.again.add(teamId);
  }

  /** A newer urgent alert of the patient was posted: it carries the reminders, older ones stop. */
  private async supersedeReminders(teamId: string, alerts: Array<Versioned<Alert>>, index: number): Promise<void> {
    const newer = alerts[index]!.value;
    for (let j = 0; j < alerts.length; j++) {
      const older = alerts[j]!;
      if (j === index || older.value.patientId !== newer.patientId || older.value.state !== 'sent' || !older.value.reminders.nextAt) continue;
      alerts[j] = await this.settle(teamId, older, stopReminders);
    }
  }

  private async attempt(teamId: string, address: ChannelAddress, stored: Versioned<Alert>, work: Work, failures: number): Promise<Outcome> {
    const t = this.options.clock.now().getTime();
    if (work === 'send') {
      const claimed = await this.claim(teamId, stored, {
        ...stored.value,
        state: 'sending',
        leaseUntil: new Date(t + this.claimMs).toISOString(),
        attempts: stored.value.attempts + 1,
      });
      if (!claimed) return { alert: null };
      try {
        const activityId = await this.call((signal) => this.messenger.post(address, claimed.value, false, signal));
        const sentAt = this.options.clock.now();
        // Acknowledged while it was being posted: the card just posted is redrawn neutral.
        const sent = await this.settle(teamId, claimed, (alert) => ({ ...markSent(alert, activityId, sentAt, this.policy), ...(alert.acknowledged && { redraw: true }) }));
        this.options.log.info({ teamId, alertId: claimed.value.id, attempts: claimed.value.attempts }, 'alert sent');
        return { alert: sent };
      } catch (error) {
        return this.failed(teamId, claimed, error, failures, (alert, retryAt, throttled) => {
          if (error instanceof GoneError) {
            const { leaseUntil: _lease, ...rest } = alert;
            return { ...rest, state: 'undeliverable', lastError: describe(error) };
          }
          const { leaseUntil: _lease, ...rest } = alert;
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
        await this.call((signal) => this.messenger.update(address, activityId, claimed.value, signal));
        return { alert: claimed };
      } catch (error) {
        return this.failed(teamId, claimed, error, failures, (alert) => (error instanceof GoneError ? alert : { ...alert, redraw: true, lastError: describe(error) }));
      }
    }
    // Claimed first: another instance sees the reminder is not due any more.
    const claimed = await this.claim(teamId, stored, { ...stored.value, reminders: { ...stored.value.reminders, nextAt: new Date(t + this.claimMs).toISOString() } });
    if (!claimed) return { alert: null };
    try {
      const reminder = { ...claimed.value, reminders: { ...claimed.value.reminders, sent: claimed.value.reminders.sent + 1 } };
      await this.call((signal) => this.messenger.post(address, reminder, true, signal));
      const at = this.options.clock.now();
      return { alert: await this.settle(teamId, claimed, (alert) => markReminded(alert, at, this.policy)) };
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
    const retryAt = t + (told ?? this.backoff(failures + 1));
    if (!throttled) this.options.log.warn({ teamId, alertId: claimed.value.id, err: error }, 'alert call failed; will retry');
    const alert = await this.settle(teamId, claimed, (current) => next(current, retryAt, throttled));
    return { alert, retryAt, failed: told === undefined };
  }

  private backoff(failure: number): number {
    const base = Math.min(this.maxBackoffMs, this.backoffBaseMs * 2 ** Math.max(0, failure - 1));
    return base / 2 + this.random() * (base / 2);
  }

  /** One connector call under the deadline: aborted, and abandoned even if the SDK ignores the abort. */
  private async call<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    this.calls.add(controller);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_resolve, reject) => {
      controller.signal.addEventListener('abort', () => reject(new DeadlineError(this.callTimeoutMs)), { once: true });
      timer = setTimeout(() => controller.abort(), this.callTimeoutMs);
    });
    try {
      return await Promise.race([work(controller.signal), deadline]);
    } finally {
      clearTimeout(timer);
      this.calls.delete(controller);
    }
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
  private settle(teamId: string, stored: Versioned<Alert>, change: (alert: Alert) => Alert): Promise<Versioned<Alert>> {
    const reread = async (): Promise<Versioned<Alert>> => {
      const fresh = await this.repo.getAlert(teamId, stored.value.id);
      if (!fresh) throw new DomainError('concurrentEdit');
      return fresh;
    };
    return conditionalWrite(SETTLE_CONFLICTS, reread, (current) => this.repo.saveAlert(teamId, change(current.value), current.etag), stored);
  }
}

function describe(error: unknown): string {
  if (error instanceof ThrottledError || error instanceof GoneError || error instanceof DeadlineError) return error.message;
  return error instanceof Error ? error.name : 'error';
}
