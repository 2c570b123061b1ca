/**
 * The columns of the import template and of the export, with their French and English headers,
 * the format each expects and the fixed values where a column has some.
 *
 * Headers are matched whatever the case, accents and spaces (`N° DE DOSSIER` = `n° de dossier`),
 * in either language and any order. Plain TypeScript: no Cosmos, no botbuilder.
 */
import { EDITABLE_FIELDS, FIELD_MAX, NAME_MAX, type EditableField, inactiveReasonOf, type InactiveReason, type PatientStatus } from '../domain/patient';
import { FIELD_WORDS } from '../domain/fieldWords';
import { fold } from '../domain/text';
import { t, type Lang, type MessageKey } from '../i18n/messages';

/** Every column an import can read, in template order (a team's template shows its own fields). */
export const IMPORT_COLUMNS = ['name', ...EDITABLE_FIELDS, 'status', 'inactiveReason', 'inactiveSince'] as const;
export type ColumnKey = (typeof IMPORT_COLUMNS)[number];

/** Columns only the export writes; an import of an exported file recognises and ignores them. */
export const EXPORT_ONLY_COLUMNS = ['number', 'updatedAt', 'updatedBy', 'noteCount'] as const;
export type ExportOnlyColumnKey = (typeof EXPORT_ONLY_COLUMNS)[number];

/** Export column order: the team number first, then the import columns, then the bookkeeping. */
export const EXPORT_COLUMNS = ['number', ...IMPORT_COLUMNS, 'updatedAt', 'updatedBy', 'noteCount'] as const;
export type ExportColumnKey = (typeof EXPORT_COLUMNS)[number];

/** The import columns of a template or export showing `fields`, in that order (default: every editable field). */
export function importColumns(fields: readonly EditableField[] = EDITABLE_FIELDS): ColumnKey[] {
  const chosen = [...new Set(fields)].filter(isEditableField);
  return ['name', ...chosen, 'status', 'inactiveReason', 'inactiveSince'];
}

export function exportColumns(fields: readonly EditableField[] = EDITABLE_FIELDS): ExportColumnKey[] {
  return ['number', ...importColumns(fields), 'updatedAt', 'updatedBy', 'noteCount'];
}

export function isEditableField(key: string): key is EditableField {
  return (EDITABLE_FIELDS as readonly string[]).includes(key);
}

/**
 * Columns that hold a date: Excel dates and serial numbers are turned into YYYY-MM-DD there, and
 * the template checks dates. Any field named `...Date` is one (the domain validates it as a date).
 */
export const DATE_COLUMNS: ReadonlySet<ColumnKey> = new Set<ColumnKey>(
  IMPORT_COLUMNS.filter((key) => key === 'dateOfBirth' || key === 'inactiveSince' || /Date$/.test(key)),
);
/** Columns that must be present in the file. */
export const REQUIRED_COLUMNS: readonly ColumnKey[] = ['name'];

export const STATUS_VALUES: Record<Lang, Record<PatientStatus, string>> = {
  fr: { active: 'actif', inactive: 'inactif' },
  en: { active: 'active', inactive: 'inactive' },
};

export const REASON_VALUES: Record<Lang, Record<InactiveReason, string>> = {
  fr: { leave: 'absence temporaire', discharge: 'congé', death: 'décès' },
  en: { leave: 'leave', discharge: 'discharge', death: 'death' },
};

/** The values a template offers in a drop-down list, in the template's language. */
export function fixedValues(key: ColumnKey, lang: Lang): string[] | undefined {
  if (key === 'status') return Object.values(STATUS_VALUES[lang]);
  if (key === 'inactiveReason') return Object.values(REASON_VALUES[lang]);
  return undefined;
}

/**
 * Headers of the columns that have no `field.*` label in src/i18n/messages.ts (yet): the
 * message's label wins as soon as it exists, and this one stays accepted on import.
 */
const OWN_HEADERS: Partial<Record<ExportColumnKey, Record<Lang, string>>> = {
  status: { fr: 'Statut', en: 'Status' },
  inactiveReason: { fr: 'Raison d’inactivité', en: 'Inactive reason' },
  inactiveSince: { fr: 'Date d’inactivité', en: 'Inactive since' },
  number: { fr: 'N°', en: '#' },
  updatedAt: { fr: 'Dernière modification', en: 'Last change' },
  updatedBy: { fr: 'Modifié par', en: 'Changed by' },
  noteCount: { fr: 'Notes', en: 'Notes' },
  address: { fr: 'Adresse', en: 'Address' },
  ptiDate: { fr: 'Date du PTI', en: 'Nursing care plan (PTI) date' },
  allergy: { fr: 'Allergies', en: 'Allergies' },
  codeStatus: { fr: 'Niveau de soins', en: 'Level of care' },
  familyContact: { fr: 'Proche à joindre', en: 'Family contact' },
};

