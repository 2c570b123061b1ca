import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import { parseTemplateArgs } from '../../scripts/template';
import { t } from '../../src/i18n/messages';
import { IMPORT_COLUMNS, header } from '../../src/transfer/columns';
import { SHEET_NAMES, writeTemplate } from '../../src/transfer/template';
import { checkImportFile } from '../../src/transfer/validateRows';
import { tempFolder, TODAY } from './support';

const folder = tempFolder();
afterAll(() => folder.cleanup());

const NONE = { fileNumbers: new Set<string>(), nameDob: new Set<string>() };

async function open(path: string): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(path);
  return workbook;
}

describe.each(['fr', 'en'] as const)('template (%s)', (lang) => {
  const path = folder.path(`template-${lang}.xlsx`);
  beforeAll(() => writeTemplate(lang, path));

  it('has the header row in its language, bold and frozen, with lists and date checks', async () => {
    const workbook = await open(path);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.name).toBe(SHEET_NAMES[lang].data);
    const headers = IMPORT_COLUMNS.map((_, i) => sheet.getRow(1).getCell(i + 1).value);
    expect(headers).toEqual(IMPORT_COLUMNS.map((key) => header(key, lang)));
    expect(headers[0]).toBe(lang === 'fr' ? 'Nom' : 'Name');
    expect(headers).toContain(lang === 'fr' ? 'Raison d’inactivité' : 'Inactive reason');
    expect(sheet.getRow(1).getCell(1).font?.bold).toBe(true);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(sheet.getColumn(1).width).toBeGreaterThanOrEqual(20);

    const column = (key: (typeof IMPORT_COLUMNS)[number]): string => String.fromCharCode(65 + IMPORT_COLUMNS.indexOf(key));
    for (const row of [2, 5000]) {
      expect(sheet.getCell(`${column('status')}${row}`).dataValidation).toMatchObject({
        type: 'list',
        formulae: [lang === 'fr' ? '"actif,inactif"' : '"active,inactive"'],
      });
      expect(sheet.getCell(`${column('inactiveReason')}${row}`).dataValidation).toMatchObject({
        type: 'list',
        formulae: [lang === 'fr' ? '"absence temporaire,congé,décès"' : '"leave,discharge,death"'],
      });
      expect(sheet.getCell(`${column('dateOfBirth')}${row}`).dataValidation).toMatchObject({ type: 'date' });
      expect(sheet.getCell(`${column('inactiveSince')}${row}`).dataValidation).toMatchObject({ type: 'date' });
    }
    expect(sheet.getCell(`${column('status')}5001`).dataValidation).toBeUndefined();
  });

  it('explains every column, its format and the disclaimer on the second sheet', async () => {
    const workbook = await open(path);
    const help = workbook.worksheets[1]!;
    expect(help.name).toBe(SHEET_NAMES[lang].help);
    const text: string[] = [];
    help.eachRow((row) => row.eachCell((cell) => text.push(String(cell.value))));
    const all = text.join('\n');
    for (const key of IMPORT_COLUMNS) expect(text).toContain(header(key, lang));
    expect(all).toContain(t(lang, 'disclaimer'));
    expect(all).toContain(lang === 'fr' ? 'AAAA-MM-JJ' : 'YYYY-MM-DD');
    expect(all).toContain(lang === 'fr' ? 'Obligatoire' : 'Required');
  });

  it('round-trips: a template filled in Excel imports back', async () => {
    const workbook = await open(path);
    const sheet = workbook.worksheets[0]!;
    const index = (key: (typeof IMPORT_COLUMNS)[number]): number => IMPORT_COLUMNS.indexOf(key) + 1;
    const fill = (row: number, values: Partial<Record<(typeof IMPORT_COLUMNS)[number], ExcelJS.CellValue>>): void => {
      for (const [key, value] of Object.entries(values)) sheet.getRow(row).getCell(index(key as (typeof IMPORT_COLUMNS)[number])).value = value;
    };
    const inactive = lang === 'fr' ? 'inactif' : 'inactive';
    const death = lang === 'fr' ? 'décès' : 'death';
    fill(2, { name: 'Jeanne Synthétique', room: '3B-12', dateOfBirth: new Date(Date.UTC(1940, 4, 1)), fileNumber: '000123', phone: '514 555-0100', clinician: 'Inf. Essai' });
    fill(3, { name: 'Paul Fictif', dateOfBirth: 18994, status: inactive, inactiveReason: death, inactiveSince: new Date(Date.UTC(2026, 9, 1)) });
    fill(4, { name: 'Sans Date', reason: 'Suivi de plaie' });
    await workbook.xlsx.writeFile(folder.path(`filled-${lang}.xlsx`));

    const { header: found, report } = await checkImportFile({ path: folder.path(`filled-${lang}.xlsx`) }, NONE, TODAY);
    expect(found.unknown).toEqual([]);
    expect(Object.keys(found.positions)).toEqual([...IMPORT_COLUMNS]);
    expect(report.rejected).toEqual([]);
    expect(report.accepted).toEqual([
      {
        rowNumber: 2,
        name: 'Jeanne Synthétique',
        status: 'active',
        fields: { room: '3B-12', dateOfBirth: '1940-05-01', fileNumber: '000123', phone: '514 555-0100', clinician: 'Inf. Essai' },
      },
      { rowNumber: 3, name: 'Paul Fictif', status: 'inactive', inactive: { reason: 'death', since: '2026-10-01' }, fields: { dateOfBirth: '1952-01-01' } },
      { rowNumber: 4, name: 'Sans Date', status: 'active', fields: { reason: 'Suivi de plaie' } },
    ]);
  });
});

