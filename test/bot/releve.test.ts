import { action, actionsOf, addPatient, ALICE, BOB, BotHarness, cardOf, CHANNEL_A, CHANNEL_B, type Person, replyCard, replyText, textsOf } from '../support/botHarness';
import { fixedClock } from '../support/fixtures';

const CHLOE: Person = { id: '29:chloe', aadObjectId: 'aad-chloe', name: 'Chloé Roy', locale: 'fr-CA' };
const DAN: Person = { id: '29:dan', aadObjectId: 'aad-dan', name: 'Dan Night', locale: 'en-CA' };
const MINUTE = 60_000;

/** 10:00 in Québec (EST): the first relève looks back to 22:00 the day before. */
const clock = fixedClock('2026-11-25T15:00:00.000Z');
const bot = new BotHarness();
beforeAll(() => bot.start({ clock }));
afterAll(() => bot.stop());

describe('la relève / the handoff', () => {
  let calm: number;
  let urgent: number;
  let watched: number;

  beforeAll(async () => {
    // Yesterday's changes (before the 12 h window) are not in anyone's first relève.
    clock.advance(-14 * 60 * MINUTE);
    const old = await addPatient(bot, 'Ancien Hors-Fenêtre');
    await bot.say(`modifier chambre #${old} 1A`);
    clock.advance(14 * 60 * MINUTE - 60 * MINUTE);
    calm = await addPatient(bot, 'Calme Synthétique');
    urgent = await addPatient(bot, 'Rose Urgente');
    watched = await addPatient(bot, 'Paul Attention');
    clock.advance(10 * MINUTE);
    // Bob, another member, makes the changes of the night.
    await bot.say(`signaler #${urgent} urgent Chute ce matin`, BOB);
    await bot.say(`signaler #${watched} Appétit en baisse`, BOB);
    clock.advance(10 * MINUTE);
    await bot.say(`modifier chambre #${calm} 3B-12`, BOB);
    await bot.say(`note #${urgent} Tension 90/60, famille avisée`, BOB);
    clock.advance(10 * MINUTE);
    await bot.say(`note #${calm} Mange bien`, BOB);
    await bot.alertsSettled();
    clock.advance(30 * MINUTE);
  });

  it('lists, for another person, what changed since 12 h ago, urgent first, with who and what', async () => {
    const card = replyCard(await bot.say('relève', CHLOE));
    const texts = textsOf(card);
    expect(texts[0]).toBe('Relève · depuis 24 nov., 22:00');
    expect(texts).toContain('8 changements, 3 patients');
    const titles = texts.filter((t) => /^#\d+ · /.test(t));
    expect(titles).toEqual([`#${urgent} · Rose Urgente`, `#${watched} · Paul Attention`, `#${calm} · Calme Synthétique · 3B-12`]);
    const all = texts.join('\n');
    expect(all).toContain('Nouveau · Signalé URGENT : Chute ce matin');
    expect(all).toContain('1 note : « Tension 90/60, famille avisée » (Bob Smith)');
    expect(all).toContain('Nouveau · Chambre / unité : 3B-12');
    expect(all).toContain('Par Bob Smith, Alice Tremblay · 09:30');
    expect(all).toContain('Par Bob Smith, Alice Tremblay · 09:20');
    expect(all).not.toContain('Ancien Hors-Fenêtre');
    expect(actionsOf(card).map((a) => a.title)).toEqual([`Ouvrir #${urgent}`, `Ouvrir #${watched}`, `Ouvrir #${calm}`, 'Pris connaissance']);
    // People's text is never markdown: names and notes are TextRuns.
    expect(JSON.stringify(card)).not.toMatch(/"type":"TextBlock","text":"[^"]*(Rose|Tension)/);
  });

  it('marks an urgent patient whose alert nobody acknowledged', async () => {
    await bot.say(`suivre #${urgent}`, ALICE);
    await bot.say(`note #${urgent} Rappel médecin`, BOB);
    await bot.alertsSettled();
    const texts = textsOf(replyCard(await bot.say('relève', CHLOE)));
    expect(texts.indexOf('⚠ Alerte pas encore vue')).toBe(texts.indexOf(`#${urgent} · Rose Urgente`) - 1);
    expect(texts.filter((t) => t === '⚠ Alerte pas encore vue')).toHaveLength(1);
  });

  it('acknowledges (Action.Execute): the posted card shows who took it for everyone, and the next relève starts there', async () => {
    const card = replyCard(await bot.say('relève', CHLOE));
    const ack = action(card, 'Pris connaissance');
    clock.advance(2 * MINUTE);
    const result = await bot.execute(ack.verb, ack.data, CHLOE);
    expect(textsOf(result.body.value)).toContain('Pris connaissance : Chloé Roy (10:02)');
    const update = result.sent.find((c) => c.method === 'PUT');
    expect(textsOf(cardOf(update))).toContain('Pris connaissance : Chloé Roy (10:02)');
    // Bob (English) taps the same card: it keeps its language and lists both.
    const both = await bot.execute(ack.verb, ack.data, BOB);
    expect(textsOf(both.body.value)).toContain('Pris connaissance : Chloé Roy (10:02), Bob Smith (10:02)');

    clock.advance(30 * MINUTE);
    const nothing = textsOf(replyCard(await bot.say('releve', CHLOE)));
    expect(nothing).toContain('Relève · depuis 10:00');
    expect(nothing).toContain('Rien de nouveau depuis 10:00.');
    await bot.say(`mettre inactif #${calm} décès`, BOB);
    const next = textsOf(replyCard(await bot.say('relève', CHLOE)));
    expect(next).toContain('1 changement, 1 patient');
    expect(next.join('\n')).toContain('Mis inactif : Décès');
  });

  it('acknowledges from the Action.Submit fallback the same way, and says nothing new in English', async () => {
    clock.set('2026-11-25T15:32:00.000Z'); // 10:32 in Québec, whatever the tests before did with the clock
    const card = replyCard(await bot.say('handoff', DAN));
    expect(textsOf(card)[0]).toBe('Handoff · since Nov 24, 22:32');
    const ack = action(card, 'Acknowledge');
    const submitted = await bot.submit(ack.fallback.data, DAN);
    const update = submitted.sent.find((c) => c.method === 'PUT');
    expect(textsOf(cardOf(update))).toContain('Acknowledged: Dan Night (10:32)');
    clock.advance(MINUTE);
    expect(textsOf(replyCard(await bot.say('handoff', DAN)))).toContain('Nothing new since 10:32.');
  });

  it('takes the last N hours (1 to 72) and refuses the rest in the person’s language, changing nothing', async () => {
    clock.set('2026-11-25T15:33:00.000Z'); // 10:33 in Québec
    const texts = textsOf(replyCard(await bot.say('handoff 24h', BOB)));
    expect(texts[0]).toBe('Handoff · since Nov 24, 10:33');
    expect(texts.join('\n')).toContain('Ancien Hors-Fenêtre');
    expect(replyText(await bot.say('handoff 100h', BOB))).toBe('A handoff covers 1 to 72 hours, e.g. “handoff 24h”.');
    expect(replyText(await bot.say('relève 0h', CHLOE))).toBe('La relève couvre de 1 à 72 heures, par ex. « relève 24h ».');
    expect(replyText(await bot.say('relève demain', CHLOE))).toContain('Écrivez : relève, relève 24h');
    // A card replayed with a forged, too long window is refused.
    const forged = await bot.execute('releve.page', { from: '2026-01-01T00:00:00.000Z', to: '2026-11-25T16:00:00.000Z', lang: 'fr', page: 1 }, CHLOE);
    expect(textsOf(forged.body.value).join('\n')).toContain('La relève couvre de 1 à 72 heures');
  });

  it('sets the shift times for superusers only; a member is told who can; the settings card shows them', async () => {
    expect(replyText(await bot.say('handoff times 07:00 15:00 23:00', BOB))).toBe(
      'Only the team’s superusers can change the handoff times. Ask: Alice Tremblay.',
    );
    expect(replyText(await bot.say('relève heures 07:00', CHLOE))).toBe(
      'Seuls les superutilisateurs de l’équipe peuvent changer les heures de relève. Demandez à : Alice Tremblay.',
    );
    expect(replyText(await bot.say('paramètres', ALICE))).toContain('Relève : aucune publication automatique');
    expect(replyText(await bot.say('relève heures 25:00', ALICE))).toContain('Écrivez les heures de changement de quart en HH:MM');
    expect(replyText(await bot.say('relève heures 23:00 7h 15:00', ALICE))).toBe(
      'La relève sera publiée dans le canal de l’équipe à 07:00, 15:00, 23:00 (heure du Québec).',
    );
    expect(replyText(await bot.say('paramètres', ALICE))).toContain('Relève publiée à : 07:00, 15:00, 23:00');
    expect(replyText(await bot.say('handoff times none', ALICE))).toBe('La relève ne sera plus publiée automatiquement.');
    expect(replyText(await bot.say('settings', ALICE))).toContain('Relève : aucune publication automatique');
  });

  it('pages past 10 patients with Next / Previous, every page from the window the card carries', async () => {
    const ward = { teamId: '19:team-c@thread.tacv2', channelId: '19:general-c@thread.tacv2' };
    for (let i = 1; i <= 11; i++) {
      await bot.say(`ajouter patient Page Patient ${i}`, BOB, ward);
      clock.advance(1000);
    }
    const first = replyCard(await bot.say('relève 1h', CHLOE, ward));
    expect(textsOf(first)).toContain('11 changements, 11 patients · page 1 sur 2');
    expect(textsOf(first).filter((t) => /^#\d+ · /.test(t))[0]).toBe('#11 · Page Patient 11');
    // A change after the card was drawn does not shift its pages.
    clock.advance(1000);
    await bot.say('ajouter patient Après La Carte', BOB, ward);
    const next = action(first, 'Suivant');
    const second = (await bot.execute(next.verb, next.data, CHLOE, ward)).body.value;
    expect(textsOf(second)).toContain('11 changements, 11 patients · page 2 sur 2');
    expect(textsOf(second).filter((t) => /^#\d+ · /.test(t))).toEqual(['#1 · Page Patient 1']);
    expect(actionsOf(second).map((a) => a.title)).toEqual(['Ouvrir #1', 'Précédent', 'Pris connaissance']);
  });

  it('shows a team its own relève only, whatever the card says', async () => {
    const card = replyCard(await bot.say('relève 2h', CHLOE, CHANNEL_A));
    expect(textsOf(card).join('\n')).toContain('Rose Urgente');
    const page = action(card, 'Pris connaissance');
    const other = await bot.execute('releve.page', page.data, CHLOE, CHANNEL_B);
    expect(textsOf(other.body.value).join('\n')).toContain('Rien de nouveau');
    expect(textsOf(other.body.value).join('\n')).not.toContain('Rose Urgente');
  });
});
