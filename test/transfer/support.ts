// Fixture helpers for the transfer tests: every file is generated at test time in a temp folder.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { TransferError, type TransferErrorCode } from '../../src/transfer/errors';
import type { RawRow } from '../../src/transfer/readRows';

/** A temp folder removed after the file's tests. */
export function tempFolder(): { path: (name: string) => string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'transfer-test-'));
  return { path: (name) => join(dir, name), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function collect(rows: AsyncIterable<RawRow>): Promise<RawRow[]> {
  const all: RawRow[] = [];
  for await (const row of rows) all.push(row);
  return all;
}

/** Writes an .xlsx whose first sheet holds `rows` from A1 (`null` leaves a cell empty). */
export async function writeSheet(
  path: string,
  rows: unknown[][],
  setup?: (sheet: ExcelJS.Worksheet, workbook: ExcelJS.Workbook) => void,
): Promise<void> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Patients');
  rows.forEach((values, r) => {
    values.forEach((value, c) => {
      if (value !== null && value !== undefined) sheet.getCell(r + 1, c + 1).value = value as ExcelJS.CellValue;
    });
  });
  setup?.(sheet, workbook);
  await workbook.xlsx.writeFile(path);
}

/** The TransferError code a promise (or a read) fails with. */
export async function failure(promise: Promise<unknown>): Promise<TransferErrorCode> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TransferError) return error.code;
    throw error;
  }
  throw new Error('expected a TransferError');
}

export const TODAY = new Date('2026-11-25T15:00:00.000Z');
