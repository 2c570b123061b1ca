import { type EditableField, isFollowing, type Patient } from '../domain/patient';
import { ageOn, formatDate, formatDateTime, formatDay } from '../i18n/format';
import { type Lang, t, tn } from '../i18n/messages';
import { type AdaptiveCard, executeAction, expand, type Notice, plain, VERBS } from './adaptive';
import { type FieldView, fieldViews } from './fields';
import template from './templates/patient.json';

/**
 * Band style and badge of a flagged patient: the badge says the level in words with its emoji
 * (colour alone is not enough) and is dark text on the band, readable on a phone in the sun.
 */
export function flagLook(patient: Pick<Patient, 'flag' | 'status'>, lang: Lang): { style: string; marker: string | null } {
  if (patient.flag) {
    const urgent = patient.flag.level === 'urgent';
    return {
      style: urgent ? 'attention' : 'warning',
      marker: `${urgent ? '🔴' : '🟡'} ${t(lang, `flag.${patient.flag.level}`)} · ${plain(patient.flag.reason)}`,
    };
  }
  return { style: patient.status === 'inactive' ? 'emphasis' : 'default', marker: null };
}

export function statusText(patient: Patient, lang: Lang): string {
  if (patient.status === 'inactive' && patient.inactive) {
    const line = t(lang, 'patient.inactiveSince', {
      date: formatDate(patient.inactive.since, lang),
      reason: t(lang, `inactive.${patient.inactive.reason}`),
    });
    return patient.inactive.comment ? `${line} · ${plain(patient.inactive.comment)}` : line;
  }
  return t(lang, 'status.active');
}

export function fieldValue(patient: Patient, field: EditableField, lang: Lang, now: Date): string | undefined {
  const value = patient[field];
  if (value === undefined) return undefined;
  if (field === 'dateOfBirth') return t(lang, 'patient.born', { age: ageOn(value, now), date: formatDay(value, lang) });
  if (field === 'ptiDate') return formatDay(value, lang);
  return plain(value);
}

