import { action, addPatient, ALICE, BOB, BotHarness, cardOf, cardText, replyCard, replyText, teamOfItsOwn, textsOf } from '../support/botHarness';
import { LONG_FRENCH_NAME } from '../support/fixtures';

const bot = new BotHarness();
beforeAll(() => bot.start());
afterAll(() => bot.stop());

describe('typed commands, French and English', () => {
  it('answers help / aide with the command card in the person’s language', async () => {
    expect(cardText(replyCard(await bot.say('aide')))).toContain('ajouter patient Marie Tremblay');
    expect(cardText(replyCard(await bot.say('help', BOB)))).toContain('add patient Marie Tremblay');
    expect(cardText(replyCard(await bot.say('AIDE', BOB)))).toContain('Contact Télésanté: commands');
  });

  it('adds a patient by name and shows the patient card with its team number', async () => {
    const fr = await bot.say('ajouter patient Jeanne Synthétique');
    expect(fr.status).toBe(200);
    expect(cardText(replyCard(fr))).toMatch(/Patient #\d+ ajouté\./);
    expect(cardText(replyCard(fr))).toContain('Jeanne Synthétique');
    expect(cardText(replyCard(fr))).toContain('Plus de détails');
    const en = await bot.say('add patient Paul Synthetic', BOB);
    expect(cardText(replyCard(en))).toMatch(/Patient #\d+ added\./);
    expect(cardText(replyCard(en))).toContain('Set inactive');
  });

  it('replies with a form to “add patient” without a name, and the form creates exactly once', async () => {
    const team = teamOfItsOwn('form');
    const form = cardOf((await bot.say('ajouter patient', ALICE, team)).sent[0]);
    expect(textsOf(form)).toContain('Nouveau patient');
    const save = action(form, 'Enregistrer');
    const data = { ...save.data, name: 'Rose Formulaire', dateOfBirth: '1938-02-14', room: '2A-07', reason: 'Plaie au pied' };
    const first = await bot.execute(save.verb, data, ALICE, team);
    expect(first.body.value.type).toBe('AdaptiveCard');
    expect(textsOf(first.body.value).join('\n')).toMatch(/Patient #\d+ ajouté/);
    const again = await bot.execute(save.verb, data, ALICE, team);
    expect(textsOf(again.body.value).join('\n')).toMatch(/déjà enregistré/);
    const listed = cardText(replyCard(await bot.say('liste tous', ALICE, team)));
    expect(listed.match(/Rose Formulaire/g)).toHaveLength(1);
  });

  it('lists active patients newest activity first, and inactive / flagged / all on request', async () => {
    // A team of its own: the lists hold this test's patients only.
    const lists = teamOfItsOwn('lists');
    const older = await addPatient(bot, 'Liste Ancien', ALICE, lists);
    const a = await addPatient(bot, 'Liste Premier', ALICE, lists);
    const b = await addPatient(bot, 'Liste Second', ALICE, lists);
    await bot.say(`mettre inactif #${a} départ`, ALICE, lists);
    const active = cardText(replyCard(await bot.say('liste', ALICE, lists)));
    expect(active).toContain('Patients actifs');
    expect(active).not.toContain('Liste Premier');
    expect(active).toContain(`#${older}`);
    expect(active.indexOf('Liste Second')).toBeLessThan(active.indexOf('Liste Ancien'));
    expect(cardText(replyCard(await bot.say('liste inactifs', ALICE, lists)))).toContain('Liste Premier');
    expect(cardText(replyCard(await bot.say('list inactive', BOB, lists)))).toContain('Inactive patients');
    expect(cardText(replyCard(await bot.say('liste signales', ALICE, lists)))).toContain('Aucun patient dans cette liste.');
    expect(cardText(replyCard(await bot.say('list flagged', BOB, lists)))).toContain('No patient in this list.');
    const all = cardText(replyCard(await bot.say('list all', BOB, lists)));
    expect(all).toContain('Liste Premier');
    expect(all).toContain(`#${b}`);
  });

  it('shows a patient by number or by a part of the name, accents and case ignored', async () => {
    const team = teamOfItsOwn('names');
    const n = await addPatient(bot, 'Éloïse Brûlé-Côté', ALICE, team);
    expect(cardText(replyCard(await bot.say(`voir #${n}`, ALICE, team)))).toContain('Éloïse Brûlé-Côté');
    expect(cardText(replyCard(await bot.say(`show ${n}`, BOB, team)))).toContain('Éloïse Brûlé-Côté');
    expect(cardText(replyCard(await bot.say('voir brule', ALICE, team)))).toContain(`#${n}`);
  });

  it('offers a choice card, never a guess, when a name part matches several patients', async () => {
    const team = teamOfItsOwn('namesakes');
    await addPatient(bot, 'Gaston Homonyme', ALICE, team);
    await addPatient(bot, 'Gisèle Homonyme', ALICE, team);
    const choice = cardOf((await bot.say('note homonyme Tension 130/80', ALICE, team)).sent[0]);
    expect(textsOf(choice).join('\n')).toContain('Plusieurs patients correspondent à « homonyme »');
    const pick = action(choice, textsOf(choice).find((t) => /^#\d+$/.test(t))!);
    const picked = await bot.execute(pick.verb, pick.data, ALICE, team);
    const card = textsOf(picked.body.value).join('\n');
    expect(card).toMatch(/Note ajoutée au patient #\d+/);
    const number = /#(\d+)/.exec(card)![1];
    expect(cardText(replyCard(await bot.say(`voir #${number}`, ALICE, team)))).toContain('Tension 130/80');
  });

  it('appends dated, signed notes and keeps the newest first', async () => {
    const n = await addPatient(bot, 'Note Patiente');
    await bot.say(`note #${n} Première visite`);
    const result = await bot.say(`note #${n} Famille rappelée`, BOB);
    expect(cardText(replyCard(result))).toContain(`Note added to patient #${n}.`);
    const card = cardText(replyCard(await bot.say(`show #${n}`, BOB)));
    expect(card.indexOf('Famille rappelée')).toBeLessThan(card.indexOf('Première visite'));
    expect(card).toContain('Bob Smith ·');
    expect(card).toContain('2 of 2 notes');
  });

  it('changes one field at a time with set / modifier, in both languages', async () => {
    const n = await addPatient(bot, 'Champs Patient');
    // A typed change answers with one line and an Open button, not the whole card again.
    const changed = await bot.say(`modifier chambre #${n} 3B-14`);
    expect(cardText(replyCard(changed))).toContain(`Patient #${n} modifié.\nOuvrir #${n}`);
    expect(cardText(replyCard(changed))).not.toContain('Plus de détails');
    // A saved date is repeated written out: some Teams date pickers shift a date by a day.
    expect(cardText(replyCard(await bot.say(`set dob #${n} 1941-06-30`, BOB)))).toContain(`Patient #${n} updated. Date of birth: June 30, 1941.`);
    await bot.say(`modifier téléphone #${n} 418-555-0199`);
    await bot.say(`set clinician #${n} Dre Lavoie`, BOB);
    await bot.say(`modifier dossier #${n} ABC-12345`);
    await bot.say(`set reason #${n} Suivi post-opératoire`, BOB);
    const card = cardText(replyCard(await bot.say(`voir #${n}`)));
    for (const value of ['3B-14', 'né(e) le 30 juin 1941', 'Appeler 418-555-0199', 'Dre Lavoie', 'ABC-12345', 'Suivi post-opératoire']) expect(card).toContain(value);
    expect(cardText(replyCard(await bot.say(`modifier chambre #${n} 3B-14`)))).toContain('Rien à changer');
  });

  it('sets a patient inactive with a reason and back to active with everything it had', async () => {
    const n = await addPatient(bot, 'Statut Patient');
    await bot.say(`note #${n} Note conservée`);
    await bot.say(`modifier chambre #${n} 4C-01`);
    expect(cardText(replyCard(await bot.say(`mettre inactif #${n} décès`)))).toContain(`Patient #${n} mis inactif.`);
    const inactive = cardText(replyCard(await bot.say(`voir #${n}`)));
    expect(inactive).toContain('Inactif depuis le');
    expect(inactive).toContain('Décès');
    expect(cardText(replyCard(await bot.say(`set active #${n}`, BOB)))).toContain('is active again');
    const back = cardText(replyCard(await bot.say(`show #${n}`, BOB)));
    expect(back).toContain('Note conservée');
    expect(back).toContain('4C-01');
    const reasonForm = cardOf((await bot.say(`mettre inactif #${n}`)).sent[0]);
    expect(textsOf(reasonForm)).toEqual(expect.arrayContaining(['Absence temporaire', 'Congé (fin du suivi)', 'Décès']));
  });

  it('refuses bad input with a clear localized answer and changes nothing', async () => {
    const n = await addPatient(bot, 'Refus Patient');
    const before = cardText(replyCard(await bot.say(`voir #${n}`)));
    expect(replyText(await bot.say('bonjour le robot'))).toContain('Écrivez « aide »');
    expect(replyText(await bot.say('hello there', BOB))).toContain('Type “help”');
    expect(replyText(await bot.say(`ajouter patient ${'x'.repeat(500)}`))).toContain('Le nom est trop long');
    expect(replyText(await bot.say(`modifier naissance #${n} 2999-01-01`))).toContain('dans le futur');
    expect(replyText(await bot.say(`set dob #${n} yesterday`, BOB))).toContain('Invalid date');
    expect(replyText(await bot.say('voir #99999'))).toContain('Aucun patient ne correspond à « #99999 »');
    expect(replyText(await bot.say('show nobody-at-all', BOB))).toContain('No patient matches');
    expect(replyText(await bot.say('note #1'))).toContain('note <numéro ou nom> <texte>');
    expect(replyText(await bot.say('set colour #1 blue', BOB))).toContain('Fields: room');
    expect(replyText(await bot.say('liste bizarre'))).toContain('liste inactifs');
    expect(cardText(replyCard(await bot.say(`voir #${n}`)))).toBe(before);
  });

  it('keeps each team’s list to itself', async () => {
    const [teamA, teamB] = [teamOfItsOwn('isolated-a'), teamOfItsOwn('isolated-b')];
    const n = await addPatient(bot, 'Équipe A Seulement', ALICE, teamA);
    expect(replyText(await bot.say(`voir #${n}`, ALICE, teamB))).toContain('Aucun patient ne correspond');
    expect(cardText(replyCard(await bot.say('liste tous', ALICE, teamB)))).not.toContain('Équipe A Seulement');
    const first = cardText(replyCard(await bot.say('ajouter patient Équipe B Premier', ALICE, teamB)));
    expect(first).toContain('#1 ·');
  });

  it('shows long French names and notes in full', async () => {
    const n = await addPatient(bot, LONG_FRENCH_NAME);
    const note = 'Pansement refait; la fille (Ginette) passera jeudi après-midi. '.repeat(5).trim();
    await bot.say(`note #${n} ${note}`);
    expect(cardText(replyCard(await bot.say(`voir #${n}`)))).toContain(note);
  });

  it('flags, unflags, follows and lists what I follow, in both languages', async () => {
    const team = teamOfItsOwn('flags');
    const n = await addPatient(bot, 'Drapeau Patient', ALICE, team);
    expect(cardText(replyCard(await bot.say(`signaler #${n} Chute ce matin`, ALICE, team)))).toContain(`Patient #${n} signalé; vous le suivez.`);
    const flagged = cardText(replyCard(await bot.say(`voir #${n}`, ALICE, team)));
    expect(flagged).toContain('🟡 À SURVEILLER · Chute ce matin');
    expect(flagged).toContain('Suivi par : Alice Tremblay');
    await bot.say(`flag #${n} urgent Saturation 88%`, BOB, team);
    expect(cardText(replyCard(await bot.say(`show #${n}`, BOB, team)))).toContain('🔴 URGENT · Saturation 88%');
    expect(cardText(replyCard(await bot.say('liste signalés', ALICE, team)))).toContain(`#${n} · Drapeau Patient`);
    expect(cardText(replyCard(await bot.say('following', BOB, team)))).toContain(`#${n} · Drapeau Patient`);
    expect(cardText(replyCard(await bot.say(`unfollow #${n}`, BOB, team)))).toContain('You no longer follow patient');
    expect(cardText(replyCard(await bot.say('following', BOB, team)))).toContain('You follow no patient.');
    expect(cardText(replyCard(await bot.say(`follow #${n}`, BOB, team)))).toContain('You follow patient');
    expect(replyText(await bot.say(`suivre #${n}`, BOB, team))).toContain('You already follow this patient.');
    expect(cardText(replyCard(await bot.say('mes suivis', ALICE, team)))).toContain(`#${n} · Drapeau Patient`);
    expect(cardText(replyCard(await bot.say(`ne plus suivre #${n}`, ALICE, team)))).toContain('Vous ne suivez plus le patient');
    expect(cardText(replyCard(await bot.say(`retirer signalement #${n}`, ALICE, team)))).toContain('Signalement retiré');
    expect(replyText(await bot.say(`unflag #${n}`, BOB, team))).toContain('This patient is not flagged.');
    expect(replyText(await bot.say(`signaler #${n}`, ALICE, team))).toContain('signaler <numéro ou nom> [urgent] <raison>');
    expect(cardText(replyCard(await bot.say('liste signalés', ALICE, team)))).not.toContain(`#${n} · Drapeau Patient`);
  });
});
