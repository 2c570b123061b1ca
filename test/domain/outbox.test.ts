import { type Alert, DEFAULT_ALERT_POLICY, newAlert } from '../../src/domain/alerts';
import { diffPatients } from '../../src/domain/history';
import { newPatient, type Patient, withFollower } from '../../src/domain/patient';
import { planAlert } from '../../src/domain/outbox';
import { nurse, physician, TEAM_A } from '../support/fixtures';

const now = new Date('2026-11-25T15:00:00.000Z');
const ids = { alert: 'alert-new', access: 'access-1' };

function flagged(level: 'attention' | 'urgent' = 'attention'): Patient {
  const created = newPatient(TEAM_A, 7, { name: 'Jeanne Synthétique', fields: {}, status: 'active' }, { by: nurse, at: now.toISOString() });
  return withFollower({ ...created, flag: { level, reason: 'chute', by: physician, at: now.toISOString() }, alerting: { latestId: 'alert-old' } }, physician);
}

function roomChange(before: Patient) {
  const after = { ...before, room: '3B-12' };
  return { after, changes: diffPatients(before, after) };
}

function stored(alert: Partial<Alert>): { value: Alert; etag: string } {
  const base = newAlert('alert-old', flagged(), [{ field: 'phone', new: '555' }], nurse, new Date(now.getTime() - 10_000));
  return { value: { ...base, ...alert }, etag: 'etag-old' };
}

describe('planAlert', () => {
  it('makes a new alert, the patient latest, with its journal record, when the patient has none', () => {
    const { after, changes } = roomChange(flagged());
    const plan = planAlert(after, null, changes, nurse, now, DEFAULT_ALERT_POLICY, ids);
    expect(plan.newAlert).toMatchObject({ id: 'alert-new', patientId: after.id, state: 'pending', mentions: [physician] });
    expect(plan.newAlert!.changes).toEqual([{ field: 'room', new: '3B-12', by: nurse, at: now.toISOString() }]);
    expect(plan.mergedAlert).toBeUndefined();
    expect(plan.patient).toEqual({ ...after, alerting: { latestId: 'alert-new' } });
    expect(plan.access).toMatchObject({ id: 'access-1', kind: 'alertPosted', by: nurse, patients: [{ id: after.id, number: 7 }] });
  });

  it('joins a pending alert, conditional on its ETag, and leaves the patient as it is', () => {
    const { after, changes } = roomChange(flagged());
    const latest = stored({ state: 'pending' });
    const plan = planAlert(after, latest, changes, nurse, now, DEFAULT_ALERT_POLICY, ids);
    expect(plan.newAlert).toBeUndefined();
    expect(plan.mergedAlert!.etag).toBe('etag-old');
    expect(plan.mergedAlert!.value.id).toBe('alert-old');
    expect(plan.mergedAlert!.value.changes.map((c) => c.field)).toEqual(['phone', 'room']);
    expect(plan.mergedAlert!.value.redraw).toBeUndefined();
    expect(plan.patient).toBe(after);
    expect(plan.access).toMatchObject({ id: 'access-1', kind: 'alertPosted' });
  });

  it('joins an alert posted within the window and marks its card for redrawing', () => {
    const { after, changes } = roomChange(flagged());
    const latest = stored({ state: 'sent', sentAt: new Date(now.getTime() - DEFAULT_ALERT_POLICY.coalesceMs + 1).toISOString() });
    const plan = planAlert(after, latest, changes, nurse, now, DEFAULT_ALERT_POLICY, ids);
    expect(plan.mergedAlert!.value).toMatchObject({ id: 'alert-old', redraw: true });
    expect(plan.newAlert).toBeUndefined();
  });

  it.each<[string, Partial<Alert>, 'attention' | 'urgent']>([
    ['posted before the window', { state: 'sent', sentAt: new Date(now.getTime() - DEFAULT_ALERT_POLICY.coalesceMs).toISOString() }, 'attention'],
    ['acknowledged', { state: 'sent', sentAt: now.toISOString(), acknowledged: { by: physician, at: now.toISOString() } }, 'attention'],
    ['being sent', { state: 'sending' }, 'attention'],
    ['not urgent while the patient just turned urgent', { state: 'sent', sentAt: now.toISOString() }, 'urgent'],
  ])('makes a new alert when the latest one is %s', (_case, alert, level) => {
    const { after, changes } = roomChange(flagged(level));
    const plan = planAlert(after, stored(alert), changes, nurse, now, DEFAULT_ALERT_POLICY, ids);
    expect(plan.mergedAlert).toBeUndefined();
    expect(plan.newAlert).toMatchObject({ id: 'alert-new', urgent: level === 'urgent' });
    expect(plan.patient.alerting).toEqual({ latestId: 'alert-new' });
  });
});