/** The first words of a note, cut at a word boundary, on one line. */
export function firstWords(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  if (line.length <= max) return line;
  const cut = line.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${space > max / 2 ? cut.slice(0, space) : cut}…`;
}

/** `tel:` link of a validated phone (digits, a leading +, an optional extension). */
export function telUrl(phone: string): string {
  const [main = '', extension] = phone.split(/\s*(?:x|ext\.?|poste)\s*/i);
  const digits = main.replace(/[^\d+]/g, '');
  return `tel:${digits}${extension ? `;ext=${extension.replace(/\D/g, '')}` : ''}`;
}

/** Characters of the latest note on the first screen (about six lines at 390 px). */
const LATEST_NOTE_SHOWN = 280;

/** Teams refreshes a card automatically for at most 60 listed users. */
const REFRESH_USERS_MAX = 60;

/** Fields the first screen shows itself; « Plus de détails » holds the others. */
const FIRST_SCREEN: readonly EditableField[] = ['dateOfBirth', 'room', 'address', 'phone'];

function noteView(note: Patient['recentNotes'][number], lang: Lang) {
  return { text: plain(note.text), signature: `${plain(note.by.name)} · ${formatDateTime(note.at, lang)}` };
}

/**
 * The patient card, compact for a phone: the first screen holds who (name, age and birth date
 * written out), the flag and its reason, where (room, address), a Call button and the latest
 * note; « Plus de détails » shows the other fields and notes, « Plus… » the other buttons.
 * The follow button is the one that fits the person the card is drawn for.
 */
export function patientCard(
  patient: Patient,
  lang: Lang,
  options: { notice?: Notice; now?: Date; fields?: FieldView[]; viewerId?: string; ackAlertId?: string } = {},
): AdaptiveCard {
  const now = options.now ?? new Date();
  const fields = options.fields ?? fieldViews(lang);
  const uses = (field: EditableField) => fields.some((f) => f.field === field);
  const look = flagLook(patient, lang);
  const ref = { patientId: patient.id, version: patient.version };
  const statusAction =
    patient.status === 'active'
      ? executeAction(t(lang, 'action.setInactive'), VERBS.inactiveForm, ref)
      : executeAction(t(lang, 'action.setActive'), VERBS.setActive, ref, { style: 'positive' });
  const flagAction = patient.flag
    ? executeAction(t(lang, 'action.unflag'), VERBS.unflag, ref)
    : executeAction(t(lang, 'action.flag'), VERBS.flagForm, ref, { style: 'destructive' });
  // One follow button, the one that fits the viewer; a card drawn for nobody in particular shows
  // Suivre, and its refresh lets each follower's Teams fetch their own view (Ne plus suivre).
  const following = options.viewerId !== undefined && isFollowing(patient, options.viewerId);
  const followAction = following
    ? executeAction(t(lang, 'action.unfollow'), VERBS.unfollow, { patientId: patient.id })
    : executeAction(t(lang, 'action.follow'), VERBS.follow, { patientId: patient.id });
  const headerLines = [
    uses('dateOfBirth') ? fieldValue(patient, 'dateOfBirth', lang, now) : undefined,
    patient.status === 'inactive' ? statusText(patient, lang) : undefined,
    uses('room') ? fieldValue(patient, 'room', lang, now) : undefined,
    uses('address') ? fieldValue(patient, 'address', lang, now) : undefined,
  ].filter((line): line is string => line !== undefined);
  const [latest, ...older] = patient.recentNotes;
  // A long latest note shows its first lines on the first screen and whole in « Plus de détails ».
  const latestLong = latest !== undefined && latest.text.length > LATEST_NOTE_SHOWN;
  const latestView = latest && { ...noteView(latest, lang), ...(latestLong && { text: plain(firstWords(latest.text, LATEST_NOTE_SHOWN)) }) };
  const details = [
    patient.noteCount > 0 ? tn(lang, 'patient.notesCount', patient.noteCount, { shown: patient.recentNotes.length }) : undefined,
    patient.flag ? t(lang, 'patient.flaggedBy', { name: plain(patient.flag.by.name), date: formatDateTime(patient.flag.at, lang) }) : undefined,
    t(lang, 'patient.changedBy', { name: plain(patient.updated.by.name), date: formatDateTime(patient.updated.at, lang) }),
    t(lang, 'patient.createdBy', { name: plain(patient.created.by.name), date: formatDateTime(patient.created.at, lang) }),
    patient.followers.length
      ? t(lang, 'patient.followers', { names: patient.followers.map((f) => plain(f.name)).join(', ') })
      : t(lang, 'patient.noFollowers'),
  ].filter((line): line is string => line !== undefined);
  const card = expand(template, {
    notice: options.notice ?? null,
    headerStyle: look.style,
    badge: look.marker,
    title: `#${patient.number} · ${plain(patient.name)}`,
    headerLines,
    call: patient.phone && uses('phone') ? { title: t(lang, 'action.call', { phone: plain(patient.phone) }), url: telUrl(patient.phone) } : null,
    latest: latestView ?? null,
    olderNotes: (latestLong ? [latest, ...older] : older).map((note) => noteView(note, lang)),
    facts: fields
      .filter(({ field }) => !FIRST_SCREEN.includes(field))
      .flatMap(({ field, label }) => {
        const value = fieldValue(patient, field, lang, now);
        return value === undefined ? [] : [{ label, value }];
      }),
    changedLine: details.join('\n'),
    detailsId: `details-${patient.number}`,
    moreId: `more-${patient.number}`,
    labels: {
      latestNote: t(lang, 'patient.latestNote'),
      noNotes: t(lang, 'patient.noNotes'),
      moreDetails: t(lang, 'action.moreDetails'),
      disclaimer: t(lang, 'disclaimer'),
    },
    // Two buttons a row: four side by side are cut on a 390 px phone.
    mainRows: [
      // Opened from an alert nobody acknowledged yet: « Vu » stays at hand.
      ...(options.ackAlertId ? [{ actions: [executeAction(t(lang, 'action.ack'), VERBS.ack, { alertId: options.ackAlertId }, { style: 'positive' })] }] : []),
      { actions: [executeAction(t(lang, 'action.note'), VERBS.noteForm, ref), flagAction] },
      {
        actions: [
          executeAction(t(lang, 'action.edit'), VERBS.edit, ref),
          { type: 'Action.ToggleVisibility', title: t(lang, 'action.more'), targetElements: [`more-${patient.number}`] },
        ],
      },
    ],
    moreRows: [
      { actions: [followAction, statusAction] },
      { actions: [executeAction(t(lang, 'action.history'), VERBS.history, { patientId: patient.id }), executeAction(t(lang, 'action.list'), VERBS.listPage, { filter: 'active' })] },
    ],
  });
  const userIds = patient.followers.flatMap((f) => (f.mri ? [f.mri] : [])).slice(0, REFRESH_USERS_MAX);
  if (userIds.length > 0) card.refresh = { action: executeAction(t(lang, 'action.refresh'), VERBS.open, { patientId: patient.id }), userIds };
  return card;
}
