import {
  acknowledge,
  type Alert,
  DEFAULT_ALERT_POLICY,
  isDue,
  joinsAlert,
  markReminded,
  markSent,
  mergeIntoAlert,
  newAlert,
  REMINDER_MIN_GAP_MS,
} from '../../src/domain/alerts';
import type { Patient } from '../../src/domain/patient';
import { nurse, physician, TEAM_A } from '../support/fixtures';

const NOW = new Date('2026-11-25T15:00:00.000Z');
const POLICY = DEFAULT_ALERT_POLICY;
const later = (ms: number) => new Date(NOW.getTime() + ms);

function patient(overrides: Partial<Patient> = {}): Patient {
  return {
    id: 'p1',
    teamId: TEAM_A,
    number: 1,
    name: 'Rose Alerte',
    status: 'active',
    flag: { level: 'attention', reason: 'Chute', by: nurse, at: NOW.toISOString() },
    followers: [nurse, physician],
    followerIds: [nurse.id, physician.id],
    recentNotes: [],
    noteCount: 0,
    created: { by: nurse, at: NOW.toISOString() },
    updated: { by: nurse, at: NOW.toISOString() },
    version: 1,
    ...overrides,
  };
}

const URGENT = { flag: { level: 'urgent' as const, reason: 'Saturation 88%', by: nurse, at: NOW.toISOString() } };
const room = [{ field: 'room', old: '1A', new: '2B' }];

function posted(alert: Alert, at = NOW): Alert {
  return markSent(alert, 'activity-1', at, POLICY);
}

describe('which alert a change joins', () => {
  it('joins an alert still waiting to be sent', () => {
    expect(joinsAlert(newAlert('a1', patient(), room, nurse, NOW), patient(), later(10 * 60_000), POLICY)).toBe('waiting');
  });

  it('joins a posted alert within the window, and makes a new one once the window is over', () => {
    const alert = posted(newAlert('a1', patient(), room, nurse, NOW));
    expect(joinsAlert(alert, patient(), later(POLICY.coalesceMs - 1), POLICY)).toBe('posted');
    expect(joinsAlert(alert, patient(), later(POLICY.coalesceMs), POLICY)).toBeNull();
  });

  it('makes a new alert when the posted one was acknowledged, or is being sent right now', () => {
    const alert = posted(newAlert('a1', patient(), room, nurse, NOW));
    expect(joinsAlert(acknowledge(alert, physician, NOW), patient(), later(1_000), POLICY)).toBeNull();
    expect(joinsAlert({ ...alert, state: 'sending' }, patient(), later(1_000), POLICY)).toBeNull();
  });

  it('gives a patient who just turned urgent its own alert', () => {
    const alert = posted(newAlert('a1', patient(), room, nurse, NOW));
    expect(joinsAlert(alert, patient(URGENT), later(1_000), POLICY)).toBeNull();
    const urgent = posted(newAlert('a2', patient(URGENT), room, nurse, NOW));
    expect(joinsAlert(urgent, patient(URGENT), later(1_000), POLICY)).toBe('posted');
  });
});

describe('merging a change into an alert', () => {
  it('adds the change, signed and dated, mentions the followers who made none, and takes the newest flag', () => {
    const alert = newAlert('a1', patient(), room, nurse, NOW);
    expect(alert.mentions).toEqual([physician]);
    const merged = mergeIntoAlert(alert, patient(URGENT), [{ field: 'note', new: 'Tension 90/60' }], physician, later(1_000));
    expect(merged.changes).toEqual([
      { ...room[0], by: nurse, at: NOW.toISOString() },
      { field: 'note', new: 'Tension 90/60', by: physician, at: later(1_000).toISOString() },
    ]);
    expect(merged.mentions).toEqual([]);
    expect(merged.urgent).toBe(true);
    expect(merged.flag).toEqual({ level: 'urgent', reason: 'Saturation 88%' });
    expect(merged.redraw).toBeUndefined();
  });

  it('marks a posted alert for redrawing, and keeps an urgent one urgent', () => {
    const urgent = posted(newAlert('a1', patient(URGENT), room, nurse, NOW));
    const merged = mergeIntoAlert(urgent, patient(), room, nurse, later(1_000));
    expect(merged.redraw).toBe(true);
    expect(merged.urgent).toBe(true);
  });
});

