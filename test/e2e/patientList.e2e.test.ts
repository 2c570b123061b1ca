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
    await ui.tapCardButton('Mettre inactif');
    await ui.waitForBotMessage({ withCard: true, contains: 'Mettre #1 · Jeanne Essai-Bout-en-Bout inactif' });
    await ui.fillCardInput('Raison', 'Départ');
    await ui.tapCardButton('Confirmer');
    const result = await ui.waitForBotMessage({ withCard: true, contains: 'Patient #1 mis inactif.' });
    expect(result.text).toContain('Inactif depuis le');
    expect(result.text).toContain('Départ');
    await ui.screenshot('patient-inactive-phone');

    const inactive = await ui.askBot('liste inactifs', { withCard: true, contains: 'Patients inactifs' });
    expect(inactive.text).toContain('#1 · Jeanne Essai-Bout-en-Bout');
  }, 180_000);

  it('flags a patient, another member changes her, and the follower gets the alert with a mention and acknowledges it', async () => {
    await ui.setDesktopViewport();
    await ui.askBot('ajouter patient Rose Alerte-Mobile', { withCard: true, contains: 'Patient #2 ajouté.' });
    await ui.askBot('signaler #2 urgent Chute ce matin', { withCard: true, contains: '⚠ URGENT · Chute ce matin' });
    const before = await ui.messages();
    // Benoît, another member of the team, changes the patient Alice follows.
    await ui.sendMessageAs('Benoît', 'modifier chambre #2 Urgence civière 4', { locale: 'fr-CA' });
    const alert = await ui.waitForBotMessage({ after: before, withCard: true, contains: 'Alerte · #2 · Rose Alerte-Mobile' });
    expect(alert.text).toContain('Benoît Gagnon (méd.) · Chambre / unité : (vide) → Urgence civière 4');
    expect(alert.text).toContain('Alice Tremblay (inf.)');
    const posted = pg!.activities.length;
    expect(posted).toBeGreaterThan(0);
    await ui.tapCardButton('Vu', { message: alert });
    const acknowledged = await ui.waitForBotMessage({ contains: /Vu par Alice Tremblay \(inf\.\)/ });
    expect(acknowledged.text).not.toMatch(/\bVu\b\s*$/);
    await ui.screenshot('alert-acknowledged');
  }, 180_000);
});
