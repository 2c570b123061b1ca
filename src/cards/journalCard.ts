import type { AccessRecord } from '../domain/journal';
import type { Actor } from '../domain/patient';
import { formatDateTime } from '../i18n/format';
import { type Lang, t } from '../i18n/messages';
import { type AdaptiveCard, executeAction, expand, plain, VERBS } from './adaptive';
// Same layout as the history card: a heading, then entries of a title and a few lines.
import template from './templates/history.json';

export const JOURNAL_PAGE_SIZE = 10;
/** Numbers shown per entry: an export names the whole list; the card keeps the first few. */
export const NUMBERS_SHOWN = 10;
const NAMES_SHOWN = 10;

/** Whose accesses the card shows; it travels in the Next button's data. */
export type JournalSubject = { number: number } | { person: Actor };

function names(actors: Actor[]): string {
  const shown = actors.slice(0, NAMES_SHOWN).map((a) => plain(a.name));
  return actors.length > NAMES_SHOWN ? `${shown.join(', ')} …` : shown.join(', ');
}

/** The patients an entry shows on the card (the journal records exactly these when a person's log is looked at). */
export function shownPatients(record: AccessRecord): AccessRecord['patients'] {
  return record.patients.slice(0, NUMBERS_SHOWN);
}

export function accessLines(record: AccessRecord, lang: Lang): string[] {
  const numbers = shownPatients(record).map((p) => `#${p.number}`).join(', ');
  const more = record.patients.length - NUMBERS_SHOWN;
  return [
    t(lang, `journal.where.${record.where.place}`),
    ...(numbers ? [t(lang, 'journal.patients', { numbers: more > 0 ? `${numbers} ${t(lang, 'journal.more', { count: more })}` : numbers })] : []),
    ...(record.to?.length ? [t(lang, 'journal.to', { names: names(record.to) })] : []),
    ...(record.subject ? [t(lang, 'journal.subject', { name: plain(record.subject.name) })] : []),
  ];
}

/** Superusers: who did what and when with one patient's information, or what one person consulted; newest first. */
export function journalCard(subject: JournalSubject, records: AccessRecord[], page: number, nextKey: string | undefined, lang: Lang): AdaptiveCard {
  const heading =
    'number' in subject ? t(lang, 'journal.titlePatient', { number: subject.number }) : t(lang, 'journal.titlePerson', { name: plain(subject.person.name) });
  const data = 'number' in subject ? { number: subject.number } : { personId: subject.person.id, personName: subject.person.name };
  return expand(template, {
    heading,
    summary: t(lang, 'journal.summary', { count: records.length, page }),
    entries: records.map((record) => ({
      title: t(lang, 'journal.entry', { date: formatDateTime(record.at, lang), name: plain(record.by.name), action: t(lang, `journal.kind.${record.kind}`) }),
      lines: accessLines(record, lang),
    })),
    empty: records.length === 0 ? t(lang, 'journal.empty') : null,
    actions: nextKey ? [executeAction(t(lang, 'action.next'), VERBS.journalPage, { ...data, before: nextKey, page: page + 1 })] : [],
    disclaimer: t(lang, 'disclaimer'),
  });
}
