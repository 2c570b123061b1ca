import type { Actor } from './patient';
import type { MutationResult } from './patientChange';
import type { PatientService } from './patientService';
import type { PurgeCandidate, RetentionRepository } from './retention';
import { requireSuperuser, type TeamSettings } from './team';

/** Who the next run would purge, and when it runs. */
export interface PurgePreview {
  runAt: Date;
  retentionMonths: number;
  patients: PurgeCandidate[];
}

export interface RetentionServiceOptions {
  /** When the next purge runs (the job knows its schedule and the last run). */
  nextRun: () => Promise<Date>;
}

/** What superusers do about the purge: see who would go at the next run, and keep someone. */
export class RetentionService {
  constructor(
    private readonly retention: Pick<RetentionRepository, 'candidates'>,
    private readonly patients: Pick<PatientService, 'excludeFromPurge'>,
    private readonly options: RetentionServiceOptions,
  ) {}

  async preview(teamId: string, settings: TeamSettings, actor: Actor): Promise<PurgePreview> {
    requireSuperuser(settings, actor);
    const runAt = await this.options.nextRun();
    const patients = await this.retention.candidates(teamId, runAt, settings.retentionMonths);
    return { runAt, retentionMonths: settings.retentionMonths, patients };
  }

  /** Keeps the patient out of every later purge, as a change like any other (PatientService's write path). */
  async exclude(teamId: string, settings: TeamSettings, actor: Actor, patientId: string): Promise<MutationResult> {
    requireSuperuser(settings, actor);
    return this.patients.excludeFromPurge(teamId, actor, patientId);
  }
}
