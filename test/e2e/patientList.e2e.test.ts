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
    await session.ui.tapCardButton('Mettre inactif');
    await session.ui.waitForBotMessage({ withCard: true, contains: 'Mettre #1 · Jeanne Essai-Bout-en-Bout inactif' });
    await session.ui.fillCardInput('Raison', 'Départ');
    await session.ui.tapCardButton('Confirmer');
    const result = await session.ui.waitForBotMessage({ withCard: true, contains: 'Patient #1 mis inactif.' });
    expect(result.text).toContain('Inactif depuis le');
    expect(result.text).toContain('Départ');
    await session.ui.screenshot('patient-inactive-phone');

    const inactive = await session.ui.askBot('liste inactifs', { withCard: true, contains: 'Patients inactifs' });
    expect(inactive.text).toContain('#1 · Jeanne Essai-Bout-en-Bout');
  }, 180_000);

  it('flags a patient, another member changes her, and the follower gets the alert with a mention and acknowledges it', async () => {
    await session.ui.setDesktopViewport();
    await session.ui.askBot('ajouter patient Rose Alerte-Mobile', { withCard: true, contains: 'Patient #2 ajouté.' });
    await session.ui.askBot('signaler #2 urgent Chute ce matin', { withCard: true, contains: '⚠ URGENT · Chute ce matin' });
    const before = await session.ui.messages();
    // Benoît, another member of the team, changes the patient Alice follows.
    await session.ui.sendMessageAs('Benoît', 'modifier chambre #2 Urgence civière 4', { locale: 'fr-CA' });
    const alert = await session.ui.waitForBotMessage({ after: before, withCard: true, contains: 'Alerte · #2 · Rose Alerte-Mobile' });
    expect(alert.text).toContain('Benoît Gagnon (méd.) · Chambre / unité : (vide) → Urgence civière 4');
    expect(alert.text).toContain('Alice Tremblay (inf.)');
    const posted = session.pg.activities.length;
    expect(posted).toBeGreaterThan(0);
    await session.ui.tapCardButton('Vu', { message: alert });
    const acknowledged = await session.ui.waitForBotMessage({ contains: /Vu par Alice Tremblay \(inf\.\)/ });
    expect(acknowledged.text).not.toMatch(/\bVu\b\s*$/);
    await session.ui.screenshot('alert-acknowledged');
  }, 180_000);
});
