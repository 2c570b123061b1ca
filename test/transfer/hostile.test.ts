// Hostile files: each is refused with a typed error before it can cost memory or time.
import { createWriteStream, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { readRows } from '../../src/transfer/readRows';
import { checkXlsxZip } from '../../src/transfer/zipGuard';
import { collect, failure, tempFolder } from './support';

const folder = tempFolder();
afterAll(() => folder.cleanup());

const SHEET_START = '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>';
const SHEET_END = '</sheetData></worksheet>';
const ROW = '<row r="2"><c r="A2" t="inlineStr"><is><t>Bombe</t></is></c></row>';

/** The worksheet XML, `bytes` long, generated as it is zipped so the test holds 64 KB at a time. */
function* sheetXml(bytes: number): Generator<string> {
  yield SHEET_START;
  const chunk = ROW.repeat(Math.ceil(65536 / ROW.length));
  for (let written = 0; written < bytes; written += chunk.length) yield chunk;
  yield SHEET_END;
}

function minimalWorkbook(zip: JSZip): void {
  zip.file('[Content_Types].xml', '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>');
  zip.file('xl/workbook.xml', '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets><sheet name="S" sheetId="1" r:id="rId1" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"/></sheets></workbook>');
}

describe('hostile files', () => {
  it('refuses a zip bomb (150 MB of rows in a ~0.5 MB .xlsx) from its central directory, without inflating it', async () => {
    const path = folder.path('bomb.xlsx');
    const zip = new JSZip();
    minimalWorkbook(zip);
    zip.file('xl/worksheets/sheet1.xml', Readable.from(sheetXml(150 * 1024 * 1024)) as unknown as string);
    await pipeline(
      zip.generateNodeStream({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 9 }, streamFiles: true }),
      createWriteStream(path),
    );
    const size = statSync(path).size;
    expect(size).toBeLessThan(1024 * 1024);
    const before = process.memoryUsage().heapUsed;
    expect(await failure(collect(readRows({ path })))).toBe('zipBomb');
    console.log(`zip bomb: ${(size / 1024).toFixed(0)} KB file declaring 150 MB, refused; heap delta ${((process.memoryUsage().heapUsed - before) / 1e6).toFixed(1)} MB`);
  }, 20_000);

  it('refuses a zip bomb that lies about its sizes, while inflating it into a counter', async () => {
    const path = folder.path('liar.xlsx');
    const zip = new JSZip();
    minimalWorkbook(zip);
    zip.file('xl/worksheets/sheet1.xml', [...sheetXml(8 * 1024 * 1024)].join(''));
    const buffer = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 9 } });
    // Declare 900 KB uncompressed (under the ratio check's floor) in the local and central headers.
    const name = Buffer.from('xl/worksheets/sheet1.xml');
    for (const [signature, sizeAt, nameAt] of [
      [0x04034b50, 22, 30],
      [0x02014b50, 24, 46],
    ] as const) {
      for (let at = buffer.indexOf(name); at >= 0; at = buffer.indexOf(name, at + 1)) {
        const header = at - nameAt;
        if (header >= 0 && buffer.readUInt32LE(header) === signature) buffer.writeUInt32LE(900 * 1024, header + sizeAt);
      }
    }
    writeFileSync(path, buffer);
    const error = await checkXlsxZip(path, buffer.length).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'zipBomb', params: { detail: 'inflated ratio' } });
    expect(await failure(collect(readRows({ path })))).toBe('zipBomb');
  });

  it('refuses a 200 MB file from its size, without reading it', async () => {
    const path = folder.path('huge.csv');
    writeFileSync(path, 'Nom\n');
    truncateSync(path, 200 * 1024 * 1024); // sparse: takes no disk space
    expect(await failure(collect(readRows({ path })))).toBe('fileTooLarge');
    const xlsx = folder.path('huge.xlsx');
    writeFileSync(xlsx, '');
    truncateSync(xlsx, 200 * 1024 * 1024);
    expect(await failure(collect(readRows({ path: xlsx })))).toBe('fileTooLarge');
  });

  it('refuses a sheet with 16,384 columns', async () => {
    const path = folder.path('wide.xlsx');
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: false });
    const sheet = workbook.addWorksheet('Patients');
    sheet.addRow(['Nom', ...Array.from({ length: 16_383 }, (_, i) => `C${i}`)]).commit();
    sheet.addRow(['Large Patient']).commit();
    sheet.commit();
    await workbook.commit();
    expect(await failure(collect(readRows({ path })))).toBe('tooManyColumns');

    const csv = folder.path('wide.csv');
    writeFileSync(csv, ['Nom', ...Array.from({ length: 16_383 }, (_, i) => `C${i}`)].join(';') + '\nLarge Patient\n');
    expect(await failure(collect(readRows({ path: csv })))).toBe('tooManyColumns');
  });

  it('refuses a CSV line longer than any real row, and too many rows in an .xlsx; a reader stopped early lets go of the file', async () => {
    const long = folder.path('long.csv');
    writeFileSync(long, 'Nom;Motif du suivi\n' + 'x;' + 'y'.repeat(1024 * 1024) + '\n');
    expect(await failure(collect(readRows({ path: long })))).toBe('notASpreadsheet');

    const path = folder.path('rows.xlsx');
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path });
    const sheet = workbook.addWorksheet('Patients');
    sheet.addRow(['Nom']).commit();
    for (let i = 0; i < 2000; i++) sheet.addRow([`P ${i}`]).commit();
    sheet.commit();
    await workbook.commit();
    expect(await failure(collect(readRows({ path }, { maxRows: 1000 })))).toBe('tooManyRows');
    for await (const row of readRows({ path })) {
      expect(row.rowNumber).toBe(2);
      break;
    }
    expect(await collect(readRows({ path }))).toHaveLength(2000);
  });

  it('refuses a file renamed .xlsx, a zip that holds no workbook, and a binary .csv', async () => {
    const text = folder.path('renamed.xlsx');
    writeFileSync(text, 'Nom;Chambre\nJeanne;3B\n');
    expect(await failure(collect(readRows({ path: text })))).toBe('notASpreadsheet');

    const docx = folder.path('document.xlsx');
    const zip = new JSZip();
    zip.file('word/document.xml', '<document/>');
    writeFileSync(docx, await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
    expect(await failure(collect(readRows({ path: docx })))).toBe('notASpreadsheet');

    const truncated = folder.path('truncated.xlsx');
    const good = folder.path('good.xlsx');
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet('Patients').addRows([['Nom'], ['Jeanne']]);
    await workbook.xlsx.writeFile(good);
    const bytes = readFileSync(good);
    writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
    expect(await failure(collect(readRows({ path: truncated })))).toBe('notASpreadsheet');

    // The same workbook re-zipped with data descriptors (sizes after the data) is still read.
    const descriptors = folder.path('descriptors.xlsx');
    const rezipped = await (await JSZip.loadAsync(bytes)).generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', streamFiles: true });
    writeFileSync(descriptors, rezipped);
    expect((await collect(readRows({ path: descriptors }))).map((r) => r.cells.name)).toEqual(['Jeanne']);

    const binary = folder.path('renamed.csv');
    writeFileSync(binary, bytes);
    expect(await failure(collect(readRows({ path: binary })))).toBe('notASpreadsheet');
  });
});