describe('posting and reminding', () => {
  it('keeps the first activity and time once sent, drops the claim, and plans no reminder for a calm alert', () => {
    const alert = { ...newAlert('a1', patient(), room, nurse, NOW), state: 'sending' as const, leaseUntil: later(5_000).toISOString(), lastError: 'timeout' };
    const sent = markSent(alert, 'activity-1', NOW, POLICY);
    expect(sent).toEqual(expect.objectContaining({ state: 'sent', activityId: 'activity-1', sentAt: NOW.toISOString(), reminders: { sent: 0 } }));
    expect(sent).not.toHaveProperty('leaseUntil');
    expect(sent).not.toHaveProperty('lastError');
    const again = markSent(sent, 'activity-2', later(1_000), POLICY);
    expect(again.activityId).toBe('activity-1');
    expect(again.sentAt).toBe(NOW.toISOString());
  });

  it('reminds an urgent alert every interval, never closer than a minute, up to the last reminder', () => {
    const sent = posted(newAlert('a1', patient(URGENT), room, nurse, NOW));
    expect(sent.reminders.nextAt).toBe(later(POLICY.reminderIntervalMs).toISOString());
    const fast = markSent(newAlert('a2', patient(URGENT), room, nurse, NOW), 'activity-2', NOW, { ...POLICY, reminderIntervalMs: 1_000 });
    expect(fast.reminders.nextAt).toBe(later(REMINDER_MIN_GAP_MS).toISOString());

    let alert = sent;
    for (let i = 1; i < POLICY.maxReminders; i++) {
      alert = markReminded(alert, later(i * POLICY.reminderIntervalMs), POLICY);
      expect(alert.reminders).toEqual({ sent: i, lastAt: later(i * POLICY.reminderIntervalMs).toISOString(), nextAt: later((i + 1) * POLICY.reminderIntervalMs).toISOString() });
    }
    const last = markReminded(alert, later(POLICY.maxReminders * POLICY.reminderIntervalMs), POLICY);
    expect(last.reminders).toEqual({ sent: POLICY.maxReminders, lastAt: later(POLICY.maxReminders * POLICY.reminderIntervalMs).toISOString() });
  });

  it('stops reminding once acknowledged, records who and when once, and redraws a posted card', () => {
    const sent = posted(newAlert('a1', patient(URGENT), room, nurse, NOW));
    const seen = acknowledge(sent, physician, later(1_000));
    expect(seen.acknowledged).toEqual({ by: physician, at: later(1_000).toISOString() });
    expect(seen.reminders).toEqual({ sent: 0 });
    expect(seen.redraw).toBe(true);
    expect(acknowledge(seen, nurse, later(2_000))).toBe(seen);
    expect(markReminded(seen, later(3_000), POLICY).reminders).not.toHaveProperty('nextAt');
    expect(acknowledge(newAlert('a2', patient(), room, nurse, NOW), physician, NOW).redraw).toBeUndefined();
  });
});

describe('when an alert is due', () => {
  it('is due to be sent from its next attempt, and a claimed one once the claim lapses', () => {
    const alert = { ...newAlert('a1', patient(), room, nurse, NOW), nextAttemptAt: later(1_000).toISOString() };
    expect(isDue(alert, later(999))).toBe(false);
    expect(isDue(alert, later(1_000))).toBe(true);
    const claimed = { ...alert, state: 'sending' as const, leaseUntil: later(5_000).toISOString() };
    expect(isDue(claimed, later(4_999))).toBe(false);
    expect(isDue(claimed, later(5_000))).toBe(true);
  });

  it('is due at once for a redraw, at the reminder time for an urgent one, and never for a calm posted or undeliverable one', () => {
    const calm = posted(newAlert('a1', patient(), room, nurse, NOW));
    expect(isDue(calm, later(24 * 3_600_000))).toBe(false);
    expect(isDue({ ...calm, redraw: true }, NOW)).toBe(true);
    const urgent = posted(newAlert('a2', patient(URGENT), room, nurse, NOW));
    expect(isDue(urgent, later(POLICY.reminderIntervalMs - 1))).toBe(false);
    expect(isDue(urgent, later(POLICY.reminderIntervalMs))).toBe(true);
    expect(isDue({ ...urgent, acknowledged: { by: physician, at: NOW.toISOString() } }, later(POLICY.reminderIntervalMs))).toBe(false);
    expect(isDue({ ...urgent, state: 'undeliverable' }, later(POLICY.reminderIntervalMs))).toBe(false);
  });
});
