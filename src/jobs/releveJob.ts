import { randomUUID } from 'node:crypto';
import type { AdaptiveCard } from '../cards/adaptive';
import { releveCard, relevePage } from '../cards/releveCard';
import { accessRecord } from '../domain/journal';
import type { Clock } from '../domain/clock';
import type { AccessJournal, AlertRepository, ChannelAddress, TeamRepository } from '../domain/ports';
import { duePost } from '../domain/releveSchedule';
import type { ReleveRepository, ReleveService } from '../domain/releveService';
import type { Lang } from '../i18n/messages';
import { JobLease, type LeaseStore } from './lease';
import { JobRunner } from './runner';
import type { JobLog } from './purgeJob';

/** How the relève reaches a team's channel: a new post; the bot layer implements it over the Bot Connector. */
export interface CardPoster {
  /** Returns the new message's id. */
  postCard(address: ChannelAddress, card: AdaptiveCard): Promise<string>;
}

export interface ReleveJobOptions {
  clock: Clock;
  log: JobLog;
  /** The channel's language (posts are for everyone in it). */
  lang: Lang;
  /** The post shows patients to everyone in the channel: one access record before it (no record, no post). */
  journal: Pick<AccessJournal, 'record'>;
  holder?: string;
  /** How often instances look for a shift change to post (default 1 min: a post is at most a minute late). */
  checkMs?: number;
  leaseMs?: number;
}

/** The scheduled post is the bot's own communication to the channel, not one person's look. */
const SCHEDULED_POST = { id: 'bot:releve-schedule', name: 'Contact Télésanté (relève planifiée)' };

function channelIdOf(address: ChannelAddress): string | undefined {
  const id = (address.conversation as { id?: unknown } | undefined)?.id;
  return typeof id === 'string' ? id : undefined;
}

export interface ReleveRunResult {
  skipped: boolean;
  reason?: 'leaseHeld' | 'busy';
  posted: number;
  failed: number;
}

/**
 * Posts each team's relève at its shift changes. Every instance looks every minute; the lease makes
 * one of them do the round, and a per-team per-shift record, created or taken over only if
 * unchanged, makes each shift's post happen once whatever the number of instances. A look costs
 * one registry query (the scheduled teams and their schedules), plus, for each scheduled team
 * whose shift this instance has not posted yet, its channel and its claim.
 */
export class ReleveJob {
  private readonly lease: JobLease;
  private readonly holder: string;
  private readonly checkMs: number;
  private readonly runner = new JobRunner<ReleveRunResult>();
  /** The shift each team's post went out for from this instance: later looks in that shift skip the team. */
  private readonly postedShift = new Map<string, string>();

  constructor(
    private readonly repo: Pick<ReleveRepository, 'claimPost' | 'markPosted'>,
    leases: LeaseStore,
    private readonly schedules: Pick<TeamRepository, 'releveSchedules'>,
    private readonly channels: Pick<AlertRepository, 'channelOf'>,
    private readonly releve: Pick<ReleveService, 'view'>,
    private readonly poster: CardPoster,
    private readonly options: ReleveJobOptions,
  ) {
    this.holder = options.holder ?? randomUUID();
    this.checkMs = options.checkMs ?? 60_000;
    this.lease = new JobLease(leases, { holder: this.holder, leaseMs: options.leaseMs ?? 5 * 60_000, clock: options.clock, log: options.log, job: 'releve' });
  }

  /** Looks at once (a bot back after being down posts the current shift's relève) and then every `checkMs`. */
  start(): void {
    const onError = (error: unknown) => this.options.log.error({ err: error }, 'relève check failed');
    this.runner.every(this.checkMs, () => this.runOnce(), onError);
    this.runOnce().catch(onError);
  }

  stop(): Promise<void> {
    return this.runner.stop();
  }

  runOnce(): Promise<ReleveRunResult> {
    return this.runner.run(() => this.run(), { skipped: true, reason: 'busy', posted: 0, failed: 0 });
  }

  private async run(): Promise<ReleveRunResult> {
    const startedAt = this.options.clock.now();
    const result: ReleveRunResult = { skipped: false, posted: 0, failed: 0 };
    const due = (await this.schedules.releveSchedules()).flatMap(({ teamId, shifts }) => {
      const post = duePost(startedAt, shifts);
      return post && this.postedShift.get(teamId) !== post.shiftAt ? [{ teamId, post }] : [];
    });
    // No scheduled team, or every shift already posted from here: no lease to write.
    if (due.length === 0) return result;
    let lease = await this.lease.take(await this.lease.read(), startedAt);
    if (!lease) return { skipped: true, reason: 'leaseHeld', posted: 0, failed: 0 };
    try {
      for (const { teamId, post } of due) {
        if (this.runner.stopped) break;
        lease = await this.lease.renew(lease);
        if (!lease) break;
        try {
          if (await this.postIfClaimed(teamId, post)) result.posted += 1;
        } catch (error) {
          // The claim lapses and the next look retries, as long as the shift lasts.
          result.failed += 1;
          this.options.log.error({ event: 'releve-post-failed', teamId, err: error }, 'a relève could not be posted');
        }
      }
    } finally {
      if (lease) await this.lease.release(lease, startedAt.toISOString());
    }
    if (result.posted || result.failed) this.options.log.info({ event: 'releve-run', ...result }, 'relève posts done');
    return result;
  }

  private async postIfClaimed(teamId: string, due: NonNullable<ReturnType<typeof duePost>>): Promise<boolean> {
    const now = this.options.clock.now();
    const address = await this.channels.channelOf(teamId);
    if (!address) return false;
    const claim = await this.repo.claimPost(teamId, due.shiftAt, this.holder, now);
    if (!claim) return false;
    const view = await this.releve.view(teamId, due.window);
    const shown = relevePage(view, 1).shown.map((row) => row.patient);
    if (shown.length > 0) {
      await this.options.journal.record(teamId, accessRecord(randomUUID(), now, SCHEDULED_POST, 'releve', { place: 'channel', id: channelIdOf(address) }, shown));
    }
    const card = releveCard(view, 1, this.options.lang);
    const activityId = await this.poster.postCard(address, card);
    await this.repo.markPosted(teamId, claim, activityId);
    this.postedShift.set(teamId, due.shiftAt);
    this.options.log.info({ event: 'releve-posted', teamId, shiftAt: due.shiftAt }, 'relève posted in the channel');
    return true;
  }
}
