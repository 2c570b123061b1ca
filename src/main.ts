import { randomUUID } from 'node:crypto';
import type { Container } from '@azure/cosmos';
import { BotAdapter } from './bot/adapter';
import type { ConfigurationBotFrameworkAuthenticationOptions } from 'botbuilder';
import type { Logger } from 'pino';
import { createApp } from './bot/app';
import { BotMessenger } from './bot/connectorMessenger';
import { ChannelBook } from './bot/channels';
import { PostedCards } from './bot/postedCards';
import type { BotDeps } from './bot/deps';
import { type AlertPolicy, DEFAULT_ALERT_POLICY } from './domain/alerts';
import { AlertDispatcher, type DispatcherOptions } from './notifications/dispatcher';
import { CosmosAlertRepository } from './store/cosmosAlertRepository';
import { type Config, tenantPolicy } from './config';
import { TeamService } from './domain/teamService';
import { CosmosTeamRepository } from './store/cosmosTeamRepository';
import { CosmosHistoryRepository } from './store/cosmosHistoryRepository';
import { PatientService } from './domain/patientService';
import { type Clock, systemClock } from './domain/clock';
import { langOf, t } from './i18n/messages';
import { createServer } from './server';
import { CosmosPatientRepository } from './store/cosmosPatientRepository';
import { openStore } from './store/openStore';
import { PurgeJob } from './jobs/purgeJob';
import { RetentionService } from './domain/retentionService';
import { CosmosRetentionRepository } from './store/cosmosRetentionRepository';
import type { AccessJournal } from './domain/ports';
import { CosmosAccessJournal } from './store/cosmosAccessJournal';
import { ReleveService } from './domain/releveService';
import { ReleveJob } from './jobs/releveJob';
import { CosmosLeaseStore } from './store/cosmosLeases';
import { CosmosTeamDirectory, EVERY_TEAM, runOnce } from './store/cosmosRegistry';
import { CosmosReleveRepository } from './store/cosmosReleveRepository';
import { ALERT_LANG } from './bot/connectorMessenger';

export interface StartOptions {
  /** Extra Bot Framework authentication settings (another cloud's OpenID metadata, or a test's). */
  auth?: Partial<ConfigurationBotFrameworkAuthenticationOptions>;
  clock?: Clock;
  alertPolicy?: AlertPolicy;
  sweepMs?: number;
  /** Dispatcher settings (deadlines, leases, backoff) for tests and benchmarks. */
  alertDispatch?: Partial<Pick<DispatcherOptions, 'callTimeoutMs' | 'leaseMs' | 'concurrency' | 'drainMs' | 'backoffBaseMs' | 'maxBackoffMs' | 'tenantPerSecond'>>;
  /** How often the retention purge checks whether the day's run is due (default 1 h; never at start). */
  purgeCheckMs?: number;
  /** The access journal in front of the Cosmos one (a test's failing journal, the bench's counting one). */
  journal?: (cosmos: AccessJournal) => AccessJournal;
  /** How often the relève's scheduler looks for a shift change to post (default 1 min; also at start). */
  releveCheckMs?: number;
  /** How long an instance shows a list from the team settings it last read (default SETTINGS_CACHE_MS). */
  settingsCacheMs?: number;
}

export interface RunningBot {
  port: number;
  container: Container;
  dispatcher: AlertDispatcher;
  purge: PurgeJob;
  releve: ReleveJob;
  stop(): Promise<void>;
}

