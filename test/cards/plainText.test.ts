import { type AdaptiveCard, executeAction, markdownEscaped, VERBS } from '../../src/cards/adaptive';
import { alertCard } from '../../src/cards/alertCard';
import { fieldViews } from '../../src/cards/fields';
import { flagFormCard, inactiveFormCard, noteFormCard, patientFormCard, settingsFormCard } from '../../src/cards/formCards';
import { helpCard, messageCard } from '../../src/cards/helpCard';
import { historyCard } from '../../src/cards/historyCard';
import { choiceCard, followingCard, listCard } from '../../src/cards/listCard';
import { patientCard } from '../../src/cards/patientCard';
import { purgePreviewCard } from '../../src/cards/purgeCard';
import { transferCard } from '../../src/cards/transferCards';
import type { Alert } from '../../src/domain/alerts';
import type { Actor, Patient } from '../../src/domain/patient';
import { defaultSettings } from '../../src/domain/team';
import type { Lang } from '../../src/i18n/messages';
import { TEAM_A } from '../support/fixtures';

/**
 * Every card builder, fed hostile people's text in every slot that shows it: no TextBlock (which
 * Teams parses as markdown) may carry it as typed, and it must still be shown (in a TextRun).
 */
const HOSTILE = '[cliquez ici](https://example.org) **x** _y_ <at>z</at>';
/** What markdown would turn into a link, bold, italics or a mention. */
const MARKUP = ['[cliquez ici](https://example.org)', '**x**', '_y_', '<at>z</at>'];
const NOW = new Date('2026-11-25T15:00:00.000Z');
const someone: Actor = { id: 'aad-h', name: `Infirmière ${HOSTILE}`, mri: '29:h' };

function hostilePatient(overrides: Partial<Patient> = {}): Patient {
  const at = NOW.toISOString();
  const note = { id: 'n1', patientId: 'p1', text: `Note ${HOSTILE}`, by: someone, at };
  return {
    id: 'p1',
    teamId: TEAM_A,
    number: 1,
    name: `Nom ${HOSTILE}`,
    room: `Chambre ${HOSTILE}`,
    dateOfBirth: '1938-02-14',
    fileNumber: `Dossier ${HOSTILE}`,
    reason: `Motif ${HOSTILE}`,
    phone: `Tél ${HOSTILE}`,
    clinician: `Dre ${HOSTILE}`,
    status: 'active',
    flag: { level: 'urgent', reason: `Raison ${HOSTILE}`, by: someone, at },
    followers: [someone],
    followerIds: [someone.id],
    recentNotes: [note],
    noteCount: 1,
    created: { by: someone, at },
    updated: { by: someone, at },
    version: 1,
    ...overrides,
  };
}

function hostileAlert(): Alert {
  const at = NOW.toISOString();
  return {
    id: 'a1',
    patientId: 'p1',
    patientNumber: 1,
    patientName: `Nom ${HOSTILE}`,
    urgent: true,
    changes: [{ field: 'room', old: `Avant ${HOSTILE}`, new: `Après ${HOSTILE}`, by: someone, at }],
    mentions: [someone, { id: 'aad-2', mri: '29:2', name: HOSTILE }],
    acknowledged: { by: someone, at },
    createdAt: at,
    dueAt: at,
    state: 'sent',
    attempts: 1,
    nextAttemptAt: at,
    reminders: { sent: 1 },
  };
}

