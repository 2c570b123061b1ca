import { playgroundSuite } from './support/session';

/**
 * The newcomer's path from the brief: the real bot with its embedded store, the Agents Playground,
 * and a person in headless chromium who @mentions the bot, adds a patient, opens the card, taps
 * Set inactive on a phone-width screen, and reads the result.
 */
describe('patient list in the Playground', () => {
  const session = playgroundSuite();

  it('adds a patient, opens the card, sets her inactive from a phone, and reads the result', async () => {
    await session.ui.askBot('aide', { withCard: true, contains: 'ajouter patient Marie Tremblay' });
    await session.ui.askBot('ajouter patient Jeanne Essai-Bout-en-Bout', { withCard: true, contains: 'Patient #1 ajouté.' });
    await session.ui.askBot('liste', { withCard: true, contains: 'Patients actifs' });
    await session.ui.askBot('voir jeanne', { withCard: true, contains: '#1 · Jeanne Essai-Bout-en-Bout' });

    await session.ui.setPhoneViewport();
    // The less frequent buttons are behind « Plus… » (Action.ToggleVisibility, no round trip).
    await session.ui.tapCardButton('Plus…');
    await session.ui.tapCardButton('Mettre inactif');
    await session.ui.waitForBotMessage({ withCard: true, contains: 'Mettre #1 · Jeanne Essai-Bout-en-Bout inactif' });
    await session.ui.fillCardInput('Raison', 'Congé (fin du suivi)');
    await session.ui.tapCardButton('Confirmer');
    const result = await session.ui.waitForBotMessage({ withCard: true, contains: 'Patient #1 mis inactif.' });
    expect(result.text).toContain('Inactif depuis le');
    expect(result.text).toContain('Congé (fin du suivi)');
    await session.ui.screenshot('patient-inactive-phone');

    const inactive = await session.ui.askBot('liste inactifs', { withCard: true, contains: 'Patients inactifs' });
    expect(inactive.text).toContain('#1 · Jeanne Essai-Bout-en-Bout');
  }, 180_000);

  it('flags a patient, another member changes her, and the follower gets the alert with a mention and acknowledges it', async () => {
    await session.ui.setDesktopViewport();
    await session.ui.askBot('ajouter patient Rose Alerte-Mobile', { withCard: true, contains: 'Patient #2 ajouté.' });
    await session.ui.askBot('signaler #2 urgent Chute ce matin', { withCard: true, contains: 'Patient #2 signalé; vous le suivez.' });
    const before = await session.ui.messages();
    // Benoît, another member of the team, changes the patient Alice follows.
    await session.ui.sendMessageAs('Benoît', 'modifier chambre #2 Urgence civière 4', { locale: 'fr-CA' });
    const alert = await session.ui.waitForBotMessage({ after: before, withCard: true, contains: 'Alerte · #2 · Rose Alerte-Mobile' });
    expect(alert.text).toContain('Benoît Gagnon (méd.) · Chambre / unité : Urgence civière 4');
    expect(alert.text).toContain('Alice Tremblay (inf.)');
    const posted = session.pg.activities.length;
    expect(posted).toBeGreaterThan(0);
    await session.ui.tapCardButton('Vu', { message: alert });
    const acknowledged = await session.ui.waitForBotMessage({ contains: /Vu par Alice Tremblay \(inf\.\)/ });
    expect(acknowledged.text).not.toMatch(/\bVu\b\s*$/);
    await session.ui.screenshot('alert-acknowledged');
  }, 180_000);

  it('lists a flagged patient first, and her compact card shows the latest note on the first screen of a 390 × 844 phone', async () => {
    // A 390 × 844 phone from the start (switching while a card is drawn races the Playground's re-render).
    await session.ui.setPhoneViewport({ width: 390, height: 844 });
    await session.ui.askBot('ajouter patient Ginette Ancienne-Activité', { withCard: true, contains: 'Patient #3 ajouté.' });
    await session.ui.askBot('modifier chambre #3 3B-12', { withCard: true, contains: 'Patient #3 modifié.' });
    await session.ui.askBot('note #3 Pansement refait au talon gauche, douleur 3/10; la fille passera jeudi.', { withCard: true, contains: 'Note ajoutée au patient #3.' });
    await session.ui.askBot('signaler #3 Appétit en baisse', { withCard: true, contains: 'Patient #3 signalé' });
    // Two patients with more recent activity, not flagged: by activity alone #3 would come last.
    await session.ui.askBot('ajouter patient Paul Récent-Un', { withCard: true, contains: 'Patient #4 ajouté.' });
    await session.ui.askBot('ajouter patient Léa Récente-Deux', { withCard: true, contains: 'Patient #5 ajouté.' });
    const list = await session.ui.askBot('liste', { withCard: true, contains: 'Patients actifs' });
    const rows = [...list.text.matchAll(/#(\d+) · /g)].map((m) => Number(m[1]));
    expect(rows[0]).toBe(2); // the urgent one from the test before
    expect(rows[1]).toBe(3);
    expect(rows.slice(2)).toEqual([5, 4]);
    expect(list.text).toContain('À SURVEILLER · Appétit en baisse');

    const card = await session.ui.askBot('voir #3', { withCard: true, contains: 'Dernière note' });
    const body = card.locator.locator('.ac-adaptiveCard').first();
    await body.evaluate((el) => el.scrollIntoView({ block: 'start' }));
    const note = body.getByText('Pansement refait au talon gauche', { exact: false }).first();
    const box = await note.boundingBox();
    expect(box).not.toBeNull();
    expect(box!.y).toBeGreaterThanOrEqual(0);
    expect(box!.y + box!.height).toBeLessThanOrEqual(844);
    await session.ui.screenshot('patient-compact-phone');
  }, 180_000);
});
