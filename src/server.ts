import { randomUUID } from 'node:crypto';
import type { Container } from '@azure/cosmos';
import { type TeamsAdapter, type Application, type TurnState } from '@microsoft/teams-ai';
import type { Logger } from 'pino';
import * as restify from 'restify';

export interface ServerParts {
  adapter: TeamsAdapter;
  app: Application<TurnState>;
  container: Container;
  logger: Logger;
}

export interface BotServer {
  server: restify.Server;
  /** Stops accepting, lets in-flight turns finish (up to `graceMs`), then closes. */
  drain(graceMs?: number): Promise<void>;
}

/** The bot's HTTP surface: the Bot Framework endpoint and a health probe for App Service. */
export function createServer({ adapter, app, container, logger }: ServerParts): BotServer {
  const server = restify.createServer({ name: 'contact-telesante' });
  server.use(restify.plugins.bodyParser({ maxBodySize: 1024 * 1024 }));
  let inFlight = 0;
  let draining = false;
  const idle: Array<() => void> = [];

  server.post('/api/messages', async (req, res) => {
    if (draining) {
      res.header('Retry-After', '5');
      res.send(503);
      return;
    }
    inFlight++;
    try {
      await adapter.process(req, res, (context) => app.run(context).then(() => undefined));
    } catch (error) {
      logger.error({ err: error, correlationId: randomUUID() }, 'turn failed');
      if (!res.headersSent) res.send(500);
    } finally {
      inFlight--;
      if (inFlight === 0) idle.splice(0).forEach((resolve) => resolve());
    }
  });

  server.get('/healthz', async (_req, res) => {
    const store = await container
      .read()
      .then(() => 'reachable')
      .catch(() => 'unreachable');
    res.send(store === 'reachable' ? 200 : 503, { status: store === 'reachable' ? 'ok' : 'degraded', store });
  });

  return {
    server,
    async drain(graceMs = 10_000) {
      draining = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      if (inFlight > 0) {
        await Promise.race([new Promise<void>((resolve) => idle.push(resolve)), new Promise((r) => setTimeout(r, graceMs))]);
      }
      server.server.closeIdleConnections?.();
      await Promise.race([closed, new Promise((r) => setTimeout(r, 1000))]);
    },
  };
}
