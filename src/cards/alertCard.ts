import type { Alert } from '../domain/alerts';
import { DEFAULT_ALERT_POLICY } from '../domain/alerts';
import { formatDateTime } from '../i18n/format';
import { type Lang, t } from '../i18n/messages';
import { type AdaptiveCard, executeAction, expand, MARKDOWN_CHARACTERS, plain, VERBS } from './adaptive';
import { changeText } from './fields';
import template from './templates/alert.json';

/**
 * Display name in an <at> tag, inside the one TextBlock of the card (mentions need one): Teams
 * matches it to the mention entity, so markdown and angle brackets are dropped rather than escaped.
 */
function atName(name: string): string {
  return plain(name).replace(MARKDOWN_CHARACTERS, '');
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
    style: alert.urgent ? 'attention' : 'warning',
    // Teams draws Warning text in a light yellow: the yellow band carries the level, the title stays dark.
    titleColor: alert.urgent ? 'Attention' : 'Default',
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
      executeAction(t(lang, 'action.open'), VERBS.open, { patientId: alert.patientId }),
      ...(alert.acknowledged ? [] : [executeAction(t(lang, 'action.ack'), VERBS.ack, { alertId: alert.id }, { style: 'positive' })]),
    ],
    disclaimer: t(lang, 'disclaimer'),
  });
}
