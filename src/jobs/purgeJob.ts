import { randomUUID } from 'node:crypto';
import { journalCutoff } from '../domain/journal';
import type { Clock } from '../domain/patientService';
import type { AccessJournal, TeamRepository, Versioned } from '../domain/ports';
import { journalRetention } from '../domain/team';
import {
  DAILY_PURGE,
  DEFAULT_RETENTION_MONTHS,
  isRunDue,
  leaseIsFree,
  nextRunAt,
  type PurgeLease,
  type PurgeSchedule,
  type RetentionRepository,
} from '../domain/retention';

/** Logs carry counts and team ids only: never a patient's name, number or dates. */
export interface JobLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface PurgeJobOptions {
  clock: Clock;
  log: JobLog;
  /** The access journal, whose records go at the end of the team's journal retention (not with their patient). */
  journal: Pick<AccessJournal, 'purgeBefore'>;
  /** This instance's name on the lease (random per process by default). */
  holder?: string;
  /** Which slots have a run (default daily at 08:00 UTC). */
  schedule?: PurgeSchedule;
  /** How often the scheduler wakes to see whether the current slot's run is still to do (default 1 h). */
  checkMs?: number;
  /** How long a run holds the lease before another instance may take over (renewed between teams). */
  leaseMs?: number;
}

export interface PurgeRunResult {
  skipped: boolean;
  /** Why nothing ran: another instance holds the lease, this slot already ran, or a run is in progress here. */
  reason?: 'leaseHeld' | 'notDue' | 'busy';
  teams: number;
  purged: number;
  /** Candidates changed between the query and the delete (reactivated, excluded, noted): kept. */
  kept: number;
  /** Access-journal records past their retention, deleted. */
  journalPurged: number;
  /** Teams whose purge failed (logged; retried at the next run). */
  failed: number;
}

const HOUR_MS = 60 * 60 * 1000;

function skipped(reason: PurgeRunResult['reason']): PurgeRunResult {
  return { skipped: true, reason, teams: 0, purged: 0, kept: 0, journalPurged: 0, failed: 0 };
}

/**
 * The daily retention purge. Every instance runs a scheduler; a lease document in Cosmos makes
 * one of them do each run, and the last run's time (on the lease) makes it once per slot.
 */
export class PurgeJob {
  private readonly holder: string;
  private readonly schedule: PurgeSchedule;
  private readonly checkMs: number;
  private readonly leaseMs: number;
  private timer?: NodeJS.Timeout;
  private running?: Promise<PurgeRunResult>;
  private stopped = false;

  constructor(
    private readonly repo: RetentionRepository,
    private readonly settings: Pick<TeamRepository, 'getSettings'>,
    private readonly options: PurgeJobOptions,
  ) {
    this.holder = options.holder ?? randomUUID();
    this.schedule = options.schedule ?? DAILY_PURGE;
    this.checkMs = options.checkMs ?? HOUR_MS;
    this.leaseMs = options.leaseMs ?? 15 * 60 * 1000;
  }

