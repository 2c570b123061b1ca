import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { EDITABLE_FIELDS } from '../../src/domain/patient';
import { exportColumns, header } from '../../src/transfer/columns';
import { checkImportFile } from '../../src/transfer/validateRows';
import { escapeCell, writeExport, type ExportRow } from '../../src/transfer/writeExport';
import { tempFolder, TODAY } from './support';

const folder = tempFolder();
afterAll(() => folder.cleanup());

const NONE = { fileNumbers: new Set<string>(), nameDob: new Set<string>() };
const AT = '2026-11-25T15:00:00.000Z'; // 10:00 in Québec

/** The six fields every team starts with: keeps the expected columns stable as fields are added. */
const FIELDS = ['room', 'dateOfBirth', 'fileNumber', 'reason', 'phone', 'clinician'] as const;

const DANGEROUS = ["=cmd|' /C calc'!A0", '+1', '-1', '@SUM(1)'];

function rows(): ExportRow[] {
  return [
    { number: 1, name: DANGEROUS[0]!, fields: { room: '+1', phone: '-1', reason: '@SUM(1)' }, status: 'active', updatedAt: AT, updatedBy: '=HYPERLINK("x")', noteCount: 2 },
    {
      number: 2,
      name: 'Jeanne Synthétique',
      fields: { dateOfBirth: '1940-05-01', fileNumber: '000123', clinician: 'Inf. Essai' },
      status: 'inactive',
      inactive: { reason: 'discharge', since: '2026-10-01' },
      updatedAt: AT,
      updatedBy: 'Inf. Essai',
      noteCount: 0,
    },
    { number: 3, name: '+Plus Nom', fields: { reason: 'ligne 1\nligne 2; avec, séparateurs "et guillemets"' }, status: 'active', updatedAt: AT, updatedBy: 'B', noteCount: 14 },
  ];
}

async function* slowly(list: ExportRow[]): AsyncGenerator<ExportRow> {
  for (const row of list) {
    await new Promise((resolve) => setImmediate(resolve));
    yield row;
  }
}

describe('escapeCell', () => {
  it('prefixes a quote to cells a spreadsheet would run, and only to those', () => {
    for (const value of [...DANGEROUS, '\tx', '\rx']) expect(escapeCell(value)).toBe(`'${value}`);
    for (const value of ['Jeanne', '1940-05-01', '514 555-0100', "'quoted", '']) expect(escapeCell(value)).toBe(value);
  });
});

