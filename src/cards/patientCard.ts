import type { EditableField, Patient } from '../domain/patient';
import { ageOn, formatDate, formatDateTime } from '../i18n/format';
import { type Lang, t } from '../i18n/messages';
import { type AdaptiveCard, executeAction, expand, type Notice, plain, VERBS } from './adaptive';
import { type FieldView, fieldViews } from './fields';
import template from './templates/patient.json';

/** Header colour and text marker of a flagged patient (colour alone is not enough). */
export function flagLook(patient: Patient, lang: Lang): { style: string; marker: string | null; markerColor: string } {
  if (patient.flag) {
    const urgent = patient.flag.level === 'urgent';
    return {
      style: urgent ? 'attention' : 'warning',
      marker: `${urgent ? '⚠ ' : ''}${t(lang, `flag.${patient.flag.level}`)} · ${plain(patient.flag.reason)}`,
      markerColor: urgent ? 'Attention' : 'Warning',
    };
  }
  return { style: patient.status === 'inactive' ? 'emphasis' : 'default', marker: null, markerColor: 'Default' };
}

export function statusText(patient: Patient, lang: Lang): string {
  if (patient.status === 'inactive' && patient.inactive) {
    return t(lang, 'patient.inactiveSince', {
      date: formatDate(patient.inactive.since, lang),
      reason: t(lang, `inactive.${patient.inactive.reason}`),
    });
  }
  return t(lang, 'status.active');
}

export function fieldValue(patient: Patient, field: EditableField, lang: Lang, now: Date): string | undefined {
  const value = patient[field];
  if (value === undefined) return undefined;
  if (field === 'dateOfBirth') return `${value} (${t(lang, 'patient.age', { age: ageOn(value, now) })})`;
  return plain(value);
}

export function patientCard(
  patient: Patient,
  lang: Lang,
  options: { notice?: Notice; now?: Date; fields?: FieldView[]; ackAlertId?: string } = {},
): AdaptiveCard {
  const now = options.now ?? new Date();
  const fields = options.fields ?? fieldViews(lang);
  const look = flagLook(patient, lang);
  const ref = { patientId: patient.id, version: patient.version };
  const statusAction =
    patient.status === 'active'
      ? executeAction(t(lang, 'action.setInactive'), VERBS.inactiveForm, ref)
      : executeAction(t(lang, 'action.setActive'), VERBS.setActive, ref, { style: 'positive' });
  const flagAction = patient.flag
    ? executeAction(t(lang, 'action.unflag'), VERBS.unflag, ref)
    : executeAction(t(lang, 'action.flag'), VERBS.flagForm, ref, { style: 'destructive' });
  return expand(template, {
    notice: options.notice ?? null,
    headerStyle: look.style,
    marker: look.marker,
    markerColor: look.markerColor,
    title: `#${patient.number} · ${plain(patient.name)}`,
    statusLine: statusText(patient, lang),
    facts: fields.flatMap(({ field, label }) => {
      const value = fieldValue(patient, field, lang, now);
      return value === undefined ? [] : [{ label, value }];
    }),
    labels: { notes: t(lang, 'patient.notes'), disclaimer: t(lang, 'disclaimer') },
    notes: patient.recentNotes.map((note) => ({
      text: plain(note.text),
      signature: `${plain(note.by.name)} · ${formatDateTime(note.at, lang)}`,
    })),
    notesSummary:
      patient.noteCount === 0
        ? t(lang, 'patient.noNotes')
        : t(lang, 'patient.notesCount', { shown: patient.recentNotes.length, count: patient.noteCount }),
    changedLine: [
      t(lang, 'patient.changedBy', { name: plain(patient.updated.by.name), date: formatDateTime(patient.updated.at, lang) }),
      t(lang, 'patient.createdBy', { name: plain(patient.created.by.name), date: formatDateTime(patient.created.at, lang) }),
    ].join('\n'),
    followersLine: patient.followers.length
      ? t(lang, 'patient.followers', { names: patient.followers.map((f) => plain(f.name)).join(', ') })
      : t(lang, 'patient.noFollowers'),
    // Two buttons a row: four side by side are cut on a 390 px phone.
    actionRows: [
      // Opened from an alert nobody acknowledged yet: « Vu » stays at hand.
      ...(options.ackAlertId ? [{ actions: [executeAction(t(lang, 'action.ack'), VERBS.ack, { alertId: options.ackAlertId }, { style: 'positive' })] }] : []),
      { actions: [executeAction(t(lang, 'action.edit'), VERBS.edit, ref), executeAction(t(lang, 'action.addNote'), VERBS.noteForm, ref)] },
      { actions: [flagAction, statusAction] },
      { actions: [executeAction(t(lang, 'action.follow'), VERBS.follow, ref), executeAction(t(lang, 'action.unfollow'), VERBS.unfollow, ref)] },
      { actions: [executeAction(t(lang, 'action.history'), VERBS.history, { patientId: patient.id }), executeAction(t(lang, 'action.list'), VERBS.listPage, { filter: 'active' })] },
    ],
  });
}
