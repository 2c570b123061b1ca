import { purgePreviewCard, PURGE_PAGE_SIZE } from '../../src/cards/purgeCard';
import type { PurgeCandidate } from '../../src/domain/retention';
import type { Lang } from '../../src/i18n/messages';
import { actionsOf, textsOf } from '../support/botHarness';
import { cardSizeBytes, validateCard } from '../support/cardSchema';
import { LONG_FRENCH_NAME } from '../support/fixtures';
import { phoneProblems } from '../support/renderCards';

const RUN_AT = '2026-11-26T08:00:00.000Z';

function candidate(number: number, overrides: Partial<PurgeCandidate> = {}): PurgeCandidate {
  return {
    id: `p${number}`,
    number,
    name: `${LONG_FRENCH_NAME} ${number}`,
    reason: number % 2 ? 'discharge' : 'death',
    since: '2024-11-20T15:00:00.000Z',
    etag: `"e${number}"`,
    ...overrides,
  };
}

const many = Array.from({ length: 23 }, (_, i) => candidate(i + 1));

function cards(lang: Lang) {
  return [
    { name: `${lang}-purge-page-1`, card: purgePreviewCard({ runAt: RUN_AT, retentionMonths: 24, patients: many }, 1, lang) },
    {
      name: `${lang}-purge-page-2`,
      card: purgePreviewCard({ runAt: RUN_AT, retentionMonths: 24, patients: many }, 2, lang, { notice: { text: 'Patient #3 exclu.', color: 'Good' } }),
    },
    { name: `${lang}-purge-empty`, card: purgePreviewCard({ runAt: RUN_AT, retentionMonths: 36, patients: [] }, 1, lang) },
  ];
}

const CARDS = [...cards('fr'), ...cards('en')];

describe.each(CARDS)('purge preview card $name', ({ card }) => {
  it('is a valid Adaptive Card 1.5 under 28 KB', () => {
    expect(validateCard(card)).toEqual([]);
    expect(cardSizeBytes(card)).toBeLessThan(28 * 1024);
  });

  it('gives every Action.Execute an Action.Submit fallback with the same verb and data', () => {
    const actions = actionsOf(card);
    expect(actions.length).toBeGreaterThan(0);
    for (const action of actions) {
      expect(action.type).toBe('Action.Execute');
      expect(action.fallback).toEqual(expect.objectContaining({ type: 'Action.Submit', data: action.data, title: action.title }));
      expect(action.data.verb).toBe(action.verb);
    }
  });

  it('leaves no template expression unexpanded and shows the disclaimer once', () => {
    expect(JSON.stringify(card)).not.toMatch(/\$\{|\$data|\$when/);
    expect(textsOf(card).filter((t) => /dossier clinique|clinical record/.test(t))).toHaveLength(1);
  });
});

it('lists a page of patients with number, name, reason, date and an Exclude button, and says when the run is', () => {
  const fr = purgePreviewCard({ runAt: RUN_AT, retentionMonths: 24, patients: many }, 1, 'fr');
  const texts = textsOf(fr);
  expect(texts).toContain(`#1 · ${LONG_FRENCH_NAME} 1`);
  expect(texts).toContain('Congé (fin du suivi) · inactif depuis le 20 nov. 2024');
  expect(texts).toContain('Décès · inactif depuis le 20 nov. 2024');
  expect(texts.join('\n')).toContain('Prochaine épuration : 26 nov. 2026, 3\u00a0h\u00a000');
  expect(texts.join('\n')).toContain('plus de 24 mois');
  expect(texts).toContain('23 patients seraient effacés · page 1 sur 3');
  const excludes = actionsOf(fr).filter((a) => a.title === 'Exclure');
  expect(excludes).toHaveLength(PURGE_PAGE_SIZE);
  expect(excludes[0].data).toEqual({ patientId: 'p1', page: 1, verb: 'patient.purgeExclude' });
  expect(actionsOf(fr).map((a) => a.title)).toEqual(expect.arrayContaining(['Suivant', 'Actualiser']));

  const en = purgePreviewCard({ runAt: RUN_AT, retentionMonths: 24, patients: many }, 3, 'en');
  expect(textsOf(en)).toContain('Discharge · inactive since Nov 20, 2024');
  expect(actionsOf(en).filter((a) => a.title === 'Exclude')).toHaveLength(3);
  expect(actionsOf(en).map((a) => a.title)).toContain('Previous');
  expect(textsOf(purgePreviewCard({ runAt: RUN_AT, retentionMonths: 24, patients: [] }, 1, 'en'))).toContain('No patient will be deleted at the next purge.');
});

it('shows names as plain text', () => {
  const hostile = candidate(5, { name: '**Gras** ${labels.notes} {{DATE(2026-01-01T00:00:00Z)}}' });
  const card = purgePreviewCard({ runAt: RUN_AT, retentionMonths: 24, patients: [hostile] }, 1, 'fr');
  expect(textsOf(card)).toContain('#5 · **Gras** ${labels.notes} {\u200b{DATE(2026-01-01T00:00:00Z)}}');
  expect(JSON.stringify(card).match(/"type":"TextBlock","text":"[^"]*Gras/g)).toBeNull();
});

it('renders at 390 px (phone) without horizontal overflow or cut button labels', async () => {
  expect(await phoneProblems(CARDS)).toEqual([]);
}, 60_000);
