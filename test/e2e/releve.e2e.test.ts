import pino from 'pino';
import type { Browser } from 'playwright-core';
import { loadConfig } from '../../src/config';
import { type RunningBot, startBot } from '../../src/main';
import { closeChromium, launchChromium, openPlayground, type PlaygroundUi, type RunningPlayground, startPlayground } from './support/playground';

/**
 * La relève in the Playground: Benoît makes the night's changes; Alice, coming on shift, asks for
 * her relève, reads it on a phone-width screen, urgent patient first, and acknowledges it.
 */
describe('la relève in the Playground', () => {
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

  it('lists another member’s changes, urgent first, and shows who acknowledged', async () => {
    const steps: Array<[string, string]> = [
      ['ajouter patient Calme Relève', 'Patient #1 ajouté.'],
      ['ajouter patient Rose Relève-Urgente', 'Patient #2 ajouté.'],
      ['modifier chambre #1 3B-12', '3B-12'],
      ['signaler #2 urgent Chute ce matin', '⚠ URGENT · Chute ce matin'],
    ];
    for (const [text, answer] of steps) {
      const before = await ui.messages();
      await ui.sendMessageAs('Benoît', text, { locale: 'fr-CA' });
      await ui.waitForBotMessage({ after: before, withCard: true, contains: answer });
    }

    const releve = await ui.askBot('relève', { withCard: true, contains: 'Relève · depuis' });
    await ui.setPhoneViewport();
    expect(releve.text).toContain('4 changements, 2 patients');
    expect(releve.text).toMatch(/#2 · Rose Relève-Urgente[\s\S]*#1 · Calme Relève · 3B-12/);
    expect(releve.text).toContain('Nouveau · Signalé URGENT : Chute ce matin');
    expect(releve.text).toContain('Nouveau · Chambre / unité : (vide) → 3B-12');
    expect(releve.text).toContain('Par Benoît Gagnon (méd.)');
    await ui.screenshot('releve-phone');

    await ui.tapCardButton('Pris connaissance', { message: releve });
    const taken = await ui.waitForBotMessage({ contains: /Pris connaissance : Alice Tremblay \(inf\.\)/ });
    expect(taken.text).toContain('#2 · Rose Relève-Urgente');
    await ui.screenshot('releve-acknowledged');
    await ui.setDesktopViewport();
    await ui.askBot('relève', { withCard: true, contains: 'Rien de nouveau depuis' });
  }, 180_000);
});
