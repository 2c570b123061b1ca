import { DomainError } from '../../src/domain/errors';
import type { HistoryRecord } from '../../src/domain/history';
import { acknowledgedUpTo, buildReleve, checkWindow, hoursWindow, personalWindow, type RelevePatient } from '../../src/domain/releve';
import { duePost, endedShift, localInstant, parseShiftTimes } from '../../src/domain/releveSchedule';
import { nurse, physician } from '../support/fixtures';

const iso = (d: Date) => d.toISOString();

describe('relève windows', () => {
  const now = new Date('2026-11-25T15:00:00.000Z');

  it('starts at the person’s last acknowledged relève, or 12 h back the first time', () => {
    expect(personalWindow(now, undefined)).toEqual({ from: '2026-11-25T03:00:00.000Z', to: iso(now) });
    expect(personalWindow(now, '2026-11-25T12:30:00.000Z')).toEqual({ from: '2026-11-25T12:30:00.000Z', to: iso(now) });
    // Older than the longest window (72 h): back to the first-time window rather than a huge query.
    expect(personalWindow(now, '2026-11-20T12:30:00.000Z').from).toBe('2026-11-25T03:00:00.000Z');
    expect(personalWindow(now, 'not a date').from).toBe('2026-11-25T03:00:00.000Z');
  });

  it('starts the next relève just after the acknowledged one, never after now nor before a later one already taken', () => {
    const window = { from: '2026-11-25T03:00:00.000Z', to: '2026-11-25T14:00:00.000Z' };
    expect(acknowledgedUpTo(window, now)).toBe('2026-11-25T14:00:00.001Z');
    expect(acknowledgedUpTo({ ...window, to: '2026-11-26T00:00:00.000Z' }, now)).toBe('2026-11-25T15:00:00.001Z');
    expect(acknowledgedUpTo(window, now, '2026-11-25T14:30:00.001Z')).toBe('2026-11-25T14:30:00.001Z');
    expect(acknowledgedUpTo(window, now, '2026-11-25T10:00:00.001Z')).toBe('2026-11-25T14:00:00.001Z');
  });

  it('takes 1 to 72 hours and refuses the rest', () => {
    expect(hoursWindow(now, 24)).toEqual({ from: '2026-11-24T15:00:00.000Z', to: iso(now) });
    expect(hoursWindow(now, 1).from).toBe('2026-11-25T14:00:00.000Z');
    expect(hoursWindow(now, 72).from).toBe('2026-11-22T15:00:00.000Z');
    for (const bad of [0, 73, 1000]) expect(() => hoursWindow(now, bad)).toThrow(new DomainError('releveHoursOutOfRange'));
  });

  it('refuses a window from a card that is reversed, unreadable or longer than 72 h', () => {
    expect(() => checkWindow({ from: iso(now), to: '2026-11-25T14:00:00.000Z' })).toThrow(DomainError);
    expect(() => checkWindow({ from: 'x', to: iso(now) })).toThrow(DomainError);
    expect(() => checkWindow({ from: '2026-11-01T00:00:00.000Z', to: iso(now) })).toThrow(DomainError);
    expect(checkWindow({ from: '2026-11-25T03:00:00Z', to: iso(now) })).toEqual({ from: '2026-11-25T03:00:00.000Z', to: iso(now) });
  });

  it('reads shift times as HH:MM, sorted and once each; refuses anything else', () => {
    expect(parseShiftTimes(['23:00', '7:00', '15h', '07:00'])).toEqual(['07:00', '15:00', '23:00']);
    expect(parseShiftTimes(['7h30'])).toEqual(['07:30']);
    for (const bad of [[], ['24:00'], ['07:60'], ['matin'], Array(7).fill('01:00')]) {
      expect(() => parseShiftTimes(bad)).toThrow(new DomainError('shiftTimesInvalid'));
    }
  });
});

