import { z } from 'zod';
import { releveCard, relevePage } from '../../cards/releveCard';
import type { ReleveView } from '../../domain/releveService';
import { journal } from '../journal';
import { parseShiftTimes } from '../../domain/releveSchedule';
import { isSuperuser } from '../../domain/team';
import { plain } from '../../cards/adaptive';
import { forEveryone, forTapper, sendCard, sendText } from '../replies';
import { type Turn } from '../turn';
import type { CardHandler } from './cardHandler';

/** One journal record naming the patients of the page shown (no record, no display). */
function journalReleve(turn: Turn, view: ReleveView, page: number): Promise<void> {
  return journal(turn, 'releve', relevePage(view, page).shown.map((row) => row.patient));
}

/** `relève` / `handoff` (since my last acknowledged one) and `relève 24h` (the last hours). */
export async function sendReleve(turn: Turn, hours?: number): Promise<void> {
  const view = hours === undefined ? await turn.deps.releve.mine(turn.teamId, turn.actor) : await turn.deps.releve.lastHours(turn.teamId, hours);
  await journalReleve(turn, view, 1);
  await sendCard(turn, releveCard(view, 1, turn.lang));
}

/** `relève heures 07:00 15:00 23:00` / `relève heures aucune`: superusers; others are told who can. */
export async function setShiftTimes(turn: Turn, none: boolean, words: string[]): Promise<void> {
  const settings = await turn.currentSettings();
  if (!isSuperuser(settings, turn.actor.id)) {
    return sendText(turn, 'releve.scheduleRefused', { names: settings.superusers.map((s) => plain(s.name)).join(', ') });
  }
  const times = none ? [] : parseShiftTimes(words);
  await turn.deps.teams.setShiftTimes(turn.teamId, turn.actor, times, turn.deps.clock.now());
  turn.log.info({ event: 'releve-times-set', count: times.length }, 'relève shift times changed');
  await sendText(turn, times.length ? 'done.shiftTimes' : 'done.shiftTimesNone', { times: times.join(', ') });
}

/** The window and language travel with the card (the domain checks the window); the team never does. */
const releveInput = z.object({
  from: z.string().min(1).max(40),
  to: z.string().min(1).max(40),
  page: z.coerce.number().int().min(1).max(1000).default(1),
  lang: z.enum(['fr', 'en']),
});

export const pageReleve: CardHandler = async (turn, data) => {
  const input = releveInput.parse(data);
  const view = await turn.deps.releve.view(turn.teamId, input);
  await journalReleve(turn, view, input.page);
  return forTapper(releveCard(view, input.page, input.lang));
};

/** « Pris connaissance »: the person's next relève starts where this one ends; the card shows who took it. */
export const acknowledgeReleve: CardHandler = async (turn, data) => {
  const input = releveInput.parse(data);
  const view = await turn.deps.releve.acknowledge(turn.teamId, turn.actor, input);
  turn.log.info({ event: 'releve-acknowledged' }, 'relève acknowledged');
  await journalReleve(turn, view, input.page);
  return forEveryone(releveCard(view, input.page, input.lang));
};
