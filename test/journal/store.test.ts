import { type AccessRecord, accessRecord } from '../../src/domain/journal';
import { CosmosAccessJournal } from '../../src/store/cosmosAccessJournal';
import { startTestCosmos, type TestCosmos } from '../support/cosmos';
import { nurse, physician, TEAM_A, TEAM_B } from '../support/fixtures';

const START = Date.parse('2026-01-05T12:00:00.000Z');
const MINUTE = 60_000;

function access(i: number, overrides: Partial<AccessRecord> = {}): AccessRecord {
  const patients = [{ id: `p${i % 3}`, number: (i % 3) + 1 }];
  return { ...accessRecord(`r${String(i).padStart(3, '0')}`, new Date(START + i * MINUTE), nurse, 'patientShown', { place: 'channel' }, patients), ...overrides };
}

describe('the access journal in Cosmos DB', () => {
  let cosmos: TestCosmos;
  let journal: CosmosAccessJournal;
  beforeAll(async () => {
    cosmos = await startTestCosmos();
    journal = new CosmosAccessJournal(cosmos.container);
    for (let i = 0; i < 30; i++) await journal.record(TEAM_A, access(i));
    // Same numbers in another team: never seen from team A.
    for (let i = 0; i < 5; i++) await journal.record(TEAM_B, access(i, { id: `b${i}` }));
    await journal.record(TEAM_A, access(40, { kind: 'alertPosted', by: physician, to: [{ id: 'aad-recipient', name: 'Rosalie Récipiendaire' }] }));
  });
  afterAll(() => cosmos.stop());

  async function everything(query: Parameters<CosmosAccessJournal['page']>[1], teamId = TEAM_A, from?: string): Promise<AccessRecord[]> {
    const out: AccessRecord[] = [];
    let beforeKey: string | undefined;
    do {
      const page = await journal.page(teamId, query, { beforeKey, from, pageSize: 4 });
      expect(page.records.length).toBeLessThanOrEqual(4);
      out.push(...page.records);
      beforeKey = page.nextKey;
    } while (beforeKey);
    return out;
  }

  it('pages a patient’s records newest first with a keyset: every record once, none of another team', async () => {
    const records = await everything({ patientNumber: 1 });
    const expected = Array.from({ length: 30 }, (_, i) => i).filter((i) => i % 3 === 0).reverse().map((i) => `r${String(i).padStart(3, '0')}`);
    expect(records.map((r) => r.id)).toEqual(expected);
    expect(new Set(records.map((r) => r.id)).size).toBe(records.length);
    expect((await everything({ patientNumber: 1 }, TEAM_B)).map((r) => r.id)).toEqual(['b3', 'b0']);
  });

  it('gives back the domain record only (no storage fields)', async () => {
    const [latest] = (await journal.page(TEAM_A, { patientNumber: 1 }, { pageSize: 1 })).records;
    expect(Object.keys(latest!).sort()).toEqual(['at', 'by', 'id', 'kind', 'patients', 'where']);
  });

  it('finds what a person consulted or received, and stops at `from`', async () => {
    expect((await everything({ actorId: 'aad-recipient' })).map((r) => r.id)).toEqual(['r040']);
    expect((await everything({ actorId: physician.id })).map((r) => r.kind)).toEqual(['alertPosted']);
    const from = new Date(START + 25 * MINUTE).toISOString();
    expect((await everything({ actorId: nurse.id }, TEAM_A, from)).map((r) => r.id)).toEqual(['r029', 'r028', 'r027', 'r026', 'r025']);
  });

  it('never overwrites a record (create, not upsert)', async () => {
    await expect(journal.record(TEAM_A, access(0, { kind: 'export' }))).rejects.toBeDefined();
    const [kept] = (await everything({ patientNumber: 1 })).filter((r) => r.id === 'r000');
    expect(kept!.kind).toBe('patientShown');
  });

  it('purges only the team’s records older than the cutoff', async () => {
    expect(await journal.purgeBefore(TEAM_A, new Date(START + 10 * MINUTE))).toBe(10);
    const left = await everything({ actorId: nurse.id });
    expect(left.map((r) => r.id).at(-1)).toBe('r010');
    expect(await everything({ patientNumber: 1 }, TEAM_B)).toHaveLength(2);
  });
});
