import { accessRecord } from '../../src/domain/journal';
import { PatientService } from '../../src/domain/patientService';
import { addMonths } from '../../src/domain/retention';
import { defaultSettings, type TeamSettings } from '../../src/domain/team';
import { PurgeJob } from '../../src/jobs/purgeJob';
import { CosmosAccessJournal } from '../../src/store/cosmosAccessJournal';
import { CosmosPatientRepository } from '../../src/store/cosmosPatientRepository';
import { CosmosRetentionRepository } from '../../src/store/cosmosRetentionRepository';
import { CosmosTeamRepository } from '../../src/store/cosmosTeamRepository';
import { startTestCosmos, type TestCosmos } from '../support/cosmos';
import { fixedClock, nurse, TEAM_A, TEAM_B } from '../support/fixtures';

const DAY = 24 * 60 * 60 * 1000;
const T0 = new Date('2021-03-10T14:00:00.000Z');
const quiet = { info() {}, warn() {}, error() {} };

describe('journal retention in the daily purge (controlled clock)', () => {
  let cosmos: TestCosmos;
  let clock: ReturnType<typeof fixedClock>;
  let journal: CosmosAccessJournal;
  let teams: CosmosTeamRepository;

  beforeEach(async () => {
    cosmos = await startTestCosmos();
    clock = fixedClock(T0.toISOString());
    journal = new CosmosAccessJournal(cosmos.container);
    teams = new CosmosTeamRepository(cosmos.container);
  });
  afterEach(() => cosmos.stop());

  function job() {
    return new PurgeJob(new CosmosRetentionRepository(cosmos.container), teams, { clock, holder: 'i1', log: quiet, journal });
  }

  function setClock(at: Date) {
    clock.advance(at.getTime() - clock.now().getTime());
  }

  async function ids(teamId: string, number: number): Promise<string[]> {
    return (await journal.page(teamId, { patientNumber: number }, { pageSize: 100 })).records.map((r) => r.id);
  }

  async function seen(teamId: string, id: string, number: number, at: Date, recordId: string) {
    await journal.record(teamId, accessRecord(recordId, at, nurse, 'patientShown', { place: 'channel' }, [{ id, number }]));
  }

  it('keeps a record for the team’s journal retention (default 60 months), to the day, then the daily job deletes it', async () => {
    await teams.saveSettings(TEAM_A, defaultSettings(nurse));
    const short: TeamSettings = { ...defaultSettings(nurse), journalRetentionMonths: 12 };
    await teams.saveSettings(TEAM_B, short);
    await seen(TEAM_A, 'p1', 1, T0, 'a-old');
    await seen(TEAM_A, 'p1', 1, new Date(T0.getTime() + 10 * DAY), 'a-newer');
    await seen(TEAM_B, 'p1', 1, T0, 'b-old');

    setClock(new Date(addMonths(T0, 12).getTime() - DAY));
    expect(await job().runOnce()).toMatchObject({ skipped: false, journalPurged: 0 });
    setClock(new Date(addMonths(T0, 12).getTime() + DAY));
    expect(await job().runOnce()).toMatchObject({ journalPurged: 1 });
    expect(await ids(TEAM_B, 1)).toEqual([]);
    expect(await ids(TEAM_A, 1)).toEqual(['a-newer', 'a-old']);

    setClock(new Date(addMonths(T0, 60).getTime() - DAY));
    await job().runOnce();
    expect(await ids(TEAM_A, 1)).toEqual(['a-newer', 'a-old']);
    setClock(new Date(addMonths(T0, 60).getTime() + DAY));
    expect(await job().runOnce()).toMatchObject({ journalPurged: 1 });
    expect(await ids(TEAM_A, 1)).toEqual(['a-newer']);
  });

  it('uses 60 months for a team whose settings predate the journal setting', async () => {
    const { journalRetentionMonths: _none, ...older } = defaultSettings(nurse);
    await teams.saveSettings(TEAM_A, older);
    await seen(TEAM_A, 'p1', 1, T0, 'a-old');
    setClock(new Date(addMonths(T0, 59).getTime()));
    await job().runOnce();
    expect(await ids(TEAM_A, 1)).toEqual(['a-old']);
    setClock(new Date(addMonths(T0, 60).getTime() + DAY));
    await job().runOnce();
    expect(await ids(TEAM_A, 1)).toEqual([]);
  });

  it('purging a patient keeps the journal records naming it until their own retention ends', async () => {
    await teams.saveSettings(TEAM_A, defaultSettings(nurse));
    const patients = new PatientService(new CosmosPatientRepository(cosmos.container), { clock });
    const { patient } = await patients.add(TEAM_A, nurse, { name: 'Départ Ancien' });
    await seen(TEAM_A, patient.id, patient.number, clock.now(), 'shown-before-discharge');
    await patients.setInactive(TEAM_A, nurse, patient.id, 'discharge');

    setClock(addMonths(T0, 25));
    expect(await job().runOnce()).toMatchObject({ purged: 1, journalPurged: 0 });
    expect(await patients.resolve(TEAM_A, `#${patient.number}`)).toEqual({ kind: 'none' });
    const [kept] = (await journal.page(TEAM_A, { patientNumber: patient.number }, { pageSize: 10 })).records;
    expect(kept).toMatchObject({ id: 'shown-before-discharge', patients: [{ id: patient.id, number: patient.number }] });

    setClock(new Date(addMonths(T0, 60).getTime() + DAY));
    await job().runOnce();
    expect(await ids(TEAM_A, patient.number)).toEqual([]);
  });
});
