import { CosmosAlertRepository } from '../../src/store/cosmosAlertRepository';
import { startLocalCosmos, type LocalCosmos } from '../../src/store/localCosmos';
import { action, actionsOf, addPatient, ALICE, BOB, BotHarness, cardOf, cardText, CHANNEL_A, type Person, textsOf } from '../support/botHarness';
import { FakeConnector, type RecordedCall } from '../support/fakeConnector';
import { fixedClock } from '../support/fixtures';

const CHLOE: Person = { id: '29:chloe', aadObjectId: 'aad-chloe', name: 'Chloé Roy', locale: 'fr-CA' };
const MINUTE = 60_000;

async function flaggedPatient(bot: BotHarness, name: string, level = ''): Promise<number> {
  const number = await addPatient(bot, name);
  await bot.say(`suivre #${number}`, BOB);
  await bot.say(`signaler #${number} ${level} Chute ce matin`.replace('  ', ' '), ALICE);
  await bot.alertsSettled();
  return number;
}

describe('alerts about flagged patients', () => {
  const clock = fixedClock();
  const bot = new BotHarness();
  beforeAll(() => bot.start({ clock }));
  afterAll(() => bot.stop());
  beforeEach(() => {
    clock.advance(10 * MINUTE);
    bot.connector.script = undefined;
  });

  it('posts a card in the team channel with who changed what, and @mentions the other followers', async () => {
    const before = bot.posts().length;
    const n = await flaggedPatient(bot, 'Alerte Contenu');
    const flagAlert = bot.posts().slice(before);
    expect(flagAlert).toHaveLength(1);
    expect(flagAlert[0]!.path).toBe(`/v3/conversations/${encodeURIComponent(CHANNEL_A.channelId)}/activities`);
    const text = cardText(cardOf(flagAlert[0]!));
    expect(text).toContain(`Alerte · #${n} · Alerte Contenu`);
    expect(text).toContain('Alice Tremblay · Signalement : À SURVEILLER : Chute ce matin');
    expect(text).toContain('Pour : <at>Bob Smith</at>');
    expect(flagAlert[0]!.activity.entities).toEqual([{ type: 'mention', text: '<at>Bob Smith</at>', mentioned: { id: '29:bob', name: 'Bob Smith' } }]);
    expect(cardOf(flagAlert[0]!).msteams.entities).toEqual(flagAlert[0]!.activity.entities);

    clock.advance(MINUTE);
    await bot.say(`note #${n} Tension 90/60`, BOB);
    await bot.alertsSettled();
    const noteAlert = bot.posts().slice(before + 1);
    expect(noteAlert).toHaveLength(1);
    expect(cardText(cardOf(noteAlert[0]!))).toContain('Bob Smith · Note de suivi : Tension 90/60');
    expect(noteAlert[0]!.activity.entities.map((e: any) => e.mentioned.name)).toEqual(['Alice Tremblay']);
  });

  it('alerts nobody about an unflagged patient, or about someone following it', async () => {
    const n = await addPatient(bot, 'Sans Signalement');
    const before = bot.posts().length;
    await bot.say(`suivre #${n}`, BOB);
    await bot.say(`modifier chambre #${n} 1A`, ALICE);
    await bot.alertsSettled();
    expect(bot.posts().length).toBe(before);
  });

  it('coalesces a burst of changes into one alert: the posted card is redrawn with each change, no new post', async () => {
    const n = await flaggedPatient(bot, 'Alerte Rafale');
    clock.advance(MINUTE);
    const before = bot.posts().length;
    const callsBefore = bot.connector.calls.length;
    for (const room of ['2A', '2B', '2C', '2D', '2E']) {
      await bot.say(`modifier chambre #${n} ${room}`, ALICE);
      clock.advance(2_000);
      await bot.alertsSettled();
    }
    await bot.bot.dispatcher.sweep();
    const burst = bot.posts().slice(before);
    expect(burst).toHaveLength(1);
    expect(cardText(cardOf(burst[0]!))).toContain('Chambre / unité : 2A');
    const redraws = bot.connector.calls.slice(callsBefore).filter((c) => c.method === 'PUT' && cardOf(c)?.msteams);
    const last = cardText(cardOf(redraws.at(-1)!));
    expect(last).toContain('Chambre / unité : 2A');
    for (const room of ['2B', '2C', '2D', '2E']) expect(last).toContain(`→ ${room}`);
    // After the window, a change is a new alert again.
    clock.advance(31_000);
    await bot.say(`modifier chambre #${n} 3A`, ALICE);
    await bot.alertsSettled();
    expect(bot.posts().slice(before)).toHaveLength(2);
  });

  it('posts reminders of an urgent flag every interval until a follower acknowledges, then shows who and when', async () => {
    const before = bot.posts().length;
    const n = await flaggedPatient(bot, 'Alerte Urgente', 'urgent');
    const [alert] = bot.posts().slice(before);
    expect(cardText(cardOf(alert!))).toContain(`🔴 URGENT · Alerte · #${n}`);
    for (const count of [1, 2]) {
      clock.advance(2 * MINUTE + 1000);
      await bot.bot.dispatcher.sweep();
      expect(bot.posts().length - before).toBe(1 + count);
      expect(cardText(cardOf(bot.posts().at(-1)!))).toContain(`Rappel ${count} sur 10`);
    }
    const ack = cardOf(alert!).actions ?? cardOf(alert!).body.find((b: any) => b.type === 'ActionSet').actions;
    const vu = ack.find((a: any) => a.title === 'Vu');
    const tapped = await bot.execute(vu.verb, vu.data, BOB);
    expect(textsOf(tapped.body.value).join('\n')).toMatch(/Vu par Bob Smith/);
    expect(textsOf(tapped.body.value).join('\n')).not.toContain('Vu\n');
    expect(tapped.sent.some((c) => c.method === 'PUT' && cardText(cardOf(c)).includes('Vu par Bob Smith'))).toBe(true);
    clock.advance(10 * MINUTE);
    await bot.bot.dispatcher.sweep();
    expect(bot.posts().length - before).toBe(3);
    const again = await bot.execute(vu.verb, vu.data, CHLOE);
    expect(textsOf(again.body.value).join('\n')).toContain('Vu par Bob Smith');
  });

  it('stops reminding after the configured number of reminders', async () => {
    const before = bot.posts().length;
    await flaggedPatient(bot, 'Alerte Sans Réponse', 'urgent');
    for (let i = 0; i < 12; i++) {
      clock.advance(2 * MINUTE + 1000);
      await bot.bot.dispatcher.sweep();
    }
    expect(bot.posts().length - before).toBe(11);
  });

  it('delivers everything through a storm of 429s, honouring Retry-After, and nothing twice', async () => {
    let refusals = 0;
    bot.connector.script = (call) => (call.method === 'POST' && call.activity.attachments?.[0]?.content?.msteams && refusals++ < 6 ? { status: 429, headers: { 'Retry-After': '0' } } : undefined);
    const before = bot.posts().length;
    const numbers = [];
    for (let i = 0; i < 3; i++) numbers.push(await flaggedPatient(bot, `Tempête ${i}`));
    for (let round = 0; round < 10 && bot.posts().length - before < 3; round++) {
      clock.advance(5_000);
      await bot.bot.dispatcher.sweep();
    }
    const delivered = bot.posts().slice(before).map((c) => cardText(cardOf(c)));
    expect(refusals).toBeGreaterThanOrEqual(6);
    expect(delivered).toHaveLength(3);
    for (const n of numbers) expect(delivered.filter((t) => t.includes(`#${n} ·`))).toHaveLength(1);
  });

  it('retries after server errors with backoff, then delivers once', async () => {
    let failures = 0;
    bot.connector.script = (call) => (call.activity.attachments?.[0]?.content?.msteams && failures++ < 2 ? { status: 500 } : undefined);
    const before = bot.posts().length;
    await flaggedPatient(bot, 'Erreur Serveur');
    for (let round = 0; round < 6; round++) {
      clock.advance(30_000);
      await bot.bot.dispatcher.sweep();
    }
    expect(bot.posts().length - before).toBe(1);
  });

  it('marks an alert undeliverable when the bot was removed (403), without a retry loop', async () => {
    bot.connector.script = (call) => (call.activity.attachments?.[0]?.content?.msteams ? { status: 403 } : undefined);
    const refusedBefore = bot.connector.refused.length;
    await flaggedPatient(bot, 'Équipe Quittée');
    for (let round = 0; round < 5; round++) {
      clock.advance(MINUTE);
      await bot.bot.dispatcher.sweep();
    }
    expect(bot.connector.refused.length - refusedBefore).toBe(1);
    const repo = new CosmosAlertRepository(bot.bot.container);
    const { resources } = await bot.bot.container.items
      .query({ query: "SELECT * FROM c WHERE c.teamId = @t AND c.type = 'alert' AND c.state = 'undeliverable'", parameters: [{ name: '@t', value: CHANNEL_A.teamId }] })
      .fetchAll();
    expect(resources).toHaveLength(1);
    expect(resources[0].lastError).toContain('403');
    expect(await repo.openAlerts(CHANNEL_A.teamId)).toHaveLength(0);
  });
});