/** Columns whose header is the bot's own field label (`field.<key>`), so both always agree. */
const LABELLED = new Set<string>(['name', ...EDITABLE_FIELDS]);

/** The `field.<key>` label of src/i18n/messages.ts, or undefined while the key has none. */
function messageLabel(key: string, lang: Lang): string | undefined {
  if (!LABELLED.has(key)) return undefined;
  try {
    const text = t(lang, `field.${key}` as MessageKey);
    return typeof text === 'string' && text ? text : undefined;
  } catch {
    return undefined; // no such message: t() reads an undefined entry
  }
}

/** Team-specific words for fields (the settings' labels, e.g. "Lit" for room). */
export type FieldLabels = Partial<Record<EditableField, string>>;

/** The header a template or an export writes for a column: the team's label, the bot's, or ours. */
export function header(key: ExportColumnKey, lang: Lang, labels: FieldLabels = {}): string {
  const own = isEditableField(key) ? labels[key]?.trim() : undefined;
  return own || messageLabel(key, lang) || OWN_HEADERS[key]?.[lang] || key;
}

/**
 * Other spellings accepted on import, besides both languages' headers: common source-system
 * headers (the fields' ones are in src/domain/fieldWords.ts). English `Reason` is the follow-up
 * reason (as in `set reason`), never the inactive reason.
 */
const ALIASES: Partial<Record<ExportColumnKey, readonly string[]>> = {
  name: ['nom complet', 'nom du patient', 'patient', 'full name', 'patient name'],
  ...Object.fromEntries(EDITABLE_FIELDS.map((field) => [field, FIELD_WORDS[field].headers])),
  status: ['état', 'state'],
  inactiveReason: ['raison inactivité', 'motif d’inactivité', 'reason inactive', 'inactivity reason'],
  inactiveSince: ['inactif depuis', 'date inactivité', 'inactive date'],
  number: ['numéro', 'no', 'number'],
  updatedAt: ['last changed'],
  updatedBy: ['modifié par', 'last changed by'],
  noteCount: ['nombre de notes', 'note count'],
};

