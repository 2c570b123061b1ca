/**
 * Reads an import file (.xlsx or .csv) row by row, as a stream, with bounded memory.
 *
 * - .xlsx: checked first by `checkXlsxZip` (zip bomb, renamed file), then read with exceljs'
 *   streaming reader, first tab only. Excel dates (date-formatted cells) become YYYY-MM-DD, and so
 *   do plain numbers in a date column (Excel serial dates); rich text becomes plain text; numbers
 *   become their decimal text. A formula is NEVER evaluated and its cached result is not used: the
 *   cell yields the formula text as typed (`=1+1`) and its column is listed in `formulas`, so the
 *   validator refuses it (reason `formula`: paste values instead).
 * - .csv: UTF-8 with or without BOM (a file that is not valid UTF-8 is read as Windows-1252, what
 *   Excel's "CSV" saves on a French Windows), delimiter `;` or `,` taken from the header line,
 *   quoted fields, CRLF or LF. A CSV cell is always text: `=1+1` there is a string.
 *
 * The header row is the first row naming the `Nom` / `Name` column among the first 10 non-empty
 * rows (a title row above it is skipped); fully empty rows are skipped. Row numbers are the ones a
 * spreadsheet shows (the header is usually row 1). A file-level problem throws `TransferError`.
 */
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { Transform } from 'node:stream';
import { parse as parseCsv } from 'csv-parse';
import ExcelJS from 'exceljs';
import { DATE_COLUMNS, IMPORT_COLUMNS, mapHeader, type ColumnKey, type FieldLabels, type HeaderInfo } from './columns';
import { TransferError } from './errors';
import { checkXlsxZip, DEFAULT_ZIP_LIMITS, type ZipLimits } from './zipGuard';

export interface RawRow {
  rowNumber: number;
  /** Every import column, `''` when the file has no such column or the cell is empty. */
  cells: Record<ColumnKey, string>;
  /** Columns whose cell was an Excel formula (its text is in `cells`, never evaluated). */
  formulas?: ColumnKey[];
}

export interface ReadOptions {
  /** Refused before parsing when larger (default 20 MB). */
  maxBytes?: number;
  /** Data rows after the header (default 60,000). */
  maxRows?: number;
  /** Highest column holding a value, on any row (default 40). */
  maxColumns?: number;
  /** Zip limits for .xlsx (default 100 MB uncompressed, ratio 100:1 on entries over 1 MB). */
  zip?: Partial<ZipLimits>;
  /** The team's own field labels, accepted as headers besides the standard ones. */
  labels?: FieldLabels;
  /** Called once with the header row's mapping (unknown and ignored columns), before the first row. */
  onHeader?: (header: HeaderInfo) => void;
}

export interface ImportFile {
  path: string;
  /** Original file name when `path` is a temporary file (a Teams attachment); gives the format. */
  name?: string;
  /** Forces the format instead of the extension. */
  format?: 'xlsx' | 'csv';
}

export const READ_DEFAULTS = { maxBytes: 20 * 1024 * 1024, maxRows: 60_000, maxColumns: 40 } as const;

/** How many non-empty rows may come before the header row (titles, notes). */
const HEADER_SEARCH_ROWS = 10;
/** Longest CSV record, in characters: 40 columns of long text fit easily. */
const MAX_CSV_RECORD = 256 * 1024;

type Cell = string | number | boolean | Date | { formula: string } | undefined;
interface PositionalRow {
  rowNumber: number;
  values: Cell[];
}

export function fileFormat(file: ImportFile): 'xlsx' | 'csv' {
  if (file.format) return file.format;
  const extension = extname(file.name ?? file.path).toLowerCase();
  if (extension === '.xlsx') return 'xlsx';
  if (extension === '.csv') return 'csv';
  throw new TransferError('unknownFormat', { extension: extension.slice(0, 10) });
}

export async function* readRows(file: ImportFile, options: ReadOptions = {}): AsyncGenerator<RawRow> {
  const maxBytes = options.maxBytes ?? READ_DEFAULTS.maxBytes;
  const maxRows = options.maxRows ?? READ_DEFAULTS.maxRows;
  const maxColumns = options.maxColumns ?? READ_DEFAULTS.maxColumns;
  const format = fileFormat(file);
  const info = await stat(file.path);
  if (!info.isFile()) throw new TransferError('notASpreadsheet', { detail: 'not a file' });
  if (info.size > maxBytes) throw new TransferError('fileTooLarge', { maxBytes, size: info.size });

  let date1904 = false;
  const source =
    format === 'xlsx'
      ? xlsxRows(file.path, info.size, { ...DEFAULT_ZIP_LIMITS, ...options.zip }, (is1904) => (date1904 = is1904))
      : csvRows(file.path);

  let header: HeaderInfo | undefined;
  let searched = 0;
  let count = 0;
  for await (const row of source) {
    const last = lastFilled(row.values);
    if (last < 0) continue;
    if (last >= maxColumns) throw new TransferError('tooManyColumns', { maxColumns, rowNumber: row.rowNumber });
    if (!header) {
      const candidate = mapHeader(row.values.map((value) => toText(value, undefined, false)), row.rowNumber, options.labels);
      if (candidate.positions.name !== undefined) {
        header = candidate;
        options.onHeader?.(header);
      } else if (++searched >= HEADER_SEARCH_ROWS) {
        break;
      }
      continue;
    }
    if (++count > maxRows) throw new TransferError('tooManyRows', { maxRows });
    const cells = {} as Record<ColumnKey, string>;
    let formulas: ColumnKey[] | undefined;
    for (const key of IMPORT_COLUMNS) {
      const position = header.positions[key];
      const value = position === undefined ? undefined : row.values[position];
      cells[key] = toText(value, key, date1904);
      if (isFormula(value)) (formulas ??= []).push(key);
    }
    yield formulas ? { rowNumber: row.rowNumber, cells, formulas } : { rowNumber: row.rowNumber, cells };
  }
  if (!header) throw new TransferError('missingNameColumn');
}

