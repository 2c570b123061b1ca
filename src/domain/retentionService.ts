import { randomUUID } from 'node:crypto';
import { ConcurrentEditError, DomainError } from './errors';
import type { HistoryRecord } from './history';
import type { Actor, Patient } from './patient';
import type { Clock, MutationResult } from './patientService';
import type { PatientRepository } from './ports';
import type { PurgeCandidate, RetentionRepository } from './retention';
import { requireSuperuser, type TeamSettings } from './team';

const WRITE_ATTEMPTS = 5;

/** Who the next run would purge, and when it runs. */
export interface PurgePreview {
  runAt: Date;
  retentionMonths: number;
  patients: PurgeCandidate[];
}

export interface RetentionServiceOptions {
  clock: Clock;
  /** When the next purge runs (the job knows its schedule and the last run). */
  nextRun: () => Promise<Date>;
}

/** What superusers do about the purge: see who would go at the next run, and keep someone. */
export class RetentionService {
  constructor(
    private readonly retention: Pick<RetentionRepository, 'candidates'>,
    private readonly patients: Pick<PatientRepository, 'get' | 'replace'>,
    private readonly options: RetentionServiceOptions,
  ) {}

  async preview(teamId: string, settings: TeamSettings, actor: Actor): Promise<PurgePreview> {
    requireSuperuser(settings, actor);
    const runAt = await this.options.nextRun();
    const patients = await this.retention.candidates(teamId, runAt, settings.retentionMonths);
    return { runAt, retentionMonths: settings.retentionMonths, patients };
  }

  /**
   * Keeps the patient out of every later purge, as a change like any other: conditional on the
   * patient's ETag (a purge that already read the patient then leaves it), with its history record.
   */
  async exclude(teamId: string, settings: TeamSettings, actor: Actor, patientId: string): Promise<MutationResult> {
    requireSuperuser(settings, actor);
    for (let attempt = 1; ; attempt++) {
      const current = await this.patients.get(teamId, patientId);
      if (!current) throw new DomainError('patientNotFound');
      if (current.value.purgeExcluded === true) return { patient: current.value, changed: false };
      const at = this.options.clock.now().toISOString();
      const next: Patient = { ...current.value, purgeExcluded: true, updated: { by: actor, at }, version: current.value.version + 1 };
      const history: HistoryRecord = {
        id: randomUUID(),
        patientId,
        at,
        by: actor,
        action: 'purge',
        changes: [{ field: 'purgeExcluded', new: 'true' }],
      };
      try {
        return { patient: (await this.patients.replace(next, current.etag, { history })).value, changed: true };
      } catch (error) {
        if (!(error instanceof ConcurrentEditError)) throw error;
        if (attempt >= WRITE_ATTEMPTS) throw new DomainError('concurrentEdit');
      }
    }
  }
}
