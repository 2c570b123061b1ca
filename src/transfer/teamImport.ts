import type { AccessedPatient } from '../domain/journal';
import { type Actor, EDITABLE_FIELDS } from '../domain/patient';
import type { PatientService } from '../domain/patientService';
import type { TeamSettings } from '../domain/team';
import { enabledFields } from '../domain/team';
import { formatDate } from '../i18n/format';
import { type Lang, type MessageKey, t } from '../i18n/messages';
import { type FieldLabels, header } from './columns';
import { TransferError } from './errors';
import { checkImportFile, existingKeys, type ImportReport } from './validateRows';
import { type ExportRow, writeExport } from './writeExport';

export interface ImportRequest {
  teamId: string;
  file: { path: string; name?: string };
  dryRun?: boolean;
  skipInvalid?: boolean;
  again?: boolean;
  by: Actor;
  now: Date;
}

export type ImportOutcome =
  | { kind: 'alreadyImported'; at: string; count: number }
  | { kind: 'fileRefused'; error: TransferError }
  | { kind: 'checked'; report: ImportReport; unknownColumns: string[]; written: number; dryRun: boolean; imported: AccessedPatient[] };

/** The team's own words for its fields, for headers. */
export function fieldLabels(settings: TeamSettings | null): FieldLabels {
  if (!settings) return {};
  return Object.fromEntries(enabledFields(settings).flatMap((f) => (settings.fields[f].label ? [[f, settings.fields[f].label]] : [])));
}

/**
 * The start-up import: every row is validated first against the file and the team's existing
 * patients; nothing is written when a row is refused unless `skipInvalid`, then exactly the
 * valid rows are. A team already imported refuses a second run unless `again`.
 */
export async function importIntoTeam(patients: PatientService, settings: TeamSettings | null, request: ImportRequest): Promise<ImportOutcome> {
  const previous = await patients.lastImport(request.teamId);
  if (previous && !request.again) return { kind: 'alreadyImported', at: previous.at, count: previous.count };
  let checked;
  try {
    const existing = existingKeys(await patients.all(request.teamId));
    checked = await checkImportFile(request.file, existing, request.now, { labels: fieldLabels(settings) });
  } catch (error) {
    if (error instanceof TransferError) return { kind: 'fileRefused', error };
    throw error;
  }
  const { report, header: found } = checked;
  const writable = report.rejected.length === 0 || request.skipInvalid;
  const imported = writable && !request.dryRun ? await patients.importPatients(request.teamId, request.by, report.accepted) : [];
  return { kind: 'checked', report, unknownColumns: found.unknown, written: imported.length, dryRun: Boolean(request.dryRun), imported };
}

const REJECTS_SHOWN = 200;

/** The report as lines in the person's language: counts, each refusal by row and column, what was written. */
export function importReportLines(outcome: ImportOutcome, lang: Lang, settings: TeamSettings | null): string[] {
  if (outcome.kind === 'alreadyImported') return [t(lang, 'import.already', { date: formatDate(outcome.at, lang), count: outcome.count })];
  if (outcome.kind === 'fileRefused') return [t(lang, `import.error.${outcome.error.code}` as MessageKey, outcome.error.params)];
  const { report } = outcome;
  const labels = fieldLabels(settings);
  const lines = [t(lang, 'import.read', { total: report.total, accepted: report.accepted.length, rejectedRows: report.rejectedRows })];
  if (outcome.unknownColumns.length) lines.push(t(lang, 'import.unknownColumns', { columns: outcome.unknownColumns.join(', ') }));
  for (const rejection of report.rejected.slice(0, REJECTS_SHOWN)) {
    lines.push(
      t(lang, 'import.rejectLine', {
        row: rejection.rowNumber,
        column: header(rejection.column, lang, labels),
        reason: t(lang, `import.reason.${rejection.reason}` as MessageKey),
      }),
    );
  }
  if (report.rejected.length > REJECTS_SHOWN) lines.push(t(lang, 'import.moreRejects', { count: report.rejected.length - REJECTS_SHOWN }));
  if (outcome.dryRun) lines.push(t(lang, 'import.dryRun'));
  else if (outcome.written > 0) lines.push(t(lang, 'import.written', { count: outcome.written }));
  else if (report.rejected.length > 0) lines.push(t(lang, 'import.nothingWritten'));
  return lines;
}

/** The team's list as .xlsx or .csv, in the team's fields and labels, spreadsheet-safe; returns who is in it (for the journal). */
export async function exportTeam(patients: PatientService, settings: TeamSettings | null, teamId: string, out: string, lang: Lang): Promise<AccessedPatient[]> {
  const all = await patients.all(teamId);
  const rows: ExportRow[] = all.map((p) => ({
    number: p.number,
    name: p.name,
    fields: Object.fromEntries(EDITABLE_FIELDS.flatMap((field) => (p[field] === undefined ? [] : [[field, p[field]]]))),
    status: p.status,
    inactive: p.inactive,
    updatedAt: p.updated.at,
    updatedBy: p.updated.by.name,
    noteCount: p.noteCount,
  }));
  const format = out.toLowerCase().endsWith('.csv') ? 'csv' : 'xlsx';
  await writeExport(rows, format, out, lang, { fields: settings ? enabledFields(settings) : undefined, labels: fieldLabels(settings) });
  return all.map((p) => ({ id: p.id, number: p.number }));
}
