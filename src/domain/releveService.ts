import type { HistoryRecord } from './history';
import type { Actor } from './patient';
import type { Versioned } from './ports';
import {
  acknowledgedUpTo,
  buildReleve,
  checkWindow,
  hoursWindow,
  patientIdsOf,
  personalWindow,
  type ReleveAcknowledgement,
  type ReleveDigest,
  type RelevePatient,
  type ReleveWindow,
} from './releve';
import type { RelevePost } from './releveSchedule';

/** What the relève needs from storage, one team's partition at a time. */
export interface ReleveRepository {
  /** The team's history records in the window: one query, newest first. */
  historyIn(teamId: string, window: ReleveWindow): Promise<HistoryRecord[]>;
  /** The rows' patients (one query, whatever their number). */
  patients(teamId: string, ids: string[]): Promise<RelevePatient[]>;
  /** Patients with an urgent alert nobody has acknowledged. */
  unacknowledgedAlerts(teamId: string): Promise<Set<string>>;
  /** Where the person's next relève starts in this team. */
  nextStart(teamId: string, actorId: string): Promise<string | undefined>;
  /** Records who took the relève of a window and when, and the start of their next one. */
  acknowledge(teamId: string, acknowledgement: ReleveAcknowledgement, nextStart: string): Promise<void>;
  acknowledgements(teamId: string, window: ReleveWindow): Promise<ReleveAcknowledgement[]>;
  /** Takes the shift's post for this instance; null when it is posted or another instance holds it. */
  claimPost(teamId: string, shiftAt: string, holder: string, now: Date): Promise<Versioned<RelevePost> | null>;
  /** @throws ConcurrentEditError when the claim lapsed and another instance took it. */
  markPosted(teamId: string, post: Versioned<RelevePost>, activityId: string): Promise<void>;
}

export interface ReleveView {
  digest: ReleveDigest;
  acknowledgements: ReleveAcknowledgement[];
}

/** The relève on demand, its acknowledgement, and what the scheduled post shows. */
export class ReleveService {
  constructor(
    private readonly repo: ReleveRepository,
    private readonly clock: { now(): Date },
  ) {}

  /** `relève`: since the person's last acknowledged relève in this team (first time: 12 h). */
  async mine(teamId: string, actor: Actor): Promise<ReleveView> {
    return this.view(teamId, personalWindow(this.clock.now(), await this.repo.nextStart(teamId, actor.id)));
  }

  /** `relève 24h`. */
  lastHours(teamId: string, hours: number): Promise<ReleveView> {
    return this.view(teamId, hoursWindow(this.clock.now(), hours));
  }

  /** One query over the window's history, one for its patients, one for open alerts, one for who took it. */
  async view(teamId: string, window: ReleveWindow): Promise<ReleveView> {
    const checked = checkWindow(window);
    const [records, unacknowledged, acknowledgements] = await Promise.all([
      this.repo.historyIn(teamId, checked),
      this.repo.unacknowledgedAlerts(teamId),
      this.repo.acknowledgements(teamId, checked),
    ]);
    const patients = await this.repo.patients(teamId, patientIdsOf(records));
    return { digest: buildReleve(checked, records, patients, unacknowledged), acknowledgements };
  }

  /** « Pris connaissance »: the person's next relève starts where this one ends. */
  async acknowledge(teamId: string, actor: Actor, window: ReleveWindow): Promise<ReleveView> {
    const checked = checkWindow(window);
    const now = this.clock.now();
    const current = await this.repo.nextStart(teamId, actor.id);
    await this.repo.acknowledge(teamId, { by: actor, at: now.toISOString(), window: checked }, acknowledgedUpTo(checked, now, current));
    return this.view(teamId, checked);
  }
}
