import { z } from 'zod';
import { messageCard } from '../../cards/helpCard';
import { purgePage, purgePreviewCard } from '../../cards/purgeCard';
import type { AdaptiveCard, Notice } from '../../cards/adaptive';
import { forEveryone, forTapper, isDomainError, sendCard } from '../replies';
import { notice, refusal } from '../views';
import { type Turn } from '../turn';
import { journal } from '../journal';
import type { CardHandler } from './cardHandler';

const pageInput = z.object({ page: z.coerce.number().int().min(1).max(10000).default(1) });
const excludeInput = pageInput.extend({ patientId: z.string().min(1).max(100) });

async function previewCard(turn: Turn, page: number, shown?: Notice): Promise<AdaptiveCard> {
  const preview = await turn.deps.retention.preview(turn.teamId, await turn.currentSettings(), turn.actor);
  await journal(turn, 'listViewed', purgePage(preview.patients, page).shown);
  return purgePreviewCard({ ...preview, runAt: preview.runAt.toISOString() }, page, turn.lang, { notice: shown });
}

/** `purge preview` / `aperçu épuration`: superusers only; others get the refusal sentence. */
export async function sendPurgePreview(turn: Turn): Promise<void> {
  const card = await previewCard(turn, 1);
  turn.log.info({ event: 'purge-preview' }, 'purge preview shown');
  await sendCard(turn, card);
}

/** Previous / Next / Refresh on the preview (a refusal comes back through `guarded`). */
export const pagePurgePreview: CardHandler = async (turn, data) => {
  const input = pageInput.parse(data);
  return forTapper(await previewCard(turn, input.page));
};

/** Exclude: the patient is kept by every later purge; the posted preview is redrawn for everyone. */
export const excludeFromPurge: CardHandler = async (turn, data) => {
  const input = excludeInput.parse(data);
  try {
    const result = await turn.deps.retention.exclude(turn.teamId, await turn.currentSettings(), turn.actor, input.patientId);
    turn.log.info({ event: 'purge-excluded', changed: result.changed }, 'patient excluded from the purge');
    const confirmation = notice(turn, 'done.purgeExcluded', 'Good', { number: result.patient.number });
    return forEveryone(await previewCard(turn, input.page, confirmation));
  } catch (error) {
    if (!isDomainError(error)) throw error;
    return forTapper(messageCard(refusal(turn, error), turn.lang));
  }
};
