import { columnOf, EXPORT_COLUMNS, header, headerKey, IMPORT_COLUMNS, mapHeader, parseInactiveReason, parseStatus } from '../../src/transfer/columns';

describe('columns', () => {
  it('recognises every column by its French or English header, whatever the case, accents and spaces', () => {
    for (const key of EXPORT_COLUMNS) {
      for (const lang of ['fr', 'en'] as const) {
        const text = header(key, lang);
        expect(columnOf(text)).toBe(key);
        expect(columnOf(`  ${text.toUpperCase()}  `)).toBe(key);
        expect(columnOf(text.normalize('NFD').replace(/\p{M}/gu, '').replace(/ /g, ''))).toBe(key);
      }
    }
    expect(columnOf('Raison d\'inactivite')).toBe('inactiveReason');
    expect(columnOf('N° DE DOSSIER OU CARTE SANTE')).toBe('fileNumber');
    expect(columnOf('Nom *')).toBe('name');
    expect(columnOf('DDN')).toBe('dateOfBirth');
    expect(columnOf('Reason')).toBe('reason');
    expect(columnOf('Raison')).toBeUndefined();
    expect(columnOf('Couleur')).toBeUndefined();
    expect(headerKey(' Date  de   Naissance ')).toBe('datedenaissance');
  });

  it('maps a header row: positions, unknown, ignored export columns and duplicates', () => {
    expect(mapHeader(['Name', '', 'Chambre', 'Zodiac', 'Nom', '#', undefined, 'Statut'], 1)).toEqual({
      rowNumber: 1,
      positions: { name: 0, room: 2, status: 7 },
      unknown: ['Zodiac'],
      ignored: ['number'],
      duplicates: ['name'],
    });
    expect(IMPORT_COLUMNS[0]).toBe('name');
  });

  it('reads status and inactive reason in either language, with or without accents', () => {
    expect(['actif', 'Active', 'ACTIF'].map(parseStatus)).toEqual(['active', 'active', 'active']);
    expect(['inactif', 'Inactive'].map(parseStatus)).toEqual(['inactive', 'inactive']);
    expect(parseStatus('  ')).toBeUndefined();
    expect(parseStatus('oui')).toBeNull();
    // Québec's words: an « absence » is temporary, a « congé » ends the follow-up; the old label « Congé temporaire » keeps its meaning.
    expect(['absence temporaire', 'Absence', 'Temporary leave', 'LEAVE', 'Congé temporaire'].map(parseInactiveReason)).toEqual(['leave', 'leave', 'leave', 'leave', 'leave']);
    expect(['congé', 'conge', 'Congé (fin du suivi)', 'départ', 'Depart', 'discharge', 'fin de suivi'].map(parseInactiveReason)).toEqual(Array(7).fill('discharge'));
    expect(['décès', 'DECES', 'death'].map(parseInactiveReason)).toEqual(['death', 'death', 'death']);
    expect(parseInactiveReason('vacances')).toBeNull();
  });
});
