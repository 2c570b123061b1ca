import type { AdaptiveCard } from '../cards/adaptive';
import { executeAction, VERBS } from '../cards/adaptive';
import { messageCard } from '../cards/helpCard';
import type { EditableField, Patient } from '../domain/patient';
import type { MutationResult } from '../domain/patientChange';
import { formatDay } from '../i18n/format';
import { type MessageKey, t } from '../i18n/messages';
import { redrawPosted } from './redraw';
import type { Turn } from './turn';
import { teamFields } from './views';

/** Dates just saved, written out in words: some Teams date pickers have shifted a date by a day. */
export async function writtenDates(turn: Turn, patient: Patient, fields: readonly EditableField[]): Promise<string[]> {
  const labels = await teamFields(turn);
  return (['dateOfBirth', 'ptiDate'] as const)
    .filter((field) => fields.includes(field) && patient[field])
    .map((field) =>
      t(turn.lang, 'done.dateWritten', { field: labels.find((l) => l.field === field)?.label ?? t(turn.lang, `field.${field}`), date: formatDay(patient[field]!, turn.lang) }),
    );
}

/**
 * A typed change answers with one short line and an Open button, not a new full card; the
 * patient card posted earlier in this conversation, if any, is redrawn for everyone.
 */
export async function confirmChange(turn: Turn, result: MutationResult, confirmationKey: MessageKey, fields: readonly EditableField[] = []): Promise<AdaptiveCard> {
  const { patient } = result;
  const line = result.changed ? t(turn.lang, confirmationKey, { number: patient.number }) : t(turn.lang, 'done.unchanged');
  const text = [line, ...(result.changed ? await writtenDates(turn, patient, fields) : [])].join(' ');
  if (result.changed) await redrawPosted(turn, patient);
  const open = executeAction(t(turn.lang, 'action.openNumber', { number: patient.number }), VERBS.open, { patientId: patient.id });
  return messageCard({ text, color: result.changed ? 'Good' : 'Default' }, turn.lang, [open]);
}
