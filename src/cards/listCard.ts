import type { Patient } from '../domain/patient';
import type { ListCounts, ListFilter, PatientPage } from '../domain/ports';
import { formatDate, formatDay } from '../i18n/format';
import { type Lang, t, tn } from '../i18n/messages';
import { type AdaptiveCard, type ExecuteAction, executeAction, expand, type Notice, plain, VERBS } from './adaptive';
import { firstWords, flagLook } from './patientCard';
import template from './templates/list.json';

export const PAGE_SIZE = 10;
/** Characters of the latest note a row shows. */
const NOTE_WORDS_IN_ROW = 70;

/** Which list a row is shown in: a row never repeats the status its list's title already says. */
type RowContext = ListFilter | 'following' | 'choice';

function rowDetails(patient: Patient, context: RowContext, lang: Lang): string {
  const parts: string[] = [];
  if (context === 'choice' && patient.dateOfBirth) parts.push(t(lang, 'list.born', { date: formatDay(patient.dateOfBirth, lang) }));
  if (patient.room) parts.push(patient.room);
  if (patient.status === 'inactive' && patient.inactive) {
    const reason = t(lang, `inactive.${patient.inactive.reason}`);
    // The inactive list's title says "inactive": its rows say why and since when; elsewhere the row says it.
    parts.push(
      context === 'inactive'
        ? t(lang, 'list.inactiveRow', { reason, date: formatDate(patient.inactive.since, lang) })
        : t(lang, 'list.inactiveAllRow', { reason }),
    );
  }
  return plain(parts.join(' · '));
}

function row(patient: Patient, context: RowContext, lang: Lang, action: ExecuteAction) {
  const look = flagLook(patient, lang);
  const latest = patient.recentNotes[0];
  return {
    style: look.style,
    badge: look.marker,
    title: `#${patient.number} · ${plain(patient.name)}`,
    details: rowDetails(patient, context, lang),
    note: latest ? plain(firstWords(latest.text, NOTE_WORDS_IN_ROW)) : '',
    open: t(lang, 'list.open'),
    action,
  };
}

/** Actifs · Signalés (n) · Mes suivis · Inactifs, two a row (four side by side are cut at 390 px); the current one stands out. */
function filterRows(current: RowContext, counts: ListCounts, lang: Lang) {
  const button = (filter: ListFilter | 'following', title: string) =>
    filter === 'following'
      ? executeAction(title, VERBS.following, {}, current === filter ? { style: 'positive' } : {})
      : executeAction(title, VERBS.listPage, { filter }, current === filter ? { style: 'positive' } : {});
  return [
    { actions: [button('active', t(lang, 'list.filter.active', { count: counts.active })), button('flagged', t(lang, 'list.filter.flagged', { count: counts.flagged }))] },
    { actions: [button('following', t(lang, 'list.filter.following')), button('inactive', t(lang, 'list.filter.inactive', { count: counts.inactive }))] },
  ];
}

interface ListView {
  heading: string;
  summary: string;
  filters: Array<{ actions: ExecuteAction[] }>;
  rows: ReturnType<typeof row>[];
  empty: string | null;
  actions: ExecuteAction[];
  notice?: Notice;
}

function render(view: ListView, lang: Lang): AdaptiveCard {
  return expand(template, {
    notice: view.notice ?? null,
    heading: view.heading,
    summary: view.summary,
    filterRows: view.filters,
    rows: view.rows,
    empty: view.empty,
    actionRows: [{ actions: view.actions }],
    disclaimer: t(lang, 'disclaimer'),
  });
}

const openAction = (p: Patient) => executeAction(`#${p.number}`, VERBS.open, { patientId: p.id });

/**
 * One page of the team's list in the store's order (urgent, attention, the rest, each by latest
 * activity); rows open the patient card, buttons filter and page by keyset cursor.
 */
export function listCard(
  page: PatientPage,
  filter: ListFilter,
  pageNumber: number,
  lang: Lang,
  options: { notice?: Notice } = {},
): AdaptiveCard {
  const pages = Math.max(1, Math.ceil(page.total / PAGE_SIZE));
  const current = Math.min(Math.max(1, pageNumber), pages);
  const paging: ExecuteAction[] = [];
  if (page.hasNewer && page.firstKey) {
    paging.push(executeAction(t(lang, 'action.previous'), VERBS.listPage, { filter, before: page.firstKey, page: current - 1 }));
  }
  if (page.hasOlder && page.lastKey) {
    paging.push(executeAction(t(lang, 'action.next'), VERBS.listPage, { filter, after: page.lastKey, page: current + 1 }));
  }
  if (paging.length < 2) paging.push(executeAction(t(lang, 'action.add'), VERBS.addForm));
  return render(
    {
      heading: t(lang, `list.title.${filter}`),
      summary: tn(lang, 'list.summary', page.total, { total: page.total, page: current, pages }),
      filters: filterRows(filter, page.counts, lang),
      rows: page.patients.map((p) => row(p, filter, lang, openAction(p))),
      empty: page.patients.length === 0 ? t(lang, 'list.empty') : null,
      actions: paging,
      notice: options.notice,
    },
    lang,
  );
}

export function followingCard(patients: Patient[], counts: ListCounts, lang: Lang): AdaptiveCard {
  return render(
    {
      heading: t(lang, 'list.title.following'),
      summary: '',
      filters: filterRows('following', counts, lang),
      rows: patients.map((p) => row(p, 'following', lang, openAction(p))),
      empty: patients.length === 0 ? t(lang, 'list.following.empty') : null,
      actions: [],
    },
    lang,
  );
}

/**
 * Several patients match a name part: the person picks one, never a guess. Rows show the birth
 * date and room that tell namesakes apart, and carry the pending command, which runs on the
 * picked patient as if typed with its number.
 */
export function choiceCard(ref: string, candidates: Patient[], pending: Record<string, unknown>, lang: Lang): AdaptiveCard {
  return render(
    {
      heading: t(lang, 'choice.title', { ref: plain(ref) }),
      summary: '',
      filters: [],
      rows: candidates.map((p) => row(p, 'choice', lang, executeAction(`#${p.number}`, VERBS.pick, { patientId: p.id, command: pending }))),
      empty: null,
      actions: [],
    },
    lang,
  );
}
