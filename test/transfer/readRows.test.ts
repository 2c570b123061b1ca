import { writeFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import type { HeaderInfo } from '../../src/transfer/columns';
import { detectDelimiter } from '../../src/transfer/csvRows';
import { readRows } from '../../src/transfer/readRows';
import { collect, failure, tempFolder, writeSheet } from './support';

const folder = tempFolder();
afterAll(() => folder.cleanup());

const BOM = '\uFEFF';

describe('readRows: CSV', () => {
  const french = 'Nom;Date de naissance;N° de dossier ou carte santé;Statut\r\n' + 'Jeanne Synthétique;1940-05-01;ABC 123;actif\r\n' + 'Paul Fictif;1951-12-31;;inactif\r\n';
  const english = 'Name,Date of birth,File or health-card number,Status\n' + 'Jeanne Synthétique,1940-05-01,ABC 123,active\n' + 'Paul Fictif,1951-12-31,,inactive\n';

  it.each([
    ['French, `;`, BOM, CRLF', french, true],
    ['French, `;`, no BOM', french, false],
    ['English, `,`, BOM, LF', english, true],
    ['English, `,`, no BOM', english, false],
  ])('reads %s', async (_label, text, bom) => {
    const path = folder.path(`${_label.replace(/\W+/g, '-')}.csv`);
    writeFileSync(path, (bom ? BOM : '') + text, 'utf8');
    const rows = await collect(readRows({ path }));
    expect(rows.map((r) => r.rowNumber)).toEqual([2, 3]);
    expect(rows[0]!.cells).toMatchObject({ name: 'Jeanne Synthétique', dateOfBirth: '1940-05-01', fileNumber: 'ABC 123', room: '' });
    expect(rows[1]!.cells).toMatchObject({ name: 'Paul Fictif', fileNumber: '' });
    expect(rows[0]!.cells.status).toMatch(/^acti(f|ve)$/);
  });

  it('matches headers whatever the case, accents, spaces and order, and reports unknown ones', async () => {
    const path = folder.path('headers.csv');
    writeFileSync(path, 'STATUT;  date DE naissance ;nom;Couleur préférée;N°\n' + 'inactif;1930-01-02;Éloi Essai;bleu;12\n');
    let header: HeaderInfo | undefined;
    const rows = await collect(readRows({ path }, { onHeader: (h) => (header = h) }));
    expect(header).toMatchObject({ rowNumber: 1, positions: { status: 0, dateOfBirth: 1, name: 2 }, unknown: ['Couleur préférée'], ignored: ['number'] });
    expect(rows[0]!.cells).toMatchObject({ name: 'Éloi Essai', dateOfBirth: '1930-01-02', status: 'inactif' });
  });

  it('keeps quoted fields with delimiters, quotes and line breaks as text', async () => {
    const path = folder.path('quoted.csv');
    writeFileSync(path, 'Nom;Motif du suivi\r\n"Tremblay; Marie ""Mimi""";"ligne 1\r\nligne 2"\r\n"=1+1";@SUM(1)\r\n');
    const rows = await collect(readRows({ path }));
    expect(rows[0]!.cells).toMatchObject({ name: 'Tremblay; Marie "Mimi"', reason: 'ligne 1\r\nligne 2' });
    // A CSV cell is always text: `=1+1` stays a string and is not marked as a formula.
    expect(rows[1]).toEqual(expect.objectContaining({ rowNumber: 3 }));
    expect(rows[1]!.cells.name).toBe('=1+1');
    expect(rows[1]!.formulas).toBeUndefined();
  });

  it('reads a Windows-1252 file (Excel "CSV" on a French Windows) with its accents', async () => {
    const path = folder.path('ansi.csv');
    // é = 0xE9, è = 0xE8, ’ = 0x92 in Windows-1252 (0x92 is a control character in Latin-1).
    writeFileSync(path, Buffer.from('Nom;T\xe9l\xe9phone\r\nH\xe9l\xe8ne D\x92Essai;514 555-0100\r\n', 'latin1'));
    const rows = await collect(readRows({ path }));
    expect(rows[0]!.cells).toMatchObject({ name: 'Hélène D’Essai', phone: '514 555-0100' });
  });

  it('skips empty rows and a title row above the header; row numbers are the spreadsheet ones', async () => {
    const path = folder.path('title.csv');
    writeFileSync(path, 'Liste de l’unité 3B;;\n;;\nNom;Chambre / unité;\nA Un;3B-1;\n;;\nB Deux;3B-2;\n');
    const rows = await collect(readRows({ path }));
    expect(rows.map((r) => [r.rowNumber, r.cells.name])).toEqual([
      [4, 'A Un'],
      [6, 'B Deux'],
    ]);
  });

  it('refuses a file without the Name column, an unknown format and too many rows', async () => {
    const noName = folder.path('noname.csv');
    writeFileSync(noName, 'Chambre;Téléphone\n3B;514\n');
    expect(await failure(collect(readRows({ path: noName })))).toBe('missingNameColumn');
    const empty = folder.path('empty.csv');
    writeFileSync(empty, '');
    expect(await failure(collect(readRows({ path: empty })))).toBe('missingNameColumn');
    const xls = folder.path('old.xls');
    writeFileSync(xls, 'whatever');
    expect(await failure(collect(readRows({ path: xls })))).toBe('unknownFormat');
    const many = folder.path('many.csv');
    writeFileSync(many, 'Nom\n' + Array.from({ length: 11 }, (_, i) => `P ${i}`).join('\n'));
    expect(await failure(collect(readRows({ path: many }, { maxRows: 10 })))).toBe('tooManyRows');
    expect(await collect(readRows({ path: many }, { maxRows: 11 }))).toHaveLength(11);
  });

  it('takes the format from the original name of a temporary file', async () => {
    const path = folder.path('upload-1234');
    writeFileSync(path, 'Name\nAttached Person\n');
    const rows = await collect(readRows({ path, name: 'liste.CSV' }));
    expect(rows[0]!.cells.name).toBe('Attached Person');
  });

  it('detects the delimiter from the header line, outside quotes', () => {
    expect(detectDelimiter('Nom;Chambre;Statut')).toBe(';');
    expect(detectDelimiter('Name,Room,Status')).toBe(',');
    expect(detectDelimiter('"Nom, complet";Chambre')).toBe(';');
    expect(detectDelimiter('Nom')).toBe(',');
  });
});

describe('readRows: xlsx', () => {
  it('turns Excel dates, serial dates in date columns, rich text and numbers into text', async () => {
    const path = folder.path('values.xlsx');
    await writeSheet(
      path,
      [
        ['Name', 'Date of birth', 'Room / unit', 'Phone', 'Inactive since', 'Status'],
        ['Date Cell', new Date(Date.UTC(1944, 6, 14)), 312, 5145550100, new Date(Date.UTC(2026, 0, 31)), 'inactive'],
        ['Serial Number', 16267, 2.5, null, 46053, null],
        [{ richText: [{ text: 'Rich ' }, { font: { bold: true }, text: 'Text' }] }, '1950-03-04', 'A-1', '+1 514', null, null],
      ],
      (sheet) => {
        sheet.getCell('B2').numFmt = 'yyyy-mm-dd';
        sheet.getCell('E2').numFmt = 'dd/mm/yyyy';
      },
    );
    const rows = await collect(readRows({ path }));
    expect(rows.map((r) => r.rowNumber)).toEqual([2, 3, 4]);
    expect(rows[0]!.cells).toMatchObject({ name: 'Date Cell', dateOfBirth: '1944-07-14', room: '312', phone: '5145550100', inactiveSince: '2026-01-31' });
    expect(rows[1]!.cells).toMatchObject({ name: 'Serial Number', dateOfBirth: '1944-07-14', room: '2.5', inactiveSince: '2026-01-31' });
    expect(rows[2]!.cells).toMatchObject({ name: 'Rich Text', dateOfBirth: '1950-03-04', room: 'A-1', phone: '+1 514' });
  });

  it('never evaluates a formula: the cell yields its text as typed and is marked', async () => {
    const path = folder.path('formulas.xlsx');
    await writeSheet(path, [
      ['Nom', 'Chambre / unité', 'Date de naissance', 'Motif du suivi'],
      [{ formula: '1+1', result: 2 }, { formula: 'HYPERLINK("http://example.invalid","x")', result: 'x' }, { formula: 'TODAY()', result: 46000 }, 'texte'],
    ]);
    const [row] = await collect(readRows({ path }));
    expect(row!.cells).toMatchObject({ name: '=1+1', room: '=HYPERLINK("http://example.invalid","x")', dateOfBirth: '=TODAY()', reason: 'texte' });
    expect(row!.formulas).toEqual(['name', 'room', 'dateOfBirth']);
  });

  it('reads the first tab only', async () => {
    const path = folder.path('tabs.xlsx');
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet('Patients').addRows([['Nom'], ['Premier Onglet']]);
    workbook.addWorksheet('Autre').addRows([['Nom'], ['Second Onglet']]);
    await workbook.xlsx.writeFile(path);
    const rows = await collect(readRows({ path }));
    expect(rows.map((r) => r.cells.name)).toEqual(['Premier Onglet']);
  });

  it('refuses a sheet without the Name column', async () => {
    const path = folder.path('noname.xlsx');
    await writeSheet(path, [['Chambre'], ['3B']]);
    expect(await failure(collect(readRows({ path })))).toBe('missingNameColumn');
  });
});
