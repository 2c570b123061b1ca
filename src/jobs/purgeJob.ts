import { randomUUID } from 'node:crypto';
import { journalCutoff } from '../domain/journal';
import type { Clock } from '../domain/clock';
import type { AccessJournal, TeamRepository } from '../domain/ports';
import { journalRetention } from '../domain/team';
import {
  DAILY_PURGE,
  DEFAULT_RETENTION_MONTHS,
  isRunDue,
  nextRunAt,
  type PurgeSchedule,
  type RetentionRepository,
} from '../domain/retention';
import { JobLease } from './lease';
import { JobRunner } from './runner';

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
  private readonly lease: JobLease;
  private readonly schedule: PurgeSchedule;
  private readonly checkMs: number;
  private readonly runner = new JobRunner<PurgeRunResult>();

  constructor(
    private readonly repo: RetentionRepository,
    private readonly settings: Pick<TeamRepository, 'getSettings'>,
    private readonly options: PurgeJobOptions,
  ) {
    this.schedule = options.schedule ?? DAILY_PURGE;
    this.checkMs = options.checkMs ?? HOUR_MS;
    const leaseMs = options.leaseMs ?? 15 * 60 * 1000;
    this.lease = new JobLease(repo, { holder: options.holder ?? randomUUID(), leaseMs, clock: options.clock, log: options.log, job: 'purge' });
  }

  /** Looks every `checkMs` (not at once): runs when the current slot has not had its run. */
  start(): void {
    this.runner.every(this.checkMs, () => this.runIfDue(), (error) => this.options.log.error({ err: error }, 'purge check failed'));
  }

  /** No new run; resolves when the run in progress has stopped (it stops between teams). */
  stop(): Promise<void> {
    return this.runner.stop();
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
    return this.runner.run(() => this.run(onlyIfDue), skipped('busy'));
  }

  private async run(onlyIfDue: boolean): Promise<PurgeRunResult> {
    const startedAt = this.options.clock.now();
    const current = await this.repo.readLease();
    if (onlyIfDue && !isRunDue(startedAt, current?.value.lastRunAt, this.schedule)) return skipped('notDue');
    const previousRun = current?.value.lastRunAt;
    let lease = await this.lease.take(current, startedAt);
    if (!lease) return skipped('leaseHeld');

    const result: PurgeRunResult = { skipped: false, teams: 0, purged: 0, kept: 0, journalPurged: 0, failed: 0 };
    let complete = true;
    try {
      for (const teamId of await this.repo.teams()) {
        if (this.runner.stopped) {
          complete = false;
          break;
        }
        lease = await this.lease.renew(lease);
        if (!lease) {
          complete = false;
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
      if (lease) await this.lease.release(lease, complete ? startedAt.toISOString() : previousRun);
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
}
