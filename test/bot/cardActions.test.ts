import { action, addPatientCard, ALICE, answerCard, BOB, BotHarness, cardOf, cardText, CHANNEL_B, numberIn } from '../support/botHarness';

const bot = new BotHarness();
beforeAll(() => bot.start());
afterAll(() => bot.stop());

const PATHS = [
  ['Action.Execute', (verb: string, data: any, person = ALICE, where = undefined as any) => bot.execute(verb, data, person, where)],
  ['Action.Submit fallback', (_verb: string, data: any, person = ALICE, where = undefined as any) => bot.submit(data, person, where)],
] as const;

describe.each(PATHS)('card buttons through %s', (path, tap) => {
  it('edits a patient from the Edit form and updates the posted card for everyone', async () => {
    const card = await addPatientCard(bot, `Édition ${path}`);
    const form = answerCard(await tap(action(card, 'Modifier').verb, action(card, 'Modifier').data));
    expect(cardText(form)).toMatch(/Modifier #\d+/);
    const save = action(form, 'Enregistrer');
    const saved = await tap(save.verb, { ...save.data, name: `Édition ${path}`, room: '2C-03', dateOfBirth: '1944-12-01', phone: '', reason: 'Soins de plaie' });
    const updated = answerCard(saved);
    expect(cardText(updated)).toContain('2C-03');
    expect(cardText(updated)).toContain('né(e) le 1er décembre 1944');
    expect(cardText(updated)).toContain('Date de naissance : 1er décembre 1944.');
    const put = saved.sent.find((c) => c.method === 'PUT');
    expect(put?.path).toContain('/activities/posted-card-1');
    expect(cardText(cardOf(put))).toContain('Soins de plaie');
  });

  it('adds a note from the note form, once even when Save is tapped twice', async () => {
    const card = await addPatientCard(bot, `Note ${path}`);
    const form = answerCard(await tap(action(card, 'Note').verb, action(card, 'Note').data));
    const save = action(form, 'Enregistrer');
    expect(cardText(answerCard(await tap(save.verb, { ...save.data, note: 'Signes vitaux stables' })))).toContain('Note ajoutée');
    expect(cardText(answerCard(await tap(save.verb, { ...save.data, note: 'Signes vitaux stables' })))).toContain('Cette note était déjà enregistrée.');
    const shown = cardOf((await bot.say(`voir #${numberIn(cardText(card))}`)).sent[0]);
    expect(cardText(shown).match(/Signes vitaux stables/g)).toHaveLength(1);
  });

  it('gives an empty note back on the form with a localized refusal', async () => {
    const card = await addPatientCard(bot, `Note vide ${path}`);
    const form = answerCard(await tap(action(card, 'Note').verb, action(card, 'Note').data, BOB));
    const save = action(form, 'Save');
    expect(cardText(answerCard(await tap(save.verb, { ...save.data, note: '   ' }, BOB)))).toContain('The note is empty.');
  });

  it('sets inactive with the chosen reason, then active again', async () => {
    const card = await addPatientCard(bot, `Statut ${path}`);
    const form = answerCard(await tap(action(card, 'Mettre inactif').verb, action(card, 'Mettre inactif').data));
    const confirm = action(form, 'Confirmer');
    const inactive = answerCard(await tap(confirm.verb, { ...confirm.data, reason: 'death' }));
    expect(cardText(inactive)).toContain('Décès');
    const again = answerCard(await tap(confirm.verb, { ...confirm.data, reason: 'death' }));
    expect(cardText(again)).toContain('Ce patient est déjà inactif pour cette raison.');
    const reactivate = action(inactive, 'Réactiver');
    expect(cardText(answerCard(await tap(reactivate.verb, reactivate.data)))).toContain('réactivé');
  });

  it('refuses a stale card and shows the current version instead', async () => {
    const card = await addPatientCard(bot, `Périmé ${path}`);
    await bot.say(`modifier chambre #${numberIn(cardText(card))} 9Z-99`, BOB);
    const stale = action(card, 'Mettre inactif');
    const form = answerCard(await tap(stale.verb, stale.data));
    const confirm = action(form, 'Confirmer');
    const refused = answerCard(await tap(confirm.verb, { ...confirm.data, version: 1, reason: 'leave' }));
    expect(cardText(refused)).toContain('Ce patient a été modifié depuis l’affichage de cette carte');
    expect(cardText(refused)).toContain('9Z-99');
    expect(cardText(refused)).not.toContain('Inactif');
  });

  it("answers not found for a card replayed in another team's conversation, changing nothing", async () => {
    const card = await addPatientCard(bot, `Rejoué ${path}`);
    const inactive = action(card, 'Mettre inactif');
    const refused = answerCard(await tap('patient.inactive', { ...inactive.data, verb: 'patient.inactive', reason: 'death' }, ALICE, CHANNEL_B));
    expect(cardText(refused)).toContain('Ce patient n’existe pas dans cette équipe.');
    expect(cardText(cardOf((await bot.say(`voir #${numberIn(cardText(card))}`)).sent[0]))).not.toContain('Inactif');
  });

  it('answers malformed card data plainly', async () => {
    const refused = answerCard(await tap('patient.open', { verb: 'patient.open', patientId: { $ne: null } }, BOB));
    expect(cardText(refused)).toContain('This card is no longer valid.');
  });

  it('pages through a long list with Next and Previous', async () => {
    const team = { teamId: `19:paging-${path.length}@thread.tacv2`, channelId: '19:c@thread.tacv2' };
    for (let i = 1; i <= 23; i++) await bot.say(`ajouter patient Page ${i}`, ALICE, team);
    const first = cardOf((await bot.say('liste', ALICE, team)).sent[0]);
    expect(cardText(first)).toContain('23 patients · page 1 sur 3');
    const next = action(first, 'Suivant');
    const second = answerCard(await tap(next.verb, next.data, ALICE, team));
    expect(cardText(second)).toContain('page 2 sur 3');
    expect(cardText(second)).toContain('#13 · Page 13');
    const previous = action(second, 'Précédent');
    const back = answerCard(await tap(previous.verb, previous.data, ALICE, team));
    expect(cardText(back)).toContain('page 1 sur 3');
    expect(cardText(back)).toContain('#23 · Page 23');
  });
});