function everyCard(lang: Lang): Array<[string, AdaptiveCard]> {
  const patient = hostilePatient();
  const inactive = hostilePatient({ flag: undefined, status: 'inactive', inactive: { reason: 'death', since: NOW.toISOString() } });
  const settings = defaultSettings(someone);
  settings.listName = `Liste ${HOSTILE}`;
  settings.fields.room = { enabled: true, label: `Lit ${HOSTILE}` };
  const fields = fieldViews(lang, settings);
  const counts = { active: 1, inactive: 1, flagged: 1 };
  const page = { patients: [patient, inactive], total: 2, counts, hasNewer: false, hasOlder: false };
  const notice = { text: `Avis ${HOSTILE}`, color: 'Attention' as const };
  const history = [{ id: 'h1', patientId: 'p1', at: NOW.toISOString(), by: someone, action: 'update' as const, changes: [{ field: 'room', old: `Avant ${HOSTILE}`, new: `Après ${HOSTILE}` }] }];
  const candidates = [{ id: 'p1', number: 1, name: `Nom ${HOSTILE}`, reason: 'death' as const, since: NOW.toISOString(), etag: 'e' }];
  return [
    ['patient (flag reason, fields, notes, names)', patientCard(patient, lang, { now: NOW, fields, notice })],
    ['patient inactive', patientCard(inactive, lang, { now: NOW, fields })],
    ['list rows', listCard(page, 'all', 1, lang, { notice })],
    ['following', followingCard([patient], counts, lang)],
    ['choice (typed reference)', choiceCard(HOSTILE, [patient, inactive], { kind: 'show' }, lang)],
    ['note form heading', noteFormCard(patient, 'r1', lang, { values: { note: HOSTILE }, notice })],
    ['flag form heading', flagFormCard(patient, lang, { notice })],
    ['inactive form heading', inactiveFormCard(patient, lang, { notice })],
    ['edit form', patientFormCard(lang, { mode: 'edit', patient }, { now: NOW, fields, notice })],
    ['settings', settingsFormCard(settings, TEAM_A, lang, { notice })],
    ['history', historyCard(patient, history, 1, 'k', lang)],
    ['alert', alertCard(hostileAlert(), lang, { reminder: true })],
    ['purge preview', purgePreviewCard({ runAt: NOW.toISOString(), retentionMonths: 24, patients: candidates }, 1, lang, { notice })],
    [
      'import report',
      transferCard(`Importation de « ${HOSTILE}.xlsx »`, [`Ligne 2, colonne « Nom » : ${HOSTILE}`], [executeAction(`Équipe ${HOSTILE}`, VERBS.importCheck, { teamId: 't' })], lang),
    ],
    ['message', messageCard(notice, lang)],
    ['help', helpCard(lang, { notice, superuserOf: TEAM_A })],
  ];
}

function nodes(card: unknown, type: string): Array<{ text?: string }> {
  const out: Array<{ text?: string }> = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    if ((node as { type?: unknown }).type === type) out.push(node as { text?: string });
    Object.values(node).forEach(walk);
  };
  walk(card);
  return out;
}

describe.each(['fr', 'en'] as const)('people’s text in every card (%s)', (lang) => {
  it.each(everyCard(lang))('%s: no TextBlock carries it as markdown, a TextRun shows it', (_name, card) => {
    for (const block of nodes(card, 'TextBlock')) {
      for (const markup of MARKUP) expect(block.text ?? '').not.toContain(markup);
    }
    if (_name === 'help') return;
    expect(nodes(card, 'TextRun').some((run) => run.text?.includes(HOSTILE))).toBe(true);
  });
});

it('keeps the mentions of an alert working with hostile display names: tags only for the entities', () => {
  const card = alertCard(hostileAlert(), 'fr');
  const entities = (card.msteams as { entities: Array<{ text: string }> }).entities;
  const mentionLine = nodes(card, 'TextBlock').find((block) => block.text?.startsWith('Pour'))?.text ?? '';
  // Each entity's text appears in the card as is, and no other <at> tag does.
  for (const entity of entities) expect(mentionLine).toContain(entity.text);
  expect(mentionLine.match(/<at>/g)).toHaveLength(entities.length);
});

it('escapes markdown in text meant for Teams’ markdown, and breaks date functions', () => {
  expect(markdownEscaped(HOSTILE)).toBe('\\[cliquez ici\\](https://example.org) \\*\\*x\\*\\* \\_y\\_ \\<at\\>z\\</at\\>');
  expect(markdownEscaped('a\\b `c` ~d~ {{DATE(x)}} #12 (méd.)')).toBe('a\\\\b \\`c\\` \\~d\\~ {\u200b{DATE(x)}} #12 (méd.)');
});
