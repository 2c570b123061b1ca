import { z } from 'zod';
import { settingsFormCard } from '../../cards/formCards';
import { historyCard, HISTORY_PAGE_SIZE } from '../../cards/historyCard';
import { EDITABLE_FIELDS } from '../../domain/patient';
import { requireSuperuser, type SettingsInput } from '../../domain/team';
import { forTapper, isDomainError, sendCard, sendText } from '../replies';
import { notice, refusal } from '../views';
import { type Turn } from '../turn';
import { mentionedMember } from '../activity';
import { journal } from '../journal';
import type { CardHandler } from './cardHandler';

/** `settings` / `paramètres`: superusers only. */
export async function sendSettings(turn: Turn): Promise<void> {
  const settings = await turn.currentSettings();
  requireSuperuser(settings, turn.actor);
  await sendCard(turn, settingsFormCard(settings, turn.teamId, turn.lang));
}

const settingsInput = z.record(z.string(), z.unknown());

export const saveSettings: CardHandler = async (turn, data) => {
  const raw = settingsInput.parse(data);
  const text = (key: string) => (typeof raw[key] === 'string' || typeof raw[key] === 'number' ? String(raw[key]) : undefined);
  const input: SettingsInput = {
    listName: text('listName'),
    retentionMonths: text('retentionMonths'),
    journalRetentionMonths: text('journalRetentionMonths'),
    reminderIntervalMinutes: text('reminderIntervalMinutes'),
    fields: Object.fromEntries(
      EDITABLE_FIELDS.map((field) => [field, { enabled: text(`enabled_${field}`) === 'true', label: text(`label_${field}`) }]),
    ),
  };
  try {
    const saved = await turn.deps.teams.update(turn.teamId, turn.actor, input);
    return forTapper(settingsFormCard(saved, turn.teamId, turn.lang, { notice: notice(turn, 'done.settings', 'Good') }));
  } catch (error) {
    if (!isDomainError(error) || error.code === 'superuserOnly') throw error;
    return forTapper(settingsFormCard(await turn.currentSettings(), turn.teamId, turn.lang, { notice: refusal(turn, error) }));
  }
};

export async function changeSuperuser(turn: Turn, grant: boolean): Promise<void> {
  const member = await mentionedMember(turn.context, turn.log);
  if (member === undefined) return sendText(turn, grant ? 'usage.grant' : 'usage.revoke');
  if (member === null) return sendText(turn, 'error.memberUnknown');
  if (grant) await turn.deps.teams.grant(turn.teamId, turn.actor, member.actor, member.guest);
  else await turn.deps.teams.revoke(turn.teamId, turn.actor, member.actor.id);
  turn.log.info({ event: grant ? 'superuser-granted' : 'superuser-revoked' }, 'team roles changed');
  await sendText(turn, grant ? 'done.granted' : 'done.revoked', { name: member.actor.name });
}

const historyInput = z.object({ patientId: z.string().min(1).max(100), before: z.string().max(40).optional(), page: z.coerce.number().int().min(1).max(10000).default(1) });

export async function historyFor(turn: Turn, patientId: string, before: string | undefined, page: number) {
  const patient = await turn.deps.patients.get(turn.teamId, patientId);
  const { records, nextKey } = await turn.deps.history.page(turn.teamId, patient.id, before, HISTORY_PAGE_SIZE);
  await journal(turn, 'historyViewed', [patient]);
  return historyCard(patient, records, page, nextKey, turn.lang);
}

export const pageHistory: CardHandler = async (turn, data) => {
  const input = historyInput.parse(data);
  return forTapper(await historyFor(turn, input.patientId, input.before, input.page));
};