describe('shift changes in Québec time', () => {
  const times = ['07:00', '15:00', '23:00'];

  it('finds the shift that just ended on an ordinary day (EST, UTC−5)', () => {
    const at = new Date('2026-11-25T12:10:00.000Z'); // 07:10 in Québec
    expect(endedShift(at, times)).toEqual({ from: new Date('2026-11-25T04:00:00.000Z'), at: new Date('2026-11-25T12:00:00.000Z') });
    // Exactly at the change, the shift that ends is the one before it.
    expect(endedShift(new Date('2026-11-25T20:00:00.000Z'), times)?.from).toEqual(new Date('2026-11-25T12:00:00.000Z'));
  });

  it('8 March 2026 (spring forward): 02:30 does not exist and becomes 03:00 EDT; the night shift is one hour shorter', () => {
    expect(localInstant('2026-03-08', '02:30')).toEqual(new Date('2026-03-08T07:00:00.000Z'));
    expect(localInstant('2026-03-08', '02:00')).toEqual(new Date('2026-03-08T07:00:00.000Z'));
    expect(localInstant('2026-03-08', '07:00')).toEqual(new Date('2026-03-08T11:00:00.000Z'));
    // The 23:00 (EST) → 07:00 (EDT) shift lasts 7 h.
    expect(endedShift(new Date('2026-03-08T11:01:00.000Z'), times)).toEqual({
      from: new Date('2026-03-08T04:00:00.000Z'),
      at: new Date('2026-03-08T11:00:00.000Z'),
    });
    // 02:00 and 02:30 both fall on 03:00 that day: one shift change, posted once.
    const schedule = { times: ['02:00', '02:30', '12:00'], since: '2026-03-01T00:00:00.000Z' };
    const at0301 = new Date('2026-03-08T07:00:30.000Z');
    expect(duePost(at0301, schedule)?.shiftAt).toBe('2026-03-08T07:00:00.000Z');
    expect(duePost(new Date('2026-03-08T07:40:00.000Z'), schedule)?.shiftAt).toBe('2026-03-08T07:00:00.000Z');
  });

  it('1 November 2026 (fall back): 01:30 happens twice and counts once, at its first occurrence (EDT)', () => {
    expect(localInstant('2026-11-01', '01:30')).toEqual(new Date('2026-11-01T05:30:00.000Z'));
    const schedule = { times: ['01:30', '13:30'], since: '2026-10-01T00:00:00.000Z' };
    const first = duePost(new Date('2026-11-01T05:31:00.000Z'), schedule);
    // During the second 01:30 (06:30 UTC, EST) the due post is still the first one's: nothing new to post.
    const second = duePost(new Date('2026-11-01T06:31:00.000Z'), schedule);
    expect(first?.shiftAt).toBe('2026-11-01T05:30:00.000Z');
    expect(second?.shiftAt).toBe(first?.shiftAt);
    // The day's 07:00 is EST again (UTC−5); the 23:00 → 07:00 shift lasts 9 h.
    expect(endedShift(new Date('2026-11-01T12:05:00.000Z'), times)).toEqual({
      from: new Date('2026-11-01T03:00:00.000Z'),
      at: new Date('2026-11-01T12:00:00.000Z'),
    });
  });

  it('posts for the latest change only, within its shift, and never for a change before the schedule was set', () => {
    const schedule = { times, since: '2026-11-25T11:00:00.000Z' };
    // Down at 07:00, back at 10:00: the 23:00 → 07:00 relève is still due, up to now.
    expect(duePost(new Date('2026-11-25T15:00:00.000Z'), schedule)).toEqual({
      shiftAt: '2026-11-25T12:00:00.000Z',
      window: { from: '2026-11-25T04:00:00.000Z', to: '2026-11-25T15:00:00.000Z' },
    });
    // Back only at 16:00: the 07:00 one is not posted late; the 15:00 one is due.
    expect(duePost(new Date('2026-11-25T21:00:00.000Z'), schedule)?.shiftAt).toBe('2026-11-25T20:00:00.000Z');
    // Schedule set at 06:00 (11:00 UTC) → 05:30 is before it: nothing due.
    expect(duePost(new Date('2026-11-25T10:30:00.000Z'), schedule)).toBeNull();
    expect(duePost(new Date('2026-11-25T15:00:00.000Z'), undefined)).toBeNull();
    expect(duePost(new Date('2026-11-25T15:00:00.000Z'), { times: [], since: schedule.since })).toBeNull();
  });
});

