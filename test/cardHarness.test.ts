/**
 * Proves the card test harness (test/support/cardSchema.ts, test/support/renderCards.ts) catches the
 * problems it is meant to catch: schema errors, horizontal overflow at 390 px, cut button labels,
 * truncated text and renderer warnings. Screenshots: test-artifacts/cards/harness/.
 */
import * as fs from 'fs';
import { cardSizeBytes, validateCard } from './support/cardSchema';
import { renderCards, type RenderResult } from './support/renderCards';

jest.setTimeout(120_000);

const execute = (title: string, verb: string, data: Record<string, unknown> = {}) => ({
  type: 'Action.Execute',
  title,
  verb,
  data: { ...data, verb },
  fallback: { type: 'Action.Submit', title, data: { ...data, verb } },
});

const goodCard = {
  type: 'AdaptiveCard',
  $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
  version: '1.5',
  body: [
    { type: 'TextBlock', text: 'Mme Éloïse Tremblay — chambre 214', wrap: true, size: 'large', weight: 'bolder' },
    { type: 'TextBlock', text: 'Dernière note : « Toux sèche, surveiller la température ce soir. »', wrap: true },
    {
      type: 'FactSet',
      facts: [
        { title: 'Statut', value: 'Actif' },
        { title: 'Priorité', value: 'Drapeau rouge' },
        { title: 'Suivi par', value: 'Inf. Gagnon, Dr Côté' },
      ],
    },
    { type: 'ActionSet', actions: [execute('Modifier', 'patient.edit', { patientId: 'p1' }), execute('Suivre', 'patient.follow', { patientId: 'p1' })] },
  ],
};

const overflowCard = {
  type: 'AdaptiveCard',
  version: '1.5',
  body: [
    { type: 'TextBlock', text: 'Hospitalisation_prolongée_pour_réadaptation_fonctionnelle_intensive_après_chirurgie' }, // no wrap
    {
      type: 'ColumnSet',
      columns: [
        { type: 'Column', width: '220px', items: [{ type: 'TextBlock', text: 'Nom' }] },
        { type: 'Column', width: '240px', items: [{ type: 'TextBlock', text: 'Chambre' }] },
      ],
    },
  ],
};

const LONG_FR = 'Mettre inactif avec raison de départ';
const manyButtonsCard = {
  type: 'AdaptiveCard',
  version: '1.5',
  body: [
    { type: 'TextBlock', text: 'Actions', wrap: true },
    { type: 'ActionSet', actions: [1, 2, 3, 4, 5].map((i) => execute(LONG_FR, `patient.inactivate.${i}`)) },
  ],
};

const unknownActionCard = {
  type: 'AdaptiveCard',
  version: '1.5',
  body: [{ type: 'TextBlock', text: 'Carte', wrap: true }],
  actions: [{ type: 'Action.Bogus', title: 'Bogus' }],
};

const mentionCard = {
  type: 'AdaptiveCard',
  version: '1.5',
  msteams: { entities: [{ type: 'mention', text: '<at>Marie Côté</at>', mentioned: { id: '29:abc', name: 'Marie Côté' } }] },
  body: [{ type: 'TextBlock', text: '<at>Marie Côté</at>, le drapeau de Mme Tremblay a changé.', wrap: true }],
};

const byName = new Map<string, RenderResult>();
let renderMs = 0;

beforeAll(async () => {
  const started = Date.now();
  const results = await renderCards(
    [
      { name: 'good', card: goodCard },
      { name: 'overflow', card: overflowCard },
      { name: 'many-buttons', card: manyButtonsCard },
      { name: 'unknown-action', card: unknownActionCard },
      { name: 'mention', card: mentionCard },
    ],
    { outDir: 'test-artifacts/cards/harness' },
  );
  renderMs = Date.now() - started;
  for (const r of results) byName.set(r.name, r);
});

function result(name: string): RenderResult {
  const r = byName.get(name);
  if (!r) throw new Error(`no render result for ${name}`);
  return r;
}

/** Width and height from the PNG IHDR chunk. */
function pngSize(file: string): { width: number; height: number } {
  const buf = fs.readFileSync(file);
  expect(buf.subarray(1, 4).toString('ascii')).toBe('PNG');
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
}

