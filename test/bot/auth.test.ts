import pino from 'pino';
import { loadConfig } from '../../src/config';
import { type RunningBot, startBot } from '../../src/main';

/** With a bot app id configured, the endpoint accepts only Bot Framework-signed requests. */
describe('Bot Framework authentication', () => {
  let bot: RunningBot;
  beforeAll(async () => {
    const config = loadConfig({
      PORT: '0',
      COSMOS_LOCAL_PORT: '0',
      BOT_ID: '11111111-2222-4333-8444-555555555555',
      BOT_TYPE: 'UserAssignedMsi',
      BOT_TENANT_ID: '66666666-7777-4888-9999-000000000000',
    } as NodeJS.ProcessEnv);
    bot = await startBot(config, pino({ level: 'silent' }));
  });
  afterAll(() => bot.stop());

  const activity = {
    type: 'message',
    id: 'a1',
    channelId: 'msteams',
    serviceUrl: 'http://127.0.0.1:9/',
    from: { id: '29:mallory' },
    recipient: { id: '28:bot' },
    conversation: { id: '19:x@thread.tacv2' },
    channelData: { team: { id: '19:x@thread.tacv2' } },
    text: 'liste',
  };

  it.each([
    ['no Authorization header', undefined],
    ['a token that is not a JWT', 'Bearer not-a-token'],
    ['an unsigned token', `Bearer ${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"aud":"11111111-2222-4333-8444-555555555555"}').toString('base64url')}.`],
  ])('refuses a request with %s (401) and runs no turn', async (_case, authorization) => {
    const response = await fetch(`http://127.0.0.1:${bot.port}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization && { authorization }) },
      body: JSON.stringify(activity),
    });
    expect(response.status).toBe(401);
    const { resources } = await bot.container.items.query('SELECT VALUE COUNT(1) FROM c').fetchAll();
    expect(resources).toEqual([0]);
  });
});

describe('configuration', () => {
  it('names the setting that is missing or malformed', () => {
    expect(() => loadConfig({ BOT_ID: 'not-a-guid' } as NodeJS.ProcessEnv)).toThrow(/BOT_ID: BOT_ID must be the bot app \(client\) id/);
    expect(() => loadConfig({ BOT_ID: '11111111-2222-4333-8444-555555555555' } as NodeJS.ProcessEnv)).toThrow(/BOT_TENANT_ID/);
    expect(() => loadConfig({ PORT: 'http' } as NodeJS.ProcessEnv)).toThrow(/PORT/);
    expect(() => loadConfig({ COSMOS_ENDPOINT: 'cosmos' } as NodeJS.ProcessEnv)).toThrow(/COSMOS_ENDPOINT/);
  });

  it('selects storage and authentication independently', () => {
    const azureNoAuth = loadConfig({ COSMOS_ENDPOINT: 'https://acct.documents.azure.com:443/' } as NodeJS.ProcessEnv);
    expect([azureNoAuth.bot, azureNoAuth.cosmos.endpoint]).toEqual([undefined, 'https://acct.documents.azure.com:443/']);
    const authLocal = loadConfig({ BOT_ID: '11111111-2222-4333-8444-555555555555', BOT_TENANT_ID: 't' } as NodeJS.ProcessEnv);
    expect([authLocal.bot?.appId, authLocal.cosmos.endpoint]).toEqual(['11111111-2222-4333-8444-555555555555', undefined]);
  });
});
