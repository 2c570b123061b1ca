import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { PatientService } from '../../src/domain/patientService';
import { CosmosPatientRepository } from '../../src/store/cosmosPatientRepository';
import { exportTeam, importIntoTeam, importReportLines } from '../../src/transfer/teamImport';
import { startTestCosmos, type TestCosmos } from '../support/cosmos';
import { fixedClock } from '../support/fixtures';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '..', '..');
const tool = { id: 'import-tool', name: 'Importation' };
const clock = fixedClock();

let cosmos: TestCosmos;
let patients: PatientService;
let dir: string;

beforeAll(async () => {
  cosmos = await startTestCosmos();
  patients = new PatientService(new CosmosPatientRepository(cosmos.container), { clock });
  dir = await mkdtemp(path.join(os.tmpdir(), 'import-'));
});
afterAll(() => cosmos.stop());

async function csv(name: string, lines: string[]): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, `\uFEFF${lines.join('\r\n')}\r\n`);
  return file;
}

const GOOD = ['Nom;Date de naissance;Chambre / unité;N° de dossier ou carte santé', 'Jeanne Importée;1940-02-03;2A;F-001', 'Paul Importé;1938-11-30;2B;F-002'];

async function count(teamId: string, type: string): Promise<number> {
  const { resources } = await cosmos.container.items
    .query({ query: 'SELECT VALUE COUNT(1) FROM c WHERE c.teamId = @t AND c.type = @type', parameters: [{ name: '@t', value: teamId }, { name: '@type', value: type }] })
    .fetchAll();
  return resources[0];
}

describe('start-up import and export', () => {
  it('imports valid rows once, numbered as if added by hand, each with an "import" history record', async () => {
    const team = '19:import-ok@thread.tacv2';
    await patients.add(team, tool, { name: 'Déjà Là' });
    const outcome = await importIntoTeam(patients, null, { teamId: team, file: { path: await csv('good.csv', GOOD) }, by: tool, now: clock.now() });
    expect(outcome).toMatchObject({ kind: 'checked', written: 2 });
    const all = await patients.all(team);
    expect(all.map((p) => [p.number, p.name, p.room])).toEqual([[1, 'Déjà Là', undefined], [2, 'Jeanne Importée', '2A'], [3, 'Paul Importé', '2B']]);
    expect(await count(team, 'history')).toBe(3);
    expect(importReportLines(outcome, 'fr', null)).toEqual(['2 ligne(s) lue(s) : 2 acceptée(s), 0 refusée(s).', '2 patient(s) importé(s) dans l’équipe.']);

    const again = await importIntoTeam(patients, null, { teamId: team, file: { path: await csv('good.csv', GOOD) }, by: tool, now: clock.now() });
    expect(again.kind).toBe('alreadyImported');
    expect(importReportLines(again, 'en', null)[0]).toContain('already imported');
    const forced = await importIntoTeam(patients, null, { teamId: team, file: { path: await csv('good.csv', GOOD) }, again: true, by: tool, now: clock.now() });
    expect(forced).toMatchObject({ kind: 'checked', written: 0, report: { rejectedRows: 2 } });
    expect(await patients.all(team)).toHaveLength(3);
  });

  it('writes nothing when a row is refused, reports row, column and reason, and --skip-invalid writes exactly the valid rows', async () => {
    const team = '19:import-bad@thread.tacv2';
    const file = await csv('bad.csv', [...GOOD, ';1950-01-01;3C;F-003', 'Futur Patient;2999-01-01;3D;F-004', 'Doublon;1940-01-01;3E;F-001']);
    const refused = await importIntoTeam(patients, null, { teamId: team, file: { path: file }, by: tool, now: clock.now() });
    expect(refused).toMatchObject({ kind: 'checked', written: 0 });
    const lines = importReportLines(refused, 'fr', null);
    expect(lines).toEqual(
      expect.arrayContaining([
        'Ligne 4, colonne « Nom » : le nom manque',
        'Ligne 5, colonne « Date de naissance » : date dans le futur',
        'Ligne 6, colonne « N° de dossier ou carte santé » : doublon dans le fichier',
      ]),
    );
    expect(lines.at(-1)).toContain('Rien n’a été importé');
    expect(await patients.all(team)).toHaveLength(0);

    const dry = await importIntoTeam(patients, null, { teamId: team, file: { path: file }, skipInvalid: true, dryRun: true, by: tool, now: clock.now() });
    expect(dry).toMatchObject({ written: 0, dryRun: true });
    expect(await patients.all(team)).toHaveLength(0);

    const partial = await importIntoTeam(patients, null, { teamId: team, file: { path: file }, skipInvalid: true, by: tool, now: clock.now() });
    expect(partial).toMatchObject({ written: 2 });
    expect((await patients.all(team)).map((p) => p.name)).toEqual(['Jeanne Importée', 'Paul Importé']);
  });

  it('refuses a file it cannot read with a localized reason', async () => {
    const fake = path.join(dir, 'fake.xlsx');
    await writeFile(fake, 'this is not a zip');
    const outcome = await importIntoTeam(patients, null, { teamId: '19:x@thread.tacv2', file: { path: fake }, by: tool, now: clock.now() });
    expect(importReportLines(outcome, 'fr', null)).toEqual(['Ce fichier n’est pas un classeur Excel (.xlsx) ou un CSV lisible.']);
  });

  it('exports the list with formula-looking cells escaped', async () => {
    const team = '19:export@thread.tacv2';
    await patients.add(team, tool, { name: '=HYPERLINK("http://evil.test")', fields: { room: '@SUM(1)' } });
    const out = path.join(dir, 'export.csv');
    expect(await exportTeam(patients, null, team, out, 'fr')).toHaveLength(1);
    const text = await readFile(out, 'utf8');
    expect(text).toContain(`'=HYPERLINK(""http://evil.test"")`);
    expect(text).toContain(`'@SUM(1)`);
  });

  it('runs as command-line tools against the server a running bot uses', async () => {
    const port = new URL(cosmos.server.endpoint).port;
    const env = { ...process.env, COSMOS_LOCAL_PORT: port, COSMOS_DATABASE: 'test' };
    const team = '19:cli@thread.tacv2';
    const imported = await run(process.execPath, ['-r', '@swc-node/register', 'scripts/import.ts', '--team', team, '--file', await csv('cli.csv', GOOD), '--lang', 'en'], { cwd: ROOT, env });
    expect(imported.stdout).toContain('2 patient(s) imported into the team.');
    const out = path.join(dir, 'cli.xlsx');
    const exported = await run(process.execPath, ['-r', '@swc-node/register', 'scripts/export.ts', '--team', team, '--out', out], { cwd: ROOT, env });
    expect(exported.stdout).toContain('2 patient(s) exporté(s)');
    const usage = await run(process.execPath, ['-r', '@swc-node/register', 'scripts/import.ts'], { cwd: ROOT, env }).catch((error) => error);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('Usage: npm run import');
  }, 60_000);
});
