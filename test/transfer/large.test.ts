// 50,000-row files are read as a stream. Figures are printed, never asserted (machines differ).
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import ExcelJS from 'exceljs';
import { readRows } from '../../src/transfer/readRows';
import { tempFolder } from './support';

const folder = tempFolder();
afterAll(() => folder.cleanup());

// A full collection before measuring, so the figures are not the previous test's garbage.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const ROWS = 50_000;
const MB = 1024 * 1024;

function patient(i: number): string[] {
  const year = 1925 + (i % 70);
  const month = String((i % 12) + 1).padStart(2, '0');
  const day = String((i % 28) + 1).padStart(2, '0');
  return [`Patient Synthétique ${i}`, `${(i % 9) + 1}B-${i % 40}`, `${year}-${month}-${day}`, `D-${i}`, 'Suivi à domicile, pansement', '514 555-0100', 'Inf. Essai', i % 10 === 0 ? 'inactif' : 'actif', i % 10 === 0 ? 'départ' : ''];
}

const HEADERS = ['Nom', 'Chambre / unité', 'Date de naissance', 'N° de dossier ou carte santé', 'Motif du suivi', 'Téléphone', 'Clinicien(ne) responsable', 'Statut', 'Raison d’inactivité'];

/** Reads every row, sampling the heap; returns the count and the peak heap seen. */
async function measure(label: string, rows: AsyncIterable<unknown>): Promise<number> {
  collectGarbage();
  const start = Date.now();
  const before = process.memoryUsage().heapUsed;
  let peak = before;
  let count = 0;
  for await (const _ of rows) {
    if (++count % 500 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
  }
  const ms = Date.now() - start;
  console.log(
    `${label}: ${count} rows in ${ms} ms (${Math.round((count / ms) * 1000)} rows/s), heap before ${(before / MB).toFixed(0)} MB, peak ${(peak / MB).toFixed(0)} MB (+${((peak - before) / MB).toFixed(0)} MB)`,
  );
  return count;
}

describe('50,000-row files', () => {
  it('reads a 50,000-row CSV as a stream', async () => {
    const path = folder.path('big.csv');
    const out = createWriteStream(path);
    out.write('\uFEFF' + HEADERS.join(';') + '\r\n');
    for (let i = 0; i < ROWS; i++) {
      if (!out.write(patient(i).join(';') + '\r\n')) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');

    expect(await measure('50k CSV read', readRows({ path }))).toBe(ROWS);
  }, 30_000);

  it('reads a 50,000-row .xlsx as a stream', async () => {
    const path = folder.path('big.xlsx');
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: true });
    const sheet = workbook.addWorksheet('Patients');
    sheet.addRow(HEADERS).commit();
    for (let i = 0; i < ROWS; i++) {
      const values: (string | Date)[] = patient(i);
      values[2] = new Date(`${values[2]}T00:00:00Z`);
      sheet.addRow(values).commit();
    }
    sheet.commit();
    await workbook.commit();

    expect(await measure('50k xlsx read', readRows({ path }))).toBe(ROWS);
  }, 30_000);
});
