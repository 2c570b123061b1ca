/**
 * Start-up import of a 10,000-row file (CSV and XLSX) into an empty team, through the real SDK
 * against the in-process Cosmos server: rows per second for validate + write, and peak memory.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { PatientService } from '../src/domain/patientService';
import { CosmosPatientRepository } from '../src/store/cosmosPatientRepository';
import { importIntoTeam } from '../src/transfer/teamImport';
import { startTestCosmos } from '../test/support/cosmos';

const ROWS = 10_000;
const FIRST = ['Jeanne', 'Éloïse', 'Marc-André', 'Gisèle', 'Benoît', 'Chloé', 'Réjean', 'Thérèse'];
const LAST = ['Tremblay', 'Gagnon', 'Côté', 'Bélanger-Lévesque', 'Bouchard', 'Roy', 'Gauthier', 'Morin'];

function row(i: number): string[] {
  const year = 1925 + (i % 70);
  return [`${FIRST[i % 8]} ${LAST[(i >> 3) % 8]} ${i}`, `${year}-0${1 + (i % 9)}-1${i % 9}`, `${1 + (i % 6)}${'ABCD'[i % 4]}-${i % 40}`, `DOS-${100000 + i}`, 'Suivi à domicile, pansements et médication'];
}
const HEADER = ['Nom', 'Date de naissance', 'Chambre / unité', 'N° de dossier ou carte santé', 'Motif du suivi'];

/** Each file goes into a fresh in-memory store: the local server scans every document on writes. */
async function measure(label: string, file: string, teamId: string) {
  const cosmos = await startTestCosmos();
  const patients = new PatientService(new CosmosPatientRepository(cosmos.container));
  if (global.gc) global.gc();
  const baseline = process.memoryUsage();
  let peakHeap = baseline.heapUsed;
  let peakRss = baseline.rss;
  const sampler = setInterval(() => {
    const now = process.memoryUsage();
    peakHeap = Math.max(peakHeap, now.heapUsed);
    peakRss = Math.max(peakRss, now.rss);
  }, 20);
  const start = Date.now();
  const outcome = await importIntoTeam(patients, null, { teamId, file: { path: file }, by: { id: 'bench', name: 'Banc' }, now: new Date() });
  const seconds = (Date.now() - start) / 1000;
  clearInterval(sampler);
  const written = outcome.kind === 'checked' ? outcome.written : 0;
  const mb = (bytes: number) => Number((bytes / 1024 / 1024).toFixed(1));
  const result = { rows: written, seconds: Number(seconds.toFixed(2)), rowsPerSecond: Math.round(written / seconds), peakHeapMb: mb(peakHeap), heapGrowthMb: mb(peakHeap - baseline.heapUsed), peakRssMb: mb(peakRss) };
  await cosmos.stop();
  console.log(`  ${label}: ${result.rows} rows in ${result.seconds} s (${result.rowsPerSecond} rows/s), peak heap ${result.peakHeapMb} MB (+${result.heapGrowthMb} MB), peak RSS ${result.peakRssMb} MB`);
  return result;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-import-'));
  try {
    const rows = Array.from({ length: ROWS }, (_, i) => row(i));
    const csv = path.join(dir, 'patients.csv');
    await writeFile(csv, `\uFEFF${[HEADER, ...rows].map((r) => r.join(';')).join('\r\n')}\r\n`);
    const xlsx = path.join(dir, 'patients.xlsx');
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet('Patients').addRows([HEADER, ...rows]);
    await workbook.xlsx.writeFile(xlsx);
    console.log(`\nStart-up import of ${ROWS} rows (validate every row, then bulk write with a history record each)`);
    const csvResult = await measure('CSV ', csv, '19:bench-import-csv@thread.tacv2');
    const xlsxResult = await measure('XLSX', xlsx, '19:bench-import-xlsx@thread.tacv2');
    console.log(`BENCH_JSON ${JSON.stringify({ import10k: { csv: csvResult, xlsx: xlsxResult } })}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

void main();