describe('card harness', () => {
  it('renders all cards in one browser run, in a reasonable time', () => {
    expect(byName.size).toBe(5);
    expect(renderMs).toBeLessThan(60_000);
  });

  it('a good card: schema-valid, no overflow, no cut label, no renderer warning, size computed', () => {
    expect(validateCard(goodCard)).toEqual([]);
    const r = result('good');
    expect(r.overflowX).toEqual([]);
    expect(r.cutLabels).toEqual([]);
    expect(r.truncatedText).toEqual([]);
    expect(r.warnings).toEqual([]); // Action.Execute is known to the 1.5 renderer: its fallback is not used
    expect(r.heightPx).toBeGreaterThan(100);
    const png = pngSize(r.screenshot);
    expect(png.width).toBe(390);
    expect(png.height).toBe(r.heightPx);

    const size = cardSizeBytes(goodCard);
    const expected = Buffer.byteLength(JSON.stringify({ contentType: 'application/vnd.microsoft.card.adaptive', content: goodCard }), 'utf8');
    expect(size).toBe(expected);
    expect(size).toBeLessThan(28 * 1024);
  });

  it('cardSizeBytes counts UTF-8 bytes, not characters', () => {
    const e = { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: 'e' }] };
    const eAcute = { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: 'é' }] };
    expect(cardSizeBytes(eAcute) - cardSizeBytes(e)).toBe(1);
  });

  it('detects horizontal overflow (fixed-width columns wider than 390 px) and a truncated unwrapped word', () => {
    expect(validateCard(overflowCard)).toEqual([]); // schema-valid is not phone-readable
    const r = result('overflow');
    expect(r.overflowX.length).toBeGreaterThan(0);
    expect(r.overflowX.join('\n')).toMatch(/Chambre.*beyond the right edge/);
    // The renderer never lets a TextBlock overflow: without wrap it is cut with an ellipsis.
    expect(r.truncatedText).toEqual([overflowCard.body[0] && (overflowCard.body[0] as { text: string }).text]);
    expect(pngSize(r.screenshot).width).toBeGreaterThan(390); // the overflow shows in the picture
  });

  it('detects cut button labels (5 long French labels in a horizontal ActionSet)', () => {
    expect(validateCard(manyButtonsCard)).toEqual([]);
    const r = result('many-buttons');
    expect(r.cutLabels).toEqual([LONG_FR, LONG_FR, LONG_FR, LONG_FR, LONG_FR]);
    expect(r.notes.join('\n')).toMatch(/ellipsized/);
    expect(r.overflowX).toEqual([]);
  });

  it('reports schema errors: TextBlock without text, unknown action type', () => {
    const noText = { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', wrap: true }] };
    expect(validateCard(noText)).toEqual(["/body/0 (TextBlock): missing required property 'text'"]);

    const errors = validateCard(unknownActionCard);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^\/actions\/0: unknown type "Action\.Bogus"/);

    // The official schema accepts {} at the root; Teams needs the type and a version it supports.
    expect(validateCard({})).toEqual(['/type: must be "AdaptiveCard" on the top-level card', '/version: required on the top-level card']);
    expect(validateCard({ type: 'AdaptiveCard', version: '1.6' })).toEqual(['/version: 1.6 is above 1.5, the highest version Teams renders']);

    expect(validateCard({ type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: 'x', colour: 'red' }] })).toEqual([
      "/body/0 (TextBlock): property 'colour' is not allowed",
    ]);
  });

  it('surfaces renderer parse warnings (unknown action type)', () => {
    const r = result('unknown-action');
    expect(r.warnings).toEqual([expect.stringMatching(/UnknownActionType.*Action\.Bogus/)]);
  });

  it('accepts Teams mentions (msteams.entities) and checks the mention text is in the card', () => {
    expect(validateCard(mentionCard)).toEqual([]);
    expect(result('mention').warnings).toEqual([]);
    const orphan = { ...mentionCard, body: [{ type: 'TextBlock', text: 'Sans mention', wrap: true }] };
    expect(validateCard(orphan)).toEqual([expect.stringMatching(/mention text "<at>Marie Côté<\/at>" does not appear/)]);
  });

  it('enforces the Teams limit of 60 refresh.userIds', () => {
    const refresh = (n: number) => ({
      type: 'AdaptiveCard',
      version: '1.5',
      refresh: { action: { type: 'Action.Execute', verb: 'refresh' }, userIds: Array.from({ length: n }, (_, i) => `29:u${i}`) },
      body: [{ type: 'TextBlock', text: 'x' }],
    });
    expect(validateCard(refresh(60))).toEqual([]);
    expect(validateCard(refresh(61))).toEqual(['/refresh/userIds: 61 ids, Teams allows at most 60']);
  });
});
