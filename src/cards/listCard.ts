import type { Patient } from '../domain/patient';
import type { ListFilter, PatientPage } from '../domain/ports';
import { type Lang, t } from '../i18n/messages';
import { type AdaptiveCard, type ExecuteAction, executeAction, expand, type Notice, plain, VERBS } from './adaptive';
import { flagLook, statusText } from './patientCard';
import template from './templates/list.json';

export const PAGE_SIZE = 10;
const SUMMARY_MAX = 80;

export function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function row(patient: Patient, lang: Lang, action: ExecuteAction) {
  const look = flagLook(patient, lang);
  const details = [patient.room, statusText(patient, lang), patient.reason && truncate(patient.reason, SUMMARY_MAX)]
    .filter(Boolean)
    .join(' · ');
  return {
    style: look.style,
    marker: look.marker,
    markerColor: look.markerColor,
    title: `#${patient.number} · ${plain(patient.name)}`,
    details: plain(details),
    action,
  };
}

interface ListView {
  heading: string;
  summary: string;
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
    rows: view.rows,
    empty: view.empty,
    actionRows: [{ actions: view.actions }],
    disclaimer: t(lang, 'disclaimer'),
  });
}

/** One page of the team's list; rows open the patient card, buttons page by keyset cursor. */
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
      summary: t(lang, 'list.summary', { total: page.total, page: current, pages }),
      rows: page.patients.map((p) => row(p, lang, executeAction(`#${p.number}`, VERBS.open, { patientId: p.id }))),
      empty: page.patients.length === 0 ? t(lang, 'list.empty') : null,
      actions: paging,
      notice: options.notice,
    },
    lang,
  );
}

export function followingCard(patients: Patient[], lang: Lang): AdaptiveCard {
  return render(
    {
      heading: t(lang, 'list.title.following'),
      summary: '',
      rows: patients.map((p) => row(p, lang, executeAction(`#${p.number}`, VERBS.open, { patientId: p.id }))),
      empty: patients.length === 0 ? t(lang, 'list.following.empty') : null,
      actions: [executeAction(t(lang, 'action.list'), VERBS.listPage, { filter: 'active' })],
    },
    lang,
  );
}

/**
 * Several patients match a name part: the person picks one, never a guess. Each row carries the
 * pending command, which runs on the picked patient as if typed with its number.
 */
export function choiceCard(ref: string, candidates: Patient[], pending: Record<string, unknown>, lang: Lang): AdaptiveCard {
  return render(
    {
      heading: t(lang, 'choice.title', { ref: plain(ref) }),
      summary: '',
      rows: candidates.map((p) => row(p, lang, executeAction(`#${p.number}`, VERBS.pick, { patientId: p.id, command: pending }))),
      empty: null,
      actions: [],
    },
    lang,
  );
}