/** Wires store, adapter, application and HTTP server; `index.ts` only adds process concerns. */
export async function startBot(config: Config, logger: Logger, options: StartOptions = {}): Promise<RunningBot> {
  const store = await openStore(config.cosmos);
  const { container, local } = store;
  if (local) {
    logger.warn(
      { endpoint: local.endpoint, started: local.started, dataFile: local.dataFile },
      !local.started
        ? 'COSMOS_ENDPOINT is not set: reusing the local Cosmos DB server already listening; its own process keeps (or not) the data'
        : local.dataFile
          ? 'COSMOS_ENDPOINT is not set: started the local Cosmos DB server; data saved to LOCAL_DATA_DIR and loaded at start'
          : 'COSMOS_ENDPOINT is not set: started the in-memory Cosmos DB server; data lives only while this process runs',
    );
  }

  if (!config.bot) logger.warn('BOT_ID is not set: Bot Framework authentication is OFF (local use only)');
  const adapter = new BotAdapter(
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
  const repositories = {
    alerts: new CosmosAlertRepository(container),
    patients: new CosmosPatientRepository(container),
    teams: new CosmosTeamRepository(container),
    history: new CosmosHistoryRepository(container),
    retention: new CosmosRetentionRepository(container),
    releve: new CosmosReleveRepository(container),
  };
  const messenger = new BotMessenger(adapter, config.bot?.appId ?? '', alertPolicy);
  const dispatcher = new AlertDispatcher(repositories.alerts, messenger, {
    clock,
    policy: alertPolicy,
    sweepMs: options.sweepMs,
    ...options.alertDispatch,
    log: logger.child({ component: 'alerts' }),
  });
  const patients = new PatientService(repositories.patients, { clock, alertPolicy, onAlert: (teamId) => dispatcher.kick(teamId) });
  const cosmosJournal = new CosmosAccessJournal(container);
  const journal = options.journal?.(cosmosJournal) ?? cosmosJournal;
  const purge = new PurgeJob(repositories.retention, repositories.teams, {
    clock,
    checkMs: options.purgeCheckMs,
    journal,
    log: logger.child({ component: 'purge' }),
  });
  const retention = new RetentionService(repositories.retention, patients, { nextRun: () => purge.nextRunAt() });
  const releve = new ReleveService(repositories.releve, clock);
  const releveJob = new ReleveJob(
    repositories.releve,
    new CosmosLeaseStore(container, 'releve-lease'),
    repositories.teams,
    repositories.alerts,
    releve,
    messenger,
    { clock, lang: ALERT_LANG, journal, checkMs: options.releveCheckMs, log: logger.child({ component: 'releve' }) },
  );
  const deps: BotDeps = {
    patients,
    teams: new TeamService(repositories.teams, options.settingsCacheMs),
    history: repositories.history,
    tenantAllowed: tenantPolicy(config),
    anyFileHost: !config.bot,
    alerts: dispatcher,
    channels: new ChannelBook(repositories.alerts),
    posted: new PostedCards(),
    devLocale: config.devLocale,
    retention,
    journal,
    releve,
    clock,
    logger,
    newId: randomUUID,
  };
  const app = createApp(adapter, deps, config.bot?.appId);
  const http = createServer({ adapter, app, container, logger });
  dispatcher.start();
  purge.start();
  releveJob.start();
  void migrateOnce(container, repositories, logger);
  await new Promise<void>((resolve) => http.server.listen(config.port, '0.0.0.0', resolve));
  const address = http.server.address();
  logger.info({ port: address.port, auth: Boolean(config.bot), store: local ? 'local' : 'azure' }, 'bot listening on /api/messages');

  return {
    port: address.port,
    container,
    dispatcher,
    purge,
    releve: releveJob,
    async stop() {
      // Turns in flight may still write alerts: drain them first, then let the sends finish.
      await http.drain();
      await dispatcher.stop();
      await purge.stop();
      await releveJob.stop();
      await store.close();
    },
  };
}

/**
 * One-time data migrations, each recorded once it ran (later starts: one point read each). Until
 * they have run, patients stored before the list ranked flags list last, and a relève scheduled
 * before the registry kept schedules is not posted.
 */
async function migrateOnce(
  container: Container,
  repositories: { patients: CosmosPatientRepository; teams: CosmosTeamRepository },
  logger: Logger,
): Promise<void> {
  // Listed once for every migration that runs (none once all are recorded).
  let listed: Promise<string[]> | undefined;
  const knownTeams = () => (listed ??= new CosmosTeamDirectory(container, EVERY_TEAM).teams());
  const rekey = async (teams: string[]) => {
    let rewritten = 0;
    for (const teamId of teams) rewritten += await repositories.patients.rekeyLegacy(teamId);
    return rewritten;
  };
  const migrations: Array<[name: string, migrate: (teams: string[]) => Promise<number>, failure: string]> = [
    ['ranked-sort-keys', rekey, 'could not rewrite the list sort keys; those patients list last until they change'],
    ['releve-schedules-indexed', (teams) => repositories.teams.indexSchedules(teams), 'could not index the relève schedules; the next start tries again'],
  ];
  for (const [name, migrate, failure] of migrations) {
    try {
      let changed = 0;
      await runOnce(container, name, async () => {
        const teams = await knownTeams();
        changed = await migrate(teams);
        return teams.length > 0;
      });
      if (changed > 0) logger.info({ migration: name, changed }, 'one-time migration done');
    } catch (error) {
      logger.warn({ err: error, migration: name }, failure);
    }
  }
}
