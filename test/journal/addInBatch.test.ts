import type { AccessJournal } from '../../src/domain/ports';
import { action, actionsOf, ALICE, answerCard, BotHarness, CHANNEL_A, cardOf, numberIn, turnText, type TurnResult } from '../support/botHarness';

/**
 * Adding a patient shows the new patient's card: that showing's journal record is written in the
 * patient's creation batch (one request fewer than a record of its own), never beside it.
 */
describe('the record of a patient added goes in the creation batch; a namesake warning is journaled', () => {
  const bot = new BotHarness();
  let separateRecords = 0;

  beforeAll(async () => {
    // Counts the records written on their own (through the journal port), not those in a batch.
    const counting = (cosmos: AccessJournal): AccessJournal =>
      Object.assign(Object.create(cosmos), {
        record: (teamId: string, record: Parameters<AccessJournal['record']>[1]) => {
          separateRecords += 1;
          return cosmos.record(teamId, record);
        },
      });
    await bot.start({ journal: counting });
    await bot.say('aide', ALICE);
  });
  afterAll(() => bot.stop());

  async function shownRecords(): Promise<any[]> {
    const { resources } = await bot.bot.container.items
      .query({
        query: "SELECT * FROM c WHERE c.teamId = @t AND c.type = 'access' AND c.kind = 'patientShown' ORDER BY c.sortKey ASC",
        parameters: [{ name: '@t', value: CHANNEL_A.teamId }],
      })
      .fetchAll();
    return resources;
  }

  async function added(turn: () => Promise<TurnResult>): Promise<{ result: TurnResult; records: any[]; separate: number }> {
    const before = (await shownRecords()).length;
    const separate = separateRecords;
    const result = await turn();
    return { result, records: (await shownRecords()).slice(before), separate: separateRecords - separate };
  }

  it('typed: one record for the new patient, in its batch', async () => {
    const { result, records, separate } = await added(() => bot.say('ajouter patient Lot Journal', ALICE));
    const id = actionsOf(answerCard(result)).find((a) => a.data?.patientId)!.data.patientId;
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ by: { id: ALICE.aadObjectId }, where: { place: 'channel' }, patients: [{ id, number: numberIn(turnText(result)) }] });
    expect(separate).toBe(0);
  });

  it('the form: one record in the batch; the same form submitted again shows the patient with a record of its own', async () => {
    const save = action(cardOf((await bot.say('ajouter patient', ALICE)).sent[0]), 'Enregistrer');
    const data = { ...save.data, name: 'Lot Formulaire' };
    const first = await added(() => bot.execute(save.verb, data, ALICE));
    expect(first.records).toHaveLength(1);
    expect(first.separate).toBe(0);
    const again = await added(() => bot.execute(save.verb, data, ALICE));
    expect(turnText(again.result)).toMatch(/déjà enregistré/);
    expect(again.records).toHaveLength(1);
    expect(again.separate).toBe(1);
    expect(again.records[0].patients).toEqual(first.records[0].patients);
  });

  it('a namesake warning shows the patient already there: one record for that patient, and nobody added', async () => {
    const existing = await added(() => bot.say('ajouter patient Lot Homonyme', ALICE));
    const existingId = existing.records[0].patients[0].id;
    const warned = await added(() => bot.say('ajouter patient lot HOMONYME', ALICE));
    expect(turnText(warned.result)).toContain('Lot Homonyme');
    expect(warned.records).toHaveLength(1);
    expect(warned.records[0].patients).toEqual([{ id: existingId, number: existing.records[0].patients[0].number }]);
    const { resources } = await bot.bot.container.items
      .query({ query: "SELECT VALUE COUNT(1) FROM c WHERE c.teamId = @t AND c.type = 'patient' AND c.searchKey = 'lot homonyme'", parameters: [{ name: '@t', value: CHANNEL_A.teamId }] })
      .fetchAll();
    expect(resources).toEqual([1]);
  });
});
