import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import { accessRecord } from '../../src/domain/journal';
import { CosmosAccessJournal } from '../../src/store/cosmosAccessJournal';
import { startTestCosmos, type TestCosmos } from '../support/cosmos';
import { nurse, physician } from '../support/fixtures';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '..', '..');
const TEAM = '19:journal-cli@thread.tacv2';
let teams = 0;

describe('npm run journal: the export for an access request', () => {
  let cosmos: TestCosmos;
  let journal: CosmosAccessJournal;
  let dir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    cosmos = await startTestCosmos();
    journal = new CosmosAccessJournal(cosmos.container);
    dir = await mkdtemp(path.join(os.tmpdir(), 'journal-'));
    env = { ...process.env, COSMOS_LOCAL_PORT: new URL(cosmos.server.endpoint).port, COSMOS_DATABASE: 'test' };
  });
  afterAll(() => cosmos.stop());

  /** A team of its own with four accesses (three to #12), and one to #12 in another team: each test reads only its own. */
  async function journaledTeam(): Promise<string> {
    teams += 1;
    const team = `19:journal-cli-${teams}@thread.tacv2`;
    const p12 = { id: 'patient-12', number: 12 };
    const hostile = { id: 'aad-hostile', name: '=HYPERLINK("http://evil.test","x")' };
    await journal.record(team, accessRecord(`r1-${teams}`, new Date('2026-03-01T13:00:00.000Z'), nurse, 'patientShown', { place: 'channel', id: '19:c' }, [p12]));
    await journal.record(team, accessRecord(`r2-${teams}`, new Date('2026-05-02T13:00:00.000Z'), hostile, 'listViewed', { place: 'groupChat', id: 'g' }, [p12, { id: 'p13', number: 13 }, { id: 'p14', number: 14 }]));
    await journal.record(team, accessRecord(`r3-${teams}`, new Date('2026-06-03T13:00:00.000Z'), physician, 'alertPosted', { place: 'channel' }, [p12], { to: [nurse] }));
    await journal.record(team, accessRecord(`r4-${teams}`, new Date('2026-06-04T13:00:00.000Z'), physician, 'patientShown', { place: 'channel' }, [{ id: 'p13', number: 13 }]));
    await journal.record(`19:other-${teams}@thread.tacv2`, accessRecord(`o1-${teams}`, new Date('2026-06-05T13:00:00.000Z'), physician, 'patientShown', { place: 'channel' }, [p12]));
    return team;
  }

  function tool(args: string[]) {
    return run(process.execPath, ['-r', '@swc-node/register', 'scripts/journal.ts', ...args], { cwd: ROOT, env });
  }

  it('writes every access to the patient as CSV, newest first, formula-safe, other patients counted and not named', async () => {
    const team = await journaledTeam();
    const out = path.join(dir, 'acces.csv');
    const result = await tool(['--team', team, '--patient', '12', '--out', out]);
    expect(result.stdout).toContain('3 accès exporté(s)');
    const lines = (await readFile(out, 'utf8')).replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toBe('Date et heure (Québec);Date et heure (UTC);Personne;Identifiant Entra;Action;Où;Autres patients (nombre);Destinataires');
    expect(lines.slice(1)).toEqual([
      `2026-06-03 09:00:00;2026-06-03T13:00:00.000Z;${physician.name};${physician.id};alerte communiquée;canal de l’équipe;0;${nurse.name}`,
      `2026-05-02 09:00:00;2026-05-02T13:00:00.000Z;"'=HYPERLINK(""http://evil.test"",""x"")";aad-hostile;liste affichée;conversation de groupe;2;`,
      `2026-03-01 08:00:00;2026-03-01T13:00:00.000Z;${nurse.name};${nurse.id};fiche affichée;canal de l’équipe;0;`,
    ]);
  }, 60_000);

  it('writes .xlsx in English from a date, and journals its own use under the operating-system account', async () => {
    const team = await journaledTeam();
    // A first look at #12's journal: that look is an access too, and is listed.
    await tool(['--team', team, '--patient', '12', '--out', path.join(dir, 'first-look.csv')]);
    const out = path.join(dir, 'access.xlsx');
    const result = await tool(['--team', team, '--patient', '#12', '--from', '2026-05-01', '--out', out, '--lang', 'en']);
    expect(result.stdout).toContain('3 access(es) exported to');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(out);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.name).toBe('Accesses #12');
    expect(sheet.getRow(1).getCell(5).value).toBe('Action');
    expect([2, 3, 4].map((r) => sheet.getRow(r).getCell(5).value)).toEqual(['access log viewed', 'alert communicated', 'list shown']);
    expect(sheet.getRow(2).getCell(6).value).toBe('command-line tool');
    expect(sheet.getRow(4).getCell(3).value).toBe(`'=HYPERLINK("http://evil.test","x")`);
    expect(sheet.getRow(5).getCell(1).value).toBeNull();
    const looked = (await journal.page(team, { patientNumber: 12 }, { pageSize: 10 })).records.filter((r) => r.kind === 'journalViewed');
    expect(looked.length).toBeGreaterThanOrEqual(2);
    expect(looked[0]).toMatchObject({ where: { place: 'tool' }, by: { name: os.userInfo().username }, patients: [{ id: 'patient-12', number: 12 }] });
  }, 60_000);

  it('refuses bad arguments with the usage line and writes nothing', async () => {
    const out = path.join(dir, 'refused.csv');
    for (const args of [[], ['--team', TEAM, '--patient', 'douze', '--out', out], ['--team', TEAM, '--patient', '12', '--from', '2026-13-45', '--out', out]]) {
      const failed = await tool(args).catch((error) => error);
      expect(failed.code).toBe(2);
      expect(failed.stderr).toContain('Usage: npm run journal -- --team <teamId> --patient <N>');
    }
    expect(existsSync(out)).toBe(false);
  }, 60_000);
});
