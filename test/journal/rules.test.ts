import { parseCommand } from '../../src/bot/commandParser';
import { DomainError } from '../../src/domain/errors';
import { accessRecord, DEFAULT_JOURNAL_RETENTION_MONTHS, journalCutoff, needsRecord } from '../../src/domain/journal';
import { PatientService } from '../../src/domain/patientService';
import { defaultSettings, journalRetention, updateSettings } from '../../src/domain/team';
import { MemoryPatientRepository } from '../support/memoryRepository';
import { fixedClock, nurse, physician, TEAM_A } from '../support/fixtures';

const NOW = new Date('2026-11-25T15:00:00.000Z');

describe('journal records (domain)', () => {
  it('keeps the Entra id and display name only, each patient once, by id and number', () => {
    const record = accessRecord('r1', NOW, { ...nurse, mri: '29:secret' }, 'listViewed', { place: 'channel', id: '19:c' }, [
      { id: 'p1', number: 1 },
      { id: 'p2', number: 2 },
      { id: 'p1', number: 1 },
    ]);
    expect(record).toEqual({
      id: 'r1',
      at: '2026-11-25T15:00:00.000Z',
      by: { id: nurse.id, name: nurse.name },
      kind: 'listViewed',
      where: { place: 'channel', id: '19:c' },
      patients: [{ id: 'p1', number: 1 }, { id: 'p2', number: 2 }],
    });
  });

  it('needs a record when patients are shown, and for every look at a journal', () => {
    expect(needsRecord('listViewed', [])).toBe(false);
    expect(needsRecord('listViewed', [{ id: 'p', number: 1 }])).toBe(true);
    expect(needsRecord('journalViewed', [])).toBe(true);
  });

  it('counts the retention in calendar months back from now (default 60)', () => {
    expect(DEFAULT_JOURNAL_RETENTION_MONTHS).toBe(60);
    expect(journalCutoff(NOW, 60).toISOString()).toBe('2021-11-25T15:00:00.000Z');
    expect(journalCutoff(new Date('2026-03-31T08:00:00.000Z'), 1).toISOString()).toBe('2026-02-28T08:00:00.000Z');
  });

  it('takes the journal retention from the settings (12 to 240 months), default 60; out of range changes nothing', () => {
    const settings = defaultSettings(nurse);
    expect(journalRetention(settings)).toBe(60);
    expect(journalRetention(null)).toBe(60);
    expect(updateSettings(settings, nurse, { journalRetentionMonths: '120' }).journalRetentionMonths).toBe(120);
    for (const bad of ['11', '241', '6.5', 'cinq']) {
      expect(() => updateSettings(settings, nurse, { journalRetentionMonths: bad })).toThrow(DomainError);
    }
    expect(() => updateSettings(settings, physician, { journalRetentionMonths: '120' })).toThrow('superuserOnly');
  });

  it('puts an alert’s communication in the change’s own write, naming its recipients', async () => {
    const repo = new MemoryPatientRepository();
    const service = new PatientService(repo, { clock: fixedClock(NOW.toISOString()) });
    const { patient } = await service.add(TEAM_A, nurse, { name: 'Alerte Domaine' });
    await service.follow(TEAM_A, physician, patient.id);
    expect(repo.accesses).toEqual([]);
    await service.flag(TEAM_A, nurse, patient.id, 'urgent', 'Chute');
    expect(repo.accesses).toHaveLength(1);
    const [alert] = [...repo.alerts.values()];
    expect(repo.accesses[0]).toMatchObject({
      kind: 'alertPosted',
      by: { id: nurse.id, name: nurse.name },
      where: { place: 'channel' },
      patients: [{ id: patient.id, number: patient.number }],
      to: alert!.value.mentions.map((m) => ({ id: m.id, name: m.name })),
    });
    expect(JSON.stringify(repo.accesses[0])).not.toContain('Chute');
  });

  it('parses journal / access log in French and English', () => {
    expect(parseCommand('journal #12')).toEqual({ kind: 'journal', number: 12 });
    expect(parseCommand('Access log 7')).toEqual({ kind: 'journal', number: 7 });
    expect(parseCommand('journal des accès #3')).toEqual({ kind: 'journal', number: 3 });
    expect(parseCommand('journal <at>Bob Smith</at>')).toEqual({ kind: 'journal' });
    expect(parseCommand('access log @Bob')).toEqual({ kind: 'journal' });
    expect(parseCommand('journal')).toEqual({ kind: 'usage', command: 'journal' });
    expect(parseCommand('journal Marie')).toEqual({ kind: 'usage', command: 'journal' });
  });
});
