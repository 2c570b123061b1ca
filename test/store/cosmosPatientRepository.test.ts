import { patientIdOf } from '../../src/domain/patient';
import { PatientService } from '../../src/domain/patientService';
import { CosmosRetentionRepository } from '../../src/store/cosmosRetentionRepository';
import { CosmosPatientRepository } from '../../src/store/cosmosPatientRepository';
import { startTestCosmos, type TestCosmos } from '../support/cosmos';
import { nurse, syntheticPatient, TEAM_A, TEAM_B } from '../support/fixtures';

let cosmos: TestCosmos;
let repo: CosmosPatientRepository;

beforeAll(async () => {
  cosmos = await startTestCosmos();
  repo = new CosmosPatientRepository(cosmos.container);
  // As in the bot, a team's counter (which keeps its list counts) exists before its first patient.
  for (const team of [TEAM_A, '19:search@thread.tacv2']) await repo.allocateNumber(team);
});
afterAll(() => cosmos.stop());

const patient = syntheticPatient;

describe('CosmosPatientRepository', () => {
  it('allocates 50 distinct consecutive numbers under 50 concurrent callers', async () => {
    const team = '19:numbers@thread.tacv2';
    const numbers = await Promise.all(Array.from({ length: 50 }, () => repo.allocateNumber(team)));
    expect(new Set(numbers).size).toBe(50);
    expect([...numbers].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(await repo.allocateNumber('19:other@thread.tacv2')).toBe(1);
  });

  it('re-keys patients stored before the list ranked flags, once, so that they take their place', async () => {
    const team = '19:legacy@thread.tacv2';
    await repo.allocateNumber(team); // a team's counter exists before its patients (each write patches its counts)
    const old = patient(team, { flag: { level: 'urgent', reason: 'Chute', by: nurse, at: '2026-11-01T00:00:00.000Z' } });
    const recent = patient(team);
    await repo.create(recent);
    // A document as the previous version wrote it: activity time and number only.
    await cosmos.container.items.create({ ...old, type: 'patient', searchKey: 'x', sortKey: `${old.updated.at}#${String(old.number).padStart(9, '0')}` });
    expect((await repo.listPage(team, 'active', {}, 10)).patients.map((p) => p.number)).toEqual([recent.number, old.number]);
    expect(await repo.rekeyLegacy(team)).toBe(1);
    expect(await repo.rekeyLegacy(team)).toBe(0);
    expect((await repo.listPage(team, 'active', {}, 10)).patients.map((p) => p.number)).toEqual([old.number, recent.number]);
    expect((await repo.get(team, old.id))?.value).toEqual(old);
  });

  it('keeps the list counts with the writes (add, status, flag, import, purge), without COUNT queries', async () => {
    const team = '19:counts@thread.tacv2';
    const service = new PatientService(repo);
    const counts = async () => (await repo.listPage(team, 'all', {}, 5)).counts;
    const a = (await service.add(team, nurse, { name: 'Compte Un' })).patient;
    const b = (await service.add(team, nurse, { name: 'Compte Deux' })).patient;
    await service.flag(team, nurse, a.id, 'attention', 'À revoir');
    await service.setInactive(team, nurse, b.id, 'discharge');
    expect(await counts()).toEqual({ active: 1, inactive: 1, flagged: 1 });
    await service.setInactive(team, nurse, a.id, 'leave');
    await service.unflag(team, nurse, a.id);
    await service.setActive(team, nurse, b.id);
    expect(await counts()).toEqual({ active: 1, inactive: 1, flagged: 0 });
    await service.importPatients(team, nurse, [
      { name: 'Importé Actif', fields: {}, status: 'active' },
      { name: 'Importé Parti', fields: {}, status: 'inactive', inactive: { reason: 'death', since: '2020-01-01T00:00:00.000Z' } },
    ]);
    expect(await counts()).toEqual({ active: 2, inactive: 2, flagged: 0 });
    const page = await repo.listPage(team, 'inactive', {}, 5);
    expect(page.total).toBe(2);
    const gone = page.patients.find((p) => p.name === 'Importé Parti')!;
    const etag = (await repo.get(team, gone.id))!.etag;
    expect(await new CosmosRetentionRepository(cosmos.container).purgePatient(team, gone.id, etag)).toBe('purged');
    expect(await counts()).toEqual({ active: 2, inactive: 1, flagged: 0 });
    // The counts agree with the documents themselves.
    const all = await repo.all(team);
    expect(await counts()).toEqual({
      active: all.filter((p) => p.status === 'active').length,
      inactive: all.filter((p) => p.status === 'inactive').length,
      flagged: all.filter((p) => p.flag).length,
    });
  });

  it('keeps the counts right under 30 concurrent adds and status changes', async () => {
    const team = '19:counts-race@thread.tacv2';
    const service = new PatientService(repo);
    const added = await Promise.all(Array.from({ length: 30 }, (_, i) => service.add(team, nurse, { name: `Course ${i}` })));
    await Promise.all(added.slice(0, 10).map(({ patient }) => service.setInactive(team, nurse, patient.id, 'leave')));
    expect((await repo.listPage(team, 'active', {}, 5)).counts).toEqual({ active: 20, inactive: 10, flagged: 0 });
  });

  it('counts once, with COUNT queries, a team numbered before the counts were kept', async () => {
    const team = '19:counts-legacy@thread.tacv2';
    await repo.allocateNumber(team);
    await repo.create(patient(team));
    await repo.create(patient(team, { status: 'inactive', inactive: { reason: 'leave', since: '2026-11-01' } }));
    // The counter as it was: a number, nothing else.
    await cosmos.container.items.upsert({ id: 'patient-counter', teamId: team, type: 'counter', next: 2 });
    expect((await repo.listPage(team, 'all', {}, 5)).counts).toEqual({ active: 1, inactive: 1, flagged: 0 });
    const { resource } = await cosmos.container.item('patient-counter', team).read();
    expect(resource).toMatchObject({ next: 2, active: 1, inactive: 1, flagged: 0, counted: true });
  });

  it('finds #N by a point read on the id its number gives, and an older patient by its number too', async () => {
    const team = '19:numbered@thread.tacv2';
    const service = new PatientService(repo);
    const fresh = (await service.add(team, nurse, { name: 'Numéro Dérivé' })).patient;
    expect(fresh.id).toBe(patientIdOf(team, fresh.number));
    expect(patientIdOf(TEAM_B, fresh.number)).not.toBe(fresh.id);
    const older = patient(team, { number: 900 });
    await repo.create(older);
    expect((await repo.findByNumber(team, 900))?.value.id).toBe(older.id);
    expect((await repo.findByNumber(team, fresh.number))?.value.id).toBe(fresh.id);
    expect(await repo.findByNumber(TEAM_B, fresh.number)).toBeNull();
  });

  it('creates one patient for a form submitted twice, even at the same moment', async () => {
    const team = '19:form-twice@thread.tacv2';
    const service = new PatientService(repo);
    const results = await Promise.all([1, 2, 3].map(() => service.add(team, nurse, { name: 'Deux Clics' }, { requestId: 'form-42' })));
    expect(new Set(results.map((r) => r.patient.id)).size).toBe(1);
    expect(results.filter((r) => r.changed)).toHaveLength(1);
    expect((await repo.all(team)).map((p) => p.name)).toEqual(['Deux Clics']);
    expect((await repo.listPage(team, 'all', {}, 5)).counts.active).toBe(1);
  });
});

