import type { HistoryRecord } from '../domain/history';
import type { Patient } from '../domain/patient';
import { formatDateTime } from '../i18n/format';
import { type Lang, t, tn } from '../i18n/messages';
import { type AdaptiveCard, executeAction, expand, plain, VERBS } from './adaptive';
import { changeText } from './fields';
import template from './templates/history.json';

export const HISTORY_PAGE_SIZE = 10;

/** A patient's change history, newest first, one page; Older continues from the last record shown. */
export function historyCard(patient: Patient, records: HistoryRecord[], page: number, nextKey: string | undefined, lang: Lang): AdaptiveCard {
  return expand(template, {
    heading: t(lang, 'history.title', { number: patient.number, name: plain(patient.name) }),
    summary: tn(lang, 'history.summary', records.length, { page }),
    entries: records.map((record) => ({
      title: t(lang, 'history.entry', {
        date: formatDateTime(record.at, lang),
        name: plain(record.by.name),
        action: t(lang, `history.action.${record.action}`),
      }),
      lines: record.changes.map((change) => changeText(change, lang)),
    })),
    empty: records.length === 0 ? t(lang, 'history.empty') : null,
    actions: [
      ...(nextKey ? [executeAction(t(lang, 'action.next'), VERBS.history, { patientId: patient.id, before: nextKey, page: page + 1 })] : []),
      executeAction(t(lang, 'action.open'), VERBS.open, { patientId: patient.id }),
    ],
    disclaimer: t(lang, 'disclaimer'),
  });
}