describe('writeExport', () => {
  it('writes an .xlsx whose dangerous cells are escaped text, never formulas', async () => {
    const out = folder.path('export-en.xlsx');
    expect(await writeExport(slowly(rows()), 'xlsx', out, 'en', { fields: FIELDS })).toEqual({ rows: 3 });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(out);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.getRow(1).values).toEqual([
      undefined,
      '#', 'Name', 'Room / unit', 'Date of birth', 'File or health-card number', 'Reason for follow-up', 'Phone', 'Responsible clinician',
      'Status', 'Inactive reason', 'Inactive since', 'Last change', 'Changed by', 'Notes',
    ]);
    expect(sheet.getRow(2).values).toEqual([
      undefined, 1, "'=cmd|' /C calc'!A0", "'+1", undefined, undefined, "'@SUM(1)", "'-1", undefined, 'active', undefined, undefined, '2026-11-25 10:00', '\'=HYPERLINK("x")', 2,
    ]);
    expect(sheet.getRow(3).values).toEqual([
      undefined, 2, 'Jeanne Synthétique', undefined, '1940-05-01', '000123', undefined, undefined, 'Inf. Essai', 'inactive', 'discharge', '2026-10-01', '2026-11-25 10:00', 'Inf. Essai', 0,
    ]);
    sheet.eachRow((row) => row.eachCell((cell) => expect(cell.type).not.toBe(ExcelJS.ValueType.Formula)));
    const xml = await (await import('jszip')).default.loadAsync(readFileSync(out));
    expect(await xml.file('xl/worksheets/sheet1.xml')!.async('string')).not.toContain('<f>');
    expect(workbook.worksheets[1]!.getCell('A1').value).toBe('This list complements the clinical record (DCI); it does not replace it.');
  });

  it('writes a CSV in UTF-8 with BOM and CRLF: `;` in French, `,` in English, dangerous cells escaped', async () => {
    for (const [lang, delimiter] of [
      ['fr', ';'],
      ['en', ','],
    ] as const) {
      const out = folder.path(`export-${lang}.csv`);
      await writeExport(rows(), 'csv', out, lang, { fields: FIELDS });
      const bytes = readFileSync(out);
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const text = bytes.toString('utf8').slice(1);
      expect(text.split('\r\n')[0]).toBe(
        lang === 'fr'
          ? 'N°;Nom;Chambre / unité;Date de naissance;N° de dossier ou carte santé;Motif du suivi;Téléphone;Clinicien(ne) responsable;Statut;Raison d’inactivité;Date d’inactivité;Dernière modification;Modifié par;Notes'
          : '#,Name,Room / unit,Date of birth,File or health-card number,Reason for follow-up,Phone,Responsible clinician,Status,Inactive reason,Inactive since,Last change,Changed by,Notes',
      );
      const records = parse(text, { delimiter, relax_column_count: false }) as string[][];
      expect(records).toHaveLength(4);
      expect(records[1]!.slice(0, 8)).toEqual(['1', "'=cmd|' /C calc'!A0", "'+1", '', '', "'@SUM(1)", "'-1", '']);
      expect(records[1]![12]).toBe('\'=HYPERLINK("x")');
      expect(records[2]!.slice(8, 11)).toEqual(lang === 'fr' ? ['inactif', 'congé', '2026-10-01'] : ['inactive', 'discharge', '2026-10-01']);
      expect(records[3]![1]).toBe("'+Plus Nom");
      expect(records[3]![5]).toBe('ligne 1\nligne 2; avec, séparateurs "et guillemets"');
      // No field of the file starts with a character a spreadsheet would run.
      for (const record of records) for (const field of record) expect(field).not.toMatch(/^[=+\-@\t\r]/);
    }
  });

  it('writes every editable field by default, and the team’s fields and words when given', async () => {
    const all = folder.path('all.csv');
    await writeExport(rows(), 'csv', all, 'en');
    const headers = (parse(readFileSync(all, 'utf8').slice(1)) as string[][])[0]!;
    expect(headers).toEqual(exportColumns().map((key) => header(key, 'en')));
    expect(headers).toHaveLength(EDITABLE_FIELDS.length + 8);

    const team = folder.path('team.csv');
    await writeExport(rows(), 'csv', team, 'fr', { fields: ['clinician', 'room'], labels: { room: 'Lit' } });
    const [teamHeaders, first] = parse(readFileSync(team, 'utf8').slice(1), { delimiter: ';' }) as string[][];
    expect(teamHeaders).toEqual(['N°', 'Nom', 'Clinicien(ne) responsable', 'Lit', 'Statut', 'Raison d’inactivité', 'Date d’inactivité', 'Dernière modification', 'Modifié par', 'Notes']);
    expect(first!.slice(0, 4)).toEqual(['1', "'=cmd|' /C calc'!A0", '', "'+1"]);
  });

  it.each([
    ['csv', 'fr'],
    ['xlsx', 'en'],
  ] as const)('an export (%s, %s) imports back unchanged, its bookkeeping columns ignored', async (format, lang) => {
    const out = folder.path(`roundtrip-${lang}.${format}`);
    await writeExport(rows(), format, out, lang);
    const { header: found, report } = await checkImportFile({ path: out }, NONE, TODAY);
    expect(found.unknown).toEqual([]);
    expect(found.ignored).toEqual(['number', 'updatedAt', 'updatedBy', 'noteCount']);
    expect(report.rejected).toEqual([]);
    expect(report.accepted.map(({ name, fields, status, inactive }) => ({ name, fields, status, inactive }))).toEqual(
      rows().map(({ name, fields, status, inactive }) => ({ name, fields, status, inactive })),
    );
  });
});