describe('template for a team', () => {
  it('shows the team’s fields with its own words, and the import reads them back', async () => {
    const path = folder.path('team.xlsx');
    await writeTemplate('fr', path, { fields: ['room', 'fileNumber'], labels: { room: 'Lit' } });
    const workbook = await open(path);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.getRow(1).values).toEqual([undefined, 'Nom', 'Lit', 'N° de dossier ou carte santé', 'Statut', 'Raison d’inactivité', 'Date d’inactivité']);
    sheet.getRow(2).values = ['Patient Lit', '12-A', 'Z-1'];
    await workbook.xlsx.writeFile(path);
    const { header: found, report } = await checkImportFile({ path }, NONE, TODAY, { labels: { room: 'Lit' } });
    expect(found.positions).toEqual({ name: 0, room: 1, fileNumber: 2, status: 3, inactiveReason: 4, inactiveSince: 5 });
    expect(report.accepted).toEqual([{ rowNumber: 2, name: 'Patient Lit', status: 'active', fields: { room: '12-A', fileNumber: 'Z-1' } }]);
  });
});

describe('npm run template', () => {
  it('parses --lang and --out, and explains bad arguments', () => {
    const out = folder.path('x.xlsx');
    expect(parseTemplateArgs(['--lang', 'fr', '--out', out])).toEqual({ lang: 'fr', out });
    expect(parseTemplateArgs([`--out=${out}`, '--lang=EN'])).toEqual({ lang: 'en', out });
    expect(parseTemplateArgs(['--out', out])).toEqual({ error: '--lang is missing' });
    expect(parseTemplateArgs(['--lang', 'de', '--out', out])).toEqual({ error: '--lang must be fr or en, not de' });
    expect(parseTemplateArgs(['--lang', 'fr'])).toEqual({ error: '--out is missing' });
    expect(parseTemplateArgs(['--lang', 'fr', '--out', folder.path('x.csv')])).toEqual({ error: '--out must end with .xlsx' });
    expect(parseTemplateArgs(['--lang', '--out', out])).toEqual({ error: '--lang needs a value' });
    expect(parseTemplateArgs(['--lang', 'fr', '--out', '/no/such/folder/x.xlsx'])).toEqual({ error: 'folder not found: /no/such/folder' });
    expect(parseTemplateArgs(['fr'])).toEqual({ error: 'unknown argument: fr' });
  });

  it('writes the file, or prints the usage and exits with 2', async () => {
    const run = promisify(execFile);
    const root = join(__dirname, '..', '..');
    const script = ['-r', '@swc-node/register', join(root, 'scripts', 'template.ts')];
    const out = folder.path('cli.xlsx');
    const ok = await run(process.execPath, [...script, '--lang', 'en', '--out', out], { cwd: root });
    expect(ok.stdout).toContain('Template (en) written');
    expect(existsSync(out)).toBe(true);
    const bad = await run(process.execPath, [...script, '--lang', 'xx'], { cwd: root }).catch((error: { code: number; stderr: string }) => error);
    expect(bad).toMatchObject({ code: 2 });
    expect((bad as { stderr: string }).stderr).toContain('Usage: npm run template -- --lang fr|en --out <file.xlsx>');
  }, 20_000);
});
