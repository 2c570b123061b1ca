import type { Container } from '@azure/cosmos';
import type { AdaptiveCard } from '../../src/cards/adaptive';
import { PatientService } from '../../src/domain/patientService';
import { ReleveService } from '../../src/domain/releveService';
import { defaultSettings, withShiftTimes } from '../../src/domain/team';
import { type CardPoster, ReleveJob } from '../../src/jobs/releveJob';
import { CosmosAccessJournal } from '../../src/store/cosmosAccessJournal';
import { CosmosAlertRepository } from '../../src/store/cosmosAlertRepository';
import { CosmosLeaseStore } from '../../src/store/cosmosLeases';
import { CosmosPatientRepository } from '../../src/store/cosmosPatientRepository';
import { CosmosReleveRepository } from '../../src/store/cosmosReleveRepository';
import { CosmosTeamRepository } from '../../src/store/cosmosTeamRepository';
import { textsOf } from '../support/botHarness';
import { startTestCosmos, type TestCosmos } from '../support/cosmos';
import { fixedClock, nurse, physician, TEAM_A, TEAM_B } from '../support/fixtures';

const MINUTE = 60_000;
const quiet = { info() {}, warn() {}, error() {} };

/** Records posts; optionally slow, so that two instances overlap. */
class RecordingPoster implements CardPoster {
  posts: Array<{ conversation: string; card: AdaptiveCard }> = [];
  constructor(private readonly delayMs = 0) {}
  async postCard(address: Record<string, unknown>, card: AdaptiveCard): Promise<string> {
    await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    this.posts.push({ conversation: (address.conversation as { id: string }).id, card });
    return `activity-${this.posts.length}`;
  }
}

