import { parseCommand } from '../../src/bot/commandParser';

describe('parseCommand', () => {
  it.each([
    ['help', { kind: 'help' }],
    ['Aide', { kind: 'help' }],
    ['add patient Marie Tremblay', { kind: 'add', name: 'Marie Tremblay' }],
    ['ajouter patient Éloïse Côté', { kind: 'add', name: 'Éloïse Côté' }],
    ['ajouter patient', { kind: 'add' }],
    ['list', { kind: 'list', filter: 'active' }],
    ['liste', { kind: 'list', filter: 'active' }],
    ['list inactive', { kind: 'list', filter: 'inactive' }],
    ['liste inactifs', { kind: 'list', filter: 'inactive' }],
    ['list flagged', { kind: 'list', filter: 'flagged' }],
    ['liste signalés', { kind: 'list', filter: 'flagged' }],
    ['LISTE SIGNALES', { kind: 'list', filter: 'flagged' }],
    ['list all', { kind: 'list', filter: 'all' }],
    ['liste tous', { kind: 'list', filter: 'all' }],
    ['show #12', { kind: 'show', ref: '#12' }],
    ['voir Marie T', { kind: 'show', ref: 'Marie T' }],
    ['note #12 Famille rappelée', { kind: 'note', ref: '#12', text: 'Famille rappelée' }],
    ['note "Marie T" Visite faite', { kind: 'note', ref: 'Marie T', text: 'Visite faite' }],
    ['set room #3 3B-14', { kind: 'set', field: 'room', ref: '#3', value: '3B-14' }],
    ['modifier chambre 3 3B 14', { kind: 'set', field: 'room', ref: '3', value: '3B 14' }],
    ['modifier téléphone #3 418-555-0199', { kind: 'set', field: 'phone', ref: '#3', value: '418-555-0199' }],
    ['set dob tremblay 1941-06-30', { kind: 'set', field: 'dateOfBirth', ref: 'tremblay', value: '1941-06-30' }],
    ['modifier naissance #3 1941-06-30', { kind: 'set', field: 'dateOfBirth', ref: '#3', value: '1941-06-30' }],
    ['modifier dossier #3 ABC 123', { kind: 'set', field: 'fileNumber', ref: '#3', value: 'ABC 123' }],
    ['modifier motif #3 Plaie', { kind: 'set', field: 'reason', ref: '#3', value: 'Plaie' }],
    ['set clinician #3 Dre Lavoie', { kind: 'set', field: 'clinician', ref: '#3', value: 'Dre Lavoie' }],
    ['set inactive #4 discharge', { kind: 'inactive', ref: '#4', reason: 'discharge' }],
    ['mettre inactif #4 congé', { kind: 'inactive', ref: '#4', reason: 'discharge' }],
    ['mettre inactif #4 congé définitif', { kind: 'inactive', ref: '#4', reason: 'discharge' }],
    ['mettre inactif #4 fin de suivi', { kind: 'inactive', ref: '#4', reason: 'discharge' }],
    ['mettre inactif #4 absence', { kind: 'inactive', ref: '#4', reason: 'leave' }],
    ['mettre inactif #4 hospitalisée', { kind: 'inactive', ref: '#4', reason: 'leave' }],
    ['set inactive #4 leave', { kind: 'inactive', ref: '#4', reason: 'leave' }],
    ['set inactive #4 death', { kind: 'inactive', ref: '#4', reason: 'death' }],
    ['mettre inactif #4 décès', { kind: 'inactive', ref: '#4', reason: 'death' }],
    ['mettre inactif #4 depart', { kind: 'inactive', ref: '#4', reason: 'discharge' }],
    ['mettre inactif #4', { kind: 'inactive', ref: '#4' }],
    ['set active #4', { kind: 'active', ref: '#4' }],
    ['mettre actif #4', { kind: 'active', ref: '#4' }],
    ['réactiver #4', { kind: 'active', ref: '#4' }],
  ])('%s', (text, expected) => {
    expect(parseCommand(text)).toEqual(expected);
  });

  it('keeps a note’s line breaks and spelling as typed', () => {
    expect(parseCommand('note #2 Ligne 1\nLigne 2 — «ok»')).toEqual({ kind: 'note', ref: '#2', text: 'Ligne 1\nLigne 2 — «ok»' });
  });

  it.each([
    ['voir', 'show'],
    ['note #12', 'note'],
    ['set colour #1 blue', 'set'],
    ['modifier chambre #1', 'set'],
    ['mettre inactif', 'inactive'],
    ['mettre inactif Marie Tremblay congé', 'inactive'],
    ['set active', 'active'],
    ['liste bizarre', 'list'],
  ])('answers %j with the usage of %s', (text, command) => {
    expect(parseCommand(text)).toEqual({ kind: 'usage', command });
  });

  it.each(['', 'bonjour', 'delete everything', 'patient'])('does not understand %j', (text) => {
    expect(parseCommand(text)).toEqual({ kind: 'unknown' });
  });
});
