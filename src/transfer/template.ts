/**
 * The import template: an .xlsx with the header row in one language, drop-down lists where a
 * column has fixed values, date checks on date columns, and a second sheet explaining each column.
 */
import ExcelJS from 'exceljs';
import { t, type Lang } from '../i18n/messages';
import type { EditableField } from '../domain/patient';
import { DATE_COLUMNS, REQUIRED_COLUMNS, describeFormat, fixedValues, header, importColumns, type ColumnKey, type FieldLabels } from './columns';

/** Rows 2..TEMPLATE_ROWS carry the drop-down lists and date checks. */
export const TEMPLATE_ROWS = 5000;

export const SHEET_NAMES: Record<Lang, { data: string; help: string }> = {
  fr: { data: 'Patients', help: 'Explications' },
  en: { data: 'Patients', help: 'Instructions' },
};

const WIDTH: Partial<Record<ColumnKey, number>> = { name: 30, reason: 40, clinician: 26, fileNumber: 24 };
/** Text format so Excel keeps leading zeros and does not turn `3-12` into a date. */
const TEXT_COLUMNS: ReadonlySet<ColumnKey> = new Set<ColumnKey>(['room', 'fileNumber', 'phone']);

const FR_TEXT = {
    title: 'Contact Télésanté — gabarit d’importation',
    intro:
      'Une ligne par patient à partir de la ligne 2 de la feuille « Patients ». Gardez la ligne d’en-tête; l’ordre des colonnes est libre et les colonnes vides peuvent être retirées, sauf « Nom ».',
    dates: 'Dates : AAAA-MM-JJ (ex. 1948-03-15) ou une date Excel.',
    formulas: 'Les formules ne sont pas acceptées : copiez puis « Collage spécial → Valeurs ».',
    duplicates:
      'Doublons : un patient est reconnu par son n° de dossier, ou à défaut par son nom et sa date de naissance; une ligne déjà présente dans l’équipe ou dans le fichier est refusée.',
    csv: 'Le fichier peut aussi être enregistré en CSV UTF-8 (séparateur « ; » ou « , »).',
    column: 'Colonne',
    required: 'Obligatoire',
    format: 'Format',
    values: 'Valeurs permises',
    yes: 'oui',
    no: 'non',
    listError: 'Choisissez une valeur de la liste.',
    dateError: 'Entrez une date (AAAA-MM-JJ).',
    dateTitle: 'Date',
};

const TEXT: Record<Lang, typeof FR_TEXT> = {
  fr: FR_TEXT,
  en: {
    title: 'Contact Télésanté — import template',
    intro:
      'One row per patient from row 2 of the “Patients” sheet. Keep the header row; columns may be in any order and empty columns may be removed, except “Name”.',
    dates: 'Dates: YYYY-MM-DD (e.g. 1948-03-15) or an Excel date.',
    formulas: 'Formulas are not accepted: copy, then “Paste Special → Values”.',
    duplicates:
      'Duplicates: a patient is recognised by file number, or without one by name and date of birth; a row already in the team or earlier in the file is refused.',
    csv: 'The file may also be saved as CSV UTF-8 (separator “,” or “;”).',
    column: 'Column',
    required: 'Required',
    format: 'Format',
    values: 'Allowed values',
    yes: 'yes',
    no: 'no',
    listError: 'Choose a value from the list.',
    dateError: 'Enter a date (YYYY-MM-DD).',
    dateTitle: 'Date',
  },
};

function columnLetter(index: number): string {
  let n = index + 1;
  let letters = '';
  while (n > 0) {
    const rest = (n - 1) % 26;
    letters = String.fromCharCode(65 + rest) + letters;
    n = Math.floor((n - 1) / 26);
  }
  return letters;
}

interface ValidationSheet {
  dataValidations: { add(range: string, validation: ExcelJS.DataValidation): void };
}

