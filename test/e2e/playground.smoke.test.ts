/**
 * Smoke test of the e2e driver: a tiny echo bot (botbuilder CloudAdapter, no app id, so no auth),
 * the real Microsoft 365 Agents Playground and headless Debian chromium, all offline.
 *
 *   npx jest test/e2e/playground.smoke.test.ts
 *
 * Screenshots and the activities the bot received land in test-artifacts/e2e/.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import restify from 'restify';
import {
  CardFactory,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  MessageFactory,
  TurnContext,
  type Activity as BotActivity,
  type Attachment,
  type ConversationAccount,
  type ConversationReference,
} from 'botbuilder';
import type { Browser } from 'playwright-core';
import {
  ARTIFACTS_DIR,
  closeChromium,
  launchChromium,
  openPlayground,
  startPlayground,
  type Activity,
  type PlaygroundUi,
  type RunningPlayground,
} from './support/playground';

const CHANNEL = 'Suivi des patients';

// ---------------------------------------------------------------------------------------------
// Echo bot
// ---------------------------------------------------------------------------------------------

function pingCard(title: string): Attachment {
  return CardFactory.adaptiveCard({
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    body: [
      { type: 'TextBlock', text: title, wrap: true, weight: 'Bolder' },
      { type: 'Input.Text', id: 'note', label: 'Note', placeholder: 'Une note' },
    ],
    actions: [
      {
        type: 'Action.Execute',
        title: 'Ping',
        verb: 'ping',
        data: { verb: 'ping' },
        fallback: { type: 'Action.Submit', title: 'Ping', data: { verb: 'ping' } },
      },
    ],
  });
}

interface EchoBot {
  port: number;
  stop(): Promise<void>;
}

async function startEchoBot(): Promise<EchoBot> {
  // No MicrosoftAppId: inbound requests are not authenticated and outbound calls carry no token.
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  adapter.onTurnError = async (context, error) => {
    console.error('echo bot turn error', error);
    await context.sendActivity('Oops').catch(() => undefined);
  };
  let pings = 0;
  const note = (value: unknown): string => {
    const n = (value as { note?: string } | undefined)?.note;
    return n ? ` — note : ${n}` : '';
  };

  const logic = async (context: TurnContext): Promise<void> => {
    const a = context.activity;
    if (a.type === 'invoke' && a.name === 'adaptiveCard/action') {
      const action = (a.value as { action?: { verb?: string; data?: unknown } }).action;
      pings += 1;
      const card = pingCard(`Pong ${pings} (Action.Execute) par ${a.from.name}${note(action?.data)}`);
      await context.sendActivity({
        type: 'invokeResponse',
        value: {
          status: 200,
          body: { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: card.content },
        },
      });
      return;
    }
    if (a.type !== 'message') return;
    if (a.value && (a.value as { verb?: string }).verb === 'ping') {
      // Action.Submit fallback: update the posted card.
      pings += 1;
      const update = MessageFactory.attachment(pingCard(`Pong ${pings} (Action.Submit) par ${a.from.name}${note(a.value)}`));
      update.id = a.replyToId;
      await context.updateActivity(update);
      return;
    }
    const text = (TurnContext.removeRecipientMention(a) ?? a.text ?? '').trim();
    if (text === 'notify') {
      // Proactive: a new post in the channel, @mentioning the person who asked.
      const ref = TurnContext.getConversationReference(a);
      const channelId = (a.channelData as { channel?: { id: string } }).channel?.id ?? a.conversation.id;
      const channelRef: Partial<ConversationReference> = {
        ...ref,
        activityId: undefined,
        conversation: { ...ref.conversation, id: channelId } as ConversationAccount,
      };
      await context.sendActivity('Rappel programmé');
      setTimeout(() => {
        void adapter
          .continueConversationAsync('', channelRef, async (ctx) => {
            const mention = { type: 'mention', text: `<at>${a.from.name}</at>`, mentioned: { id: a.from.id, name: a.from.name } };
            const msg = MessageFactory.text(`Rappel pour <at>${a.from.name}</at> : patient à revoir`);
            msg.entities = [mention];
            await ctx.sendActivity(msg);
          })
          .catch((err) => console.error('proactive failed', err));
      }, 300);
      return;
    }
    await context.sendActivity(`Echo: ${text}`);
    await context.sendActivity(MessageFactory.attachment(pingCard(`Carte écho : ${text}`)));
  };

  const server = restify.createServer();
  server.use(restify.plugins.bodyParser());
  server.post('/api/messages', async (req, res) => {
    await adapter.process(req, res, logic);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

// ---------------------------------------------------------------------------------------------
// Test
// ---------------------------------------------------------------------------------------------

const saveJson = (name: string, data: unknown) => {
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  fs.writeFileSync(path.join(ARTIFACTS_DIR, name), JSON.stringify(data, null, 2));
};

describe('Agents Playground e2e driver (smoke)', () => {
  let bot: EchoBot | undefined;
  let pg: RunningPlayground | undefined;
  let browser: Browser | undefined;
  let ui: PlaygroundUi;
  const started = Date.now();

  beforeAll(async () => {
    bot = await startEchoBot();
    pg = await startPlayground({ botPort: bot.port });
    browser = await launchChromium();
    ui = await openPlayground(browser, pg);
    await ui.openChannel(CHANNEL);
  }, 120_000);

  afterAll(async () => {
    if (pg) saveJson('smoke-activities.json', pg.activities);
    await closeChromium(browser);
    await pg?.stop();
    await bot?.stop();
    console.log(`playground smoke: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }, 60_000);

  test('@mention the bot in a team channel: echo text and an Adaptive Card', async () => {
    const echo = await ui.askBot('hello', { contains: 'Echo: hello' });
    expect(echo.fromBot).toBe(true);

    const card = await ui.waitForBotMessage({ withCard: true, contains: 'Carte écho : hello' });
    expect(card.buttons).toContain('Ping');
    expect(card.inputs).toContain('Note');

    // What the bot received: a Teams channel message with the bot @mentioned.
    const incoming = await pg!.waitForActivity((a) => a.type === 'message' && /hello/.test(a.text ?? ''));
    saveJson('channel-message-activity.json', incoming);
    const team = pg!.config.teams[0]!;
    const channel = team.channels.find((c) => c.name === CHANNEL)!;
    expect(incoming).toMatchObject({
      channelId: 'msteams',
      serviceUrl: pg!.serviceUrl,
      conversation: { conversationType: 'channel', isGroup: true, tenantId: pg!.config.tenantId },
      from: { id: pg!.config.currentUser.id, name: pg!.config.currentUser.name, aadObjectId: pg!.config.currentUser.aadObjectId },
      recipient: { id: pg!.config.bot.id, name: pg!.config.bot.name },
      channelData: { team: { id: team.id }, channel: { id: channel.id }, tenant: { id: pg!.config.tenantId } },
      text: `<at>${pg!.config.bot.name}</at> hello`,
    });
    expect(incoming.conversation.id).toMatch(new RegExp(`^${channel.id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')};messageid=\\d+$`));
    expect(incoming.entities).toContainEqual({
      type: 'mention',
      mentioned: { id: pg!.config.bot.id, name: pg!.config.bot.name },
      text: `<at>${pg!.config.bot.name}</at>`,
    });
    await ui.screenshot('smoke-1-echo');
  }, 120_000);

  test('tap Action.Execute: the invoke answer refreshes the card in place', async () => {
    const card = await ui.waitForBotMessage({ withCard: true, contains: 'Carte écho : hello' });
    await ui.fillCardInput('Note', 'abc');
    await ui.tapCardButton('Ping');

    const refreshed = await ui.waitForBotMessage({ contains: 'Pong 1 (Action.Execute) par Alice Tremblay (inf.) — note : abc' });
    expect(refreshed.key).toBe(card.key); // same message, new card
    expect(refreshed.cardText).not.toContain('Carte écho');

    const invoke = await pg!.waitForActivity((a) => a.type === 'invoke');
    expect(invoke).toMatchObject({
      name: 'adaptiveCard/action',
      value: { action: { type: 'Action.Execute', verb: 'ping', data: { verb: 'ping', note: 'abc' } } },
    });
    expect(invoke.replyToId).toEqual(expect.any(String));
    saveJson('card-invoke-activity.json', invoke);
    await ui.screenshot('smoke-2-execute');
  }, 120_000);

  test('switch user: another member taps the same card, with a fr-CA Teams locale', async () => {
    pg!.actAs('Benoît Gagnon (méd.)', { locale: 'fr-CA' });
    try {
      await ui.tapCardButton('Ping');
      await ui.waitForBotMessage({ contains: 'Pong 2 (Action.Execute) par Benoît Gagnon (méd.)' });
      const invoke = (pg!.activities as Activity[]).filter((a) => a.type === 'invoke').pop()!;
      expect(invoke.from.id).toBe(pg!.user('Benoît').id);
      expect(invoke.locale).toBe('fr-CA');
    } finally {
      pg!.actAs(null);
    }
  }, 120_000);

  test('older client on a phone: Action.Submit fallback, the bot updates the posted card', async () => {
    await ui.setPhoneViewport();
    ui.setLegacyCards(true);
    try {
      const card = await ui.askBot('legacy', { withCard: true, contains: 'Carte écho : legacy' });
      const box = await card.locator.locator('.ac-adaptiveCard').first().boundingBox();
      expect(box!.x + box!.width).toBeLessThanOrEqual(390);
      await ui.fillCardInput('Note', 'xyz');
      await ui.tapCardButton('Ping');
      const updated = await ui.waitForBotMessage({ contains: /Pong \d+ \(Action\.Submit\) par Alice Tremblay \(inf\.\) — note : xyz/ });
      expect(updated.key).toBe(card.key); // updateActivity replaced it in place
      const submit = await pg!.waitForActivity((a) => a.type === 'message' && a.value?.verb === 'ping');
      expect(submit.value).toEqual({ verb: 'ping', note: 'xyz' });
      saveJson('card-submit-activity.json', submit);
      await ui.screenshot('smoke-3-phone-submit');
    } finally {
      ui.setLegacyCards(false);
      await ui.setDesktopViewport();
    }
  }, 120_000);

  test('proactive message with an @mention arrives as a new channel post', async () => {
    const before = await ui.messages();
    await ui.askBot('notify', { contains: 'Rappel programmé' });
    const alert = await ui.waitForBotMessage({ after: before, contains: 'Rappel pour' });
    expect(alert.text).toContain('Rappel pour Alice Tremblay (inf.) : patient à revoir');
    expect(alert.index).toBe(0); // a post of its own, not a reply
    const sent = await pg!.waitForActivity((a) => a.type === 'message' && /notify/.test(a.text ?? ''));
    expect((sent as BotActivity).conversation.conversationType).toBe('channel');
    await ui.screenshot('smoke-4-proactive');
  }, 120_000);
});
