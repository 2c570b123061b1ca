import type { Alert } from '../domain/alerts';
import { DEFAULT_ALERT_POLICY } from '../domain/alerts';
import { formatDateTime } from '../i18n/format';
import { type Lang, t } from '../i18n/messages';
import { type AdaptiveCard, executeAction, expand, MARKDOWN_CHARACTERS, plain, VERBS } from './adaptive';
import { changeText, fieldLabel } from './fields';
import { shownValue } from '../i18n/values';
import template from './templates/alert.json';

/**
 * Display name in an <at> tag, inside the one TextBlock of the card (mentions need one): Teams
 * matches it to the mention entity, so markdown and angle brackets are dropped rather than escaped.
 */
function atName(name: string): string {
  return plain(name).replace(MARKDOWN_CHARACTERS, '');
}

/** « Rose Lévesque » → « R. Lévesque »: a lock screen shows the push, so the first names are initials. */
export function shortName(name: string): string {
  const parts = name.trim().split(/\s+/);
  if (parts.length < 2) return parts[0] ?? '';
  return `${parts.slice(0, -1).map((part) => `${part[0]}.`).join(' ')} ${parts.at(-1)}`;
}

/** A label inside a sentence: « Chambre / unité » → « chambre / unité ». */
function lowerFirst(label: string): string {
  return label.charAt(0).toLocaleLowerCase() + label.slice(1);
}

function levelWord(alert: Alert, lang: Lang): string {
  if (alert.urgent) return t(lang, 'flag.urgent');
  return alert.flag ? t(lang, 'flag.attention') : t(lang, 'alert.kind');
}

/**
 * The one line a phone notification shows, e.g. « URGENT · #1 R. Lévesque : Chambre 3B-14 → 3B-20
 * (Chloé Roy) »: the latest change, and how many more the card holds.
 */
export function alertSummary(alert: Alert, lang: Lang): string {
  const shown = (field: string, value: string | undefined) => (value === undefined ? t(lang, 'alert.empty') : shownValue(field, value, lang));
  const latest = alert.changes.at(-1);
  const change = latest
    ? `${lowerFirst(fieldLabel(latest.field, lang))} ${shown(latest.field, latest.old)} → ${shown(latest.field, latest.new)}`
    : '';
  const more = alert.changes.length - 1;
  return t(lang, 'alert.summary', {
    level: levelWord(alert, lang),
    number: alert.patientNumber,
    name: shortName(alert.patientName),
    change: more > 0 ? t(lang, 'alert.summary.more', { change, count: more }) : change,
    by: latest?.by.name ?? '',
  });
}

/**
 * The alert posted in the channel: who changed what (old → new), the patient's number and name,
 * an @mention of each follower (so Teams pushes it to their phones), Open and Acknowledge.
 */
export function alertCard(alert: Alert, lang: Lang, options: { reminder?: boolean; maxReminders?: number } = {}): AdaptiveCard {
  const mentions = alert.mentions.map((person) => ({
    type: 'mention',
    text: `<at>${atName(person.name)}</at>`,
    mentioned: { id: person.mri ?? person.id, name: person.name },
  }));
  return expand(template, {
    entities: mentions,
    // Acknowledged: neutral, no longer red or yellow. Teams draws Warning text in a light yellow:
    // the yellow band carries the level, the title stays dark.
    style: alert.acknowledged ? 'default' : alert.urgent ? 'attention' : 'warning',
    titleColor: !alert.acknowledged && alert.urgent ? 'Attention' : 'Default',
    flagLine: alert.flag ? t(lang, 'alert.flag', { level: t(lang, `flag.level.${alert.flag.level}`), reason: plain(alert.flag.reason) }) : null,
    reminder: options.reminder
      ? t(lang, 'alert.reminder', { count: alert.reminders.sent, max: options.maxReminders ?? DEFAULT_ALERT_POLICY.maxReminders })
      : null,
    title: `${alert.urgent ? `🔴 ${t(lang, 'flag.urgent')} · ` : ''}${t(lang, 'alert.title', { number: alert.patientNumber, name: plain(alert.patientName) })}`,
    changes: alert.changes.map((change) => ({
      line: t(lang, 'alert.change', { by: plain(change.by.name), change: changeText(change, lang) }),
    })),
    mentionLine: mentions.length ? t(lang, 'alert.for', { mentions: mentions.map((m) => m.text).join(', ') }) : null,
    acknowledged: alert.acknowledged
      ? t(lang, 'alert.acknowledged', { name: plain(alert.acknowledged.by.name), date: formatDateTime(alert.acknowledged.at, lang) })
      : null,
    actions: [
      // Open carries the alert: the patient card it opens keeps the « Vu » button.
      executeAction(t(lang, 'action.open'), VERBS.open, { patientId: alert.patientId, ...(!alert.acknowledged && { alertId: alert.id }) }),
      ...(alert.acknowledged ? [] : [executeAction(t(lang, 'action.ack'), VERBS.ack, { alertId: alert.id }, { style: 'positive' })]),
    ],
    disclaimer: t(lang, 'disclaimer'),
  });
}
