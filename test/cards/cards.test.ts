import type { AdaptiveCard } from '../../src/cards/adaptive';
import { executeAction, VERBS } from '../../src/cards/adaptive';
import { alertCard } from '../../src/cards/alertCard';
import { fieldLabel } from '../../src/cards/fields';
import { transferCard } from '../../src/cards/transferCards';
import { flagFormCard, inactiveFormCard, noteFormCard, patientFormCard } from '../../src/cards/formCards';
import { helpCard, messageCard } from '../../src/cards/helpCard';
import { choiceCard, followingCard, listCard, PAGE_SIZE } from '../../src/cards/listCard';
import { patientCard } from '../../src/cards/patientCard';
import type { Alert } from '../../src/domain/alerts';
import type { Patient } from '../../src/domain/patient';
import type { Lang } from '../../src/i18n/messages';
import { actionsOf, textsOf } from '../support/botHarness';
import { cardSizeBytes, validateCard } from '../support/cardSchema';
import { LONG_FRENCH_NAME, longPatient, nurse } from '../support/fixtures';
import { phoneProblems } from '../support/renderCards';

const NOW = new Date('2026-11-25T15:00:00.000Z');
const LONG_NOTE =
  'Pansement refait au talon gauche; douleur 3/10. La fille (Marie-Ginette) passera jeudi après-midi avec les médicaments renouvelés. Surveiller l’œdème et rappeler l’infirmière de liaison. '.repeat(
    4,
  );

function patient(number: number, overrides: Partial<Patient> = {}): Patient {
  const at = new Date(NOW.getTime() - number * 60_000).toISOString();
  const note = { id: `n${number}`, patientId: `p${number}`, text: LONG_NOTE.slice(0, 600), by: nurse, at };
  return longPatient(number, NOW, {
    reason: 'Suivi post-opératoire de la hanche droite; plaie au talon gauche; diabète de type 2 instable',
    followers: [nurse, { id: 'aad-2', name: 'Benoît-Xavier Gagnon-Desrochers' }],
    followerIds: [nurse.id, 'aad-2'],
    recentNotes: [note, { ...note, id: `m${number}` }, { ...note, id: `o${number}` }],
    noteCount: 42,
    updated: { by: { id: 'x', name: 'Benoît-Xavier Gagnon-Desrochers' }, at },
    ...overrides,
  });
}

const COUNTS = { active: 880, inactive: 120, flagged: 14 };

/** A page of the list as the store gives it, for a team of 1,000 patients. */
function page(patients: Patient[]) {
  return { patients, total: 1000, counts: COUNTS, firstKey: 'k-first', lastKey: 'k-last', hasNewer: true, hasOlder: true };
}

function alert(urgent: boolean): Alert {
  const by = { id: 'x', name: 'Benoît-Xavier Gagnon-Desrochers' };
  const followers = Array.from({ length: 6 }, (_, i) => ({ id: `f${i}`, mri: `29:f${i}`, name: `Marie-Ève Côté-Tremblay ${i}` }));
  return {
    id: 'alert-1',
    patientId: 'p1',
    patientNumber: 1,
    patientName: LONG_FRENCH_NAME,
    urgent,
    changes: [
      { field: 'flag', old: undefined, new: 'urgent: Chute ce matin, saturation à 88 %', by, at: NOW.toISOString() },
      { field: 'note', new: LONG_NOTE.slice(0, 300), by, at: NOW.toISOString() },
      { field: 'room', old: '3B-12', new: 'Urgence, civière 4', by, at: NOW.toISOString() },
    ],
    mentions: followers,
    createdAt: NOW.toISOString(),
    dueAt: NOW.toISOString(),
    state: 'sent',
    attempts: 1,
    nextAttemptAt: NOW.toISOString(),
    reminders: { sent: 3 },
  };
}

