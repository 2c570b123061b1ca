import pino from 'pino';
import type { Browser } from 'playwright-core';
import { loadConfig } from '../../src/config';
import { type RunningBot, startBot } from '../../src/main';
import {
  closeChromium,
  launchChromium,
  openPlayground,
  type PlaygroundUi,
  type RunningPlayground,
  startPlayground,
} from './support/playground';

/**
 * The newcomer's path from the brief: the real bot with its embedded store, the Agents Playground,
 * and a person in headless chromium who @mentions the bot, adds a patient, opens the card, taps
 * Set inactive on a phone-width screen, and reads the result.
 */
describe('patient list in the Playground', () => {
  let bot: RunningBot | undefined;
  let pg: RunningPlayground | undefined;
  let browser: Browser | undefined;
  let ui: PlaygroundUi;

  beforeAll(async () => {
    bot = await startBot(loadConfig({ PORT: '0', COSMOS_LOCAL_PORT: '0', LOG_LEVEL: 'silent' } as NodeJS.ProcessEnv), pino({ level: process.env.E2E_LOG ?? 'silent' }));
    pg = await startPlayground({ botPort: bot.port, locale: 'fr-CA' });
    browser = await launchChromium();
    ui = await openPlayground(browser, pg);
    await ui.openChannel('Suivi des patients');
  }, 150_000);

  afterAll(async () => {
    await closeChromium(browser);
    await pg?.stop();
    await bot?.stop();
  }, 60_000);

  it('adds a patient, opens the card, sets her inactive from a phone, and reads the result', async () => {
    await ui.askBot('aide', { withCard: true, contains: 'ajouter patient Marie Tremblay' });
    await ui.askBot('ajouter patient Jeanne Essai-Bout-en-Bout', { withCard: true, contains: 'Patient #1 ajouté.' });
    await ui.askBot('liste', { withCard: true, contains: 'Patients actifs' });
    await ui.askBot('voir jeanne', { withCard: true, contains: '#1 · Jeanne Essai-Bout-en-Bout' });

    await ui.setPhoneViewport();
    // The less frequent buttons are behind « Plus… » (Action.ToggleVisibility, no round trip).
    await ui.tapCardButton('Plus…');
    await ui.tapCardButton('Mettre inactif');
    await ui.waitForBotMessage({ withCard: true, contains: 'Mettre #1 · Jeanne Essai-Bout-en-Bout inactif' });
    await ui.fillCardInput('Raison', 'Congé (fin du suivi)');
    await ui.tapCardButton('Confirmer');
    const result = await ui.waitForBotMessage({ withCard: true, contains: 'Patient #1 mis inactif.' });
    expect(result.text).toContain('Inactif depuis le');
    expect(result.text).toContain('Congé (fin du suivi)');
    await ui.screenshot('patient-inactive-phone');

    const inactive = await ui.askBot('liste inactifs', { withCard: true, contains: 'Patients inactifs' });
    expect(inactive.text).toContain('#1 · Jeanne Essai-Bout-en-Bout');
  }, 180_000);

  it('flags a patient, another member changes her, and the follower gets the alert with a mention and acknowledges it', async () => {
    await ui.setDesktopViewport();
    await ui.askBot('ajouter patient Rose Alerte-Mobile', { withCard: true, contains: 'Patient #2 ajouté.' });
    await ui.askBot('signaler #2 urgent Chute ce matin', { withCard: true, contains: 'Patient #2 signalé; vous le suivez.' });
    const before = await ui.messages();
    // Benoît, another member of the team, changes the patient Alice follows.
    await ui.sendMessageAs('Benoît', 'modifier chambre #2 Urgence civière 4', { locale: 'fr-CA' });
    const alert = await ui.waitForBotMessage({ after: before, withCard: true, contains: 'Alerte · #2 · Rose Alerte-Mobile' });
    expect(alert.text).toContain('Benoît Gagnon (méd.) · Chambre / unité : Urgence civière 4');
    expect(alert.text).toContain('Alice Tremblay (inf.)');
    const posted = pg!.activities.length;
    expect(posted).toBeGreaterThan(0);
    await ui.tapCardButton('Vu', { message: alert });
    const acknowledged = await ui.waitForBotMessage({ contains: /Vu par Alice Tremblay \(inf\.\)/ });
    expect(acknowledged.text).not.toMatch(/\bVu\b\s*$/);
    await ui.screenshot('alert-acknowledged');
  }, 180_000);

  it('lists a flagged patient first, and her compact card shows the latest note on the first screen of a 390 × 844 phone', async () => {
    // A 390 × 844 phone from the start (switching while a card is drawn races the Playground's re-render).
    await ui.setPhoneViewport({ width: 390, height: 844 });
    await ui.askBot('ajouter patient Ginette Ancienne-Activité', { withCard: true, contains: 'Patient #3 ajouté.' });
    await ui.askBot('modifier chambre #3 3B-12', { withCard: true, contains: 'Patient #3 modifié.' });
    await ui.askBot('note #3 Pansement refait au talon gauche, douleur 3/10; la fille passera jeudi.', { withCard: true, contains: 'Note ajoutée au patient #3.' });
    await ui.askBot('signaler #3 Appétit en baisse', { withCard: true, contains: 'Patient #3 signalé' });
    // Two patients with more recent activity, not flagged: by activity alone #3 would come last.
    await ui.askBot('ajouter patient Paul Récent-Un', { withCard: true, contains: 'Patient #4 ajouté.' });
    await ui.askBot('ajouter patient Léa Récente-Deux', { withCard: true, contains: 'Patient #5 ajouté.' });
    const list = await ui.askBot('liste', { withCard: true, contains: 'Patients actifs' });
    const rows = [...list.text.matchAll(/#(\d+) · /g)].map((m) => Number(m[1]));
    expect(rows[0]).toBe(2); // the urgent one from the test before
    expect(rows[1]).toBe(3);
    expect(rows.slice(2)).toEqual([5, 4]);
    expect(list.text).toContain('À SURVEILLER · Appétit en baisse');

    const card = await ui.askBot('voir #3', { withCard: true, contains: 'Dernière note' });
    const body = card.locator.locator('.ac-adaptiveCard').first();
    await body.evaluate((el) => el.scrollIntoView({ block: 'start' }));
    const note = body.getByText('Pansement refait au talon gauche', { exact: false }).first();
    const box = await note.boundingBox();
    expect(box).not.toBeNull();
    expect(box!.y).toBeGreaterThanOrEqual(0);
    expect(box!.y + box!.height).toBeLessThanOrEqual(844);
    await ui.screenshot('patient-compact-phone');
  }, 180_000);
});
