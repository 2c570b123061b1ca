import { createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';

/** A stand-in for the Bot Framework's token issuer: its keys, its OpenID metadata on 127.0.0.1, tokens it signs. */
export const APP_ID = '11111111-2222-4333-8444-555555555555';
export const TENANT = '66666666-7777-4888-9999-000000000000';
export const trusted = generateKeyPairSync('rsa', { modulusLength: 2048 });
export const forger = generateKeyPairSync('rsa', { modulusLength: 2048 });

export function token(key: KeyObject, claims: { exp: number; serviceurl: string }): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const head = encode({ alg: 'RS256', typ: 'JWT', kid: 'channel-key' });
  const body = encode({ iss: 'https://api.botframework.com', aud: APP_ID, nbf: now - 600, ...claims });
  const signature = createSign('RSA-SHA256').update(`${head}.${body}`).sign(key).toString('base64url');
  return `${head}.${body}.${signature}`;
}

export const hourFromNow = () => Math.floor(Date.now() / 1000) + 3600;
export const hourAgo = () => Math.floor(Date.now() / 1000) - 3600;

/** OpenID metadata and signing keys, as login.botframework.com publishes them. */
export async function startOpenIdServer(): Promise<{ server: Server; auth: { ToBotFromChannelOpenIdMetadataUrl: string; ToBotFromChannelTokenIssuer: string } }> {
  const jwk = { ...trusted.publicKey.export({ format: 'jwk' }), kid: 'channel-key', use: 'sig', endorsements: ['msteams'] };
  const server = createServer((req, res) => {
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    res.setHeader('content-type', 'application/json');
    if (req.url === '/keys') return res.end(JSON.stringify({ keys: [jwk] }));
    res.end(JSON.stringify({ issuer: 'https://api.botframework.com', jwks_uri: `${base}/keys`, id_token_signing_alg_values_supported: ['RS256'] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // With its own metadata URL the SDK also needs the issuer named, or it accepts no token at all.
  const metadataUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}/openid`;
  return { server, auth: { ToBotFromChannelOpenIdMetadataUrl: metadataUrl, ToBotFromChannelTokenIssuer: 'https://api.botframework.com' } };
}

/** Bot Framework authentication on (UserAssignedMsi, no secret), validating against the local issuer. */
export const AUTH_ENV = { BOT_ID: APP_ID, BOT_TYPE: 'UserAssignedMsi', BOT_TENANT_ID: TENANT };
