import { writeFileSync } from 'node:fs';
import { IMPORT_COLUMNS, type ColumnKey } from '../../src/transfer/columns';
import type { RawRow } from '../../src/transfer/readRows';
import { checkImportFile, dedupeKey, existingKeys, validateImport, type ExistingKeys } from '../../src/transfer/validateRows';
import { tempFolder, TODAY } from './support';

const folder = tempFolder();
afterAll(() => folder.cleanup());

const NONE: ExistingKeys = { fileNumbers: new Set(), nameDob: new Set() };

function raw(rowNumber: number, cells: Partial<Record<ColumnKey, string>>, formulas?: ColumnKey[]): RawRow {
  const all = Object.fromEntries(IMPORT_COLUMNS.map((key) => [key, cells[key] ?? ''])) as Record<ColumnKey, string>;
  return formulas ? { rowNumber, cells: all, formulas } : { rowNumber, cells: all };
}

async function* iterate(rows: RawRow[]): AsyncGenerator<RawRow> {
  yield* rows;
}

function csv(name: string, lines: string[]): string {
  const path = folder.path(name);
  writeFileSync(path, '\uFEFF' + lines.join('\r\n') + '\r\n');
  return path;
}

describe('validateImport', () => {
  it('gives every reject reason with its row number and column, and no cell value', async () => {
    const path = csv('rejects.csv', [
      'Nom;Date de naissance;Chambre / unité;Téléphone;N° de dossier ou carte santé;Statut;Raison d’inactivité;Date d’inactivité',
      'Valide Un;1940-05-01;3B-1;514 555-0100;D-1;actif;;', // 2 accepted
      ';1940-05-01;;;;;;', // 3 missingName
      `${'N'.repeat(101)};;;;;;;`, // 4 nameTooLong
      'Date Mauvaise;15/03/1948;;;;;;', // 5 badDate
      'Date Future;2030-01-01;;;;;;', // 6 dateInFuture
      'Tel Mauvais;;;appelez-moi;;;;', // 7 badValue
      `Chambre Longue;;${'C'.repeat(41)};;;;;`, // 8 valueTooLong
      'Statut Inconnu;;;;;peut-être;;', // 9 unknownStatus
      'Raison Inconnue;;;;;inactif;vacances;', // 10 unknownReason
      'Raison Absente;;;;;inactif;;', // 11 unknownReason (missing)
      'Doublon Dossier;;;;d 1;;;', // 12 duplicateInFile (file number D-1 of row 2, folded)
      'Existant;1930-02-02;;;;;;', // 13 duplicateExisting (name + date of birth)
      'Date Inactivité;;;;;inactif;départ;demain', // 14 badDate on the inactive date
      'Deux Problèmes;1999-02-30;;abc;;;;', // 15 badDate + badValue
    ]);
    const existing = existingKeys([{ name: 'EXISTANT', dateOfBirth: '1930-02-02' }]);
    const { header, report } = await checkImportFile({ path }, existing, TODAY);
    expect(header.unknown).toEqual([]);
    expect(report.total).toBe(14);
    expect(report.accepted.map((r) => r.rowNumber)).toEqual([2]);
    expect(report.rejectedRows).toBe(13);
    expect(report.rejected).toEqual([
      { rowNumber: 3, column: 'name', reason: 'missingName' },
      { rowNumber: 4, column: 'name', reason: 'nameTooLong' },
      { rowNumber: 5, column: 'dateOfBirth', reason: 'badDate' },
      { rowNumber: 6, column: 'dateOfBirth', reason: 'dateInFuture' },
      { rowNumber: 7, column: 'phone', reason: 'badValue' },
      { rowNumber: 8, column: 'room', reason: 'valueTooLong' },
      { rowNumber: 9, column: 'status', reason: 'unknownStatus' },
      { rowNumber: 10, column: 'inactiveReason', reason: 'unknownReason' },
      { rowNumber: 11, column: 'inactiveReason', reason: 'unknownReason' },
      { rowNumber: 12, column: 'fileNumber', reason: 'duplicateInFile' },
      { rowNumber: 13, column: 'name', reason: 'duplicateExisting' },
      { rowNumber: 14, column: 'inactiveSince', reason: 'badDate' },
      { rowNumber: 15, column: 'dateOfBirth', reason: 'badDate' },
      { rowNumber: 15, column: 'phone', reason: 'badValue' },
    ]);
    const logged = JSON.stringify(report.rejected);
    for (const value of ['15/03/1948', 'appelez-moi', 'peut-être', 'vacances', 'Existant', 'Doublon', 'demain', 'NNNN']) {
      expect(logged).not.toContain(value);
    }
  });

  it('refuses a formula in any column (reason `formula`), never using its text', async () => {
    const report = await validateImport(
      iterate([raw(2, { name: '=1+1' }, ['name']), raw(3, { name: 'Formule Chambre', room: '=A1' }, ['room']), raw(4, { name: 'Sans Formule', room: '=A1' })]),
      NONE,
      TODAY,
    );
    expect(report.rejected).toEqual([
      { rowNumber: 2, column: 'name', reason: 'formula' },
      { rowNumber: 3, column: 'room', reason: 'formula' },
    ]);
    // A text that merely starts with `=` (a CSV cell) is text, stored as typed; the export escapes it.
    expect(report.accepted).toEqual([expect.objectContaining({ rowNumber: 4, fields: { room: '=A1' } })]);
  });

  it('keeps HTML, markdown and template expressions in names as plain strings', async () => {
    const names = ['<b>Jeanne</b> <script>alert(1)</script>', '**Paul** [lien](https://example.invalid)', '${process.exit(1)}', '{{DATE(2017-02-14T06:08:39Z, SHORT)}}', '@Marie #12'];
    const report = await validateImport(iterate(names.map((name, i) => raw(i + 2, { name }))), NONE, TODAY);
    expect(report.rejected).toEqual([]);
    expect(report.accepted.map((r) => r.name)).toEqual(names);
  });

  it('finds duplicates within the file and with the team: file number first, else name + date of birth', async () => {
    const existing = existingKeys([
      { name: 'Dossier Existant', fileNumber: 'RAMQ 1234' },
      { name: 'Nom Existant', dateOfBirth: '1950-01-01', fileNumber: 'X-9' },
      { name: 'Sans Date' },
    ]);
    const report = await validateImport(
      iterate([
        raw(2, { name: 'Autre Nom', fileNumber: 'ramq-1234' }), // file number of an existing patient
        raw(3, { name: 'NOM existant', dateOfBirth: '1950-01-01' }), // no file number: name + birth date
        raw(4, { name: 'Nom Existant', dateOfBirth: '1950-01-02' }), // other birth date: new
        raw(5, { name: 'Sans  date' }), // name alone, no birth date
        raw(6, { name: 'Nouveau', fileNumber: 'N 1' }),
        raw(7, { name: 'Autre', fileNumber: 'n1' }), // same file number, folded
        raw(8, { name: 'Élise Même', dateOfBirth: '1960-06-06' }),
        raw(9, { name: 'elise meme', dateOfBirth: '1960-06-06' }), // same name, folded, same date
        raw(10, { name: 'Homonyme', dateOfBirth: '1960-06-06', fileNumber: 'H-2' }), // has a file number: not by name
      ]),
      existing,
      TODAY,
    );
    expect(report.rejected).toEqual([
      { rowNumber: 2, column: 'fileNumber', reason: 'duplicateExisting' },
      { rowNumber: 3, column: 'name', reason: 'duplicateExisting' },
      { rowNumber: 5, column: 'name', reason: 'duplicateExisting' },
      { rowNumber: 7, column: 'fileNumber', reason: 'duplicateInFile' },
      { rowNumber: 9, column: 'name', reason: 'duplicateInFile' },
    ]);
    expect(report.accepted.map((r) => r.rowNumber)).toEqual([4, 6, 8, 10]);
    expect(dedupeKey('X', undefined, ' RAMQ 1234 ')).toBe(dedupeKey('y', '1950-01-01', 'ramq-1234'));
    expect(dedupeKey('Élise Même', '1960-06-06', undefined)).toBe(dedupeKey(' elise  MEME', '1960-06-06', ''));
  });

  it('reads status and inactive reason in either language, with the inactive date or the import date', async () => {
    const report = await validateImport(
      iterate([
        raw(2, { name: 'A', status: 'Inactif', inactiveReason: 'Décès', inactiveSince: '2025-03-01' }),
        raw(3, { name: 'B', status: 'inactive', inactiveReason: 'LEAVE' }),
        raw(4, { name: 'C', inactiveReason: 'depart' }), // empty status + reason: inactive
        raw(5, { name: 'D', status: 'actif', inactiveReason: 'congé', inactiveSince: '2025-01-01' }), // active: ignored
        raw(6, { name: 'E', status: 'Active' }),
        raw(7, { name: 'F', status: 'inactif', inactiveReason: 'Congé temporaire' }),
      ]),
      NONE,
      TODAY,
    );
    expect(report.rejected).toEqual([]);
    expect(report.accepted.map(({ name, status, inactive }) => ({ name, status, inactive }))).toEqual([
      { name: 'A', status: 'inactive', inactive: { reason: 'death', since: '2025-03-01' } },
      { name: 'B', status: 'inactive', inactive: { reason: 'leave', since: '2026-11-25' } },
      { name: 'C', status: 'inactive', inactive: { reason: 'discharge', since: '2026-11-25' } },
      { name: 'D', status: 'active', inactive: undefined },
      { name: 'E', status: 'active', inactive: undefined },
      { name: 'F', status: 'inactive', inactive: { reason: 'leave', since: '2026-11-25' } },
    ]);
  });

  it('cleans values with the domain rules and drops the export’s escaping apostrophe', async () => {
    const report = await validateImport(
      iterate([raw(2, { name: "  '=Jeanne   Essai ", phone: "'+1 514 555-0100", room: ' 3B ', reason: 'ligne 1\r\n\r\n\r\nligne 2' })]),
      NONE,
      TODAY,
    );
    expect(report.accepted).toEqual([
      { rowNumber: 2, name: '=Jeanne Essai', status: 'active', fields: { phone: '+1 514 555-0100', room: '3B', reason: 'ligne 1\n\nligne 2' } },
    ]);
  });
});
