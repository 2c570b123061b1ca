import { createReadStream } from 'node:fs';
import ExcelJS from 'exceljs';
import type { Cell, PositionalRow } from './cells';
import { TransferError } from './errors';
import { checkXlsxZip, type ZipLimits } from './zipGuard';

/** An .xlsx file's first tab, streamed, once `checkXlsxZip` passed (see readRows.ts). */

interface ExcelRowLike {
  number: number;
  eachCell(callback: (cell: { value: unknown }, column: number) => void): void;
}

/** Plain value of an exceljs cell: rich text joined, hyperlinks and errors as their text. */
function excelCell(value: unknown): Cell {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value instanceof Date) return value;
  if (typeof value === 'object') {
    const object = value as Record<string, unknown>;
    if ('formula' in object || 'sharedFormula' in object) {
      return { formula: String(object.formula ?? '') };
    }
    if (Array.isArray(object.richText)) {
      return (object.richText as { text?: unknown }[]).map((run) => String(run.text ?? '')).join('');
    }
    if ('text' in object) return excelCell(object.text);
    if ('error' in object) return String(object.error);
  }
  return String(value);
}

interface ReaderInternals {
  model?: { sheets?: { id?: number | string }[] };
  properties?: { model?: { date1904?: boolean } };
}
interface SheetInternals {
  id?: number | string;
  iterator?: { destroy?: () => void };
}
export async function* xlsxRows(
  path: string,
  size: number,
  limits: ZipLimits,
  onDate1904: (date1904: boolean) => void,
): AsyncGenerator<PositionalRow> {
  await checkXlsxZip(path, size, limits);
  const input = createReadStream(path);
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    // Styles are read so that date-formatted cells come back as dates; styles.xml is small and
    // already bounded by the zip check.
    styles: 'cache',
    worksheets: 'emit',
    entries: 'ignore',
  });
  const internals = reader as unknown as ReaderInternals;
  const sheets = reader[Symbol.asyncIterator]();
  let current: SheetInternals | undefined;
  let read = false;
  try {
    for (;;) {
      const next = await sheets.next();
      if (next.done) break;
      const sheet = next.value;
      current = sheet as unknown as SheetInternals;
      const firstTab = internals.model?.sheets?.[0]?.id;
      const isFirst = !read && (firstTab === undefined || String(firstTab) === String(current.id));
      if (!isFirst) {
        // Not read: close its temporary copy now; exceljs deletes it, or drains a streamed entry.
        current.iterator?.destroy?.();
        continue;
      }
      read = true;
      onDate1904(Boolean(internals.properties?.model?.date1904));
      for await (const row of sheet as unknown as AsyncIterable<ExcelRowLike>) {
        const values: Cell[] = [];
        row.eachCell((cell, column) => {
          values[column - 1] = excelCell(cell.value);
        });
        yield { rowNumber: row.number, values };
      }
    }
  } catch (error) {
    if (error instanceof TransferError) throw error;
    throw new TransferError('notASpreadsheet', { detail: 'unreadable workbook' }, { cause: error });
  } finally {
    // Stopped early (an error, too many rows, a consumer that broke off): exceljs copies sheets to
    // temporary files and deletes each one only when it moves on, so let it move on to the end.
    current?.iterator?.destroy?.();
    try {
      for (let next = await sheets.next(); !next.done; next = await sheets.next()) {
        (next.value as unknown as SheetInternals).iterator?.destroy?.();
      }
    } catch {
      // A damaged file: nothing more to clean.
    }
    input.destroy();
  }
}
