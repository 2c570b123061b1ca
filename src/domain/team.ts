import { DomainError } from './errors';
import { type Actor, EDITABLE_FIELDS, type EditableField } from './patient';
import { DEFAULT_JOURNAL_RETENTION_MONTHS, JOURNAL_RETENTION_MAX, JOURNAL_RETENTION_MIN } from './journal';
import type { ShiftSchedule } from './releveSchedule';
import { DEFAULT_RETENTION_MONTHS } from './retention';
import { cleanText } from './text';

/** The fields every team starts with; the others are switched on in the settings. */
export const DEFAULT_FIELDS: readonly EditableField[] = ['room', 'dateOfBirth', 'fileNumber', 'reason', 'phone', 'clinician'];
export const LABEL_MAX = 40;
export const LIST_NAME_MAX = 60;

export interface FieldSetting {
  enabled: boolean;
  /** The team's own word for the field (e.g. "Lit" for room); empty means the standard label. */
  label?: string;
}

/** How one team's list works: changed only by its superusers. */
export interface TeamSettings {
  listName?: string;
  /** Months a discharged or deceased patient is kept before the purge (default 2 years). */
  retentionMonths: number;
  /** Months the access journal keeps a record (default 5 years; settings saved before it existed have none). */
  journalRetentionMonths?: number;
  reminderIntervalMinutes: number;
  fields: Record<EditableField, FieldSetting>;
  superusers: Actor[];
  /** Shift changes at which the relève is posted in the channel (none: no scheduled post). */
  shifts?: ShiftSchedule;
}

export function defaultSettings(firstUser: Actor): TeamSettings {
  return {
    retentionMonths: DEFAULT_RETENTION_MONTHS,
    journalRetentionMonths: DEFAULT_JOURNAL_RETENTION_MONTHS,
    reminderIntervalMinutes: 2,
    fields: Object.fromEntries(EDITABLE_FIELDS.map((field) => [field, { enabled: DEFAULT_FIELDS.includes(field) }])) as Record<
      EditableField,
      FieldSetting
    >,
    superusers: [firstUser],
  };
}

export function isSuperuser(settings: TeamSettings, actorId: string): boolean {
  return settings.superusers.some((s) => s.id === actorId);
}

export function requireSuperuser(settings: TeamSettings, actor: Actor): void {
  if (!isSuperuser(settings, actor.id)) throw new DomainError('superuserOnly');
}

/** A guest (M365 guest account, another tenant) may use the list but never manage it. */
export function grantSuperuser(settings: TeamSettings, by: Actor, target: Actor, targetIsGuest: boolean): TeamSettings {
  requireSuperuser(settings, by);
  if (targetIsGuest) throw new DomainError('guestCannotBeSuperuser');
  if (isSuperuser(settings, target.id)) throw new DomainError('alreadySuperuser');
  return { ...settings, superusers: [...settings.superusers, target] };
}

export function revokeSuperuser(settings: TeamSettings, by: Actor, targetId: string): TeamSettings {
  requireSuperuser(settings, by);
  if (!isSuperuser(settings, targetId)) throw new DomainError('notSuperuser');
  if (settings.superusers.length === 1) throw new DomainError('lastSuperuser');
  return { ...settings, superusers: settings.superusers.filter((s) => s.id !== targetId) };
}

export interface SettingsInput {
  listName?: string;
  retentionMonths?: string | number;
  journalRetentionMonths?: string | number;
  reminderIntervalMinutes?: string | number;
  fields?: Partial<Record<EditableField, { enabled?: boolean | string; label?: string }>>;
}

function wholeNumber(raw: string | number | undefined, min: number, max: number, field: string, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new DomainError('settingOutOfRange', { field, min, max });
  return value;
}

export function updateSettings(settings: TeamSettings, by: Actor, input: SettingsInput): TeamSettings {
  requireSuperuser(settings, by);
  const listName = input.listName === undefined ? settings.listName : cleanText(input.listName) || undefined;
  if (listName && listName.length > LIST_NAME_MAX) throw new DomainError('valueTooLong', { field: 'listName', max: LIST_NAME_MAX });
  const fields = { ...settings.fields };
  for (const field of EDITABLE_FIELDS) {
    const change = input.fields?.[field];
    if (!change) continue;
    const label = change.label === undefined ? fields[field].label : cleanText(change.label) || undefined;
    if (label && label.length > LABEL_MAX) throw new DomainError('valueTooLong', { field, max: LABEL_MAX });
    const enabled = change.enabled === undefined ? fields[field].enabled : change.enabled === true || change.enabled === 'true';
    fields[field] = { enabled, ...(label && { label }) };
  }
  return {
    ...settings,
    ...(listName ? { listName } : { listName: undefined }),
    retentionMonths: wholeNumber(input.retentionMonths, 1, 120, 'retentionMonths', settings.retentionMonths),
    journalRetentionMonths: wholeNumber(input.journalRetentionMonths, JOURNAL_RETENTION_MIN, JOURNAL_RETENTION_MAX, 'journalRetentionMonths', journalRetention(settings)),
    reminderIntervalMinutes: wholeNumber(input.reminderIntervalMinutes, 1, 60, 'reminderIntervalMinutes', settings.reminderIntervalMinutes),
    fields,
  };
}

export function enabledFields(settings: TeamSettings): EditableField[] {
  return EDITABLE_FIELDS.filter((field) => settings.fields[field]?.enabled);
}

export function journalRetention(settings: Pick<TeamSettings, 'journalRetentionMonths'> | null | undefined): number {
  return settings?.journalRetentionMonths ?? DEFAULT_JOURNAL_RETENTION_MONTHS;
}

/** `relève heures 07:00 15:00 23:00` (superusers): posts start with the next shift change; no times, no post. */
export function withShiftTimes(settings: TeamSettings, by: Actor, times: string[], now: Date): TeamSettings {
  requireSuperuser(settings, by);
  const { shifts: _previous, ...rest } = settings;
  return times.length === 0 ? rest : { ...rest, shifts: { times, since: now.toISOString() } };
}
