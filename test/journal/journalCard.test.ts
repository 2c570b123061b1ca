import { settingsFormCard } from '../../src/cards/formCards';
import { journalCard, NUMBERS_SHOWN } from '../../src/cards/journalCard';
import { type AccessRecord, accessRecord } from '../../src/domain/journal';
import { defaultSettings } from '../../src/domain/team';
import type { Lang } from '../../src/i18n/messages';
import { actionsOf, textsOf } from '../support/botHarness';
import { cardContractProblems } from '../support/cardContract';
import { LONG_FRENCH_NAME, nurse, TEAM_A } from '../support/fixtures';
import { phoneProblems } from '../support/renderCards';

const AT = Date.parse('2026-11-25T15:00:00.000Z');
const LONG_PERSON = { id: 'aad-long', name: 'Marie-Éléonore Bélanger-Côté-Desrochers de la Chaudière' };
const recipients = Array.from({ length: 14 }, (_, i) => ({ id: `aad-r${i}`, name: `${LONG_FRENCH_NAME.slice(0, 30)} ${i}` }));
const everyone = Array.from({ length: 1000 }, (_, i) => ({ id: `p${i}`, number: i + 1 }));

/** A page of ten records of every kind, the worst case for size: an export naming 1,000 patients, an alert to 14 people. */
function records(): AccessRecord[] {
  const kinds = ['patientShown', 'listViewed', 'export', 'alertPosted', 'formOpened', 'historyViewed', 'import', 'journalViewed', 'releve', 'patientShown'] as const;
  return kinds.map((kind, i) =>
    accessRecord(`r${i}`, new Date(AT - i * 60_000), i % 2 ? LONG_PERSON : nurse, kind, { place: (['channel', 'groupChat', 'personalChat', 'tool'] as const)[i % 4]! }, kind === 'export' || kind === 'import' ? everyone : everyone.slice(0, kind === 'listViewed' ? 10 : 1), {
      ...(kind === 'alertPosted' && { to: recipients }),
      ...(kind === 'journalViewed' && { subject: LONG_PERSON }),
    }),
  );
}

function cards(lang: Lang) {
  return [
    { name: `${lang}-journal-patient`, card: journalCard({ number: 12 }, records(), 1, '2026-11-25T14:50:00.000Z#r9', lang) },
    { name: `${lang}-journal-person`, card: journalCard({ person: LONG_PERSON }, records(), 3, undefined, lang) },
    { name: `${lang}-journal-empty`, card: journalCard({ number: 999 }, [], 1, undefined, lang) },
    { name: `${lang}-settings`, card: settingsFormCard(defaultSettings(nurse), TEAM_A, lang) },
  ];
}

const CARDS = [...cards('fr'), ...cards('en')];

describe.each(CARDS)('card $name', ({ card }) => {
  it('is a valid Adaptive Card 1.5 under 28 KB, every Execute with its Submit fallback', () => {
    expect(cardContractProblems(card)).toEqual([]);
  });
});

it('shows who, what, when and where in French and in English, with a Next carrying the keyset', () => {
  const fr = textsOf(cards('fr')[0]!.card).join('\n');
  expect(fr).toContain('Journal des accès de #12');
  expect(fr).toContain('25 nov. 2026, 10\u00a0h\u00a000 · Alice Tremblay · fiche affichée');
  expect(fr).toContain('conversation de groupe');
  expect(fr).toContain(`Patients : ${everyone.slice(0, NUMBERS_SHOWN).map((p) => `#${p.number}`).join(', ')} (+990)`);
  expect(fr).toContain('Destinataires : ');
  const en = textsOf(cards('en')[0]!.card).join('\n');
  expect(en).toContain('Access log of #12');
  expect(en).toContain('Nov 25, 2026, 10:00 AM · Alice Tremblay · patient card shown');
  expect(en).toContain(`Log looked at: ${LONG_PERSON.name}`);
  const [next] = actionsOf(cards('en')[0]!.card);
  expect(next).toMatchObject({ title: 'Next', verb: 'journal.page', data: { number: 12, before: '2026-11-25T14:50:00.000Z#r9', page: 2 } });
  expect(textsOf(cards('fr')[2]!.card)).toContain('Aucun accès enregistré.');
});

it('keeps people’s names as plain text (TextRun), never markdown or template functions', () => {
  const hostile = { id: 'aad-x', name: '**Gras** [lien](https://exemple.test) {{DATE(2026-01-01T00:00:00Z)}}' };
  const card = journalCard({ person: hostile }, [accessRecord('r', new Date(AT), hostile, 'patientShown', { place: 'channel' }, [{ id: 'p', number: 1 }])], 1, undefined, 'fr');
  const json = JSON.stringify(card);
  expect(json).not.toMatch(/"type":"TextBlock","text":"[^"]*Gras/);
  expect(json).toContain('{\u200b{DATE');
  expect(json).not.toContain('{{DATE');
});

it('shows the journal retention on the settings card, 60 months by default', () => {
  const card = settingsFormCard(defaultSettings(nurse), TEAM_A, 'fr');
  const input = JSON.stringify(card).match(/\{[^{}]*"id":"journalRetentionMonths"[^{}]*\}/)?.[0];
  expect(JSON.parse(input!)).toMatchObject({ type: 'Input.Number', value: 60, min: 12, max: 240, label: 'Conservation du journal des accès (mois)' });
  expect(textsOf(card).join('\n')).toContain('Durée décidée par l’établissement (5 ans par défaut)');
});

it('renders at 390 px (phone) without horizontal overflow or cut button labels', async () => {
  expect(await phoneProblems(CARDS)).toEqual([]);
}, 120_000);
