import type { AdaptiveCard } from '../../src/cards/adaptive';
import { RELEVE_PAGE_SIZE, releveCard } from '../../src/cards/releveCard';
import { buildReleve, type RelevePatient } from '../../src/domain/releve';
import type { HistoryRecord } from '../../src/domain/history';
import type { Lang } from '../../src/i18n/messages';
import { actionsOf, textsOf } from '../support/botHarness';
import { cardContractProblems } from '../support/cardContract';
import { LONG_FRENCH_NAME, nurse, physician } from '../support/fixtures';
import { phoneProblems } from '../support/renderCards';

const WINDOW = { from: '2026-11-25T12:00:00.000Z', to: '2026-11-25T20:00:00.000Z' };
const LONG = 'Pansement refait au talon gauche; douleur 3/10. La fille (Marie-Ginette) passera jeudi après-midi avec les médicaments. '.repeat(20);

/** The heaviest rows a page can have: every kind of change, long names, long values, a 2,000-character note. */
function heavyView(patients: number) {
  const records: HistoryRecord[] = [];
  const rows: RelevePatient[] = [];
  for (let i = 1; i <= patients; i++) {
    const id = `p${i}`;
    const level = i % 3 === 0 ? 'urgent' : i % 3 === 1 ? 'attention' : undefined;
    rows.push({
      id,
      number: 1000 + i,
      name: `${LONG_FRENCH_NAME} ${i}`,
      room: 'CHSLD Saint-Jean-Baptiste, unité 3B, lit 12',
      status: 'active',
      ...(level && { flag: { level, reason: LONG.slice(0, 200), by: nurse, at: WINDOW.from } }),
    });
    const at = (m: number) => new Date(Date.parse(WINDOW.from) + (i * 10 + m) * 60_000).toISOString();
    records.push(
      { id: `${id}-s`, patientId: id, at: at(1), by: nurse, action: 'status', changes: [{ field: 'status', old: 'active', new: 'inactive' }, { field: 'inactiveReason', new: 'leave' }] },
      { id: `${id}-r`, patientId: id, at: at(2), by: physician, action: 'status', changes: [{ field: 'status', old: 'inactive', new: 'active' }, { field: 'inactiveReason', old: 'leave' }] },
      { id: `${id}-f`, patientId: id, at: at(3), by: physician, action: 'flag', changes: [{ field: 'flag', new: `urgent: ${LONG.slice(0, 200)}` }] },
      {
        id: `${id}-u`,
        patientId: id,
        at: at(4),
        by: { id: 'x', name: 'Benoît-Xavier Gagnon-Desrochers' },
        action: 'update',
        changes: ['room', 'reason', 'clinician', 'allergy', 'familyContact'].map((field) => ({ field, old: LONG.slice(0, 200), new: LONG.slice(5, 500) })),
      },
      { id: `${id}-n`, patientId: id, at: at(5), by: nurse, action: 'note', changes: [{ field: 'note', new: LONG.slice(0, 2000) }] },
    );
  }
  const digest = buildReleve(WINDOW, records, rows, new Set(rows.filter((r) => r.flag?.level === 'urgent').map((r) => r.id)));
  const acknowledgements = Array.from({ length: 8 }, (_, i) => ({ by: { id: `a${i}`, name: `Marie-Ève Côté-Tremblay ${i}` }, at: WINDOW.to, window: WINDOW }));
  return { digest, acknowledgements };
}

function cards(lang: Lang): Array<{ name: string; card: AdaptiveCard }> {
  const view = heavyView(25);
  return [
    { name: `releve-${lang}-page-1`, card: releveCard(view, 1, lang) },
    { name: `releve-${lang}-page-2`, card: releveCard(view, 2, lang) },
    { name: `releve-${lang}-last-page`, card: releveCard(view, 3, lang) },
    { name: `releve-${lang}-nothing`, card: releveCard({ digest: buildReleve(WINDOW, [], [], new Set()), acknowledgements: [] }, 1, lang) },
  ];
}

const CARDS = [...cards('fr'), ...cards('en')];

describe.each(CARDS)('card $name', ({ card }) => {
  it('is a valid Adaptive Card 1.5 under 28 KB, every Action.Execute with its Action.Submit fallback', () => {
    expect(cardContractProblems(card)).toEqual([]);
  });
});

it('shows ten patients a page, urgent first, with Previous / Next / Acknowledge, and proper plurals', () => {
  const view = heavyView(25);
  const first = releveCard(view, 1, 'fr');
  expect(textsOf(first)).toContain('125 changements, 25 patients · page 1 sur 3');
  expect(textsOf(first).filter((t) => t.startsWith('#10')).length).toBe(RELEVE_PAGE_SIZE);
  expect(textsOf(first)[0]).toBe('Relève · depuis 07:00');
  expect(actionsOf(releveCard(view, 2, 'en')).map((a) => a.title).slice(-3)).toEqual(['Previous', 'Next', 'Acknowledge']);
  const one = heavyView(1);
  one.digest.changes = 1;
  expect(textsOf(releveCard(one, 1, 'fr'))).toContain('1 changement, 1 patient');
  expect(textsOf(releveCard(one, 1, 'en'))).toContain('1 change, 1 patient');
  expect(textsOf(cards('en')[3]!.card)).toContain('Nothing new since 07:00.');
});

it('keeps people’s text plain: no markdown, no template or date function evaluation', () => {
  const view = heavyView(1);
  view.digest.rows[0]!.patient.name = '**Gras** [lien](https://exemple.test) {{DATE(2026-01-01T00:00:00Z)}}';
  const card = releveCard(view, 1, 'fr');
  expect(textsOf(card)).toContain('#1001 · **Gras** [lien](https://exemple.test) {\u200b{DATE(2026-01-01T00:00:00Z)}} · CHSLD Saint-Jean-Baptiste, unité 3B, lit 12');
  expect(JSON.stringify(card)).not.toMatch(/"type":"TextBlock","text":"[^"]*(Gras|Marie|Pansement)/);
});

it('renders every relève page at 390 px (phone) without horizontal overflow or cut button labels', async () => {
  expect(await phoneProblems(CARDS)).toEqual([]);
}, 120_000);
