/**
 * Writes a team's list as .xlsx or .csv, as a stream (rows may come from an async iterable so a
 * large team is never held in memory).
 *
 * Columns: `N°`/`#`, the import columns (so an export can be imported elsewhere), then last change,
 * changed by and the number of notes. Status and inactive reason use the import's words in the
 * export's language; dates are YYYY-MM-DD; the last change is `YYYY-MM-DD HH:mm` in Québec time.
 *
 * Every text cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is written with a
 * leading `'` so no spreadsheet runs it (CSV/formula injection); the import drops that `'` again.
 *
 * CSV: UTF-8 with a BOM (Excel needs it to read accents), CRLF, `;` for French (French-Canadian
 * Excel's list separator, since `,` is the decimal mark) and `,` for English.
 */
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import dayjs from 'dayjs';
import ExcelJS from 'exceljs';
import type { EditableField, InactiveReason, PatientStatus } from '../domain/patient';
import { TIME_ZONE } from '../i18n/format';
import { t, type Lang } from '../i18n/messages';
import { REASON_VALUES, STATUS_VALUES, exportColumns, header, type ExportColumnKey, type FieldLabels } from './columns';

export interface ExportRow {
  number: number;
  name: string;
  fields: Partial<Record<EditableField, string>>;
  status: PatientStatus;
  inactive?: { reason: InactiveReason; since: string };
  /** ISO timestamp of the last change. */
  updatedAt: string;
  /** Display name of who made it. */
  updatedBy: string;
  noteCount: number;
}

export interface ExportOptions {
  /** The team's fields, in this order (default: every editable field). */
  fields?: readonly EditableField[];
  /** The team's own words for fields, used as headers. */
  labels?: FieldLabels;
}

export const CSV_DELIMITER: Record<Lang, ';' | ','> = { fr: ';', en: ',' };

const DANGEROUS_START = /^[=+\-@\t\r]/;

/** Prefixes `'` to a cell a spreadsheet would run as a formula. */
export function escapeCell(value: string): string {
  return DANGEROUS_START.test(value) ? `'${value}` : value;
}

function lastChange(iso: string): string {
  const when = dayjs(iso);
  return when.isValid() ? when.tz(TIME_ZONE).format('YYYY-MM-DD HH:mm') : '';
}

/** One exported row, in `columns` order: numbers stay numbers (texts are escaped when written). */
export function exportValues(row: ExportRow, lang: Lang, columns: readonly ExportColumnKey[] = exportColumns()): (string | number)[] {
  const value = (key: ExportColumnKey): string | number => {
    switch (key) {
      case 'number':
        return row.number;
      case 'noteCount':
        return row.noteCount;
      case 'name':
        return row.name;
      case 'status':
        return STATUS_VALUES[lang][row.status];
      case 'inactiveReason':
        return row.status === 'inactive' && row.inactive ? REASON_VALUES[lang][row.inactive.reason] : '';
      case 'inactiveSince':
        return row.status === 'inactive' && row.inactive ? row.inactive.since.slice(0, 10) : '';
      case 'updatedAt':
        return lastChange(row.updatedAt);
      case 'updatedBy':
        return row.updatedBy;
      default:
        return row.fields[key] ?? '';
    }
  };
  return columns.map(value);
}

export function exportHeaders(lang: Lang, columns: readonly ExportColumnKey[] = exportColumns(), labels: FieldLabels = {}): string[] {
  return columns.map((key) => header(key, lang, labels));
}

const WIDTH: Partial<Record<ExportColumnKey, number>> = {
  number: 7,
  name: 30,
  reason: 40,
  clinician: 26,
  fileNumber: 22,
  updatedAt: 18,
  updatedBy: 24,
  noteCount: 8,
};

type Cells = (string | number)[];
type Rows<T> = AsyncIterable<T> | Iterable<T>;

/** One sheet of a spreadsheet file: what the patient list and the access-journal export both write. */
export interface Table {
  sheet: string;
  headers: string[];
  /** Column widths in characters (xlsx). */
  widths: number[];
  rows: Rows<Cells>;
}

/** Numbers stay numbers; every text is escaped so a spreadsheet never runs it. */
function safe(cells: Cells): Cells {
  return cells.map((cell) => (typeof cell === 'number' ? cell : escapeCell(cell)));
}

async function writeXlsx(table: Table, out: string, lang: Lang): Promise<number> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: out, useStyles: true, useSharedStrings: false });
  workbook.creator = t(lang, 'appName');
  const sheet = workbook.addWorksheet(table.sheet, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = table.widths.map((width, i) => ({ key: String(i), width }));
  const headerRow = sheet.addRow(safe(table.headers));
  headerRow.font = { bold: true };
  headerRow.commit();
  let count = 0;
  for await (const cells of table.rows) {
    // Empty texts are left as empty cells rather than empty strings.
    sheet.addRow(safe(cells).map((value) => (value === '' ? null : value))).commit();
    count++;
  }
  sheet.commit();
  const notice = workbook.addWorksheet(lang === 'fr' ? 'Avertissement' : 'Notice');
  notice.getColumn(1).width = 90;
  notice.addRow([t(lang, 'disclaimer')]).commit();
  notice.commit();
  await workbook.commit();
  return count;
}

async function writeCsv(table: Table, out: string, lang: Lang): Promise<number> {
  let count = 0;
  async function* records(): AsyncGenerator<Cells> {
    yield safe(table.headers);
    for await (const cells of table.rows) {
      count++;
      yield safe(cells);
    }
  }
  await pipeline(
    Readable.from(records()),
    stringify({ delimiter: CSV_DELIMITER[lang], bom: true, record_delimiter: 'windows' }),
    createWriteStream(out),
  );
  return count;
}

/** Writes one sheet to `out` as .xlsx or .csv (streamed); returns how many data rows were written. */
export async function writeTable(table: Table, format: 'xlsx' | 'csv', out: string, lang: Lang): Promise<{ rows: number }> {
  return { rows: format === 'xlsx' ? await writeXlsx(table, out, lang) : await writeCsv(table, out, lang) };
}

/** Writes the rows to `out`; returns how many patient rows were written. */
export async function writeExport(
  rows: Rows<ExportRow>,
  format: 'xlsx' | 'csv',
  out: string,
  lang: Lang,
  options: ExportOptions = {},
): Promise<{ rows: number }> {
  const columns = exportColumns(options.fields);
  const headers = exportHeaders(lang, columns, options.labels);
  async function* values(): AsyncGenerator<Cells> {
    for await (const row of rows) yield exportValues(row, lang, columns);
  }
  const widths = columns.map((key, i) => Math.max(WIDTH[key] ?? 16, headers[i]!.length + 2));
  return writeTable({ sheet: 'Patients', headers, widths, rows: values() }, format, out, lang);
}
