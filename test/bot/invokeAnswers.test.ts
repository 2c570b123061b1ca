import { patientIdOf } from '../../src/domain/patient';
import { addPatient, ALICE, answerCard, BOB, BotHarness, CHANNEL_A, textsOf } from '../support/botHarness';

/**
 * What a tap on Action.Execute sends to Teams: the invoke answer (the card for the person who
 * tapped) and, for a change everybody must see, one update of the posted message; never an update
 * of a message whose card was only answered to the person who tapped.
 */
describe('the answer to a card tap', () => {
  const bot = new BotHarness();
  beforeAll(() => bot.start());
  afterAll(() => bot.stop());

  const updatesOf = (messageId: string, from: number) =>
    bot.connector.calls.slice(from).filter((c) => c.method === 'PUT' && c.path.endsWith(`/activities/${encodeURIComponent(messageId)}`));

  it('updates the posted card once for a change everybody sees (Follow)', async () => {
    const n = await addPatient(bot, 'Suivi Unique', ALICE);
    const before = bot.connector.calls.length;
    const tap = await bot.execute('patient.follow', { patientId: patientIdOf(CHANNEL_A.teamId, n) }, BOB, undefined, 'patient-message-1');
    expect(textsOf(answerCard(tap)).join('\n')).toContain('Suivi Unique');
    expect(updatesOf('patient-message-1', before)).toHaveLength(1);
  });

  it('answers Open to the person who tapped only: the message tapped stays as it was', async () => {
    const n = await addPatient(bot, 'Ouverture Personnelle', ALICE);
    // A follower: the card carries a refresh for her, which teams-ai took for "replace for everyone".
    await bot.say(`suivre #${n}`, ALICE);
    const before = bot.connector.calls.length;
    const tap = await bot.execute('patient.open', { patientId: patientIdOf(CHANNEL_A.teamId, n) }, BOB, undefined, 'alert-message-1');
    expect(textsOf(answerCard(tap)).join('\n')).toContain('Ouverture Personnelle');
    expect(updatesOf('alert-message-1', before)).toEqual([]);
  });
});
