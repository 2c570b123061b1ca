import { loadConfig } from '../../src/config';
import { action, addPatient, ALICE, answerCard, BOB, BotHarness, cardOf, type Person, replyText, textsOf } from '../support/botHarness';

const bot = new BotHarness();
beforeAll(() => bot.start());
afterAll(() => bot.stop());

describe('mistakes prevented', () => {
  it('asks before adding a name the team already has, accents and case aside, and adds it anyway when asked', async () => {
    const number = await addPatient(bot, 'Lucie Caron');
    const again = await bot.say('ajouter patiente lucie CARON');
    const warning = cardOf(again.sent[0]);
    expect(textsOf(warning)).toContain(`Lucie Caron existe déjà (#${number}). L’ajouter quand même?`);
    expect(replyText(await bot.say('liste tous')).match(/Lucie Caron/g)).toHaveLength(1);
    const open = action(warning, `Ouvrir #${number}`);
    expect(textsOf(answerCard(await bot.execute(open.verb, open.data)))).toContain(`#${number} · Lucie Caron`);
    const anyway = action(warning, 'Ajouter quand même');
    const added = textsOf(answerCard(await bot.execute(anyway.verb, anyway.data))).join('\n');
    expect(added).toMatch(/Patient #\d+ ajouté\./);
    expect(textsOf(answerCard(await bot.execute(anyway.verb, anyway.data))).join('\n')).toMatch(/déjà enregistré/);
    expect(replyText(await bot.say('list all', BOB)).match(/lucie CARON/g)).toHaveLength(1);
    expect(textsOf(cardOf((await bot.say('add patient Lúcie caron', BOB)).sent[0])).join('\n')).toMatch(/already exists \(#\d+\)\. Add anyway\?/);
  });

  it('asks before adding a file number the team already has, from the form', async () => {
    const form = cardOf((await bot.say('ajouter patient')).sent[0]);
    const save = action(form, 'Enregistrer');
    await bot.execute(save.verb, { ...save.data, name: 'Dossier Premier', fileNumber: 'CARL 4402 1212' });
    const second = cardOf((await bot.say('ajouter patient')).sent[0]);
    const saveAgain = action(second, 'Enregistrer');
    const warning = answerCard(await bot.execute(saveAgain.verb, { ...saveAgain.data, name: 'Autre Nom', fileNumber: 'CARL 4402 1212' }));
    expect(textsOf(warning).join('\n')).toMatch(/Le n° de dossier CARL 4402 1212 est déjà celui de #\d+ · Dossier Premier/);
    const anyway = action(warning, 'Ajouter quand même');
    expect(anyway.data).toEqual(expect.objectContaining({ name: 'Autre Nom', fileNumber: 'CARL 4402 1212', force: true }));
  });

  it('suggests the known command close to a typo, with a button that runs it', async () => {
    const typo = cardOf((await bot.say('ajoute patient Rémi Suggestion')).sent[0]);
    expect(textsOf(typo)).toContain('Je n’ai pas compris « ajoute patient Rémi ». Vouliez-vous dire « ajouter patient Rémi Suggestion »?');
    const run = action(typo, 'Oui, faire ça');
    const ran = await bot.execute(run.verb, run.data);
    expect(textsOf(answerCard(ran))).toContain('Commande lancée : « ajouter patient Rémi Suggestion ».');
    expect(replyText(ran)).toMatch(/Patient #\d+ ajouté\./);
    const number = await addPatient(bot, 'Inactif Suggéré');
    expect(textsOf(cardOf((await bot.say(`inactif #${number}`)).sent[0])).join('\n')).toContain(`Vouliez-vous dire « mettre inactif #${number} »?`);
    expect(textsOf(cardOf((await bot.say('lsit', BOB)).sent[0])).join('\n')).toContain('Did you mean “list”?');
    expect(replyText(await bot.say('bonjour le robot'))).toContain('Je n’ai pas compris. Écrivez « aide »');
  });

  it('refuses over-long input with its limit instead of cutting it, and a phone with words with an example', async () => {
    const form = cardOf((await bot.say('ajouter patient')).sent[0]);
    expect(JSON.stringify(form)).not.toContain('maxLength');
    const save = action(form, 'Enregistrer');
    const refused = answerCard(await bot.execute(save.verb, { ...save.data, name: 'Trop Long', room: 'x'.repeat(41) }));
    expect(textsOf(refused).join('\n')).toContain('« Chambre / unité » est trop long (40 caractères au plus).');
    expect(textsOf(refused)).toContain('x'.repeat(41));
    const number = await addPatient(bot, 'Téléphone Texte');
    expect(replyText(await bot.say(`modifier téléphone #${number} appeler Ginette`))).toContain('par ex. 514 555-0123 ou 514 555-0123 poste 12');
  });
});

describe('Québec vocabulary', () => {
  it('reads congé as a discharge and absence or hospitalisé as a temporary absence; English unchanged', async () => {
    const cases: Array<[string, Person, string]> = [
      ['mettre inactif #N congé', ALICE, 'Congé (fin du suivi)'],
      ['mettre inactif #N congé définitif', ALICE, 'Congé (fin du suivi)'],
      ['mettre inactif #N fin de suivi', ALICE, 'Congé (fin du suivi)'],
      ['mettre inactif #N absence', ALICE, 'Absence temporaire'],
      ['mettre inactif #N hospitalisé', ALICE, 'Absence temporaire'],
      ['set inactive #N leave', BOB, 'Temporary leave'],
      ['set inactive #N discharge', BOB, 'Discharge'],
      ['set inactive #N death', BOB, 'Death'],
    ];
    for (const [typed, person, shown] of cases) {
      const number = await addPatient(bot, `Vocabulaire ${cases.findIndex((c) => c[0] === typed)}`);
      expect(replyText(await bot.say(typed.replace('#N', `#${number}`), person))).toMatch(/mis inactif|set inactive/);
      expect(replyText(await bot.say(`voir #${number}`, person))).toContain(shown);
    }
  });

  it('keeps the meaning of stored data: a stored leave is a temporary absence, shown translated in the history', async () => {
    const number = await addPatient(bot, 'Ancienne Donnée');
    await bot.say(`set inactive #${number} leave`, BOB);
    const history = replyText(await bot.say(`historique #${number}`));
    expect(history).toContain('Statut : Actif → Inactif');
    expect(history).toContain('Raison : Absence temporaire');
    expect(history).not.toMatch(/\(vide\)|→ inactive|leave/);
  });

  it('asks for the reason with none preselected and keeps the optional comment', async () => {
    const number = await addPatient(bot, 'Raison Choisie');
    const form = cardOf((await bot.say(`mettre inactif #${number}`)).sent[0]);
    const confirm = action(form, 'Confirmer');
    const none = answerCard(await bot.execute(confirm.verb, { ...confirm.data, reason: '', comment: 'Répit' }));
    expect(textsOf(none).join('\n')).toContain('Écrivez : mettre inactif');
    expect(textsOf(none)).toContain('Répit');
    const saved = answerCard(await bot.execute(confirm.verb, { ...confirm.data, reason: 'leave', comment: 'Hospitalisé à l’Hôtel-Dieu' }));
    expect(textsOf(saved).join('\n')).toMatch(/Inactif depuis le .* · Absence temporaire · Hospitalisé à l’Hôtel-Dieu/);
  });
});

describe('confirmation instead of reposts', () => {
  it('answers a typed change with one line and an Open button, and redraws the patient card posted before', async () => {
    const number = await addPatient(bot, 'Carte Postée');
    const changed = await bot.say(`note #${number} Tension 130/80`);
    const line = cardOf(changed.sent.find((c) => c.method === 'POST'));
    expect(textsOf(line)).toContain(`✓ Note ajoutée au patient #${number}.`);
    expect(textsOf(line)).not.toContain('Plus de détails');
    expect(action(line, `Ouvrir #${number}`).data).toEqual(expect.objectContaining({ verb: 'patient.open' }));
    const put = changed.sent.find((c) => c.method === 'PUT');
    // The fake connector names posted activities activity-N: the card posted by `ajouter patient`.
    expect(put?.path).toMatch(/\/activities\/activity-\d+$/);
    expect(textsOf(cardOf(put)).join('\n')).toContain('Tension 130/80');
  });

  it('shows one follow button, the one that fits the person who looks', async () => {
    const number = await addPatient(bot, 'Bouton Suivre');
    await bot.say(`suivre #${number}`);
    const mine = textsOf(cardOf((await bot.say(`voir #${number}`)).sent[0]));
    expect(mine).toContain('Ne plus suivre');
    expect(mine).not.toContain('Suivre');
    const theirs = textsOf(cardOf((await bot.say(`show #${number}`, BOB)).sent[0]));
    expect(theirs).toContain('Follow');
    expect(theirs).not.toContain('Unfollow');
  });
});

it('records the first superuser’s display name on their first message', async () => {
  const team = { teamId: '19:named@thread.tacv2', channelId: '19:named-general@thread.tacv2' };
  const unnamed: Person = { ...ALICE, name: '' };
  await bot.say('aide', unnamed, team);
  await bot.say('aide', ALICE, team);
  const settings = textsOf(cardOf((await bot.say('paramètres', ALICE, team)).sent[0]));
  expect(settings).toContain('Superutilisateurs : Alice Tremblay');
});

describe('newcomer in French', () => {
  const dev = new BotHarness();
  beforeAll(() => dev.start({ env: { DEV_LOCALE: 'fr-CA' } }));
  afterAll(() => dev.stop());

  it('answers in French with DEV_LOCALE=fr-CA, whatever locale the Playground stamps', async () => {
    expect(textsOf(cardOf((await dev.say('help', BOB)).sent[0]))).toContain('Contact Télésanté : commandes');
  });

  it('refuses DEV_LOCALE where Bot Framework authentication is on', () => {
    const env = { BOT_ID: '00000000-0000-4000-8000-000000000001', BOT_TENANT_ID: 't', DEV_LOCALE: 'fr-CA' } as NodeJS.ProcessEnv;
    expect(() => loadConfig(env)).toThrow(/DEV_LOCALE is for local runs only/);
  });
});
