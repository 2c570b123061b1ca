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
import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { isFormula, lastFilled, toText } from './cells';
import { IMPORT_COLUMNS, mapHeader, type ColumnKey, type FieldLabels, type HeaderInfo } from './columns';
import { csvRows } from './csvRows';
import { TransferError } from './errors';
import { xlsxRows } from './xlsxRows';
import { DEFAULT_ZIP_LIMITS, type ZipLimits } from './zipGuard';

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
