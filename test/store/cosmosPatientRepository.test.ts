import { AlreadyExistsError, ConcurrentEditError } from '../../src/domain/errors';
import type { Patient } from '../../src/domain/patient';
import { CosmosPatientRepository } from '../../src/store/cosmosPatientRepository';
import { startTestCosmos, type TestCosmos } from '../support/cosmos';
import { nurse, TEAM_A, TEAM_B } from '../support/mothers';

let cosmos: TestCosmos;
let repo: CosmosPatientRepository;

beforeAll(async () => {
  cosmos = await startTestCosmos();
  repo = new CosmosPatientRepository(cosmos.container);
  // As in the bot, a team's counter (which keeps its list counts) exists before its first patient.
  for (const team of [TEAM_A, '19:search@thread.tacv2']) await repo.allocateNumber(team);
});
afterAll(() => cosmos.stop());

let sequence = 0;
function patient(teamId: string, overrides: Partial<Patient> = {}): Patient {
  sequence += 1;
  const at = new Date(Date.UTC(2026, 10, 1, 0, sequence)).toISOString();
  return {
    id: `p-${teamId.slice(3, 9)}-${sequence}`,
    teamId,
    number: sequence,
    name: `Patient Synthétique ${sequence}`,
    status: 'active',
    followers: [],
    followerIds: [],
    recentNotes: [],
    noteCount: 0,
    created: { by: nurse, at },
    updated: { by: nurse, at },
    version: 1,
    ...overrides,
  };
}

describe('CosmosPatientRepository', () => {
  it('allocates 50 distinct consecutive numbers under 50 concurrent callers', async () => {
    const team = '19:numbers@thread.tacv2';
    const numbers = await Promise.all(Array.from({ length: 50 }, () => repo.allocateNumber(team)));
    expect(new Set(numbers).size).toBe(50);
    expect([...numbers].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(await repo.allocateNumber('19:other@thread.tacv2')).toBe(1);
  });

  it('creates, reads back without storage fields, and refuses a second create with the same id', async () => {
    const p = patient(TEAM_A, { room: '3B-12' });
    const created = await repo.create(p);
    expect(created.value).toEqual(p);
    expect(created.etag).toBeTruthy();
    expect((await repo.get(TEAM_A, p.id))?.value).toEqual(p);
    await expect(repo.create(p)).rejects.toBeInstanceOf(AlreadyExistsError);
  });

  it("never returns another team's patient, whatever id is asked", async () => {
    const p = patient(TEAM_A);
    await repo.create(p);
    expect(await repo.get(TEAM_B, p.id)).toBeNull();
    expect(await repo.findByNumber(TEAM_B, p.number)).toBeNull();
    expect(await repo.findByNamePart(TEAM_B, 'synthetique', 10)).toEqual([]);
    expect(await repo.get(TEAM_A, 'patient-counter')).toBeNull();
    expect(await repo.get(TEAM_A, 'does-not-exist')).toBeNull();
  });

  it('replaces only on the current ETag and reports a concurrent edit otherwise', async () => {
    const p = patient(TEAM_A);
    const first = await repo.create(p);
    const second = await repo.replace({ ...p, room: 'A', version: 2 }, first.etag);
    await expect(repo.replace({ ...p, room: 'B', version: 2 }, first.etag)).rejects.toBeInstanceOf(ConcurrentEditError);
    expect((await repo.get(TEAM_A, p.id))?.value.room).toBe('A');
    expect(second.etag).not.toBe(first.etag);
  });

  it('writes a note with the patient in one batch and refuses the same note twice', async () => {
    const p = patient(TEAM_A);
    const first = await repo.create(p);
    const note = { id: 'note-1', patientId: p.id, text: 'Appel à la famille', by: nurse, at: p.updated.at };
    const after = await repo.replace({ ...p, recentNotes: [note], noteCount: 1, version: 2 }, first.etag, { note });
    expect(after.value.recentNotes).toEqual([note]);
    await expect(
      repo.replace({ ...p, recentNotes: [note, note], noteCount: 2, version: 3 }, after.etag, { note }),
    ).rejects.toBeInstanceOf(AlreadyExistsError);
    expect((await repo.get(TEAM_A, p.id))?.value.noteCount).toBe(1);
    const stale = { ...note, id: 'note-2' };
    await expect(repo.replace({ ...p, version: 3 }, first.etag, { note: stale })).rejects.toBeInstanceOf(ConcurrentEditError);
  });

  it('finds by number and by a folded part of the name', async () => {
    const team = '19:search@thread.tacv2';
    const a = patient(team, { name: 'Éloïse Bélanger' });
    const b = patient(team, { name: 'Louis Belanger' });
    await repo.create(a);
    await repo.create(b);
    expect((await repo.findByNumber(team, a.number))?.value.id).toBe(a.id);
    expect((await repo.findByNamePart(team, 'belanger', 10)).map((x) => x.id).sort()).toEqual([a.id, b.id].sort());
    expect((await repo.findByNamePart(team, 'eloise', 10)).map((x) => x.id)).toEqual([a.id]);
  });

  it('pages a list newest activity first, forward and back, with filters and totals', async () => {
    const team = '19:paging@thread.tacv2';
    const all = [];
    await repo.allocateNumber(team);
    for (let i = 0; i < 25; i++) {
      const p = patient(team, i % 5 === 0 ? { status: 'inactive', inactive: { reason: 'leave', since: '2026-11-01' } } : {});
      await repo.create(p);
      all.push(p);
    }
    const active = all.filter((p) => p.status === 'active').reverse();
    const page1 = await repo.listPage(team, 'active', {}, 8);
    expect(page1.total).toBe(20);
    expect(page1.patients.map((p) => p.number)).toEqual(active.slice(0, 8).map((p) => p.number));
    expect([page1.hasNewer, page1.hasOlder]).toEqual([false, true]);
    const page2 = await repo.listPage(team, 'active', { after: page1.lastKey! }, 8);
    expect(page2.patients.map((p) => p.number)).toEqual(active.slice(8, 16).map((p) => p.number));
    const page3 = await repo.listPage(team, 'active', { after: page2.lastKey! }, 8);
    expect(page3.patients.map((p) => p.number)).toEqual(active.slice(16).map((p) => p.number));
    expect([page3.hasNewer, page3.hasOlder]).toEqual([true, false]);
    const back = await repo.listPage(team, 'active', { before: page3.firstKey! }, 8);
    expect(back.patients.map((p) => p.number)).toEqual(page2.patients.map((p) => p.number));
    const backToTop = await repo.listPage(team, 'active', { before: page2.firstKey! }, 8);
    expect(backToTop.patients.map((p) => p.number)).toEqual(page1.patients.map((p) => p.number));
    expect((await repo.listPage(team, 'inactive', {}, 8)).total).toBe(5);
    expect((await repo.listPage(team, 'all', {}, 8)).total).toBe(25);
    expect((await repo.listPage(team, 'flagged', {}, 8)).total).toBe(0);
  });
});
