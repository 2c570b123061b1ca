import { BulkOperationType } from '@azure/cosmos';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newAlert } from '../../src/domain/alerts';
import { PatientService } from '../../src/domain/patientService';
import { defaultSettings } from '../../src/domain/team';
import { createCosmosClient, openContainer } from '../../src/store/cosmos';
import { runBatch } from '../../src/store/cosmosDocuments';
import { CosmosPatientRepository } from '../../src/store/cosmosPatientRepository';
import { CosmosHistoryRepository } from '../../src/store/cosmosHistoryRepository';
import { CosmosTeamRepository } from '../../src/store/cosmosTeamRepository';
import { startLocalCosmos } from '../../src/store/localCosmos';
import { LocalStoreError, SAVE_DELAY_MS, SNAPSHOT_FORMAT } from '../../src/store/localCosmosSnapshot';
import { ConcurrentEditError } from '../../src/domain/errors';
import { startTestCosmos } from '../support/cosmos';
import { nurse, TEAM_A } from '../support/fixtures';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'local-store-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The local server with a data folder, and the bot's repositories on it. */
async function open(dataDir: string) {
  const server = await startLocalCosmos(0, { dataDir });
  const target = { endpoint: server.endpoint, database: 'telesante', container: 'teamdata', local: true };
  const client = createCosmosClient(target);
  const container = await openContainer(client, target);
  const patients = new CosmosPatientRepository(container);
  return {
    server,
    container,
    patients,
    service: new PatientService(patients),
    teams: new CosmosTeamRepository(container),
    history: new CosmosHistoryRepository(container),
    close: async () => {
      client.dispose();
      await server.close();
    },
  };
}

describe('the local store saved to LOCAL_DATA_DIR', () => {
  it('keeps patients, notes, history, alerts, settings and the counts across a clean restart', async () => {
    const before = await open(dir);
    await before.teams.saveSettings(TEAM_A, { ...defaultSettings(nurse), listName: 'Soins à domicile' });
    const { patient } = await before.service.add(TEAM_A, nurse, { name: 'Éloïse Redémarrage' });
    await before.service.addNote(TEAM_A, nurse, patient.id, 'Pansement refait.');
    await before.service.flag(TEAM_A, nurse, patient.id, 'urgent', 'Chute');
    const alert = newAlert('alert-restart', patient, [{ field: 'note', new: 'x' }], nurse, new Date());
    await before.container.items.create({ ...alert, teamId: TEAM_A, type: 'alert' });
    await before.close();

    const after = await open(dir);
    try {
      const found = await after.patients.findByNumber(TEAM_A, patient.number);
      expect(found?.value).toMatchObject({ name: 'Éloïse Redémarrage', noteCount: 1, flag: { level: 'urgent' } });
      expect(found?.value.recentNotes.map((n) => n.text)).toEqual(['Pansement refait.']);
      expect((await after.history.page(TEAM_A, patient.id, undefined, 10)).records.map((r) => r.action).sort()).toEqual(['create', 'flag', 'note']);
      expect((await after.patients.getAlert(TEAM_A, 'alert-restart'))?.value.patientId).toBe(patient.id);
      expect((await after.teams.getSettings(TEAM_A))?.value.listName).toBe('Soins à domicile');
      expect((await after.patients.listPage(TEAM_A, 'active', {}, 10)).counts).toEqual({ active: 1, inactive: 0, flagged: 1 });
      // Numbers go on where they stopped.
      expect((await after.service.add(TEAM_A, nurse, { name: 'Suivant' })).patient.number).toBe(patient.number + 1);
    } finally {
      await after.close();
    }
  });

  it('has a change on disk within the save delay without a clean stop (what a crash keeps)', async () => {
    const store = await open(dir);
    try {
      const { patient } = await store.service.add(TEAM_A, nurse, { name: 'Avant La Panne' });
      const file = join(dir, 'cosmos.json');
      const deadline = Date.now() + SAVE_DELAY_MS + 10_000;
      while (!(safeRead(file)?.includes('Avant La Panne')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      // Another server loads that file as it is now, while the first one never stopped.
      const copy = mkdtempSync(join(tmpdir(), 'local-store-copy-'));
      writeFileSync(join(copy, 'cosmos.json'), readFileSync(file));
      const reloaded = await open(copy);
      try {
        expect((await reloaded.patients.findByNumber(TEAM_A, patient.number))?.value.name).toBe('Avant La Panne');
      } finally {
        await reloaded.close();
        rmSync(copy, { recursive: true, force: true });
      }
    } finally {
      await store.close();
    }
  });

  it('refuses to start on a corrupt file, naming it, and leaves the file as it was', async () => {
    const file = join(dir, 'cosmos.json');
    writeFileSync(file, `{"format":"${SNAPSHOT_FORMAT}","version":1,"databases":[{"defin`);
    const start = startLocalCosmos(0, { dataDir: dir });
    await expect(start).rejects.toThrow(LocalStoreError);
    await expect(startLocalCosmos(0, { dataDir: dir })).rejects.toThrow(`${file} is not readable JSON`);
    expect(readFileSync(file, 'utf8')).toContain('"databases":[{"defin');
  });

  it('refuses a JSON file some other program wrote, and a later format version', async () => {
    const file = join(dir, 'cosmos.json');
    writeFileSync(file, JSON.stringify({ patients: [{ name: 'x' }] }));
    await expect(startLocalCosmos(0, { dataDir: dir })).rejects.toThrow(`${file} is not a Contact Télésanté local store`);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ patients: [{ name: 'x' }] });
    writeFileSync(file, JSON.stringify({ format: SNAPSHOT_FORMAT, version: 99, databases: [] }));
    await expect(startLocalCosmos(0, { dataDir: dir })).rejects.toThrow('has format version 99');
  });

  it('starts empty in a folder that has no store yet, and saves it on a clean stop', async () => {
    const store = await open(join(dir, 'new'));
    await store.close();
    // Creating the database and container is a change: the next start finds them.
    expect(JSON.parse(readFileSync(join(dir, 'new', 'cosmos.json'), 'utf8')).format).toBe(SNAPSHOT_FORMAT);
  });
});

describe('the local server runs a transactional batch all or nothing', () => {
  it('writes nothing when a later operation would fail, and applies a Patch in a batch', async () => {
    const cosmos = await startTestCosmos();
    try {
      const { container } = cosmos;
      const { resource } = await container.items.create({ id: 'doc', teamId: TEAM_A, n: 1 });
      await expect(
        runBatch(container, TEAM_A, [
          { operationType: BulkOperationType.Create, resourceBody: { id: 'would-be-orphan', teamId: TEAM_A } },
          { operationType: BulkOperationType.Replace, id: 'doc', ifMatch: '"stale"', resourceBody: { id: 'doc', teamId: TEAM_A, n: 2 } },
        ]),
      ).rejects.toThrow(ConcurrentEditError);
      expect((await container.item('would-be-orphan', TEAM_A).read()).resource).toBeUndefined();
      await runBatch(container, TEAM_A, [
        { operationType: BulkOperationType.Replace, id: 'doc', ifMatch: resource!._etag, resourceBody: { id: 'doc', teamId: TEAM_A, n: 2 } },
        { operationType: BulkOperationType.Patch, id: 'doc', resourceBody: { operations: [{ op: 'incr', path: '/n', value: 5 }] } },
      ]);
      expect((await container.item('doc', TEAM_A).read()).resource.n).toBe(7);
    } finally {
      await cosmos.stop();
    }
  });
});

function safeRead(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
