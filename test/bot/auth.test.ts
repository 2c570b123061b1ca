import type { Server } from 'node:http';
import pino from 'pino';
import { loadConfig } from '../../src/config';
import { type RunningBot, startBot } from '../../src/main';
import { APP_ID, AUTH_ENV, forger, hourAgo, hourFromNow, startOpenIdServer, token, trusted } from '../support/botAuth';

const SERVICE_URL = 'http://127.0.0.1:9/';

/** With a bot app id configured, the endpoint accepts only Bot Framework-signed requests. */
describe('Bot Framework authentication', () => {
  let bot: RunningBot;
  let openId: Server;
  beforeAll(async () => {
    const issuer = await startOpenIdServer();
    openId = issuer.server;
    // The adapter prints every refused request with console.error; the assertions say enough.
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const config = loadConfig({ PORT: '0', COSMOS_LOCAL_PORT: '0', ...AUTH_ENV } as NodeJS.ProcessEnv);
    bot = await startBot(config, pino({ level: 'silent' }), { auth: issuer.auth });
  });
  afterAll(async () => {
    await bot.stop();
    openId.close();
    jest.restoreAllMocks();
  });

  const activity = {
    type: 'message',
    id: 'a1',
    channelId: 'msteams',
    serviceUrl: SERVICE_URL,
    from: { id: '29:mallory' },
    recipient: { id: '28:bot' },
    conversation: { id: '19:x@thread.tacv2' },
    channelData: { team: { id: '19:x@thread.tacv2' } },
    text: 'liste',
  };

  it.each([
    ['no Authorization header', () => undefined],
    ['a token that is not a JWT', () => 'Bearer not-a-token'],
    ['an expired token', () => `Bearer ${token(trusted.privateKey, { exp: hourAgo(), serviceurl: SERVICE_URL })}`],
    ['a token signed by another key', () => `Bearer ${token(forger.privateKey, { exp: hourFromNow(), serviceurl: SERVICE_URL })}`],
    ['an unsigned token', () => `Bearer ${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(`{"aud":"${APP_ID}"}`).toString('base64url')}.`],
  ])('refuses a request with %s (401) and runs no turn', async (_case, makeAuthorization) => {
    const authorization = makeAuthorization();
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
    // BOT_TYPE defaults to UserAssignedMsi: a secret there is refused, with or without BOT_ID.
    expect(() => loadConfig({ ...AUTH_ENV, BOT_PASSWORD: 's3cret' } as NodeJS.ProcessEnv)).toThrow(/BOT_PASSWORD: BOT_PASSWORD must not be set with BOT_TYPE=UserAssignedMsi/);
    expect(() => loadConfig({ BOT_PASSWORD: 's3cret' } as NodeJS.ProcessEnv)).toThrow(/BOT_PASSWORD/);
    expect(loadConfig({ ...AUTH_ENV, BOT_TYPE: 'SingleTenant', BOT_PASSWORD: 's3cret' } as NodeJS.ProcessEnv).bot?.password).toBe('s3cret');
  });

  it('selects storage and authentication independently', () => {
    const azureNoAuth = loadConfig({ COSMOS_ENDPOINT: 'https://acct.documents.azure.com:443/' } as NodeJS.ProcessEnv);
    expect([azureNoAuth.bot, azureNoAuth.cosmos.endpoint]).toEqual([undefined, 'https://acct.documents.azure.com:443/']);
    const authLocal = loadConfig({ BOT_ID: '11111111-2222-4333-8444-555555555555', BOT_TENANT_ID: 't' } as NodeJS.ProcessEnv);
    expect([authLocal.bot?.appId, authLocal.cosmos.endpoint]).toEqual(['11111111-2222-4333-8444-555555555555', undefined]);
  });
});
