import type { Container } from '@azure/cosmos';
import { PatientService } from '../../src/domain/patientService';
import { addMonths } from '../../src/domain/retention';
import { defaultSettings } from '../../src/domain/team';
import { PurgeJob } from '../../src/jobs/purgeJob';
import { CosmosAccessJournal } from '../../src/store/cosmosAccessJournal';
import { CosmosAlertRepository } from '../../src/store/cosmosAlertRepository';
import { CosmosPatientRepository } from '../../src/store/cosmosPatientRepository';
import { CosmosRetentionRepository } from '../../src/store/cosmosRetentionRepository';
import { CosmosTeamRepository } from '../../src/store/cosmosTeamRepository';
import { startTestCosmos, type TestCosmos } from '../support/cosmos';
import { fixedClock, nurse, physician, TEAM_A, TEAM_B } from '../support/fixtures';

const DAY = 24 * 60 * 60 * 1000;
/** Synthetic departure time of the patients below. */
const LEFT_AT = new Date('2024-11-24T15:00:00.000Z');


describe('retention purge against Cosmos DB', () => {
  let cosmos: TestCosmos;
  let container: Container;
  let clock: ReturnType<typeof fixedClock>;
  let service: PatientService;
  let retention: CosmosRetentionRepository;

  beforeEach(async () => {
    cosmos = await startTestCosmos();
    container = cosmos.container;
    clock = fixedClock(LEFT_AT.toISOString());
    service = new PatientService(new CosmosPatientRepository(container), { clock });
    retention = new CosmosRetentionRepository(container);
    for (const team of [TEAM_A, TEAM_B]) {
      await new CosmosTeamRepository(container).saveSettings(team, defaultSettings(nurse));
      await new CosmosAlertRepository(container).saveChannel(team, { conversation: { id: `${team}-general` } });
    }
  });
  afterEach(() => cosmos.stop());

  function job(holder = 'instance-1', log: any = { info() {}, warn() {}, error() {} }) {
    return new PurgeJob(retention, new CosmosTeamRepository(container), { clock, holder, log, journal: new CosmosAccessJournal(container) });
  }

  function setClock(at: Date) {
    clock.advance(at.getTime() - clock.now().getTime());
  }

  async function query(sql: string, parameters: Array<{ name: string; value: string }>): Promise<any[]> {
    const { resources } = await container.items.query({ query: sql, parameters }).fetchAll();
    return resources;
  }

  /** Everything stored about one patient: the patient, its notes, history records and alerts. */
  function recordsOf(teamId: string, patientId: string): Promise<any[]> {
    return query('SELECT * FROM c WHERE c.teamId = @t AND (c.id = @p OR c.patientId = @p)', [
      { name: '@t', value: teamId },
      { name: '@p', value: patientId },
    ]);
  }

  function runsOf(teamId: string): Promise<any[]> {
    return query("SELECT * FROM c WHERE c.teamId = @t AND c.type = 'purgeRun'", [{ name: '@t', value: teamId }]);
  }

  /** A followed, flagged patient with notes (so it has notes, history records and an alert), then set inactive. */
  async function leftPatient(name: string, reason: 'leave' | 'discharge' | 'death' = 'discharge', teamId = TEAM_A) {
    const { patient } = await service.add(teamId, nurse, { name });
    await service.addNote(teamId, nurse, patient.id, 'Visite à domicile, tout va bien.');
    await service.addNote(teamId, nurse, patient.id, 'Famille rappelée.');
    await service.follow(teamId, physician, patient.id);
    await service.flag(teamId, nurse, patient.id, 'attention', 'Appétit en baisse');
    await service.setInactive(teamId, nurse, patient.id, reason);
    return patient;
  }

  it('keeps a patient one day short of the period, then purges it one day past with its notes, history and alerts', async () => {
    const patient = await leftPatient('Départ Synthétique');
    const types = (await recordsOf(TEAM_A, patient.id)).map((d) => d.type);
    expect(types).toEqual(expect.arrayContaining(['patient', 'note', 'history', 'alert']));

    setClock(new Date(addMonths(LEFT_AT, 24).getTime() - DAY));
    const early = await job().runOnce();
    expect(early).toMatchObject({ skipped: false, purged: 0 });
    expect((await recordsOf(TEAM_A, patient.id)).length).toBe(types.length);
    expect((await runsOf(TEAM_A)).map((r) => r.count)).toEqual([0]);

    setClock(new Date(addMonths(LEFT_AT, 24).getTime() + DAY));
    const late = await job().runOnce();
    expect(late).toMatchObject({ skipped: false, purged: 1, teams: 2, failed: 0 });
    expect(await recordsOf(TEAM_A, patient.id)).toEqual([]);
    const runs = await runsOf(TEAM_A);
    expect(runs.map((r) => r.count).sort()).toEqual([0, 1]);
    const last = runs.find((r) => r.count === 1);
    expect(last.at).toBe(clock.now().toISOString());
    // The record says how many and when, nothing about whom.
    expect(Object.keys(last).filter((k) => !k.startsWith('_')).sort()).toEqual(['at', 'count', 'id', 'teamId', 'type']);
    expect((await runsOf(TEAM_B)).map((r) => r.count)).toEqual([0, 0]);
  });

  it('purges death like discharge, and never leave, an excluded patient, another team or a younger departure', async () => {
    const discharged = await leftPatient('Départ Ancien');
    const deceased = await leftPatient('Décès Ancien', 'death');
    const onLeave = await leftPatient('Congé Ancien', 'leave');
    const excluded = await leftPatient('Exclu Ancien');
    await container.item(excluded.id, TEAM_A).patch([{ op: 'add', path: '/purgeExcluded', value: true }]);
    const otherTeam = await leftPatient('Autre Équipe', 'discharge', TEAM_B);
    clock.advance(10 * DAY);
    const younger = await leftPatient('Départ Récent');
    const active = (await service.add(TEAM_A, nurse, { name: 'Toujours Actif' })).patient;

    setClock(new Date(addMonths(LEFT_AT, 24).getTime() + DAY));
    await new CosmosTeamRepository(container)
      .getSettings(TEAM_B)
      .then((s) => new CosmosTeamRepository(container).saveSettings(TEAM_B, { ...s!.value, retentionMonths: 36 }, s!.etag));
    const result = await job().runOnce();

    expect(result.purged).toBe(2);
    expect(await recordsOf(TEAM_A, discharged.id)).toEqual([]);
    expect(await recordsOf(TEAM_A, deceased.id)).toEqual([]);
    for (const kept of [onLeave, excluded, younger, active]) expect((await recordsOf(TEAM_A, kept.id)).length).toBeGreaterThan(0);
    // Team B keeps 36 months.
    expect((await recordsOf(TEAM_B, otherTeam.id)).length).toBeGreaterThan(0);
  });

  it('visits a team that was only imported from the command line (no channel, no settings yet)', async () => {
    const team = '19:imported-only@thread.tacv2';
    await service.importPatients(team, { id: 'import-tool', name: 'Importation' }, [
      { name: 'Parti Importé', fields: {}, status: 'inactive', inactive: { reason: 'discharge', since: LEFT_AT.toISOString() } },
    ]);
    setClock(new Date(LEFT_AT.getTime() + 800 * DAY));
    await job().runOnce();
    expect(await query("SELECT * FROM c WHERE c.teamId = @t AND c.type = 'patient'", [{ name: '@t', value: team }])).toEqual([]);
  });

  it('never purges a reactivated patient', async () => {
    const patient = await leftPatient('Revenue Synthétique');
    clock.advance(30 * DAY);
    await service.setActive(TEAM_A, nurse, patient.id);
    setClock(new Date(addMonths(LEFT_AT, 36).getTime()));
    expect((await job().runOnce()).purged).toBe(0);
    expect((await service.get(TEAM_A, patient.id)).status).toBe('active');
    expect((await recordsOf(TEAM_A, patient.id)).filter((d) => d.type === 'note')).toHaveLength(2);
  });

  it('keeps a patient reactivated between the query and the delete, with every record', async () => {
    const patient = await leftPatient('Revenue Entre-Temps');
    setClock(new Date(addMonths(LEFT_AT, 24).getTime() + DAY));
    const [candidate] = await retention.candidates(TEAM_A, clock.now(), 24);
    expect(candidate).toMatchObject({ id: patient.id, number: patient.number, reason: 'discharge', since: LEFT_AT.toISOString() });
    const before = (await recordsOf(TEAM_A, patient.id)).length;
    await service.setActive(TEAM_A, nurse, patient.id);

    expect(await retention.purgePatient(TEAM_A, patient.id, candidate!.etag)).toBe('changed');
    // One more history record (the reactivation); nothing deleted.
    expect((await recordsOf(TEAM_A, patient.id)).length).toBe(before + 1);
    expect((await service.get(TEAM_A, patient.id)).status).toBe('active');
  });

  it('deletes a patient with more records than one transactional batch holds', async () => {
    const { patient } = await service.add(TEAM_A, nurse, { name: 'Longue Histoire' });
    for (let i = 0; i < 110; i++) await service.addNote(TEAM_A, nurse, patient.id, `Note ${i}`);
    await service.setInactive(TEAM_A, nurse, patient.id, 'death');
    expect((await recordsOf(TEAM_A, patient.id)).length).toBe(1 + 110 + 112);
    setClock(new Date(addMonths(LEFT_AT, 24).getTime() + DAY));
    expect((await job().runOnce()).purged).toBe(1);
    expect(await recordsOf(TEAM_A, patient.id)).toEqual([]);
  });

  it('purges once when two instances run at the same time', async () => {
    const patient = await leftPatient('Deux Instances');
    setClock(new Date(addMonths(LEFT_AT, 24).getTime() + DAY));
    const [first, second] = await Promise.all([job('instance-1').runOnce(), job('instance-2').runOnce()]);
    expect([first.skipped, second.skipped].sort()).toEqual([false, true]);
    expect([first, second].find((r) => r.skipped)?.reason).toBe('leaseHeld');
    expect(first.purged + second.purged).toBe(1);
    expect(await recordsOf(TEAM_A, patient.id)).toEqual([]);
    expect((await runsOf(TEAM_A)).map((r) => r.count)).toEqual([1]);
  });

  it("waits for a lease another instance holds, and takes it over once it lapses (that instance crashed)", async () => {
    await leftPatient('Relève');
    setClock(new Date(addMonths(LEFT_AT, 24).getTime() + DAY));
    expect(await retention.writeLease({ holder: 'crashed', until: new Date(clock.now().getTime() + 60_000).toISOString() })).not.toBeNull();
    expect(await job().runOnce()).toMatchObject({ skipped: true, reason: 'leaseHeld' });
    clock.advance(60_000);
    expect(await job().runOnce()).toMatchObject({ skipped: false, purged: 1 });
    const lease = await retention.readLease();
    expect(lease?.value).toMatchObject({ holder: 'instance-1', until: clock.now().toISOString(), lastRunAt: clock.now().toISOString() });
  });

  it('runs once per daily slot when scheduled, and says when the next run is', async () => {
    setClock(new Date('2026-11-25T15:00:00.000Z'));
    const scheduled = job();
    expect((await scheduled.nextRunAt()).toISOString()).toBe('2026-11-25T16:00:00.000Z');
    expect(await scheduled.runIfDue()).toMatchObject({ skipped: false });
    expect(await job('instance-2').runIfDue()).toMatchObject({ skipped: true, reason: 'notDue' });
    expect((await scheduled.nextRunAt()).toISOString()).toBe('2026-11-26T08:00:00.000Z');
    clock.advance(17 * 60 * 60 * 1000);
    expect(await job('instance-2').runIfDue()).toMatchObject({ skipped: false });
    expect((await runsOf(TEAM_A))).toHaveLength(2);
  });

  it('logs counts and team ids, never patient data', async () => {
    await leftPatient('Nom Secret Synthétique');
    setClock(new Date(addMonths(LEFT_AT, 24).getTime() + DAY));
    const lines: object[] = [];
    const log = { info: (f: object) => lines.push(f), warn: (f: object) => lines.push(f), error: (f: object) => lines.push(f) };
    await job('instance-1', log).runOnce();
    const text = JSON.stringify(lines);
    expect(text).toContain(TEAM_A);
    expect(text).toContain('"purged":1');
    expect(text).not.toMatch(/Secret|Synth|2024-11-24|"number"/);
  });
});
