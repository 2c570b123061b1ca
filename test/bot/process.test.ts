import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import path from 'node:path';
import { type LocalCosmos, startLocalCosmos } from '../../src/store/localCosmos';
import { FakeConnector } from '../support/fakeConnector';

const ROOT = path.resolve(__dirname, '..', '..');

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitForHealth(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('bot did not start');
}

/** The bot as operators run it (`npm run bot`): its own process, its environment, signals. */
describe('the bot process', () => {
  let cosmos: LocalCosmos;
  let bot: ChildProcess;
  let port: number;
  let output = '';
  const connector = new FakeConnector();

  beforeAll(async () => {
    cosmos = await startLocalCosmos(0);
    await connector.start();
    port = await freePort();
    bot = spawn(process.execPath, ['-r', '@swc-node/register', 'src/index.ts'], {
      cwd: ROOT,
      env: { ...process.env, PORT: String(port), COSMOS_LOCAL_PORT: new URL(cosmos.endpoint).port, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    bot.stdout?.on('data', (chunk) => (output += String(chunk)));
    bot.stderr?.on('data', (chunk) => (output += String(chunk)));
    await waitForHealth(port);
  }, 60_000);

  afterAll(async () => {
    if (bot.exitCode === null) bot.kill('SIGKILL');
    await connector.stop();
    await cosmos.close();
  });

  function say(text: string, from: { id: string; name: string }) {
    return fetch(`http://127.0.0.1:${port}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'message',
        id: `m-${Math.random()}`,
        channelId: 'msteams',
        serviceUrl: connector.url,
        locale: 'fr-CA',
        from: { ...from, aadObjectId: `aad-${from.id}` },
        recipient: { id: '28:bot', name: 'Contact Télésanté' },
        conversation: { id: '19:chan@thread.tacv2;messageid=1', conversationType: 'channel', isGroup: true },
        channelData: { team: { id: '19:team@thread.tacv2' }, channel: { id: '19:chan@thread.tacv2' } },
        text,
      }),
    });
  }

  it('says at start that it uses the local in-memory store and has no authentication', () => {
    expect(output).toContain('reusing the local Cosmos DB server already listening');
    expect(output).toContain('Bot Framework authentication is OFF');
  });

  it('reports the store on /healthz without secrets', async () => {
    const response = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', store: 'reachable' });
  });

  it('drains on SIGTERM: the turn in flight finishes, its alert is sent, then the process exits', async () => {
    expect((await say('ajouter patient Drain Test', { id: '29:a', name: 'Alice' })).status).toBe(200);
    expect((await say('suivre #1', { id: '29:b', name: 'Bob' })).status).toBe(200);
    // The reply to the flag is slow to be accepted: SIGTERM arrives while that turn is in flight.
    connector.script = (call) => (call.activity.replyToId && call.activity.attachments ? { status: 200, delayMs: 1500 } : undefined);
    const inFlight = say('signaler #1 urgent Chute', { id: '29:a', name: 'Alice' });
    await new Promise((resolve) => setTimeout(resolve, 400));
    bot.kill('SIGTERM');
    expect((await inFlight).status).toBe(200);
    const [code] = await once(bot, 'exit');
    expect(code).toBe(0);
    const alerts = connector.calls.filter((c) => c.activity.attachments?.[0]?.content?.msteams);
    expect(alerts).toHaveLength(1);
    expect(output).toContain('draining');
    expect(output).not.toContain('Drain Test');
  }, 30_000);
});
