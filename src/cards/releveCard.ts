import type { ReleveEvent, ReleveRow } from '../domain/releve';
import type { ReleveView } from '../domain/releveService';
import { formatSince } from '../i18n/format';
import { type Lang, t, tn } from '../i18n/messages';
import { shownFlagLevel, shownValue } from '../i18n/values';
import { type AdaptiveCard, type ExecuteAction, executeAction, expand, type Notice, plain, truncate, VERBS } from './adaptive';
import { changeText } from './fields';
import { flagLook } from './patientCard';
import template from './templates/releve.json';

/** Patients a page shows: ten rows with their buttons stay far under the 28 KB budget. */
export const RELEVE_PAGE_SIZE = 10;
/** Lengths that keep a row to one or two lines on a phone. */
const VALUE_MAX = 60;
const EVENTS_MAX = 240;
const NOTE_MAX = 120;

function value(text: string | undefined, lang: Lang): string {
  return text === undefined ? t(lang, 'alert.empty') : plain(truncate(text, VALUE_MAX));
}

function eventText(event: ReleveEvent, lang: Lang): string {
  switch (event.kind) {
    case 'created':
      return t(lang, 'releve.new');
    case 'inactive':
      return t(lang, 'releve.inactive', { reason: event.reason === undefined ? t(lang, 'alert.empty') : plain(shownValue('inactiveReason', event.reason, lang)) });
    case 'reactivated':
      return t(lang, 'releve.reactivated');
    case 'flagRaised':
      return t(lang, 'releve.flagRaised', { level: plain(shownFlagLevel(event.level, lang)), reason: value(event.reason, lang) });
    case 'flagRemoved':
      return t(lang, 'releve.flagRemoved', { reason: value(event.reason, lang) });
    case 'field':
      return changeText(event, lang);
  }
}

function row(entry: ReleveRow, to: Date, lang: Lang) {
  const { patient } = entry;
  const lines: string[] = [];
  if (entry.events.length > 0) lines.push(truncate(entry.events.map((e) => eventText(e, lang)).join(' · '), EVENTS_MAX));
  if (entry.notes.latest) {
    lines.push(tn(lang, 'releve.notes', entry.notes.count, { text: plain(truncate(entry.notes.latest.text, NOTE_MAX)), by: plain(entry.notes.latest.by.name) }));
  }
  // The list's badge: dark text on the flag's band, the level in words and an emoji, never colour alone.
  const look = flagLook(patient, lang);
  return {
    style: patient.flag ? look.style : 'default',
    marker: look.marker,
    unacknowledged: entry.unacknowledged ? t(lang, 'releve.unacknowledged') : null,
    title: [`#${patient.number}`, plain(patient.name), patient.room && plain(patient.room)].filter(Boolean).join(' · '),
    lines,
    byLine: t(lang, 'releve.by', { names: entry.by.map((a) => plain(a.name)).join(', '), date: formatSince(entry.latestAt, to, lang) }),
    actions: [executeAction(`${t(lang, 'action.open')} #${patient.number}`, VERBS.open, { patientId: patient.id })],
  };
}

/**
 * La relève, one page: who changed what since `from`, urgent patients first. The buttons carry
 * the window and the card's language, so a page or an acknowledgement redraws the same relève.
 */
/** The rows one page of the relève shows (the access journal names exactly those patients). */
export function relevePage(view: ReleveView, page: number): { pages: number; current: number; shown: ReleveView['digest']['rows'] } {
  const pages = Math.max(1, Math.ceil(view.digest.rows.length / RELEVE_PAGE_SIZE));
  const current = Math.min(Math.max(1, page), pages);
  return { pages, current, shown: view.digest.rows.slice((current - 1) * RELEVE_PAGE_SIZE, current * RELEVE_PAGE_SIZE) };
}

export function releveCard(view: ReleveView, page: number, lang: Lang, options: { notice?: Notice } = {}): AdaptiveCard {
  const { digest } = view;
  const to = new Date(digest.window.to);
  const since = formatSince(digest.window.from, to, lang);
  const { pages, current, shown } = relevePage(view, page);
  const data = { from: digest.window.from, to: digest.window.to, lang };
  const actions: ExecuteAction[] = [];
  if (current > 1) actions.push(executeAction(t(lang, 'action.previous'), VERBS.relevePage, { ...data, page: current - 1 }));
  if (current < pages) actions.push(executeAction(t(lang, 'action.next'), VERBS.relevePage, { ...data, page: current + 1 }));
  actions.push(executeAction(t(lang, 'action.releveAck'), VERBS.releveAck, { ...data, page: current }, { style: 'positive' }));
  const count = [tn(lang, 'releve.changes', digest.changes), tn(lang, 'releve.patients', digest.rows.length)].join(', ');
  return expand(template, {
    notice: options.notice ?? null,
    heading: t(lang, 'releve.title', { since }),
    summary: digest.rows.length > 0 ? `${count}${pages > 1 ? ` · ${t(lang, 'releve.page', { page: current, pages })}` : ''}` : '',
    rows: shown.map((entry) => row(entry, to, lang)),
    empty: digest.rows.length === 0 ? t(lang, 'releve.nothing', { since }) : null,
    acknowledged: view.acknowledgements.length
      ? t(lang, 'releve.acknowledged', {
          names: view.acknowledgements.map((a) => t(lang, 'releve.acknowledgedBy', { name: plain(a.by.name), date: formatSince(a.at, to, lang) })).join(', '),
        })
      : null,
    // Two buttons a row: three side by side are cut on a 390 px phone.
    actionRows: actions.length > 2 ? [{ actions: actions.slice(0, 2) }, { actions: actions.slice(2) }] : [{ actions }],
    disclaimer: t(lang, 'disclaimer'),
  });
}