/** Folded header: no case, accents, spaces, straight or curly apostrophes, or trailing `*` / `:`. */
export function headerKey(text: string): string {
  return fold(text)
    .replace(/[’‘`´]/g, "'")
    .replace(/[*:]+$/g, '')
    .replace(/\s+/g, '');
}

function spellings(key: ExportColumnKey): string[] {
  const all = [header(key, 'fr'), header(key, 'en'), ...(ALIASES[key] ?? [])];
  const own = OWN_HEADERS[key];
  if (own) all.push(own.fr, own.en);
  return all;
}

function buildIndex(): Map<string, ExportColumnKey> {
  const index = new Map<string, ExportColumnKey>();
  for (const key of EXPORT_COLUMNS) {
    for (const spelling of spellings(key)) {
      const folded = headerKey(spelling);
      // First come, first served: a column's own headers are listed before the aliases of later ones.
      if (folded && !index.has(folded)) index.set(folded, key);
    }
  }
  return index;
}

let headerIndex: Map<string, ExportColumnKey> | undefined;

/** Which column a header names (a team's own labels first), or undefined when it is unknown. */
export function columnOf(headerText: string, labels: FieldLabels = {}): ExportColumnKey | undefined {
  const folded = headerKey(headerText);
  for (const [field, label] of Object.entries(labels) as [EditableField, string | undefined][]) {
    if (label?.trim() && headerKey(label) === folded) return field;
  }
  headerIndex ??= buildIndex();
  return headerIndex.get(folded);
}

export function isImportColumn(key: ExportColumnKey): key is ColumnKey {
  return (IMPORT_COLUMNS as readonly string[]).includes(key);
}

/** What a file's header row said: where each known column is, and what was not understood. */
export interface HeaderInfo {
  /** Row number of the header row (1 for a file that starts with it). */
  rowNumber: number;
  /** Zero-based position of each import column found. */
  positions: Partial<Record<ColumnKey, number>>;
  /** Header texts that name no column: reported, their cells are not read. */
  unknown: string[];
  /** Export-only columns (`N°`, `Last change`...) recognised and not imported. */
  ignored: ExportOnlyColumnKey[];
  /** A column named twice: only the first one is read. */
  duplicates: ColumnKey[];
}

/** Maps a header row (cell texts by zero-based position) to columns. */
export function mapHeader(cells: readonly (string | undefined)[], rowNumber: number, labels: FieldLabels = {}): HeaderInfo {
  const info: HeaderInfo = { rowNumber, positions: {}, unknown: [], ignored: [], duplicates: [] };
  cells.forEach((cell, position) => {
    const text = (cell ?? '').trim();
    if (!text) return;
    const key = columnOf(text, labels);
    if (!key) info.unknown.push(text.slice(0, 80));
    else if (!isImportColumn(key)) info.ignored.push(key);
    else if (info.positions[key] !== undefined) info.duplicates.push(key);
    else info.positions[key] = position;
  });
  return info;
}

/** Formats that say more than "text, N characters at most" or "a date". */
const FORMATS: Partial<Record<ColumnKey, Record<Lang, string>>> = {
  name: {
    fr: `Obligatoire. Prénom et nom, texte libre, ${NAME_MAX} caractères au plus.`,
    en: `Required. First and last name, free text, at most ${NAME_MAX} characters.`,
  },
  dateOfBirth: {
    fr: 'AAAA-MM-JJ (ex. 1948-03-15) ou une date Excel; pas dans le futur.',
    en: 'YYYY-MM-DD (e.g. 1948-03-15) or an Excel date; not in the future.',
  },
  fileNumber: {
    fr: `Lettres, chiffres, espaces, « . », « / » ou « - », ${FIELD_MAX.fileNumber} caractères au plus. Sert à repérer les doublons.`,
    en: `Letters, digits, spaces, “.”, “/” or “-”, at most ${FIELD_MAX.fileNumber} characters. Used to detect duplicates.`,
  },
  phone: {
    fr: `Chiffres, espaces, + ( ) - . et un poste (ex. 514 555-0100 poste 12), ${FIELD_MAX.phone} caractères au plus.`,
    en: `Digits, spaces, + ( ) - . and an extension (e.g. 514 555-0100 ext 12), at most ${FIELD_MAX.phone} characters.`,
  },
  status: {
    fr: 'actif ou inactif (vide = actif, ou inactif si une raison d’inactivité est donnée).',
    en: 'active or inactive (empty = active, or inactive when an inactive reason is given).',
  },
  inactiveReason: {
    fr: 'absence temporaire, congé (fin du suivi) ou décès. Obligatoire pour un patient inactif; ignorée pour un patient actif.',
    en: 'leave, discharge or death. Required for an inactive patient; ignored for an active one.',
  },
  inactiveSince: {
    fr: 'AAAA-MM-JJ ou une date Excel; vide = date de l’importation. Ignorée pour un patient actif.',
    en: 'YYYY-MM-DD or an Excel date; empty = the import date. Ignored for an active patient.',
  },
};

/** How a column's values are written, for the template's explanations. */
export function describeFormat(key: ColumnKey, lang: Lang): string {
  const special = FORMATS[key]?.[lang];
  if (special) return special;
  if (DATE_COLUMNS.has(key)) return lang === 'fr' ? 'AAAA-MM-JJ (ex. 2026-01-31) ou une date Excel.' : 'YYYY-MM-DD (e.g. 2026-01-31) or an Excel date.';
  const max = isEditableField(key) ? FIELD_MAX[key] : undefined;
  if (max === undefined) return lang === 'fr' ? 'Texte.' : 'Text.';
  return lang === 'fr' ? `Texte, ${max} caractères au plus.` : `Text, at most ${max} characters.`;
}

/** Status as written in a file, in either language; `undefined` for an empty cell, `null` when unknown. */
export function parseStatus(raw: string): PatientStatus | undefined | null {
  const value = fold(raw);
  if (!value) return undefined;
  for (const lang of ['fr', 'en'] as const) {
    for (const status of ['active', 'inactive'] as const) {
      if (value === fold(STATUS_VALUES[lang][status]) || value === fold(t(lang, `status.${status}`))) return status;
    }
  }
  return null;
}

/** Inactive reason in either language (`congé`, `absence temporaire`, `Temporary leave`...); `null` when unknown. */
export function parseInactiveReason(raw: string): InactiveReason | undefined | null {
  const value = fold(raw);
  if (!value) return undefined;
  for (const lang of ['fr', 'en'] as const) {
    for (const reason of ['leave', 'discharge', 'death'] as const) {
      if (value === fold(REASON_VALUES[lang][reason]) || value === fold(t(lang, `inactive.${reason}`))) return reason;
    }
  }
  // The words a person would type (`absence`, `départ`, `fin de suivi`) mean the same in a file.
  return inactiveReasonOf(value) ?? null;
}
