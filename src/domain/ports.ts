import type { Alert } from './alerts';
import type { HistoryRecord } from './history';
import type { AccessPage, AccessQuery, AccessRecord } from './journal';
import type { ListCounts, Note, Patient } from './patient';
import type { ShiftSchedule } from './releveSchedule';
import type { TeamSettings } from './team';

/** A stored value with the opaque token that makes the next write conditional on it. */
export interface Versioned<T> {
  value: T;
  etag: string;
}

export const LIST_FILTERS = ['active', 'inactive', 'flagged', 'all'] as const;
export type ListFilter = (typeof LIST_FILTERS)[number];

/** Keyset cursor over the activity order: `after` pages towards older rows, `before` towards newer. */
export type PageCursor = { after: string } | { before: string } | Record<string, never>;

/** How many patients each filter button of the list stands for. */
export type { ListCounts } from './patient';

export interface PatientPage {
  patients: Patient[];
  /** Rows the filter matches (from `counts`). */
  total: number;
  /** The team's counts, kept in its counter document by the writes themselves (no COUNT per page). */
  counts: ListCounts;
  /** Cursor keys of the first and last rows, for the Previous / Next buttons. */
  firstKey?: string;
  lastKey?: string;
  hasNewer: boolean;
  hasOlder: boolean;
}

/** Documents written in the same transactional batch as a patient change. */
export interface WriteExtras {
  note?: Note;
  history?: HistoryRecord;
  newAlert?: Alert;
  /** A pending alert the change joins, conditional on its ETag (the dispatcher may have claimed it). */
  mergedAlert?: Versioned<Alert>;
  /** The journal record that goes with the change: an alert's communication (none goes out unrecorded), or showing the patient created. */
  access?: AccessRecord;
  /** How a replaced patient moves the team's list counts (status, flag); a created one counts itself. */
  countsDelta?: ListCounts;
  /** Key of the form that creates the patient: a second submission finds the first patient. */
  requestKey?: string;
}

/**
 * What the domain needs from storage. Every method is scoped to one team (one partition);
 * an implementation must never return another team's document.
 */
export interface PatientRepository {
  /** Next team-scoped patient number, unique under concurrent callers. */
  allocateNumber(teamId: string): Promise<number>;
  /** @throws AlreadyExistsError when the id is taken (a form submitted twice). */
  create(patient: Patient, extras?: WriteExtras): Promise<Versioned<Patient>>;
  get(teamId: string, id: string): Promise<Versioned<Patient> | null>;
  /** The patient a create form (its `requestKey`) made, if it was submitted before. */
  createdByRequest(teamId: string, requestKey: string): Promise<Versioned<Patient> | null>;
  findByNumber(teamId: string, number: number): Promise<Versioned<Patient> | null>;
  /** Patients whose folded name contains the folded part, at most `limit`. */
  findByNamePart(teamId: string, foldedPart: string, limit: number): Promise<Patient[]>;
  /**
   * Patients whose folded name is exactly `foldedName`, or whose file or health-card number is
   * exactly `fileNumber`, at most `limit`: equalities, which an index serves at any team size.
   */
  findNamesakes(teamId: string, match: { foldedName: string; fileNumber?: string }, limit: number): Promise<Patient[]>;
  /**
   * Writes the patient if it still has `etag`, with its note, history record and alert in the same
   * transactional batch.
   * @throws ConcurrentEditError when someone else wrote first (the patient or the merged alert).
   * @throws AlreadyExistsError when the note id exists (a note form submitted twice).
   */
  replace(patient: Patient, etag: string, extras?: WriteExtras): Promise<Versioned<Patient>>;
  listPage(teamId: string, filter: ListFilter, cursor: PageCursor, pageSize: number): Promise<PatientPage>;
  /** The team's list counts alone (what a page carries in `counts`). */
  counts(teamId: string): Promise<ListCounts>;
  /** Patients the person follows, newest activity first, at most `limit`. */
  followedBy(teamId: string, actorId: string, limit: number): Promise<Patient[]>;
  getAlert(teamId: string, id: string): Promise<Versioned<Alert> | null>;
  /** Every patient of the team, by number (import duplicates, export). */
  all(teamId: string): Promise<Patient[]>;
  allocateNumbers(teamId: string, count: number): Promise<number>;
  /** Imported patients, each with its history record; the counts follow. */
  createMany(teamId: string, entries: Array<{ patient: Patient; history: HistoryRecord }>): Promise<void>;
  lastImport(teamId: string): Promise<ImportRun | null>;
  recordImport(teamId: string, run: ImportRun): Promise<void>;
}

/** The record of a team's start-up import (the import is meant to run once). */
export interface ImportRun {
  at: string;
  count: number;
  by: string;
}

/** One page of a patient's history, newest first; `nextKey` continues to older records. */
export interface HistoryPage {
  records: HistoryRecord[];
  nextKey?: string;
}

