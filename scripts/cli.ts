import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config';
import { type AccessKind, accessRecord } from '../src/domain/journal';
import type { AccessedPatient } from '../src/domain/journal';
import { PatientService } from '../src/domain/patientService';
import type { TeamSettings } from '../src/domain/team';
import type { Lang } from '../src/i18n/messages';
import { CosmosAccessJournal } from '../src/store/cosmosAccessJournal';
import { CosmosPatientRepository } from '../src/store/cosmosPatientRepository';
import { CosmosTeamRepository } from '../src/store/cosmosTeamRepository';
import { NoLocalStoreError, openStore as openBotStore } from '../src/store/openStore';

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

/** The same store as the bot (src/store/openStore.ts), never a local server of the tools' own. */
export async function openToolStore() {
  const store = await openBotStore(loadConfig().cosmos, { reuseOnly: true }).catch((error: unknown) => {
    if (!(error instanceof NoLocalStoreError)) throw error;
    console.error(error.message);
    process.exit(2);
  });
  const { container } = store;
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
    close: () => store.close(),
  };
}
