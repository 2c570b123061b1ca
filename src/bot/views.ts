import { type AdaptiveCard, type Notice } from '../cards/adaptive';
import { type FieldView, fieldLabel, fieldViews } from '../cards/fields';
import { type FormValues, patientFormCard } from '../cards/formCards';
import { patientCard } from '../cards/patientCard';
import type { DomainError } from '../domain/errors';
import type { Patient } from '../domain/patient';
import type { MutationResult } from '../domain/patientChange';
import { type MessageKey, t } from '../i18n/messages';
import { journal } from './journal';
import type { Turn } from './turn';

/** The fields the team uses, under its labels. */
export async function teamFields(turn: Turn): Promise<FieldView[]> {
  return fieldViews(turn.lang, await turn.settings());
}

/** The add or edit form as this team shows it. */
export async function showForm(
  turn: Turn,
  target: Parameters<typeof patientFormCard>[1],
  options: { values?: FormValues; notice?: Notice } = {},
): Promise<AdaptiveCard> {
  if (target.mode === 'edit') await journal(turn, 'formOpened', [target.patient]);
  return patientFormCard(turn.lang, target, { ...options, now: turn.deps.clock.now(), fields: await teamFields(turn) });
}

/** The patient card as this team shows it, drawn for the person who acts (their follow button). */
export async function showPatient(turn: Turn, patient: Patient, notice?: Notice, ackAlertId?: string): Promise<AdaptiveCard> {
  await journal(turn, 'patientShown', [patient]);
  return patientCard(patient, turn.lang, { notice, now: turn.deps.clock.now(), fields: await teamFields(turn), viewerId: turn.actor.id, ackAlertId });
}

/** The patient card after a change: what was done, or that nothing needed changing. */
export async function showChange(turn: Turn, result: MutationResult, confirmationKey: MessageKey): Promise<AdaptiveCard> {
  const confirmation = result.changed
    ? notice(turn, confirmationKey, 'Good', { number: result.patient.number })
    : notice(turn, 'done.unchanged', 'Default');
  return showPatient(turn, result.patient, confirmation);
}

export function notice(turn: Turn, key: MessageKey, color: Notice['color'], params: Record<string, string | number> = {}): Notice {
  return { text: t(turn.lang, key, params), color };
}

/** A domain refusal in the person's language. */
export function refusal(turn: Turn, error: DomainError): Notice {
  const params = { ...error.params };
  if (typeof params.field === 'string') params.field = fieldLabel(params.field, turn.lang);
  return { text: t(turn.lang, `error.${error.code}`, params), color: 'Attention' };
}
