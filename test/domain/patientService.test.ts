import { DomainError } from '../../src/domain/errors';
import { PatientService } from '../../src/domain/patientService';
import { MemoryPatientRepository } from '../support/memoryRepository';
import { fixedClock, nurse, physician, TEAM_A, TEAM_B } from '../support/fixtures';

function setup() {
  const repo = new MemoryPatientRepository();
  const clock = fixedClock();
  return { repo, clock, service: new PatientService(repo, { clock }) };
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('PatientService', () => {
  it('adds an active patient with a team number, cleaned name and validated fields', async () => {
    const { service } = setup();
    const { patient } = await service.add(TEAM_A, nurse, { name: '  Jeanne   Synthétique ', fields: { room: '3B-12', dateOfBirth: '1940-05-01' } });
    expect(patient).toMatchObject({ number: 1, name: 'Jeanne Synthétique', room: '3B-12', dateOfBirth: '1940-05-01', status: 'active', version: 1 });
    expect(patient.created).toEqual({ by: nurse, at: '2026-11-25T15:00:00.000Z' });
    expect((await service.add(TEAM_A, nurse, { name: 'Deux' })).patient.number).toBe(2);
    expect((await service.add(TEAM_B, nurse, { name: 'Autre équipe' })).patient.number).toBe(1);
  });

  it.each([
    ['', 'nameRequired'],
    ['   ', 'nameRequired'],
    ['x'.repeat(101), 'nameTooLong'],
    ['x'.repeat(500), 'nameTooLong'],
  ])('refuses the name %j (%s) and stores nothing', async (name, code) => {
    const { service, repo } = setup();
    expect(await refusal(service.add(TEAM_A, nurse, { name }))).toBe(code);
    expect(repo.patients.size).toBe(0);
  });

  it.each([
    ['2026-11-26', 'dateInFuture'],
    ['2026-02-30', 'dateInvalid'],
    ['15/03/1942', 'dateInvalid'],
    ['hier', 'dateInvalid'],
    ['1850-01-01', 'dateTooOld'],
  ])('refuses the date of birth %s (%s)', async (dateOfBirth, code) => {
    const { service } = setup();
    expect(await refusal(service.add(TEAM_A, nurse, { name: 'A', fields: { dateOfBirth } }))).toBe(code);
  });

  it('refuses malformed phone and file numbers and over-long fields', async () => {
    const { service } = setup();
    const { patient } = await service.add(TEAM_A, nurse, { name: 'A' });
    expect(await refusal(service.setField(TEAM_A, nurse, patient.id, 'phone', 'appeler Ginette'))).toBe('phoneInvalid');
    expect(await refusal(service.setField(TEAM_A, nurse, patient.id, 'fileNumber', '<script>'))).toBe('valueInvalid');
    expect(await refusal(service.setField(TEAM_A, nurse, patient.id, 'room', 'x'.repeat(41)))).toBe('valueTooLong');
    expect((await service.get(TEAM_A, patient.id)).version).toBe(1);
  });

  it('creates once when the same form is submitted twice', async () => {
    const { service, repo } = setup();
    const first = await service.add(TEAM_A, nurse, { name: 'Formulaire' }, { requestId: 'form-1' });
    const second = await service.add(TEAM_A, nurse, { name: 'Formulaire' }, { requestId: 'form-1' });
    expect([first.changed, second.changed]).toEqual([true, false]);
    expect(second.patient.id).toBe(first.patient.id);
    expect(repo.patients.size).toBe(1);
    // The same form id replayed in another team is another request there.
    expect((await service.add(TEAM_B, nurse, { name: 'Formulaire' }, { requestId: 'form-1' })).changed).toBe(true);
  });

  it('resolves #number, number, a unique name part, an exact name among several, or offers a choice', async () => {
    const { service } = setup();
    const a = (await service.add(TEAM_A, nurse, { name: 'Éloïse Bélanger' })).patient;
    const b = (await service.add(TEAM_A, nurse, { name: 'Louis Bélanger' })).patient;
    await service.add(TEAM_A, nurse, { name: 'Louis' });
    expect(await service.resolve(TEAM_A, `#${a.number}`)).toMatchObject({ kind: 'found', patient: a });
    expect(await service.resolve(TEAM_A, String(b.number))).toMatchObject({ kind: 'found', patient: b });
    expect(await service.resolve(TEAM_A, 'ELOISE')).toMatchObject({ kind: 'found', patient: { id: a.id } });
    expect(await service.resolve(TEAM_A, 'belanger')).toMatchObject({ kind: 'many' });
    expect(await service.resolve(TEAM_A, 'louis')).toMatchObject({ kind: 'found', patient: { name: 'Louis' } });
    expect(await service.resolve(TEAM_A, '#999')).toEqual({ kind: 'none' });
    expect(await service.resolve(TEAM_B, `#${a.number}`)).toEqual({ kind: 'none' });
  });

  it('sets inactive with a reason keeping everything, and active again', async () => {
    const { service, clock } = setup();
    const { patient } = await service.add(TEAM_A, nurse, { name: 'Statut', fields: { room: '1A' } });
    await service.addNote(TEAM_A, nurse, patient.id, 'Note gardée');
    clock.advance(60_000);
    const inactive = (await service.setInactive(TEAM_A, physician, patient.id, 'leave')).patient;
    expect(inactive).toMatchObject({ status: 'inactive', inactive: { reason: 'leave', since: '2026-11-25T15:01:00.000Z' }, room: '1A', noteCount: 1 });
    expect(inactive.updated.by).toEqual(physician);
    expect(await refusal(service.setInactive(TEAM_A, physician, patient.id, 'leave'))).toBe('alreadyInactive');
    const changedReason = (await service.setInactive(TEAM_A, physician, patient.id, 'discharge')).patient;
    expect(changedReason.inactive).toEqual({ reason: 'discharge', since: '2026-11-25T15:01:00.000Z' });
    const active = (await service.setActive(TEAM_A, nurse, patient.id)).patient;
    expect(active.status).toBe('active');
    expect(active.inactive).toBeUndefined();
    expect(active).toMatchObject({ room: '1A', noteCount: 1 });
    expect(await refusal(service.setActive(TEAM_A, nurse, patient.id))).toBe('alreadyActive');
  });

  it('keeps the three latest notes on the patient, newest first, and every note apart', async () => {
    const { service, repo, clock } = setup();
    const { patient } = await service.add(TEAM_A, nurse, { name: 'Notes' });
    for (const text of ['un', 'deux', 'trois', 'quatre']) {
      clock.advance(1000);
      await service.addNote(TEAM_A, nurse, patient.id, text);
    }
    const current = await service.get(TEAM_A, patient.id);
    expect(current.recentNotes.map((n) => n.text)).toEqual(['quatre', 'trois', 'deux']);
    expect(current.noteCount).toBe(4);
    expect(repo.notes.size).toBe(4);
    expect(await refusal(service.addNote(TEAM_A, nurse, patient.id, '  '))).toBe('noteRequired');
    expect(await refusal(service.addNote(TEAM_A, nurse, patient.id, 'x'.repeat(2001)))).toBe('noteTooLong');
  });

  it('adds a note once when its form is submitted twice', async () => {
    const { service } = setup();
    const { patient } = await service.add(TEAM_A, nurse, { name: 'Double' });
    await service.addNote(TEAM_A, nurse, patient.id, 'Une fois', { requestId: 'note-form-1' });
    expect(await refusal(service.addNote(TEAM_A, nurse, patient.id, 'Une fois', { requestId: 'note-form-1' }))).toBe('alreadySaved');
    expect((await service.get(TEAM_A, patient.id)).noteCount).toBe(1);
  });

  it('re-applies a typed change on fresh data when another writer wins, losing neither change', async () => {
    const { service, repo } = setup();
    const { patient } = await service.add(TEAM_A, nurse, { name: 'Concurrent' });
    let slipped = false;
    repo.beforeReplace = async () => {
      if (slipped) return;
      slipped = true;
      repo.beforeReplace = undefined;
      await service.setField(TEAM_A, physician, patient.id, 'phone', '418-555-0100');
    };
    await service.setField(TEAM_A, nurse, patient.id, 'room', '2B');
    const current = await service.get(TEAM_A, patient.id);
    expect(current).toMatchObject({ room: '2B', phone: '418-555-0100', version: 3 });
  });

  it('refuses a change from a card that showed an older version', async () => {
    const { service } = setup();
    const { patient } = await service.add(TEAM_A, nurse, { name: 'Carte' });
    await service.setField(TEAM_A, physician, patient.id, 'room', '5C');
    expect(await refusal(service.setInactive(TEAM_A, nurse, patient.id, 'death', { expectedVersion: 1 }))).toBe('patientChanged');
    expect(await refusal(service.updateDetails(TEAM_A, nurse, patient.id, { name: 'Autre', fields: {} }, { expectedVersion: 1 }))).toBe('patientChanged');
    expect(await service.get(TEAM_A, patient.id)).toMatchObject({ status: 'active', name: 'Carte', room: '5C', version: 2 });
  });

  it('updates details from the edit form, clearing emptied fields, and reports no change when nothing differs', async () => {
    const { service } = setup();
    const { patient } = await service.add(TEAM_A, nurse, { name: 'Edit', fields: { room: '1A', phone: '418-555-0000' } });
    const fields = { room: '1B', phone: '', dateOfBirth: '', fileNumber: '', reason: '', clinician: '' };
    const result = await service.updateDetails(TEAM_A, nurse, patient.id, { name: 'Edit', fields }, { expectedVersion: 1 });
    expect(result.changed).toBe(true);
    expect(result.patient.room).toBe('1B');
    expect(result.patient.phone).toBeUndefined();
    const again = await service.updateDetails(TEAM_A, nurse, patient.id, { name: 'Edit', fields }, { expectedVersion: 2 });
    expect(again.changed).toBe(false);
  });

  it("answers not found for another team's patient id", async () => {
    const { service } = setup();
    const { patient } = await service.add(TEAM_A, nurse, { name: 'A seulement' });
    expect(await refusal(service.get(TEAM_B, patient.id))).toBe('patientNotFound');
    expect(await refusal(service.setActive(TEAM_B, nurse, patient.id))).toBe('patientNotFound');
  });

  it('excludes a patient from the purge on the one write path: a purge history record, no alert, nothing twice', async () => {
    const { service, repo } = setup();
    const { patient } = await service.add(TEAM_A, nurse, { name: 'Gardée' });
    await service.flag(TEAM_A, physician, patient.id, 'attention', 'chute');
    await service.follow(TEAM_A, nurse, patient.id);
    const alerts = repo.alerts.size;
    const result = await service.excludeFromPurge(TEAM_A, physician, patient.id);
    expect(result.changed).toBe(true);
    expect(result.patient).toMatchObject({ purgeExcluded: true, version: 4, updated: { by: physician, at: '2026-11-25T15:00:00.000Z' } });
    expect(repo.history.at(-1)).toMatchObject({ patientId: patient.id, by: physician, action: 'purge', changes: [{ field: 'purgeExcluded', new: 'true' }] });
    expect(repo.alerts.size).toBe(alerts);
    const again = await service.excludeFromPurge(TEAM_A, physician, patient.id);
    expect(again).toMatchObject({ changed: false, patient: { version: 4 } });
    expect(repo.history.filter((h) => h.action === 'purge')).toHaveLength(1);
  });
});