/** A patient's history records (append-only; written with the patient, read here). */
export interface HistoryRepository {
  page(teamId: string, patientId: string, beforeKey: string | undefined, pageSize: number): Promise<HistoryPage>;
}

/** A team's settings document. */
export interface TeamRepository {
  getSettings(teamId: string): Promise<Versioned<TeamSettings> | null>;
  /** Creates (no etag) or replaces (etag) the settings. @throws AlreadyExistsError, ConcurrentEditError */
  saveSettings(teamId: string, settings: TeamSettings, etag?: string): Promise<Versioned<TeamSettings>>;
  /** The teams whose superusers include this person (for the personal chat's import and export). */
  teamsWhereSuperuser(actorId: string): Promise<SuperuserTeam[]>;
  /** Every team with a relève schedule, with it: one lookup for the scheduler, not a read per team. */
  releveSchedules(): Promise<ScheduledTeam[]>;
}

export interface ScheduledTeam {
  teamId: string;
  shifts: ShiftSchedule;
}

/** A team where a person is superuser, with its list's name to choose it by. */
export interface SuperuserTeam {
  teamId: string;
  listName?: string;
}

/** Opaque address of the channel where a team's alerts go (a Bot Framework conversation reference). */
export type ChannelAddress = Record<string, unknown>;

/**
 * What a conversation sent recently (every send of the last 30 s, per-minute counts for the hour):
 * Teams' limits are checked against it by whichever instance sends.
 */
export interface RateWindow {
  recent: number[];
  minutes: Array<[minuteStart: number, count: number]>;
}

/**
 * A team's alert lane, one document in its partition: the instance named `owner` sends the team
 * channel's alerts until `until` (ms since epoch), and every send is recorded in `window` before
 * it is posted, so Teams' per-conversation limits hold across instances.
 */
export interface AlertLane {
  owner: string;
  until: number;
  window: RateWindow;
  /** No post before this, for any instance (Retry-After, or the backoff after a failure). */
  blockedUntil: number;
  /** Consecutive failed posts: the exponent of the backoff. */
  failures: number;
}

/** What the alert dispatcher needs from storage. */
/** The teams a cross-team job visits (purge, relève schedule). */
export interface TeamDirectory {
  teams(): Promise<string[]>;
}

export interface AlertRepository {
  getAlert(teamId: string, id: string): Promise<Versioned<Alert> | null>;
  /** Alerts with something left to do now or later (send, claim, redraw, reminder), oldest first. */
  openAlerts(teamId: string): Promise<Array<Versioned<Alert>>>;
  /** The patient's alerts nobody acknowledged yet (undeliverable ones left out). */
  unacknowledgedAlerts(teamId: string, patientId: string): Promise<Array<Versioned<Alert>>>;
  /** @throws ConcurrentEditError when another instance changed it first. */
  saveAlert(teamId: string, alert: Alert, etag: string): Promise<Versioned<Alert>>;
  getLane(teamId: string): Promise<Versioned<AlertLane> | null>;
  /** Creates (no etag) or replaces (etag) the lane. @throws ConcurrentEditError, AlreadyExistsError */
  saveLane(teamId: string, lane: AlertLane, etag?: string): Promise<Versioned<AlertLane>>;
  /** Teams whose alerts need the dispatcher by `now`: one query in the registry, whatever the number of idle teams. */
  dueTeams(now: Date): Promise<string[]>;
  /** The team's entry in the due index (when its alerts next need the dispatcher), with its ETag. */
  dueEntry(teamId: string): Promise<Versioned<{ dueAt: string }> | null>;
  /**
   * Moves the team's entry to `dueAt`, or removes it (undefined), if it still has `etag`.
   * @returns false when someone marked the team due meanwhile (the entry is left as it is).
   */
  setDue(teamId: string, dueAt: Date | undefined, etag: string | undefined): Promise<boolean>;
  channelOf(teamId: string): Promise<ChannelAddress | null>;
  saveChannel(teamId: string, address: ChannelAddress): Promise<void>;
  /**
   * The dispatcher instance is live until `until` (ms since epoch): its heartbeat document is
   * written. @returns how many instances are live at `now`, this one included.
   */
  heartbeat(instanceId: string, until: number, now: number): Promise<number>;
  /** The instance stopped: its heartbeat document is removed. */
  leave(instanceId: string): Promise<void>;
}

/** The access journal (append-only) in each team's partition. */
export interface AccessJournal {
  /** Appends one record; throws when it cannot be written (then nothing is shown). */
  record(teamId: string, record: AccessRecord): Promise<void>;
  /** Newest first; `beforeKey` continues a page, `from` (ISO) stops at older records. */
  page(teamId: string, query: AccessQuery, options: { beforeKey?: string; from?: string; pageSize: number }): Promise<AccessPage>;
  /** Deletes the team's records older than `before`; returns how many. Only the retention purge calls it. */
  purgeBefore(teamId: string, before: Date): Promise<number>;
}