describe('the relève digest', () => {
  const window = { from: '2026-11-25T12:00:00.000Z', to: '2026-11-25T20:00:00.000Z' };
  let n = 0;
  function record(patientId: string, at: string, action: HistoryRecord['action'], changes: HistoryRecord['changes'], by = nurse): HistoryRecord {
    n += 1;
    return { id: `h${n}`, patientId, at, by, action, changes };
  }
  const patient = (id: string, number: number, extra: Partial<RelevePatient> = {}): RelevePatient => ({
    id,
    number,
    name: `Patient Synthétique ${number}`,
    room: `3B-${number}`,
    status: 'active',
    ...extra,
  });
  const flag = (level: 'urgent' | 'attention', reason: string) => ({ level, reason, by: nurse, at: window.from });

  it('lists urgent patients first, then attention, then the others; the most recent change first in each group', () => {
    const records = [
      record('calm-old', '2026-11-25T13:00:00.000Z', 'update', [{ field: 'room', old: '1', new: '2' }]),
      record('calm-new', '2026-11-25T19:00:00.000Z', 'update', [{ field: 'phone', new: '418-555-0100' }]),
      record('watch', '2026-11-25T18:00:00.000Z', 'flag', [{ field: 'flag', new: 'attention: Appétit' }]),
      record('urgent-old', '2026-11-25T12:30:00.000Z', 'flag', [{ field: 'flag', new: 'urgent: Chute' }]),
      record('urgent-new', '2026-11-25T14:00:00.000Z', 'note', [{ field: 'note', new: 'Tension basse' }]),
      record('follow-only', '2026-11-25T15:00:00.000Z', 'follow', [{ field: 'followers', new: 'Benoît Gagnon' }]),
      record('outside', '2026-11-25T11:00:00.000Z', 'update', [{ field: 'room', new: 'x' }]),
    ];
    const patients = [
      patient('calm-old', 1),
      patient('calm-new', 2),
      patient('watch', 3, { flag: flag('attention', 'Appétit') }),
      patient('urgent-old', 4, { flag: flag('urgent', 'Chute') }),
      patient('urgent-new', 5, { flag: flag('urgent', 'Tension') }),
      patient('follow-only', 6),
      patient('outside', 7),
    ];
    const digest = buildReleve(window, records, patients, new Set(['urgent-old']));
    expect(digest.rows.map((r) => r.patient.id)).toEqual(['urgent-new', 'urgent-old', 'watch', 'calm-new', 'calm-old']);
    expect(digest.rows.map((r) => r.unacknowledged)).toEqual([false, true, false, false, false]);
    expect(digest.changes).toBe(5);
  });

  it('says what changed: new, inactive with its reason, reactivated, flags, fields old → new, notes with the latest one', () => {
    const records = [
      record('a', '2026-11-25T12:10:00.000Z', 'create', [{ field: 'name', new: 'A' }, { field: 'status', new: 'active' }]),
      record('a', '2026-11-25T12:20:00.000Z', 'update', [{ field: 'room', new: '3B' }], physician),
      record('b', '2026-11-25T13:00:00.000Z', 'status', [{ field: 'status', old: 'active', new: 'inactive' }, { field: 'inactiveReason', new: 'death' }]),
      record('c', '2026-11-25T13:00:00.000Z', 'status', [{ field: 'status', old: 'inactive', new: 'active' }, { field: 'inactiveReason', old: 'leave' }]),
      record('d', '2026-11-25T13:00:00.000Z', 'flag', [{ field: 'flag', new: 'urgent: Chute ce matin' }]),
      record('e', '2026-11-25T13:00:00.000Z', 'flag', [{ field: 'flag', old: 'attention: Appétit' }]),
      record('f', '2026-11-25T13:00:00.000Z', 'update', [{ field: 'room', old: '1A', new: '2B' }]),
      record('f', '2026-11-25T14:00:00.000Z', 'update', [{ field: 'room', old: '2B', new: '4C' }], physician),
      record('g', '2026-11-25T13:00:00.000Z', 'note', [{ field: 'note', new: 'Première note' }]),
      record('g', '2026-11-25T15:00:00.000Z', 'note', [{ field: 'note', new: 'Deuxième note, la plus récente' }], physician),
    ];
    const patients = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((id, i) => patient(id, i + 1));
    const rows = Object.fromEntries(buildReleve(window, records, patients, new Set()).rows.map((r) => [r.patient.id, r]));
    expect(rows.a!.events).toEqual([{ kind: 'created' }, { kind: 'field', field: 'room', new: '3B' }]);
    expect(rows.a!.by.map((a) => a.name)).toEqual([physician.name, nurse.name]);
    expect(rows.b!.events).toEqual([{ kind: 'inactive', reason: 'death' }]);
    expect(rows.c!.events).toEqual([{ kind: 'reactivated' }]);
    expect(rows.d!.events).toEqual([{ kind: 'flagRaised', level: 'urgent', reason: 'Chute ce matin' }]);
    expect(rows.e!.events).toEqual([{ kind: 'flagRemoved', reason: 'Appétit' }]);
    // Two changes of one field: first old → last new.
    expect(rows.f!.events).toEqual([{ kind: 'field', field: 'room', old: '1A', new: '4C' }]);
    expect(rows.g!.events).toEqual([]);
    expect(rows.g!.notes).toEqual({ count: 2, latest: { text: 'Deuxième note, la plus récente', by: physician, at: '2026-11-25T15:00:00.000Z' } });
  });

  it('leaves out patients no longer in the team (purged) and an empty window is nothing new', () => {
    const records = [record('gone', '2026-11-25T13:00:00.000Z', 'update', [{ field: 'room', new: '1' }])];
    expect(buildReleve(window, records, [], new Set()).rows).toEqual([]);
    expect(buildReleve(window, [], [], new Set())).toEqual({ window, rows: [], changes: 0 });
  });
});
