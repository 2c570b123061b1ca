import type { PurgeCandidate } from '../domain/retention';
import { formatDate, formatDateTime } from '../i18n/format';
import { type Lang, t, tn } from '../i18n/messages';
import { type AdaptiveCard, type ExecuteAction, executeAction, expand, type Notice, plain, VERBS } from './adaptive';
import template from './templates/purge.json';

/** Rows a page shows: ten names and their buttons stay far under the 28 KB card budget. */
export const PURGE_PAGE_SIZE = 10;

export interface PurgePreviewView {
  /** ISO time of the next run. */
  runAt: string;
  retentionMonths: number;
  patients: PurgeCandidate[];
}

function row(patient: PurgeCandidate, page: number, lang: Lang) {
  return {
    title: `#${patient.number} · ${plain(patient.name)}`,
    details: t(lang, 'purge.row', { reason: t(lang, `inactive.${patient.reason}`), date: formatDate(patient.since, lang) }),
    actions: [executeAction(t(lang, 'action.purgeExclude'), VERBS.purgeExclude, { patientId: patient.id, page }, { style: 'positive' })],
  };
}

/** The page of candidates a preview page shows (the journal records exactly these). */
export function purgePage<T>(patients: T[], page: number): { current: number; pages: number; shown: T[] } {
  const pages = Math.max(1, Math.ceil(patients.length / PURGE_PAGE_SIZE));
  const current = Math.min(Math.max(1, page), pages);
  return { current, pages, shown: patients.slice((current - 1) * PURGE_PAGE_SIZE, current * PURGE_PAGE_SIZE) };
}

/**
 * Superusers only: who the next purge would delete, and when, one page at a time; each row has
 * an Exclude button that keeps that patient.
 */
export function purgePreviewCard(view: PurgePreviewView, page: number, lang: Lang, options: { notice?: Notice } = {}): AdaptiveCard {
  const total = view.patients.length;
  const { current, pages, shown } = purgePage(view.patients, page);
  const actions: ExecuteAction[] = [];
  if (current > 1) actions.push(executeAction(t(lang, 'action.previous'), VERBS.purgePreview, { page: current - 1 }));
  if (current < pages) actions.push(executeAction(t(lang, 'action.next'), VERBS.purgePreview, { page: current + 1 }));
  actions.push(executeAction(t(lang, 'action.refresh'), VERBS.purgePreview, { page: current }));
  return expand(template, {
    notice: options.notice ?? null,
    heading: t(lang, 'purge.title'),
    when: t(lang, 'purge.when', { date: formatDateTime(view.runAt, lang), months: view.retentionMonths }),
    summary: total > 0 ? tn(lang, 'purge.summary', total, { page: current, pages }) : '',
    rows: shown.map((patient) => row(patient, current, lang)),
    empty: total === 0 ? t(lang, 'purge.empty') : null,
    hint: total > 0 ? t(lang, 'purge.hint') : null,
    actionRows: [{ actions }],
    disclaimer: t(lang, 'disclaimer'),
  });
}
