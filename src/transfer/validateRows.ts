/**
 * Validates every row of an import before anything is written, with the domain's own rules
 * (validateName, validateField, validateDateOfBirth), and finds duplicates within the file and
 * against the team's existing patients.
 *
 * The report never carries a cell's content in its rejections (row number, column and reason only),
 * so it can be logged; accepted rows carry the cleaned values to write.
 *
 * Rules beyond the domain's:
 * - a cell that was an Excel formula is refused (`formula`): its text is not a value;
 * - a leading `'` before `=`, `+`, `-`, `@`, tab or CR is dropped: that is how the export escapes
 *   such cells, so an exported file imports back unchanged;
 * - status empty = active, or inactive when an inactive reason is given; an inactive patient needs
 *   a reason (`unknownReason` when missing or not one of absence temporaire/congé/décès | leave/discharge/death);
 *   an empty inactive date is the import date; for an active patient both columns are ignored;
 * - duplicates: by file number (folded) when the row has one, else by folded name + date of birth
 *   (a row with neither a file number nor a date of birth is keyed by its name alone).
 */
import { DomainError } from '../domain/errors';
import {
  EDITABLE_FIELDS,
  validateDateOfBirth,
  validateField,
  validateName,
  type EditableField,
  type InactiveReason,
  type PatientStatus,
} from '../domain/patient';
import { fold } from '../domain/text';
import { parseInactiveReason, parseStatus, type ColumnKey, type HeaderInfo } from './columns';
import { readRows, type ImportFile, type RawRow, type ReadOptions } from './readRows';

export type RejectReason =
  | 'missingName'
  | 'nameTooLong'
  | 'badDate'
  | 'dateInFuture'
  | 'badValue'
  | 'valueTooLong'
  | 'formula'
  | 'duplicateInFile'
  | 'duplicateExisting'
  | 'unknownStatus'
  | 'unknownReason';

export interface Rejection {
  rowNumber: number;
  column: ColumnKey;
  reason: RejectReason;
  /** Never set: a rejection carries no cell value, so reports can be logged. */
  value?: never;
}

export interface ImportRow {
  rowNumber: number;
  name: string;
  fields: Partial<Record<EditableField, string>>;
  status: PatientStatus;
  inactive?: { reason: InactiveReason; since: string };
}

export interface ImportReport {
  accepted: ImportRow[];
  /** One entry per refused cell (a row may have several), in file order. */
  rejected: Rejection[];
  /** Distinct rows with at least one rejection. */
  rejectedRows: number;
  /** Data rows read (empty rows excluded). */
  total: number;
}

export interface ExistingKeys {
  /** `fileKey(fileNumber)` of every existing patient that has a file number. */
  fileNumbers: Set<string>;
  /** `nameDobKey(name, dateOfBirth)` of every existing patient. */
  nameDob: Set<string>;
}

/** Folded file number; spaces, `.`, `-` and `/` are formatting and do not count. */
export function fileKey(fileNumber: string): string {
  return fold(fileNumber).replace(/[\s./-]/g, '');
}

/** Folded name and date of birth (empty when unknown). */
export function nameDobKey(name: string, dateOfBirth: string | undefined): string {
  return `${fold(name)}|${(dateOfBirth ?? '').trim()}`;
}

/** The one key a patient is deduplicated by: its file number when it has one, else name + birth date. */
export function dedupeKey(name: string, dateOfBirth: string | undefined, fileNumber: string | undefined): string {
  const file = fileNumber?.trim() ? fileKey(fileNumber) : '';
  return file ? `file:${file}` : `name:${nameDobKey(name, dateOfBirth)}`;
}

/** Builds the existing keys from the team's patients (all of them, active or not). */
export function existingKeys(patients: Iterable<{ name: string; dateOfBirth?: string; fileNumber?: string }>): ExistingKeys {
  const keys: ExistingKeys = { fileNumbers: new Set(), nameDob: new Set() };
  for (const patient of patients) addKeys(keys, patient.name, patient.dateOfBirth, patient.fileNumber);
  return keys;
}

function addKeys(keys: ExistingKeys, name: string, dateOfBirth: string | undefined, fileNumber: string | undefined): void {
  if (fileNumber?.trim()) keys.fileNumbers.add(fileKey(fileNumber));
  keys.nameDob.add(nameDobKey(name, dateOfBirth));
}

function isDuplicate(keys: ExistingKeys, name: string, dateOfBirth: string | undefined, fileNumber: string | undefined): boolean {
  return fileNumber?.trim() ? keys.fileNumbers.has(fileKey(fileNumber)) : keys.nameDob.has(nameDobKey(name, dateOfBirth));
}

