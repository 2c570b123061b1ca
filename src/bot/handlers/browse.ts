import { z } from 'zod';
import { helpCard } from '../../cards/helpCard';
import { followingCard, listCard, PAGE_SIZE } from '../../cards/listCard';
import type { ListFilter, PageCursor } from '../../domain/ports';
import { listPageInput, patientRef } from '../cardData';
import { journal } from '../journal';
import { forEveryone, forTapper, sendCard } from '../replies';
import { type Turn } from '../turn';
import { showPatient } from '../views';
import type { CardHandler } from './cardHandler';
import { pendingCommandSchema, runOnPatient } from './patientCommands';

export async function listFor(turn: Turn, filter: ListFilter, cursor: { after?: string; before?: string } = {}, page = 1) {
  const pageCursor: PageCursor = cursor.before ? { before: cursor.before } : cursor.after ? { after: cursor.after } : {};
  const result = await turn.deps.patients.list(turn.teamId, filter, pageCursor, PAGE_SIZE);
  await journal(turn, 'listViewed', result.patients);
  // With no newer rows this is the first page, whatever page the card thought it was on.
  return listCard(result, filter, result.hasNewer ? page : 1, turn.lang);
}

export async function sendList(turn: Turn, filter: ListFilter): Promise<void> {
  await sendCard(turn, await listFor(turn, filter));
}

/** The patients I follow: one page in the list's order (a person follows a handful), with the filter buttons' counts. */
async function followingFor(turn: Turn) {
  const [patients, counts] = await Promise.all([
    turn.deps.patients.followedBy(turn.teamId, turn.actor.id, PAGE_SIZE),
    turn.deps.patients.counts(turn.teamId),
  ]);
  await journal(turn, 'listViewed', patients);
  return followingCard(patients, counts, turn.lang);
}

export async function sendFollowing(turn: Turn): Promise<void> {
  await sendCard(turn, await followingFor(turn));
}

export const showFollowing: CardHandler = async (turn) => forTapper(await followingFor(turn));

const openInput = patientRef.extend({ alertId: z.string().min(1).max(100).optional() });

export const openPatient: CardHandler = async (turn, data) => {
  const input = openInput.parse(data);
  const patient = await turn.deps.patients.get(turn.teamId, input.patientId);
  // From an alert's Open: the card keeps « Vu » while that alert of this patient is not acknowledged.
  const open = input.alertId ? await turn.deps.alerts.unacknowledged(turn.teamId, input.alertId, patient.id) : false;
  return forTapper(await showPatient(turn, patient, undefined, open ? input.alertId : undefined));
};

export const pageList: CardHandler = async (turn, data) => {
  const input = listPageInput.parse(data);
  return forTapper(await listFor(turn, input.filter, input, input.page));
};

const pickInput = patientRef.extend({ command: pendingCommandSchema });

/** A choice card's row: the pending command runs on the picked patient of this team. */
export const pickPatient: CardHandler = async (turn, data) => {
  const input = pickInput.parse(data);
  const patient = await turn.deps.patients.get(turn.teamId, input.patientId);
  return forEveryone(await runOnPatient(turn, patient, input.command));
};

export const showHelp: CardHandler = async (turn) => forTapper(helpCard(turn.lang));
