/**
 * A file the import cannot read at all. The CLI and the bot turn the code into a sentence in the
 * person's language; `params` carry limits and counts, never a cell's content.
 */
export type TransferErrorCode =
  /** Larger than `maxBytes` (checked with stat, before reading). */
  | 'fileTooLarge'
  /** An .xlsx whose entries inflate beyond the limit or with a suspicious compression ratio. */
  | 'zipBomb'
  /** A row with a value beyond `maxColumns` (a 16,384-column sheet...). */
  | 'tooManyColumns'
  /** More data rows than `maxRows`. */
  | 'tooManyRows'
  /** Not a readable .xlsx (renamed file, encrypted workbook, damaged zip) or a binary .csv. */
  | 'notASpreadsheet'
  /** No header row naming the `Nom` / `Name` column among the first rows. */
  | 'missingNameColumn'
  /** Neither .xlsx nor .csv (.xls, .ods, .txt...). */
  | 'unknownFormat';

export class TransferError extends Error {
  constructor(
    readonly code: TransferErrorCode,
    readonly params: Record<string, string | number> = {},
    options?: { cause?: unknown },
  ) {
    super(code, options);
    this.name = 'TransferError';
  }
}
