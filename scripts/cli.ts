import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config';
import { type AccessKind, accessRecord } from '../src/domain/journal';
import type { AccessedPatient } from '../src/domain/journal';
import { PatientService } from '../src/domain/patientService';
import type { TeamSettings } from '../src/domain/team';
import type { Lang } from '../src/i18n/messages';
import { createCosmosClient, openContainer } from '../src/store/cosmos';
import { CosmosAccessJournal } from '../src/store/cosmosAccessJournal';
import { CosmosPatientRepository } from '../src/store/cosmosPatientRepository';
import { CosmosTeamRepository } from '../src/store/cosmosTeamRepository';
import { startLocalCosmos } from '../src/store/localCosmos';

/** Options shared by the command-line tools, checked before anything is opened. */
type Options = NonNullable<NonNullable<Parameters<typeof parseArgs>[0]>['options']>;

export function parseCli(usage: string, options: Options): Record<string, string | boolean | undefined> {
  try {
    return parseArgs({ options: { ...options, help: { type: 'boolean' } }, allowPositionals: false }).values as Record<string, string | boolean | undefined>;
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${usage}`);
    process.exit(2);
  }
}

export function langOption(value: unknown): Lang {
  return value === 'en' ? 'en' : 'fr';
}

/**
 * The same store as the bot: Azure Cosmos DB when COSMOS_ENDPOINT is set, otherwise the local
 * in-memory server of a running bot (`npm run dev`), which these tools must not replace.
 */
export async function openStore() {
  const config = loadConfig();
  const local = config.cosmos.endpoint ? undefined : await startLocalCosmos(config.cosmos.localPort);
  if (local?.started) {
    await local.close();
    console.error(
      `No local Cosmos DB server on 127.0.0.1:${config.cosmos.localPort}: start the bot first (npm run dev), or set COSMOS_ENDPOINT.`,
    );
    process.exit(2);
  }
  const target = { endpoint: config.cosmos.endpoint ?? local!.endpoint, database: config.cosmos.database, container: config.cosmos.container, local: Boolean(local) };
  const client = createCosmosClient(target);
  const container = await openContainer(client, target);
  const teams = new CosmosTeamRepository(container);
  const journal = new CosmosAccessJournal(container);
  return {
    patients: new PatientService(new CosmosPatientRepository(container)),
    journal,
    /** A tool's use of patients' information is journaled too, under the operating-system account that ran it. */
    journalTool: (teamId: string, kind: AccessKind, patients: AccessedPatient[]) => {
      const user = os.userInfo().username;
      const by = { id: `os:${user}@${os.hostname()}`, name: user };
      return journal.record(teamId, accessRecord(randomUUID(), new Date(), by, kind, { place: 'tool' }, patients));
    },
    settingsOf: async (teamId: string): Promise<TeamSettings | null> => (await teams.getSettings(teamId))?.value ?? null,
    close: () => client.dispose(),
  };
}
