import { randomUUID } from 'node:crypto';
import type { Container } from '@azure/cosmos';
import { TeamsAdapter } from '@microsoft/teams-ai';
import type { ConfigurationBotFrameworkAuthenticationOptions } from 'botbuilder';
import type { Logger } from 'pino';
import { createApp } from './bot/app';
import { BotMessenger } from './bot/messenger';
import { ChannelBook } from './bot/turn';
import { type AlertPolicy, DEFAULT_ALERT_POLICY } from './domain/alerts';
import { AlertDispatcher, type DispatcherOptions } from './notifications/dispatcher';
import { CosmosAlertRepository } from './store/cosmosAlertRepository';
import { type Config, tenantPolicy } from './config';
import { TeamService } from './domain/teamService';
import { CosmosTeamRepository } from './store/cosmosTeamRepository';
import { type Clock, PatientService, systemClock } from './domain/patientService';
import { langOf, t } from './i18n/messages';
import { createServer } from './server';
import { createCosmosClient, openContainer } from './store/cosmos';
import { CosmosPatientRepository } from './store/cosmosPatientRepository';
import { startLocalCosmos } from './store/localCosmos';
import { PurgeJob } from './jobs/purgeJob';
import { RetentionService } from './domain/retentionService';
import { CosmosRetentionRepository } from './store/cosmosRetentionRepository';

export interface StartOptions {
  /** Extra Bot Framework authentication settings (another cloud's OpenID metadata, or a test's). */
  auth?: Partial<ConfigurationBotFrameworkAuthenticationOptions>;
  clock?: Clock;
  alertPolicy?: AlertPolicy;
  sweepMs?: number;
  /** Dispatcher settings (deadlines, leases, backoff) for tests and benchmarks. */
  alertDispatch?: Partial<Pick<DispatcherOptions, 'callTimeoutMs' | 'leaseMs' | 'concurrency' | 'drainMs' | 'backoffBaseMs' | 'maxBackoffMs'>>;
  /** How often the retention purge checks whether the day's run is due (default 1 h; never at start). */
  purgeCheckMs?: number;
}

export interface RunningBot {
  port: number;
  container: Container;
  dispatcher: AlertDispatcher;
  purge: PurgeJob;
  stop(): Promise<void>;
}

/** Wires store, adapter, application and HTTP server; `index.ts` only adds process concerns. */
export async function startBot(config: Config, logger: Logger, options: StartOptions = {}): Promise<RunningBot> {
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
      ...options.auth,
    },
  );
  adapter.onTurnError = async (context, error) => {
    logger.error({ err: error, correlationId: context.activity.id }, 'unhandled turn error');
    if (context.activity.type === 'message') {
      await context.sendActivity(t(langOf(context.activity.locale), 'error.technical')).catch(() => undefined);
    }
  };

  const clock = options.clock ?? systemClock;
  const alertPolicy = options.alertPolicy ?? DEFAULT_ALERT_POLICY;
  const alertRepository = new CosmosAlertRepository(container);
  const messenger = new BotMessenger(adapter, config.bot?.appId ?? '', alertPolicy);
  const dispatcher = new AlertDispatcher(alertRepository, messenger, {
    clock,
    policy: alertPolicy,
    sweepMs: options.sweepMs,
    ...options.alertDispatch,
    log: logger.child({ component: 'alerts' }),
  });
  const patients = new PatientService(new CosmosPatientRepository(container), { clock, alertPolicy, onAlert: (teamId) => dispatcher.kick(teamId) });
  const retentionRepository = new CosmosRetentionRepository(container);
  const purge = new PurgeJob(retentionRepository, new CosmosTeamRepository(container), {
    clock,
    checkMs: options.purgeCheckMs,
    log: logger.child({ component: 'purge' }),
  });
  const retention = new RetentionService(retentionRepository, new CosmosPatientRepository(container), { clock, nextRun: () => purge.nextRunAt() });
  const deps = {
    patients,
    teams: new TeamService(new CosmosTeamRepository(container)),
    tenantAllowed: tenantPolicy(config),
    anyFileHost: !config.bot,
    alerts: dispatcher,
    channels: new ChannelBook(alertRepository),
    retention,
    clock,
    logger,
    newId: randomUUID,
  };
  const app = createApp(adapter, deps, config.bot?.appId);
  const http = createServer({ adapter, app, container, logger });
  dispatcher.start();
  purge.start();
  await new Promise<void>((resolve) => http.server.listen(config.port, '0.0.0.0', resolve));
  const address = http.server.address();
  logger.info({ port: address.port, auth: Boolean(config.bot), store: local ? 'local' : 'azure' }, 'bot listening on /api/messages');

  return {
    port: address.port,
    container,
    dispatcher,
    purge,
    async stop() {
      // Turns in flight may still write alerts: drain them first, then let the sends finish.
      await http.drain();
      await dispatcher.stop();
      await purge.stop();
      client.dispose();
      await local?.close();
    },
  };
}
