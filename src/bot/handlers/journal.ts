import { z } from 'zod';
import { messageCard } from '../../cards/helpCard';
import { JOURNAL_PAGE_SIZE, journalCard, type JournalSubject, shownPatients } from '../../cards/journalCard';
import { type AccessedPatient, type AccessRecord, patientNamed } from '../../domain/journal';
import { isSuperuser } from '../../domain/team';
import { t } from '../../i18n/messages';
import { mentionedMember } from '../activity';
import { journal } from '../journal';
import { forTapper, sendCard, sendText } from '../replies';
import { notice } from '../views';
import { type Turn } from '../turn';
import type { CardHandler } from './cardHandler';

/** Members and guests are told who can see the journal: the team's superusers, by name. */
async function refusedUnlessSuperuser(turn: Turn): Promise<{ names: string } | null> {
  const settings = await turn.currentSettings();
  if (isSuperuser(settings, turn.actor.id)) return null;
  return { names: settings.superusers.map((s) => s.name).join(', ') };
}

/** What the card shows about patients, which is what the viewing's own record names. */
function patientsShown(subject: JournalSubject, records: AccessRecord[]): AccessedPatient[] {
  return 'number' in subject ? patientNamed(records, subject.number) : records.flatMap(shownPatients);
}

async function journalPage(turn: Turn, subject: JournalSubject, before: string | undefined, page: number) {
  const query = 'number' in subject ? { patientNumber: subject.number } : { actorId: subject.person.id };
  const { records, nextKey } = await turn.deps.journal.page(turn.teamId, query, { beforeKey: before, pageSize: JOURNAL_PAGE_SIZE });
  await journal(turn, 'journalViewed', patientsShown(subject, records), 'person' in subject ? { subject: subject.person } : {});
  return journalCard(subject, records, page, nextKey, turn.lang);
}

/** `journal #12` / `access log #12`, `journal @personne` / `access log @person`: superusers only. */
export async function sendJournal(turn: Turn, number: number | undefined): Promise<void> {
  const refused = await refusedUnlessSuperuser(turn);
  // People's names in a chat message: plain text, never markdown.
  if (refused) return void (await turn.context.sendActivity({ type: 'message', text: t(turn.lang, 'journal.superuserOnly', refused), textFormat: 'plain' }));
  if (number !== undefined) return sendCard(turn, await journalPage(turn, { number }, undefined, 1));
  const member = await mentionedMember(turn.context, turn.log);
  if (member === undefined) return sendText(turn, 'usage.journal');
  if (member === null) return sendText(turn, 'error.memberUnknown');
  await sendCard(turn, await journalPage(turn, { person: { id: member.actor.id, name: member.actor.name } }, undefined, 1));
}

const pageInput = z
  .object({
    number: z.coerce.number().int().min(1).max(999_999_999).optional(),
    personId: z.string().min(1).max(200).optional(),
    personName: z.string().max(200).default(''),
    before: z.string().min(1).max(200),
    page: z.coerce.number().int().min(1).max(10000).default(1),
  })
  .refine((input) => (input.number === undefined) !== (input.personId === undefined));

/** Next on the journal card: the superuser check again (the card may be tapped by anyone in the channel). */
export const pageJournal: CardHandler = async (turn, data) => {
  const input = pageInput.parse(data);
  const refused = await refusedUnlessSuperuser(turn);
  if (refused) return forTapper(messageCard(notice(turn, 'journal.superuserOnly', 'Attention', refused), turn.lang));
  const subject: JournalSubject = input.number !== undefined ? { number: input.number } : { person: { id: input.personId!, name: input.personName } };
  return forTapper(await journalPage(turn, subject, input.before, input.page));
};
