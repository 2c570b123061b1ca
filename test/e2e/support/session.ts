import pino from 'pino';
import type { Browser } from 'playwright-core';
import { loadConfig } from '../../../src/config';
import { type RunningBot, startBot } from '../../../src/main';
import { closeChromium, launchChromium, openPlayground, type PlaygroundUi, type RunningPlayground, startPlayground } from './playground';

/** The real bot with its embedded store, the Agents Playground, and chromium on its team channel. */
export interface PlaygroundSession {
  bot: RunningBot;
  pg: RunningPlayground;
  ui: PlaygroundUi;
  stop(): Promise<void>;
}

async function startPlaygroundSession(channel = 'Suivi des patients', locale = 'fr-CA'): Promise<PlaygroundSession> {
  let bot: RunningBot | undefined;
  let pg: RunningPlayground | undefined;
  let browser: Browser | undefined;
  const stop = async () => {
    await closeChromium(browser);
    await pg?.stop();
    await bot?.stop();
  };
  try {
    bot = await startBot(loadConfig({ PORT: '0', COSMOS_LOCAL_PORT: '0', LOG_LEVEL: 'silent' } as NodeJS.ProcessEnv), pino({ level: process.env.E2E_LOG ?? 'silent' }));
    pg = await startPlayground({ botPort: bot.port, locale });
    browser = await launchChromium();
    const ui = await openPlayground(browser, pg);
    await ui.openChannel(channel);
    return { bot, pg, ui, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The session of a test file: started before its tests, stopped after them; `ui` is there once started. */
export function playgroundSuite(): PlaygroundSession {
  const suite = {} as PlaygroundSession;
  beforeAll(async () => {
    Object.assign(suite, await startPlaygroundSession());
  }, 150_000);
  afterAll(() => suite.stop?.(), 60_000);
  return suite;
}