describe('the relève posted at shift changes', () => {
  let cosmos: TestCosmos;
  let container: Container;
  let clock: ReturnType<typeof fixedClock>;

  beforeEach(async () => {
    cosmos = await startTestCosmos();
    container = cosmos.container;
    // 06:00 in Québec on an ordinary day (EST): the schedule is set, then the day goes on.
    clock = fixedClock('2026-11-25T11:00:00.000Z');
    const teams = new CosmosTeamRepository(container);
    for (const team of [TEAM_A, TEAM_B]) {
      await teams.saveSettings(team, withShiftTimes(defaultSettings(nurse), nurse, ['07:00', '15:00', '23:00'], clock.now()));
      await new CosmosAlertRepository(container).saveChannel(team, { conversation: { id: `${team}-general` } });
    }
  });
  afterEach(() => cosmos.stop());

  function job(holder: string, poster: CardPoster) {
    const repo = new CosmosReleveRepository(container);
    return new ReleveJob(
      repo,
      new CosmosLeaseStore(container, 'releve-lease'),
      new CosmosTeamRepository(container),
      new CosmosAlertRepository(container),
      new ReleveService(repo, clock),
      poster,
      { clock, holder, lang: 'fr', journal: new CosmosAccessJournal(container), log: quiet },
    );
  }

  function setClock(iso: string) {
    clock.advance(Date.parse(iso) - clock.now().getTime());
  }

  async function postRecords(teamId: string): Promise<any[]> {
    const { resources } = await container.items
      .query({ query: "SELECT * FROM c WHERE c.teamId = @t AND c.type = 'relevePost'", parameters: [{ name: '@t', value: teamId }] })
      .fetchAll();
    return resources;
  }

  it('posts each team’s relève once per shift change with two instances looking at the same time', async () => {
    const patients = new PatientService(new CosmosPatientRepository(container), { clock });
    const { patient } = await patients.add(TEAM_A, nurse, { name: 'Rose Synthétique' });
    await patients.flag(TEAM_A, physician, patient.id, 'urgent', 'Chute');
    setClock('2026-11-25T12:00:30.000Z'); // 07:00:30

    const poster = new RecordingPoster(20);
    const [a, b] = [job('instance-a', poster), job('instance-b', poster)];
    await Promise.all([a.runOnce(), b.runOnce(), a.runOnce(), b.runOnce()]);
    // Later looks in the same shift, by either instance, post nothing more.
    clock.advance(5 * MINUTE);
    await Promise.all([a.runOnce(), b.runOnce()]);
    setClock('2026-11-25T19:59:00.000Z');
    await b.runOnce();

    expect(poster.posts.map((p) => p.conversation).sort()).toEqual([`${TEAM_A}-general`, `${TEAM_B}-general`]);
    const teamA = poster.posts.find((p) => p.conversation === `${TEAM_A}-general`)!;
    const texts = textsOf(teamA.card).join('\n');
    expect(texts).toContain('Relève · depuis 24 nov., 23:00');
    expect(texts).toContain('#1 · Rose Synthétique');
    expect(texts).toContain('Signalé URGENT : Chute');
    expect(textsOf(poster.posts.find((p) => p.conversation === `${TEAM_B}-general`)!.card).join('\n')).toContain('Rien de nouveau depuis 24 nov., 23:00.');
    expect(await postRecords(TEAM_A)).toEqual([expect.objectContaining({ shiftAt: '2026-11-25T12:00:00.000Z', state: 'posted', activityId: expect.any(String) })]);
    // The post shows a patient to the channel: one access record naming her, none for the empty team B.
    const journal = new CosmosAccessJournal(container);
    const recordsA = (await journal.page(TEAM_A, { patientNumber: patient.number }, { pageSize: 10 })).records;
    expect(recordsA).toEqual([expect.objectContaining({ kind: 'releve', where: { place: 'channel', id: `${TEAM_A}-general` }, patients: [{ id: patient.id, number: patient.number }] })]);

    // The next shift change gets its own post.
    setClock('2026-11-25T20:00:10.000Z');
    await Promise.all([a.runOnce(), b.runOnce()]);
    expect(poster.posts).toHaveLength(4);
    expect(textsOf(poster.posts[3]!.card).join('\n')).toContain('depuis 07:00');
  });

  it('posts when it comes back within the shift, not later; and after a crash once the claim lapses', async () => {
    const poster = new RecordingPoster();
    // Down at 07:00, back at 09:30: the 07:00 relève goes out now.
    setClock('2026-11-25T14:30:00.000Z');
    await job('instance-a', poster).runOnce();
    expect(poster.posts).toHaveLength(2);

    // Down from 14:00 to 23:30: the 15:00 relève is never posted late; the 23:00 one is.
    setClock('2026-11-26T04:30:00.000Z');
    await job('instance-a', poster).runOnce();
    expect(poster.posts).toHaveLength(4);
    expect((await postRecords(TEAM_A)).map((p) => p.shiftAt).sort()).toEqual(['2026-11-25T12:00:00.000Z', '2026-11-26T04:00:00.000Z']);

    // At 07:00 an instance claims team A's post and dies before posting: the other waits out the claim.
    setClock('2026-11-26T12:00:05.000Z');
    const repo = new CosmosReleveRepository(container);
    expect(await repo.claimPost(TEAM_A, '2026-11-26T12:00:00.000Z', 'crashed', clock.now())).not.toBeNull();
    await job('instance-b', poster).runOnce();
    expect(poster.posts.map((p) => p.conversation).slice(4)).toEqual([`${TEAM_B}-general`]);
    clock.advance(6 * MINUTE);
    await job('instance-b', poster).runOnce();
    expect(poster.posts.map((p) => p.conversation).slice(4)).toEqual([`${TEAM_B}-general`, `${TEAM_A}-general`]);
  });

  it('does not post for a team without shift times, nor while another instance holds the lease', async () => {
    await new CosmosTeamRepository(container).saveSettings(
      TEAM_B,
      withShiftTimes(defaultSettings(nurse), nurse, [], clock.now()),
      (await new CosmosTeamRepository(container).getSettings(TEAM_B))!.etag,
    );
    setClock('2026-11-25T12:01:00.000Z');
    const leases = new CosmosLeaseStore(container, 'releve-lease');
    const held = await leases.writeLease({ holder: 'other', until: new Date(clock.now().getTime() + MINUTE).toISOString() });
    const poster = new RecordingPoster();
    expect(await job('instance-a', poster).runOnce()).toMatchObject({ skipped: true, reason: 'leaseHeld' });
    expect(poster.posts).toHaveLength(0);
    clock.advance(2 * MINUTE);
    expect(held).not.toBeNull();
    expect(await job('instance-a', poster).runOnce()).toMatchObject({ skipped: false, posted: 1 });
    expect(poster.posts.map((p) => p.conversation)).toEqual([`${TEAM_A}-general`]);
  });

  it.each([
    // 8 March 2026: 02:30 does not exist; the post goes at 03:00 EDT (07:00 UTC), once.
    { day: 'spring forward', time: '02:30', since: '2026-03-08T06:00:00.000Z', before: '2026-03-08T06:59:30.000Z', at: '2026-03-08T07:00:20.000Z', again: '2026-03-08T07:31:00.000Z', shiftAt: '2026-03-08T07:00:00.000Z' },
    // 1 November 2026: 01:30 happens at 05:30 UTC (EDT) and again at 06:30 UTC (EST); one post.
    { day: 'fall back', time: '01:30', since: '2026-11-01T04:00:00.000Z', before: '2026-11-01T05:29:30.000Z', at: '2026-11-01T05:30:20.000Z', again: '2026-11-01T06:30:20.000Z', shiftAt: '2026-11-01T05:30:00.000Z' },
  ])('posts once on the $day day of 2026 in Québec, with two instances', async ({ time, since, before, at, again, shiftAt }) => {
    const teams = new CosmosTeamRepository(container);
    for (const team of [TEAM_A, TEAM_B]) {
      const current = (await teams.getSettings(team))!;
      await teams.saveSettings(team, withShiftTimes(current.value, nurse, team === TEAM_A ? [time] : [], new Date(since)), current.etag);
    }
    const poster = new RecordingPoster(10);
    const [a, b] = [job('instance-a', poster), job('instance-b', poster)];
    setClock(before);
    await Promise.all([a.runOnce(), b.runOnce()]);
    expect(poster.posts).toHaveLength(0);
    setClock(at);
    await Promise.all([a.runOnce(), b.runOnce()]);
    setClock(again);
    await Promise.all([a.runOnce(), b.runOnce()]);
    expect(poster.posts.map((p) => p.conversation)).toEqual([`${TEAM_A}-general`]);
    expect((await postRecords(TEAM_A)).map((p) => p.shiftAt)).toEqual([shiftAt]);
  });
});