/** Drops the `'` the export puts before a cell a spreadsheet would run. */
export function unescapeCell(value: string): string {
  return value.replace(/^(\s*)'(?=[=+\-@\t\r])/, '$1');
}

function reasonOf(error: unknown): RejectReason {
  if (!(error instanceof DomainError)) throw error;
  switch (error.code) {
    case 'nameRequired':
      return 'missingName';
    case 'nameTooLong':
      return 'nameTooLong';
    case 'dateInvalid':
    case 'dateTooOld':
      return 'badDate';
    case 'dateInFuture':
      return 'dateInFuture';
    case 'valueTooLong':
      return 'valueTooLong';
    default:
      return 'badValue';
  }
}

function todayIso(today: Date): string {
  return today.toISOString().slice(0, 10);
}

/** Validates one row; returns the row to write or the rejections (without values). */
export function validateRow(row: RawRow, today: Date): { row?: ImportRow; rejected: Rejection[] } {
  const rejected: Rejection[] = [];
  const reject = (column: ColumnKey, reason: RejectReason): void => {
    rejected.push({ rowNumber: row.rowNumber, column, reason });
  };
  const formulas = new Set(row.formulas ?? []);
  const cell = (column: ColumnKey): string | undefined => {
    if (formulas.has(column)) {
      reject(column, 'formula');
      return undefined;
    }
    return unescapeCell(row.cells[column] ?? '');
  };

  let name = '';
  const rawName = cell('name');
  if (rawName !== undefined) {
    try {
      name = validateName(rawName);
    } catch (error) {
      reject('name', reasonOf(error));
    }
  }

  const fields: Partial<Record<EditableField, string>> = {};
  for (const field of EDITABLE_FIELDS) {
    const raw = cell(field);
    if (raw === undefined) continue;
    try {
      const value = validateField(field, raw, today);
      if (value !== undefined) fields[field] = value;
    } catch (error) {
      reject(field, reasonOf(error));
    }
  }

  let status: PatientStatus = 'active';
  let inactive: ImportRow['inactive'];
  const rawStatus = cell('status');
  if (rawStatus !== undefined) {
    const parsed = parseStatus(rawStatus);
    const reasonFilled = formulas.has('inactiveReason') || (row.cells.inactiveReason ?? '').trim() !== '';
    if (parsed === null) {
      reject('status', 'unknownStatus');
    } else if (parsed === 'inactive' || (parsed === undefined && reasonFilled)) {
      status = 'inactive';
      const reasonCell = cell('inactiveReason');
      const reason = reasonCell === undefined ? undefined : parseInactiveReason(reasonCell);
      if (reasonCell !== undefined && !reason) reject('inactiveReason', 'unknownReason');
      let since = todayIso(today);
      const sinceCell = cell('inactiveSince');
      if (sinceCell?.trim()) {
        try {
          since = validateDateOfBirth(sinceCell, today);
        } catch (error) {
          reject('inactiveSince', reasonOf(error));
        }
      }
      if (reason) inactive = { reason, since };
    }
    // Active: the inactive reason and date are ignored, as the template explains.
  }

  if (rejected.length > 0) return { rejected };
  return { row: { rowNumber: row.rowNumber, name, fields, status, ...(inactive ? { inactive } : {}) }, rejected };
}

/**
 * Reads every row (the whole file is validated before anything is written) and returns the
 * accepted rows and the rejections. A file-level problem (TransferError from readRows) is thrown.
 */
export async function validateImport(rows: AsyncIterable<RawRow>, existing: ExistingKeys, today: Date): Promise<ImportReport> {
  const report: ImportReport = { accepted: [], rejected: [], rejectedRows: 0, total: 0 };
  const seen: ExistingKeys = { fileNumbers: new Set(), nameDob: new Set() };
  for await (const raw of rows) {
    report.total++;
    const { row, rejected } = validateRow(raw, today);
    if (!row) {
      report.rejected.push(...rejected);
      report.rejectedRows++;
      continue;
    }
    const { name, fields } = row;
    const column: ColumnKey = fields.fileNumber ? 'fileNumber' : 'name';
    if (isDuplicate(existing, name, fields.dateOfBirth, fields.fileNumber)) {
      report.rejected.push({ rowNumber: row.rowNumber, column, reason: 'duplicateExisting' });
      report.rejectedRows++;
    } else if (isDuplicate(seen, name, fields.dateOfBirth, fields.fileNumber)) {
      report.rejected.push({ rowNumber: row.rowNumber, column, reason: 'duplicateInFile' });
      report.rejectedRows++;
    } else {
      report.accepted.push(row);
    }
    addKeys(seen, name, fields.dateOfBirth, fields.fileNumber);
  }
  return report;
}

/** readRows + validateImport, with the header mapping (unknown and ignored columns) for the report. */
export async function checkImportFile(
  file: ImportFile,
  existing: ExistingKeys,
  today: Date,
  options: ReadOptions = {},
): Promise<{ header: HeaderInfo; report: ImportReport }> {
  let header: HeaderInfo | undefined;
  const report = await validateImport(
    readRows(file, {
      ...options,
      onHeader: (found) => {
        header = found;
        options.onHeader?.(found);
      },
    }),
    existing,
    today,
  );
  // readRows throws missingNameColumn when it finds no header, so header is set here.
  return { header: header!, report };
}