describe('alerts survive a crash between the write and the send', () => {
  let cosmos: LocalCosmos;
  const clock = fixedClock();
  const connector = new FakeConnector();
  const first = new BotHarness(connector);
  const second = new BotHarness(connector);
  beforeAll(async () => {
    cosmos = await startLocalCosmos(0);
  });
  afterAll(async () => {
    await second.stop();
    await cosmos.close();
  });

  it('sends after restart what the stopped instance had written, once, even with two instances sweeping', async () => {
    const port = Number(new URL(cosmos.endpoint).port);
    await first.start({ clock, cosmosPort: port });
    // The "crash": the dispatcher is gone before the write, so nothing is sent by this instance.
    await first.bot.dispatcher.stop();
    await flaggedPatient(first, 'Après Redémarrage');
    expect(first.posts()).toHaveLength(0);
    await first.bot.stop();
    expect(second.posts()).toHaveLength(0);

    await second.start({ clock, cosmosPort: port });
    const third = new BotHarness(connector);
    await third.start({ clock, cosmosPort: port });
    try {
      await Promise.all([second.bot.dispatcher.sweep(), third.bot.dispatcher.sweep(), second.bot.dispatcher.sweep()]);
      const delivered = second.posts();
      expect(delivered).toHaveLength(1);
      expect(cardText(cardOf(delivered[0]!))).toContain('Après Redémarrage');
    } finally {
      await third.bot.stop();
    }
  });
});