export interface TemplateOptions {
  /** The team's fields, in this order (default: every editable field). `Nom`/`Name` and the status columns are always there. */
  fields?: readonly EditableField[];
  /** The team's own words for fields (the import accepts them too when given the same labels). */
  labels?: FieldLabels;
}

/** Builds the template workbook in memory (it is small). */
export function buildTemplate(lang: Lang, options: TemplateOptions = {}): ExcelJS.Workbook {
  const text = TEXT[lang];
  const columns = importColumns(options.fields);
  const title = (key: ColumnKey): string => header(key, lang, options.labels);
  const workbook = new ExcelJS.Workbook();
  workbook.creator = t(lang, 'appName');
  workbook.title = text.title;

  const sheet = workbook.addWorksheet(SHEET_NAMES[lang].data, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = columns.map((key) => ({
    key,
    width: Math.max(WIDTH[key] ?? 16, title(key).length + 4),
    style: DATE_COLUMNS.has(key) ? { numFmt: 'yyyy-mm-dd' } : TEXT_COLUMNS.has(key) ? { numFmt: '@' } : {},
  }));
  const headerRow = sheet.getRow(1);
  columns.forEach((key, index) => {
    const cell = headerRow.getCell(index + 1);
    cell.value = title(key);
    cell.font = { bold: true };
    cell.numFmt = 'General';
    cell.fill = {
      type: 'pattern',
      pattern: 'solid',
      fgColor: { argb: REQUIRED_COLUMNS.includes(key) ? 'FFFFE699' : 'FFDDEBF7' },
    };
    cell.note = describeFormat(key, lang);
  });
  headerRow.commit();

  const validations = (sheet as unknown as ValidationSheet).dataValidations;
  columns.forEach((key, index) => {
    const range = `${columnLetter(index)}2:${columnLetter(index)}${TEMPLATE_ROWS}`;
    const values = fixedValues(key, lang);
    if (values) {
      validations.add(range, {
        type: 'list',
        allowBlank: true,
        formulae: [`"${values.join(',')}"`],
        showErrorMessage: true,
        errorStyle: 'stop',
        errorTitle: title(key),
        error: text.listError,
      });
    } else if (DATE_COLUMNS.has(key)) {
      validations.add(range, {
        type: 'date',
        operator: 'between',
        allowBlank: true,
        formulae: [new Date(Date.UTC(1900, 0, 1)), new Date(Date.UTC(2100, 11, 31))],
        showErrorMessage: true,
        errorStyle: 'warning',
        errorTitle: text.dateTitle,
        error: text.dateError,
      });
    }
  });

  const help = workbook.addWorksheet(SHEET_NAMES[lang].help);
  help.columns = [{ width: 30 }, { width: 12 }, { width: 70 }, { width: 28 }];
  const lines = [text.title, t(lang, 'disclaimer'), text.intro, text.dates, text.formulas, text.duplicates, text.csv];
  lines.forEach((line, index) => {
    const row = help.addRow([line]);
    help.mergeCells(row.number, 1, row.number, 4);
    row.getCell(1).alignment = { wrapText: true, vertical: 'top' };
    if (index <= 1) row.getCell(1).font = { bold: true };
    if (index > 0) row.height = 32;
  });
  help.addRow([]);
  const tableHeader = help.addRow([text.column, text.required, text.format, text.values]);
  tableHeader.font = { bold: true };
  for (const key of columns) {
    const row = help.addRow([
      title(key),
      REQUIRED_COLUMNS.includes(key) ? text.yes : text.no,
      describeFormat(key, lang),
      fixedValues(key, lang)?.join(', ') ?? '',
    ]);
    row.alignment = { wrapText: true, vertical: 'top' };
  }
  return workbook;
}

/** Writes the template to `out` (.xlsx). */
export async function writeTemplate(lang: Lang, out: string, options: TemplateOptions = {}): Promise<void> {
  await buildTemplate(lang, options).xlsx.writeFile(out);
}