function isFormula(value: Cell): value is { formula: string } {
  return typeof value === 'object' && value !== null && !(value instanceof Date) && 'formula' in value;
}

function lastFilled(values: Cell[]): number {
  for (let i = values.length - 1; i >= 0; i--) {
    const value = values[i];
    if (value !== undefined && !(typeof value === 'string' && value.trim() === '')) return i;
  }
  return -1;
}

/** Excel serial numbers from 1900-01-01 to 9999-12-31. */
const SERIAL_MIN = 1;
const SERIAL_MAX = 2_958_465;

function serialToIso(serial: number, date1904: boolean): string {
  const ms = Math.round((serial - 25569 + (date1904 ? 1462 : 0)) * 86_400_000);
  return new Date(ms).toISOString().slice(0, 10);
}

function numberText(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(15)));
}

function toText(value: Cell, key: ColumnKey | undefined, date1904: boolean): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'number') {
    if (key && DATE_COLUMNS.has(key) && value >= SERIAL_MIN && value <= SERIAL_MAX) return serialToIso(value, date1904);
    return numberText(value);
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'invalid date' : value.toISOString().slice(0, 10);
  return `=${value.formula}`;
}

// ---------------------------------------------------------------------------------------------
// .xlsx

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

async function* xlsxRows(
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

// ---------------------------------------------------------------------------------------------
// .csv

/** Refuses binary files (a renamed .xlsx, .xls or image) and tells whether the bytes are valid UTF-8. */
async function sniffCsv(path: string): Promise<{ utf8: boolean }> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(8192);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    const start = head.subarray(0, bytesRead);
    if (start.includes(0)) throw new TransferError('notASpreadsheet', { detail: 'binary file' });
  } finally {
    await handle.close();
  }
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 256 * 1024 })) {
      decoder.decode(chunk as Buffer, { stream: true });
    }
    decoder.decode();
    return { utf8: true };
  } catch {
    return { utf8: false };
  }
}

/** `;` or `,`, whichever appears more often outside quotes in the header line (`,` on a tie). */
export function detectDelimiter(firstLine: string): ';' | ',' {
  let quoted = false;
  let semicolons = 0;
  let commas = 0;
  for (const char of firstLine) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && char === ';') semicolons++;
    else if (!quoted && char === ',') commas++;
  }
  return semicolons > commas ? ';' : ',';
}

async function firstLine(path: string, encoding: 'utf-8' | 'windows-1252'): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const text = new TextDecoder(encoding).decode(buffer.subarray(0, bytesRead));
    const end = text.search(/\r|\n/);
    return end < 0 ? text : text.slice(0, end);
  } finally {
    await handle.close();
  }
}

function windows1252(): Transform {
  const decoder = new TextDecoder('windows-1252');
  return new Transform({
    readableObjectMode: false,
    transform(chunk: Buffer, _encoding, done) {
      done(null, decoder.decode(chunk, { stream: true }));
    },
    flush(done) {
      done(null, decoder.decode());
    },
  });
}

async function* csvRows(path: string): AsyncGenerator<PositionalRow> {
  const { utf8 } = await sniffCsv(path);
  const encoding = utf8 ? 'utf-8' : 'windows-1252';
  const delimiter = detectDelimiter(await firstLine(path, encoding));
  const input = createReadStream(path);
  const parser = parseCsv({
    delimiter,
    bom: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: false,
    max_record_size: MAX_CSV_RECORD,
  });
  const stream = utf8 ? input.pipe(parser) : input.pipe(windows1252()).pipe(parser);
  input.on('error', (error) => parser.destroy(error));
  let rowNumber = 0;
  try {
    for await (const record of stream as AsyncIterable<string[]>) {
      rowNumber++;
      yield { rowNumber, values: record };
    }
  } catch (error) {
    if (error instanceof TransferError) throw error;
    throw new TransferError('notASpreadsheet', { detail: 'unreadable csv', rowNumber: rowNumber + 1 }, { cause: error });
  } finally {
    input.destroy();
    parser.destroy();
  }
}