  /** Looks every `checkMs` (not at once): runs when the current slot has not had its run. */
  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => {
      this.runIfDue().catch((error: unknown) => this.options.log.error({ err: error }, 'purge check failed'));
    }, this.checkMs);
    this.timer.unref();
  }

  /** No new run; resolves when the run in progress has stopped (it stops between teams). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  /** Runs now, unless another instance holds the lease. */
  runOnce(): Promise<PurgeRunResult> {
    return this.exclusive(false);
  }

  /** What the scheduler does: runs only if nobody ran in the current slot. */
  runIfDue(): Promise<PurgeRunResult> {
    return this.exclusive(true);
  }

  /** When the next run happens, for the preview. */
  async nextRunAt(): Promise<Date> {
    const lease = await this.repo.readLease();
    return nextRunAt(this.options.clock.now(), lease?.value.lastRunAt, this.schedule, this.checkMs);
  }

  private exclusive(onlyIfDue: boolean): Promise<PurgeRunResult> {
    if (this.running) return Promise.resolve(skipped('busy'));
    const run = this.run(onlyIfDue).finally(() => {
      this.running = undefined;
    });
    this.running = run;
    return run;
  }

  private async run(onlyIfDue: boolean): Promise<PurgeRunResult> {
    const startedAt = this.options.clock.now();
    const current = await this.repo.readLease();
    if (onlyIfDue && !isRunDue(startedAt, current?.value.lastRunAt, this.schedule)) return skipped('notDue');
    if (current && !leaseIsFree(current.value, startedAt)) return skipped('leaseHeld');
    const previousRun = current?.value.lastRunAt;
    let lease = await this.repo.writeLease(this.leaseFrom(startedAt, previousRun), current?.etag);
    if (!lease) return skipped('leaseHeld');

    const result: PurgeRunResult = { skipped: false, teams: 0, purged: 0, kept: 0, journalPurged: 0, failed: 0 };
    let complete = true;
    try {
      for (const teamId of await this.repo.teams()) {
        if (this.stopped) {
          complete = false;
          break;
        }
        lease = await this.renew(lease);
        if (!lease) {
          complete = false;
          this.options.log.warn({ event: 'purge-lease-lost' }, 'purge stopped: another instance took the lease');
          break;
        }
        result.teams += 1;
        try {
          const { purged, kept, journalPurged } = await this.purgeTeam(teamId);
          result.purged += purged;
          result.kept += kept;
          result.journalPurged += journalPurged;
        } catch (error) {
          result.failed += 1;
          this.options.log.error({ event: 'purge-team-failed', teamId, err: error }, 'purge of a team failed');
        }
      }
    } catch (error) {
      // The team list could not be read: this slot has not had its run.
      complete = false;
      throw error;
    } finally {
      if (lease) await this.release(lease, complete ? startedAt.toISOString() : previousRun);
    }
    this.options.log.info(
      { event: 'purge-run', teams: result.teams, purged: result.purged, kept: result.kept, journalPurged: result.journalPurged, failed: result.failed, complete },
      'purge run finished',
    );
    return result;
  }

  private async purgeTeam(teamId: string): Promise<{ purged: number; kept: number; journalPurged: number }> {
    const now = this.options.clock.now();
    const settings = await this.settings.getSettings(teamId);
    const retentionMonths = settings?.value.retentionMonths ?? DEFAULT_RETENTION_MONTHS;
    let purged = 0;
    let kept = 0;
    let failed = 0;
    for (const candidate of await this.repo.candidates(teamId, now, retentionMonths)) {
      try {
        const outcome = await this.repo.purgePatient(teamId, candidate.id, candidate.etag);
        if (outcome === 'purged') purged += 1;
        else if (outcome === 'changed') kept += 1;
      } catch (error) {
        failed += 1;
        this.options.log.error({ event: 'purge-patient-failed', teamId, err: error }, 'a patient could not be purged; next run retries');
      }
    }
    const journalMonths = journalRetention(settings?.value);
    const journalPurged = await this.options.journal.purgeBefore(teamId, journalCutoff(now, journalMonths));
    await this.repo.recordRun(teamId, { id: randomUUID(), at: now.toISOString(), count: purged });
    this.options.log.info({ event: 'purge-team', teamId, purged, kept, failed, retentionMonths, journalPurged, journalMonths }, 'team purged');
    return { purged, kept, journalPurged };
  }

  private leaseFrom(now: Date, lastRunAt: string | undefined, untilMs = this.leaseMs): PurgeLease {
    return { holder: this.holder, until: new Date(now.getTime() + untilMs).toISOString(), ...(lastRunAt && { lastRunAt }) };
  }

  /** Extends the lease when half of it is gone; null when another instance took it meanwhile. */
  private async renew(lease: Versioned<PurgeLease>): Promise<Versioned<PurgeLease> | null> {
    const now = this.options.clock.now();
    if (Date.parse(lease.value.until) - now.getTime() > this.leaseMs / 2) return lease;
    return this.repo.writeLease(this.leaseFrom(now, lease.value.lastRunAt), lease.etag);
  }

  /** Frees the lease at once and records the run (only a complete run counts for its slot). */
  private async release(lease: Versioned<PurgeLease>, lastRunAt: string | undefined): Promise<void> {
    try {
      const released = await this.repo.writeLease(this.leaseFrom(this.options.clock.now(), lastRunAt, 0), lease.etag);
      if (!released) this.options.log.warn({ event: 'purge-lease-lost' }, 'the purge lease was taken over before release');
    } catch (error) {
      // The lease lapses by itself after `leaseMs`.
      this.options.log.error({ event: 'purge-lease-release-failed', err: error }, 'could not release the purge lease');
    }
  }
}