function allCards(lang: Lang): Array<{ name: string; card: AdaptiveCard }> {
  const flagged = patient(7, { flag: { level: 'urgent', reason: 'Chute ce matin, saturation à 88 %', by: nurse, at: NOW.toISOString() } });
  const watched = patient(8, { flag: { level: 'attention', reason: 'Appétit en baisse', by: nurse, at: NOW.toISOString() } });
  const inactive = patient(9, { status: 'inactive', inactive: { reason: 'discharge', since: NOW.toISOString() } });
  const rows = Array.from({ length: PAGE_SIZE }, (_, i) => patient(i + 1));
  const notice = { text: 'Ce patient a été modifié depuis l’affichage de cette carte.', color: 'Attention' as const };
  return [
    { name: 'patient', card: patientCard(patient(1), lang, { now: NOW, notice }) },
    { name: 'patient-urgent', card: patientCard(flagged, lang, { now: NOW }) },
    { name: 'patient-inactive', card: patientCard(inactive, lang, { now: NOW }) },
    { name: 'list-1000', card: listCard(page([flagged, watched, inactive, ...rows.slice(3)]), 'all', 37, lang) },
    { name: 'list-empty', card: listCard({ patients: [], total: 0, counts: { active: 0, inactive: 0, flagged: 0 }, hasNewer: false, hasOlder: false }, 'flagged', 1, lang) },
    { name: 'choice', card: choiceCard('bélanger', rows.slice(0, 8), { kind: 'show' }, lang) },
    { name: 'form-new', card: patientFormCard(lang, { mode: 'create', requestId: 'r-1' }, { now: NOW }) },
    { name: 'form-edit', card: patientFormCard(lang, { mode: 'edit', patient: patient(2) }, { now: NOW, notice }) },
    { name: 'form-note', card: noteFormCard(patient(3), 'r-2', lang, { values: { note: LONG_NOTE } }) },
    { name: 'form-inactive', card: inactiveFormCard(patient(4), lang) },
    { name: 'help', card: helpCard(lang) },
    { name: 'help-superuser', card: helpCard(lang, { superuserOf: '19:ac6f0b2c3d4e5f60718293a4b5c6d7e8@thread.tacv2' }) },
    {
      name: 'transfer-report',
      card: transferCard('Importation de « liste-de-départ-CHSLD-Saint-Jean-Baptiste.xlsx »', Array.from({ length: 30 }, (_, i) => `Ligne ${i + 2}, colonne « N° de dossier ou carte santé » : doublon dans le fichier`), [executeAction('Importer seulement les 1 234 lignes valides', VERBS.importConfirm, { teamId: 't', file: { url: 'https://x.sharepoint.com/f', name: 'f.xlsx' } })], lang),
    },
    { name: 'message', card: messageCard(notice, lang) },
    { name: 'form-flag', card: flagFormCard(flagged, lang) },
    { name: 'following', card: followingCard(rows.slice(0, 5), COUNTS, lang) },
    { name: 'alert-urgent', card: alertCard(alert(true), lang, { reminder: true }) },
    { name: 'alert-acknowledged', card: alertCard({ ...alert(false), acknowledged: { by: nurse, at: NOW.toISOString() } }, lang) },
  ];
}

const CARDS = [...allCards('fr').map((c) => ({ ...c, name: `fr-${c.name}` })), ...allCards('en').map((c) => ({ ...c, name: `en-${c.name}` }))];

describe.each(CARDS)('card $name', ({ card }) => {
  it('validates against the Adaptive Cards 1.5 schema', () => {
    expect(validateCard(card)).toEqual([]);
  });

  it('stays under 28 KB', () => {
    expect(cardSizeBytes(card)).toBeLessThan(28 * 1024);
  });

  it('gives every Action.Execute an Action.Submit fallback with the same verb and data', () => {
    for (const action of actionsOf(card).filter((a) => a.type === 'Action.Execute')) {
      expect(action.fallback).toEqual(expect.objectContaining({ type: 'Action.Submit', data: action.data, title: action.title }));
      expect(action.data.verb).toBe(action.verb);
    }
  });

  it('leaves no template expression unexpanded and shows the disclaimer once', () => {
    expect(JSON.stringify(card)).not.toMatch(/\$\{|\$data|\$when/);
    const disclaimers = textsOf(card).filter((t) => /dossier clinique|clinical record/.test(t));
    expect(disclaimers).toHaveLength(1);
  });
});

it('keeps typed text as plain text: no markdown, no template or date function evaluation', () => {
  const hostile = patient(5, { name: '**Gras** [lien](https://exemple.test) ${labels.notes} {{DATE(2026-01-01T00:00:00Z)}} <b>x</b>' });
  const card = patientCard(hostile, 'fr', { now: NOW });
  const title = textsOf(card).find((t) => t.startsWith('#5 · '));
  expect(title).toBe('#5 · **Gras** [lien](https://exemple.test) ${labels.notes} {\u200b{DATE(2026-01-01T00:00:00Z)}} <b>x</b>');
  // Names are TextRuns (never markdown); only our own labels are TextBlocks.
  const textBlocks = JSON.stringify(card).match(/"type":"TextBlock","text":"[^"]*Gras/g);
  expect(textBlocks).toBeNull();
});

it('renders every card at 390 px (phone) without horizontal overflow or cut button labels', async () => {
  expect(await phoneProblems(CARDS)).toEqual([]);
}, 120_000);

it('labels a changed field in the person’s language, and by its name when it has no label', () => {
  expect(fieldLabel('room', 'fr')).toBe('Chambre / unité');
  expect(fieldLabel('followers', 'en')).toBe('Followed by');
  expect(fieldLabel('somethingNew', 'fr')).toBe('somethingNew');
});
