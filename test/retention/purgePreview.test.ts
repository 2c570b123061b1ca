import { parseCommand } from '../../src/bot/commandParser';
import { addMonths } from '../../src/domain/retention';
import { action, actionsOf, addPatient, ALICE, answerText, BOB, BotHarness, cardOf, CHANNEL_A, replyCard, replyText, textsOf, turnText } from '../support/botHarness';
import { fixedClock } from '../support/fixtures';

const DAY = 24 * 60 * 60 * 1000;

it('understands the command in French and English, accents and case optional', () => {
  for (const text of ['purge preview', 'Purge Preview', 'aperçu épuration', 'apercu epuration', 'Aperçu Épuration']) {
    expect(parseCommand(text)).toEqual({ kind: 'purgePreview' });
  }
});

describe('purge preview and exclusion in the bot', () => {
  const clock = fixedClock('2024-11-24T15:00:00.000Z');
  const bot = new BotHarness();
  beforeAll(() => bot.start({ clock }));
  afterAll(() => bot.stop());

  async function discharged(name: string): Promise<number> {
    const n = await addPatient(bot, name);
    await bot.say(`note #${n} Visite faite`, ALICE);
    await bot.say(`mettre inactif #${n} départ`, ALICE);
    return n;
  }

  async function stored(): Promise<string[]> {
    const { resources } = await bot.bot.container.items
      .query({ query: "SELECT VALUE c.name FROM c WHERE c.teamId = @t AND c.type = 'patient'", parameters: [{ name: '@t', value: CHANNEL_A.teamId }] })
      .fetchAll();
    return resources;
  }

  it('refuses a member, shows a superuser who would go and when, lets the superuser exclude one, which the job then keeps', async () => {
    // Alice uses the bot first: she is the team's superuser. Bob is a member.
    const kept = await discharged('Gardée Synthétique');
    const purged = await discharged('Effacée Synthétique');
    clock.advance(addMonths(clock.now(), 24).getTime() - clock.now().getTime() + DAY);

    const refused = await bot.say('purge preview', BOB);
    expect(replyText(refused)).toBe('Only the team’s superusers can do that.');
    expect(refused.sent.every((c) => !cardOf(c))).toBe(true);

    const preview = replyCard(await bot.say('aperçu épuration', ALICE));
    const text = textsOf(preview).join('\n');
    expect(text).toContain('Aperçu de l’épuration');
    expect(text).toMatch(/Prochaine épuration : \d+ nov\. 2026/);
    expect(text).toContain(`#${kept} · Gardée Synthétique`);
    expect(text).toContain(`#${purged} · Effacée Synthétique`);
    expect(text).toContain('Congé (fin du suivi) · inactif depuis le 24 nov. 2024');
    const exclude = actionsOf(preview).filter((a) => a.title === 'Exclure')[0];
    expect(exclude.data.patientId).toBeTruthy();

    // A member's tap changes nothing.
    const bobTap = await bot.execute(exclude.verb, exclude.data, BOB);
    expect(answerText(bobTap)).toContain('Only the team’s superusers can do that.');

    const tapped = await bot.execute(exclude.verb, exclude.data, ALICE);
    const after = textsOf(tapped.body.value).join('\n');
    expect(after).toContain(`Patient #${kept} exclu de l’épuration : il sera gardé.`);
    expect(after).not.toContain('Gardée Synthétique');
    expect(after).toContain('Effacée Synthétique');
    // The posted preview is redrawn for everyone.
    expect(tapped.sent.some((c) => c.method === 'PUT')).toBe(true);

    // The Action.Submit fallback takes the same path (a second tap changes nothing).
    const submitted = await bot.submit({ ...exclude.fallback.data }, ALICE);
    expect(turnText(submitted)).toContain(`Patient #${kept} exclu`);

    const history = replyText(await bot.say(`historique #${kept}`, ALICE));
    expect(history).toContain('épuration');
    expect(history).toContain('Exclu de l’épuration');

    const run = await bot.bot.purge.runOnce();
    expect(run).toMatchObject({ skipped: false, purged: 1 });
    expect(await stored()).toEqual(['Gardée Synthétique']);
    expect(replyText(await bot.say(`voir #${kept}`, ALICE))).toContain('Gardée Synthétique');
    expect(replyText(await bot.say(`voir #${purged}`, ALICE))).toContain(`Aucun patient ne correspond à « #${purged} »`);

    const empty = textsOf(replyCard(await bot.say('purge preview', ALICE))).join('\n');
    expect(empty).toContain('Aucun patient ne sera effacé à la prochaine épuration.');
  });

  it('keeps a reactivated patient out of the preview', async () => {
    const n = await discharged('Revenue Synthétique');
    clock.advance(addMonths(clock.now(), 25).getTime() - clock.now().getTime());
    await bot.say(`mettre actif #${n}`, ALICE);
    const card = replyCard(await bot.say('purge preview', ALICE));
    expect(textsOf(card).join('\n')).not.toContain('Revenue Synthétique');
    // Refresh redraws it for the person who tapped.
    const refresh = action(card, 'Actualiser');
    expect(textsOf((await bot.execute(refresh.verb, refresh.data, ALICE)).body.value).join('\n')).toContain('Aperçu de l’épuration');
  });
});
