import { type ColumnKey, DATE_COLUMNS } from './columns';

/** A sheet's cells as the readers give them, and the text each one becomes. */

export type Cell = string | number | boolean | Date | { formula: string } | undefined;

/** A row as a file holds it: cells by position, before the header gives them names. */
export interface PositionalRow {
  rowNumber: number;
  values: Cell[];
}

export function isFormula(value: Cell): value is { formula: string } {
  return typeof value === 'object' && value !== null && !(value instanceof Date) && 'formula' in value;
}

export function lastFilled(values: Cell[]): number {
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

/** A cell's text: dates as YYYY-MM-DD (an Excel serial number in a date column too), a formula as typed. */
export function toText(value: Cell, key: ColumnKey | undefined, date1904: boolean): string {
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
