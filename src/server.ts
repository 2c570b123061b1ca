import { randomUUID } from 'node:crypto';
import type { Container } from '@azure/cosmos';
import type { Application, TurnState } from '@microsoft/teams-ai';
import type { Logger } from 'pino';
import * as restify from 'restify';
import type { BotAdapter } from './bot/adapter';

export interface ServerParts {
  adapter: BotAdapter;
  app: Application<TurnState>;
  container: Container;
  logger: Logger;
}

export interface BotServer {
  server: restify.Server;
  /** Stops accepting, lets in-flight turns finish (up to `graceMs`), then closes. */
  drain(graceMs?: number): Promise<void>;
}

/**
 * What the SDK needs before it can run a turn; without it a request is the caller's mistake. A
 * missing `serviceUrl` would send the replies to the connector client's public default host.
 */
function activityProblem(body: unknown): string | undefined {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return 'body';
  const activity = body as { type?: unknown; serviceUrl?: unknown; conversation?: { id?: unknown }; from?: { id?: unknown } };
  if (typeof activity.type !== 'string' || !activity.type) return 'type';
  if (!isHttpUrl(activity.serviceUrl)) return 'serviceUrl';
  if (typeof activity.conversation?.id !== 'string' || !activity.conversation.id) return 'conversation';
  if (typeof activity.from?.id !== 'string' || !activity.from.id) return 'from';
  return undefined;
}

function isHttpUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const { protocol } = new URL(value);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
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
      // The token first: without a valid one the answer is 401, whatever the body holds.
      const body = req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? req.body : {};
      const problem = (await adapter.authenticates(body, req.header('authorization') ?? '')) ? activityProblem(req.body) : 'token';
      if (problem) {
        const status = problem === 'token' ? 401 : 400;
        logger.warn({ event: 'request-refused', status, problem }, 'request refused at the edge');
        res.send(status);
        return;
      }
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
