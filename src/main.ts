import { randomUUID } from 'node:crypto';
import type { Container } from '@azure/cosmos';
import { TeamsAdapter } from '@microsoft/teams-ai';
import type { Logger } from 'pino';
import { createApp } from './bot/app';
import type { Config } from './config';
import { type Clock, PatientService, systemClock } from './domain/patientService';
import { langOf, t } from './i18n/messages';
import { createServer } from './server';
import { createCosmosClient, openContainer } from './store/cosmos';
import { CosmosPatientRepository } from './store/cosmosPatientRepository';
import { startLocalCosmos } from './store/localCosmos';

export interface RunningBot {
  port: number;
  container: Container;
  stop(): Promise<void>;
}

/** Wires store, adapter, application and HTTP server; `index.ts` only adds process concerns. */
export async function startBot(config: Config, logger: Logger, options: { clock?: Clock } = {}): Promise<RunningBot> {
  const local = config.cosmos.endpoint ? undefined : await startLocalCosmos(config.cosmos.localPort);
  if (local) {
    logger.warn(
      { endpoint: local.endpoint, started: local.started },
      local.started
        ? 'COSMOS_ENDPOINT is not set: started the in-memory Cosmos DB server; data lives only while this process runs'
        : 'COSMOS_ENDPOINT is not set: reusing the local Cosmos DB server already listening; data lives in its memory',
    );
  }
  const target = {
    endpoint: config.cosmos.endpoint ?? local!.endpoint,
    database: config.cosmos.database,
    container: config.cosmos.container,
    local: Boolean(local),
  };
  const client = createCosmosClient(target);
  const container = await openContainer(client, target);

  if (!config.bot) logger.warn('BOT_ID is not set: Bot Framework authentication is OFF (local use only)');
  const adapter = new TeamsAdapter(
    config.bot && {
      MicrosoftAppId: config.bot.appId,
      MicrosoftAppType: config.bot.type,
      MicrosoftAppTenantId: config.bot.tenantId,
      MicrosoftAppPassword: config.bot.password,
    },
  );
  adapter.onTurnError = async (context, error) => {
    logger.error({ err: error, correlationId: context.activity.id }, 'unhandled turn error');
    if (context.activity.type === 'message') {
      await context.sendActivity(t(langOf(context.activity.locale), 'error.technical')).catch(() => undefined);
    }
  };

  const clock = options.clock ?? systemClock;
  const patients = new PatientService(new CosmosPatientRepository(container), clock);
  const app = createApp(adapter, { patients, clock, logger, newId: randomUUID }, config.bot?.appId);
  const http = createServer({ adapter, app, container, logger });
  await new Promise<void>((resolve) => http.server.listen(config.port, '0.0.0.0', resolve));
  const address = http.server.address();
  logger.info({ port: address.port, auth: Boolean(config.bot), store: local ? 'local' : 'azure' }, 'bot listening on /api/messages');

  return {
    port: address.port,
    container,
    async stop() {
      await http.drain();
      client.dispose();
      await local?.close();
    },
  };
}
