import { randomUUID } from 'node:crypto';
import { acknowledge, type Alert, type AlertPolicy, DEFAULT_ALERT_POLICY, isDue, nextDueAt, reminderWait, stopReminders } from '../domain/alerts';
import { AlreadyExistsError, ConcurrentEditError, DomainError } from '../domain/errors';
import type { Actor } from '../domain/patient';
import type { Clock } from '../domain/clock';
import type { AlertLane, AlertRepository, Versioned } from '../domain/ports';
import { type Messenger, tenantOf } from './alertSender';
import { AlertWork, type Work } from './alertWork';
import { backoffMs, ConnectorCalls } from './connectorCalls';
import { InstanceHeartbeat } from './heartbeat';
import { LaneScheduler } from './lanes';
import { EMPTY_WINDOW, paceWait, recordSend, settleSend, TenantLimiter } from './pacer';

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

/** A team with alerts but no channel on record is looked at again after this. */
const NO_CHANNEL_RETRY_MS = 60_000;

/**
 * Sends the alerts of the outbox, for any number of instances sharing the store.
 *
 * Each team's channel is a lane: its alerts go in order, one at a time, and at most `concurrency`
 * lanes send at once (lanes.ts), so a slow, throttled or hung conversation never holds up another. A lane is
 * sent by the instance that holds its lane document: every post is first recorded in that
 * document (conditional on its ETag), which renews the hold and keeps Teams' per-conversation
 * limits across instances; a holder that dies is replaced once `leaseMs` has passed. Every
 * connector call has a deadline (connectorCalls.ts); one alert's claim, call and outcome are
 * alertWork.ts; a deferred alert is retried by a timer at its due time; the sweep reads the due
 * index (one query) for what a crash or another instance left. Each tenant's budget is shared
 * between the live instances, counted from their heartbeats (heartbeat.ts, pacer.ts).
 */
export class AlertDispatcher {
  readonly instanceId = randomUUID();
  private readonly sweepMs: number;
  private readonly leaseMs: number;
  private readonly drainMs: number;
  private readonly tenants: TenantLimiter;
  private readonly calls: ConnectorCalls;
  private readonly alertWork: AlertWork;
  private readonly lanes: LaneScheduler;
  private readonly heartbeat: InstanceHeartbeat;
  private sweepTimer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly repo: AlertRepository,
    messenger: Messenger,
    private readonly options: DispatcherOptions,
  ) {
    const policy = options.policy ?? DEFAULT_ALERT_POLICY;
    const callTimeoutMs = options.callTimeoutMs ?? 8_000;
    const random = options.random ?? Math.random;
    const backoff = (failure: number) => backoffMs(failure, options.backoffBaseMs ?? 250, options.maxBackoffMs ?? 8_000, random);
    this.sweepMs = options.sweepMs ?? 10_000;
    this.leaseMs = options.leaseMs ?? 10_000;
    this.drainMs = options.drainMs ?? 10_000;
    this.tenants = new TenantLimiter(options.tenantPerSecond ?? 30, callTimeoutMs);
    this.calls = new ConnectorCalls(callTimeoutMs);
    // An alert claim outlives the post's deadline, so a live instance's post is never taken over.
    this.alertWork = new AlertWork(repo, messenger, this.calls, { clock: options.clock, policy, log: options.log, claimMs: callTimeoutMs + 5_000, backoff });
    this.lanes = new LaneScheduler((teamId) => this.runLane(teamId), {
      concurrency: options.concurrency ?? 32,
      now: () => options.clock.now().getTime(),
      failed: (teamId, error) => {
        options.log.error({ teamId, err: error }, 'alert dispatch failed');
        this.lanes.wake(teamId, options.clock.now().getTime() + backoff(1));
      },
    });
    this.heartbeat = new InstanceHeartbeat(repo, this.instanceId, this.tenants, options.log);
  }

  /** Sweeps once now (alerts left by a previous run), then every `sweepMs`. */
  start(): void {
    this.stopped = false;
    this.lanes.start();
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
    this.lanes.stop();
    // Sends waiting for the tenant's budget give up at once.
    this.heartbeat.halt();
    await this.lanes.idleOr(this.drainMs);
    this.calls.abortAll();
    await this.lanes.idleOr(2_000);
    await this.heartbeat.leave();
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
    return this.lanes.idle();
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
      const saved = await this.alertWork.settle(teamId, stored, (alert) => acknowledge(alert, actor, now));
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
    this.heartbeat.begin();
    this.lanes.schedule(teamId);
  }

  private async runLane(teamId: string): Promise<void> {
    const now = () => this.options.clock.now().getTime();
    let lane = await this.repo.getLane(teamId);
    if (lane && lane.value.owner !== this.instanceId && lane.value.until > now()) {
      // Another instance sends this channel's alerts; look again when its hold lapses.
      this.lanes.wake(teamId, lane.value.until + 1);
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
          alerts[i] = await this.alertWork.settle(teamId, current, (alert) => ({ ...alert, reminders: { ...alert.reminders, nextAt: new Date(t + gap).toISOString() } }));
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
        this.lanes.rerun(teamId);
        return;
      }
      state = lane.value;
      held = true;
      // The tenant's count runs until a second after the call itself, not the writes around it.
      let tenantSettled = false;
      const settleTenant = () => {
        if (!tenantSettled) this.tenants.settle(tenant, sendAt, now());
        tenantSettled = true;
      };
      const outcome = await this.alertWork.attempt(teamId, address, current, work, state.failures, settleTenant);
      state = { ...state, window: settleSend(state.window, sendAt, now()) };
      // No call made (the alert changed meanwhile): its reservation ends now.
      settleTenant();
      if (outcome.alert) alerts[i] = outcome.alert;
      else this.lanes.rerun(teamId);
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
    if (next !== undefined) this.lanes.wake(teamId, next);
    if (!(await this.repo.setDue(teamId, next === undefined ? undefined : new Date(next), entry?.etag))) this.lanes.rerun(teamId);
  }

  /** A newer urgent alert of the patient was posted: it carries the reminders, older ones stop. */
  private async supersedeReminders(teamId: string, alerts: Array<Versioned<Alert>>, index: number): Promise<void> {
    const newer = alerts[index]!.value;
    for (let j = 0; j < alerts.length; j++) {
      const older = alerts[j]!;
      if (j === index || older.value.patientId !== newer.patientId || older.value.state !== 'sent' || !older.value.reminders.nextAt) continue;
      alerts[j] = await this.alertWork.settle(teamId, older, stopReminders);
    }
  }
}
