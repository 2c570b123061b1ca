import { AlreadyExistsError, ConcurrentEditError } from '../../src/domain/errors';
import type { PatientRepository } from '../../src/domain/ports';
import { CosmosPatientRepository } from '../../src/store/cosmosPatientRepository';
import { startTestCosmos } from '../support/cosmos';
import { MemoryPatientRepository } from '../support/memoryRepository';
import { nurse, syntheticPatient, TEAM_A, TEAM_B } from '../support/fixtures';

/** A repository to hold to the port's contract, and how to let it go. */
interface Opened {
  repo: PatientRepository;
  close(): Promise<void>;
}

const REPOSITORIES: Array<[name: string, open: () => Promise<Opened>]> = [
  ['the in-memory repository', async () => ({ repo: new MemoryPatientRepository(), close: async () => {} })],
  [
    'the Cosmos repository on the local server',
    async () => {
      const cosmos = await startTestCosmos();
      return { repo: new CosmosPatientRepository(cosmos.container), close: () => cosmos.stop() };
    },
  ],
];

describe.each(REPOSITORIES)('the patient repository contract: %s', (_name, open) => {
  let opened: Opened;
  let repo: PatientRepository;

  beforeAll(async () => {
    opened = await open();
    repo = opened.repo;
    // As in the bot, a team's counter (which keeps its list counts) exists before its first patient.
    for (const team of [TEAM_A, '19:search@thread.tacv2', '19:namesakes@thread.tacv2']) await repo.allocateNumber(team);
  });
  afterAll(() => opened.close());

  const patient = syntheticPatient;

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

  it('lists urgent, then attention, then the others, each newest activity first, across keyset pages, with every filter count', async () => {
    const team = '19:overview@thread.tacv2';
    await repo.allocateNumber(team); // a team's counter exists before its patients (each write patches its counts)
    const flag = (level: 'attention' | 'urgent') => ({ flag: { level, reason: 'Chute', by: nurse, at: '2026-11-01T00:00:00.000Z' } });
    const plain = [patient(team), patient(team), patient(team), patient(team)];
    const watched = [patient(team, flag('attention')), patient(team, flag('attention'))];
    const urgent = patient(team, flag('urgent'));
    const gone = patient(team, { status: 'inactive', inactive: { reason: 'leave', since: '2026-11-01' }, ...flag('attention') });
    // Written oldest flag first, so that activity alone would list the urgent one in the middle.
    for (const p of [watched[0]!, urgent, ...plain.slice(0, 2), watched[1]!, ...plain.slice(2), gone]) await repo.create(p);
    const expected = [urgent, watched[1]!, watched[0]!, ...[...plain].reverse()].map((p) => p.number);
    const first = await repo.listPage(team, 'active', {}, 4);
    const second = await repo.listPage(team, 'active', { after: first.lastKey! }, 4);
    expect([...first.patients, ...second.patients].map((p) => p.number)).toEqual(expected);
    expect(first.counts).toEqual({ active: 7, inactive: 1, flagged: 4 });
    expect(first.total).toBe(7);
    expect((await repo.listPage(team, 'flagged', {}, 10)).patients.map((p) => p.number)).toEqual([urgent.number, gone.number, watched[1]!.number, watched[0]!.number]);
    const back = await repo.listPage(team, 'active', { before: second.firstKey! }, 4);
    expect(back.patients.map((p) => p.number)).toEqual(first.patients.map((p) => p.number));
  });

  it('finds the patients with a file number, in the team only', async () => {
    const p = patient(TEAM_A, { name: 'Fictif Numéroté', fileNumber: 'CARL 4402 1212' });
    await repo.create(p);
    const byFile = { foldedName: 'personne d’autre', fileNumber: 'CARL 4402 1212' };
    expect((await repo.findNamesakes(TEAM_A, byFile, 5)).map((x) => x.id)).toEqual([p.id]);
    expect(await repo.findNamesakes(TEAM_B, byFile, 5)).toEqual([]);
  });

  it('finds namesakes by the whole folded name or the file number, not by a part of the name', async () => {
    const team = '19:namesakes@thread.tacv2';
    const a = patient(team, { name: 'Éloïse Bélanger' });
    const b = patient(team, { name: 'Eloise  BELANGER' });
    const c = patient(team, { name: 'Éloïse Bélanger-Roy', fileNumber: 'DOS-77' });
    for (const p of [a, b, c]) await repo.create(p);
    const ids = async (match: { foldedName: string; fileNumber?: string }) => (await repo.findNamesakes(team, match, 10)).map((x) => x.id).sort();
    expect(await ids({ foldedName: 'eloise belanger' })).toEqual([a.id, b.id].sort());
    expect(await ids({ foldedName: 'eloise' })).toEqual([]);
    expect(await ids({ foldedName: 'eloise belanger', fileNumber: 'DOS-77' })).toEqual([a.id, b.id, c.id].sort());
    expect(await repo.findNamesakes(TEAM_B, { foldedName: 'eloise belanger' }, 10)).toEqual([]);
  });
});