describe('the alert as a phone push, and « Vu » for the patient', () => {
  const clock = fixedClock();
  const bot = new BotHarness();
  beforeAll(() => bot.start({ clock }));
  afterAll(() => bot.stop());
  beforeEach(() => clock.advance(10 * MINUTE));

  /** The posts about patient #n (other patients' reminders come and go on the shared clock). */
  const postsOf = (n: number) => bot.posts().filter((post) => post.activity.summary?.includes(`#${n} `));

  async function urgentPatient(name: string, room: string): Promise<number> {
    const n = await addPatient(bot, name);
    await bot.say(`modifier chambre #${n} ${room}`, ALICE);
    await bot.say(`suivre #${n}`, BOB);
    await bot.say(`signaler #${n} urgent Chute ce matin`, ALICE);
    await bot.alertsSettled();
    return n;
  }

  it('carries a one-line summary in the channel’s language, and the card shows the flag level and reason', async () => {
    const n = await urgentPatient('Rose Lévesque', '3B-14');
    clock.advance(MINUTE);
    const before = bot.posts().length;
    await bot.say(`modifier chambre #${n} 3B-20`, CHLOE);
    await bot.alertsSettled();
    const [post] = bot.posts().slice(before);
    expect(post!.activity.summary).toBe(`URGENT · #${n} R. Lévesque : chambre / unité 3B-14 → 3B-20 (Chloé Roy)`);
    expect(cardText(cardOf(post!))).toContain('Signalement : Urgent (rouge) — Chute ce matin');
    expect(cardOf(post!).body[0].style).toBe('attention');
  });

  it('« Vu » on any card of the patient stops every open alert and reminder; posted cards turn neutral with who and when', async () => {
    const n = await urgentPatient('Paul Vigneault', '4C');
    clock.advance(MINUTE);
    await bot.say(`note #${n} Tension 80/50`, ALICE);
    await bot.alertsSettled();
    const [first, second] = postsOf(n);
    expect(second).toBeDefined();
    // Both alerts are urgent; only the newer one reminds, so the patient gets one reminder per interval.
    clock.advance(2 * MINUTE + 1000);
    await bot.bot.dispatcher.sweep();
    const reminders = postsOf(n).slice(2);
    expect(reminders).toHaveLength(1);
    expect(cardText(cardOf(reminders[0]!))).toContain('Rappel 1 sur 10');

    const vu = action(cardOf(first!), 'Vu');
    const callsBefore = bot.connector.calls.length;
    await bot.execute(vu.verb, vu.data, BOB);
    await bot.alertsSettled();
    const redrawn = bot.connector.calls.slice(callsBefore).filter((c) => c.method === 'PUT' && cardOf(c)?.msteams);
    for (const card of redrawn.map(cardOf)) {
      expect(textsOf(card).join('\n')).toMatch(/Vu par Bob Smith/);
      expect(card.body[0].style).toBe('default');
      expect(actionsOf(card).map((a) => a.title)).not.toContain('Vu');
    }
    // Both posted cards are redrawn (the fake connector numbers what it accepts: activity-<position>).
    const idOf = (post: RecordedCall) => `activity-${bot.connector.calls.indexOf(post) + 1}`;
    const paths = redrawn.map((c) => c.path);
    for (const post of [first!, second!]) expect(paths.some((p) => p.endsWith(`/activities/${idOf(post)}`))).toBe(true);
    const ofPatient = () => postsOf(n).length;
    const after = ofPatient();
    for (let i = 0; i < 5; i++) {
      clock.advance(2 * MINUTE + 1000);
      await bot.bot.dispatcher.sweep();
    }
    expect(ofPatient()).toBe(after);
  });

  it('« Ouvrir » opens the patient with « Vu » at hand until someone acknowledges', async () => {
    const n = await urgentPatient('Lise Ouellet', '2A');
    const [post] = postsOf(n);
    const open = action(cardOf(post!), 'Ouvrir');
    const opened = await bot.execute(open.verb, open.data, CHLOE);
    const vu = action(opened.body.value, 'Vu');
    expect(textsOf(opened.body.value).join('\n')).toContain(`#${n}`);
    await bot.execute(vu.verb, vu.data, CHLOE);
    const again = await bot.execute(open.verb, open.data, CHLOE);
    expect(actionsOf(again.body.value).map((a) => a.title)).not.toContain('Vu');
  });
});
