import { createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import pino from 'pino';
import { loadConfig } from '../../src/config';
import { type RunningBot, startBot } from '../../src/main';

const APP_ID = '11111111-2222-4333-8444-555555555555';
const TENANT = '66666666-7777-4888-9999-000000000000';
const SERVICE_URL = 'http://127.0.0.1:9/';
/** The key the (stand-in) Bot Framework signs with, published by a local OpenID endpoint. */
const trusted = generateKeyPairSync('rsa', { modulusLength: 2048 });
const forger = generateKeyPairSync('rsa', { modulusLength: 2048 });

function token(key: KeyObject, claims: { exp: number }): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const head = encode({ alg: 'RS256', typ: 'JWT', kid: 'channel-key' });
  const body = encode({ iss: 'https://api.botframework.com', aud: APP_ID, serviceurl: SERVICE_URL, nbf: now - 600, ...claims });
  const signature = createSign('RSA-SHA256').update(`${head}.${body}`).sign(key).toString('base64url');
  return `${head}.${body}.${signature}`;
}

const hourFromNow = () => Math.floor(Date.now() / 1000) + 3600;
const hourAgo = () => Math.floor(Date.now() / 1000) - 3600;

/** OpenID metadata and signing keys, as login.botframework.com publishes them, on 127.0.0.1. */
async function startOpenIdServer(): Promise<Server> {
  const jwk = { ...trusted.publicKey.export({ format: 'jwk' }), kid: 'channel-key', use: 'sig', endorsements: ['msteams'] };
  const server = createServer((req, res) => {
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    res.setHeader('content-type', 'application/json');
    if (req.url === '/keys') return res.end(JSON.stringify({ keys: [jwk] }));
    res.end(JSON.stringify({ issuer: 'https://api.botframework.com', jwks_uri: `${base}/keys`, id_token_signing_alg_values_supported: ['RS256'] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/** With a bot app id configured, the endpoint accepts only Bot Framework-signed requests. */
describe('Bot Framework authentication', () => {
  let bot: RunningBot;
  let openId: Server;
  beforeAll(async () => {
    openId = await startOpenIdServer();
    // The adapter prints every refused request with console.error; the assertions say enough.
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const config = loadConfig({
      PORT: '0',
      COSMOS_LOCAL_PORT: '0',
      BOT_ID: APP_ID,
      BOT_TYPE: 'UserAssignedMsi',
      BOT_TENANT_ID: TENANT,
    } as NodeJS.ProcessEnv);
    const metadata = `http://127.0.0.1:${(openId.address() as { port: number }).port}/openid`;
    bot = await startBot(config, pino({ level: 'silent' }), { auth: { ToBotFromChannelOpenIdMetadataUrl: metadata } });
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
    ['an expired token', () => `Bearer ${token(trusted.privateKey, { exp: hourAgo() })}`],
    ['a token signed by another key', () => `Bearer ${token(forger.privateKey, { exp: hourFromNow() })}`],
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
  });

  it('selects storage and authentication independently', () => {
    const azureNoAuth = loadConfig({ COSMOS_ENDPOINT: 'https://acct.documents.azure.com:443/' } as NodeJS.ProcessEnv);
    expect([azureNoAuth.bot, azureNoAuth.cosmos.endpoint]).toEqual([undefined, 'https://acct.documents.azure.com:443/']);
    const authLocal = loadConfig({ BOT_ID: '11111111-2222-4333-8444-555555555555', BOT_TENANT_ID: 't' } as NodeJS.ProcessEnv);
    expect([authLocal.bot?.appId, authLocal.cosmos.endpoint]).toEqual(['11111111-2222-4333-8444-555555555555', undefined]);
  });
});
