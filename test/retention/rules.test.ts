import type { Patient } from '../../src/domain/patient';
import {
  addMonths,
  DAILY_PURGE,
  isDueForPurge,
  isRunDue,
  leaseIsFree,
  nextRunAt,
  retentionCutoff,
  slotStart,
} from '../../src/domain/retention';

const NOW = new Date('2026-11-25T15:00:00.000Z');
const DAY = 24 * 60 * 60 * 1000;

function gone(reason: 'leave' | 'discharge' | 'death', since: Date | string, extra: Partial<Patient> = {}) {
  return { status: 'inactive' as const, inactive: { reason, since: typeof since === 'string' ? since : since.toISOString() }, ...extra };
}

describe('calendar months', () => {
  it('keeps the day of the month and the time of day', () => {
    expect(addMonths(new Date('2026-01-15T10:20:30.400Z'), 24).toISOString()).toBe('2028-01-15T10:20:30.400Z');
    expect(addMonths(new Date('2026-01-15T10:20:30.400Z'), -24).toISOString()).toBe('2024-01-15T10:20:30.400Z');
    expect(addMonths(new Date('2026-11-25T15:00:00.000Z'), 13).toISOString()).toBe('2027-12-25T15:00:00.000Z');
    expect(addMonths(new Date('2026-02-10T00:00:00.000Z'), -14).toISOString()).toBe('2024-12-10T00:00:00.000Z');
  });

  it('clamps to the last day of a shorter month, leap years included', () => {
    expect(addMonths(new Date('2026-03-31T12:00:00.000Z'), -1).toISOString()).toBe('2026-02-28T12:00:00.000Z');
    expect(addMonths(new Date('2024-03-31T12:00:00.000Z'), -1).toISOString()).toBe('2024-02-29T12:00:00.000Z');
    expect(addMonths(new Date('2024-02-29T08:00:00.000Z'), 12).toISOString()).toBe('2025-02-28T08:00:00.000Z');
    expect(addMonths(new Date('2026-05-31T08:00:00.000Z'), 1).toISOString()).toBe('2026-06-30T08:00:00.000Z');
  });

  it('puts the cut-off the retention period before now', () => {
    expect(retentionCutoff(NOW, 24).toISOString()).toBe('2024-11-25T15:00:00.000Z');
    expect(retentionCutoff(NOW, 36).toISOString()).toBe('2023-11-25T15:00:00.000Z');
  });
});

describe('who the purge deletes', () => {
  const cutoff = retentionCutoff(NOW, 24);
  const dayShort = new Date(cutoff.getTime() + DAY);
  const dayPast = new Date(cutoff.getTime() - DAY);

  it('keeps a discharged patient one day short of the period and purges one a day past it', () => {
    expect(isDueForPurge(gone('discharge', dayShort), NOW, 24)).toBe(false);
    expect(isDueForPurge(gone('discharge', dayPast), NOW, 24)).toBe(true);
    expect(isDueForPurge(gone('death', dayShort), NOW, 24)).toBe(false);
    expect(isDueForPurge(gone('death', dayPast), NOW, 24)).toBe(true);
  });

  it('needs strictly more than the period', () => {
    expect(isDueForPurge(gone('discharge', cutoff), NOW, 24)).toBe(false);
    expect(isDueForPurge(gone('discharge', new Date(cutoff.getTime() - 1)), NOW, 24)).toBe(true);
  });

  it('never purges a patient on temporary leave, however long', () => {
    expect(isDueForPurge(gone('leave', '2001-01-01T00:00:00.000Z'), NOW, 24)).toBe(false);
  });

  it('never purges an excluded patient or an active (reactivated) one', () => {
    expect(isDueForPurge(gone('discharge', dayPast, { purgeExcluded: true }), NOW, 24)).toBe(false);
    expect(isDueForPurge({ status: 'active' }, NOW, 24)).toBe(false);
    // Whatever an active patient carries, it is active.
    expect(isDueForPurge({ status: 'active', inactive: { reason: 'death', since: dayPast.toISOString() } }, NOW, 24)).toBe(false);
  });

  it("follows the team's retention period", () => {
    expect(isDueForPurge(gone('discharge', dayPast), NOW, 36)).toBe(false);
    expect(isDueForPurge(gone('discharge', new Date(retentionCutoff(NOW, 6).getTime() - DAY)), NOW, 6)).toBe(true);
  });

  it('counts calendar months at the end of a month', () => {
    const endOfMarch = new Date('2026-03-31T12:00:00.000Z');
    expect(isDueForPurge(gone('discharge', '2026-02-27T12:00:00.000Z'), endOfMarch, 1)).toBe(true);
    expect(isDueForPurge(gone('discharge', '2026-03-01T12:00:00.000Z'), endOfMarch, 1)).toBe(false);
  });

  it('never deletes on an unreadable date', () => {
    expect(isDueForPurge(gone('discharge', 'not a date'), NOW, 24)).toBe(false);
  });
});

describe('when runs happen', () => {
  it('has one slot a day at 08:00 UTC', () => {
    expect(slotStart(NOW, DAILY_PURGE).toISOString()).toBe('2026-11-25T08:00:00.000Z');
    expect(slotStart(new Date('2026-11-25T07:59:59.999Z'), DAILY_PURGE).toISOString()).toBe('2026-11-24T08:00:00.000Z');
  });

  it('is due once per slot', () => {
    expect(isRunDue(NOW, undefined, DAILY_PURGE)).toBe(true);
    expect(isRunDue(NOW, '2026-11-24T09:00:00.000Z', DAILY_PURGE)).toBe(true);
    expect(isRunDue(NOW, '2026-11-25T08:00:00.000Z', DAILY_PURGE)).toBe(false);
  });

  it('says the next run is the next slot after a run, or the next check when the current slot is still to do', () => {
    expect(nextRunAt(NOW, '2026-11-25T08:00:01.000Z', DAILY_PURGE, 3_600_000).toISOString()).toBe('2026-11-26T08:00:00.000Z');
    expect(nextRunAt(NOW, '2026-11-24T08:00:01.000Z', DAILY_PURGE, 3_600_000).toISOString()).toBe('2026-11-25T16:00:00.000Z');
  });

  it('frees a lease when its time is up', () => {
    expect(leaseIsFree(undefined, NOW)).toBe(true);
    expect(leaseIsFree({ holder: 'a', until: '2026-11-25T15:00:00.001Z' }, NOW)).toBe(false);
    expect(leaseIsFree({ holder: 'a', until: NOW.toISOString() }, NOW)).toBe(true);
  });
});
