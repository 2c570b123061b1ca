import type { AdaptiveCard } from '../../src/cards/adaptive';
import { executeAction, VERBS } from '../../src/cards/adaptive';
import { alertCard } from '../../src/cards/alertCard';
import { inactiveFormCard } from '../../src/cards/formCards';
import { messageCard } from '../../src/cards/helpCard';
import { historyCard } from '../../src/cards/historyCard';
import { choiceCard, followingCard, listCard } from '../../src/cards/listCard';
import { patientCard, telUrl } from '../../src/cards/patientCard';
import type { Alert } from '../../src/domain/alerts';
import type { HistoryRecord } from '../../src/domain/history';
import type { Patient } from '../../src/domain/patient';
import type { ListFilter } from '../../src/domain/ports';
import type { Lang } from '../../src/i18n/messages';
import { textsOf } from '../support/botHarness';
import { cardSizeBytes, validateCard } from '../support/cardSchema';
import { LONG_FRENCH_NAME, longPatient, nurse } from '../support/fixtures';
import { renderCards, TEAMS_MOBILE_HOST_CONFIG } from '../support/renderCards';

const NOW = new Date('2026-12-01T21:34:00.000Z');
const NOTE = 'Pansement refait au talon gauche; douleur 3/10. La fille (Marie-Ginette) passera jeudi après-midi avec les médicaments renouvelés. ';
const COUNTS = { active: 41, inactive: 6, flagged: 3 };

function patient(number: number, overrides: Partial<Patient> = {}): Patient {
  const at = new Date(NOW.getTime() - number * 60_000).toISOString();
  const note = { id: `n${number}`, patientId: `p${number}`, text: NOTE.repeat(16).slice(0, 2000), by: nurse, at };
  return longPatient(number, NOW, {
    address: '1234, rang du Petit-Saint-Esprit, Saint-Jean-Port-Joli',
    dateOfBirth: '1938-02-01',
    allergy: 'Pénicilline, arachides',
    followers: [{ ...nurse, mri: '29:nurse' }],
    recentNotes: [note, { ...note, id: `m${number}`, text: 'Appel à la famille.' }],
    noteCount: 12,
    ...overrides,
  });
}

const flag = (level: 'attention' | 'urgent', reason: string) => ({ flag: { level, reason, by: nurse, at: NOW.toISOString() } });
const urgent = patient(1, flag('urgent', 'Chute ce matin, saturation à 88 %'));
const watched = patient(2, flag('attention', 'Appétit en baisse depuis lundi'));
const plain = patient(3);
const absent = patient(4, { status: 'inactive', inactive: { reason: 'leave', since: NOW.toISOString(), comment: 'Hospitalisé à l’Hôtel-Dieu' } });
const discharged = patient(5, { status: 'inactive', inactive: { reason: 'discharge', since: '2026-11-01T15:00:00.000Z' } });

function page(patients: Patient[]) {
  return { patients, total: patients.length, counts: COUNTS, hasNewer: false, hasOlder: false };
}

const history: HistoryRecord[] = [
  { id: 'h2', patientId: 'p4', at: NOW.toISOString(), by: nurse, action: 'status', changes: [{ field: 'status', old: 'active', new: 'inactive' }, { field: 'inactiveReason', new: 'leave' }] },
  { id: 'h1', patientId: 'p4', at: '2026-11-30T14:05:00.000Z', by: nurse, action: 'create', changes: [{ field: 'name', new: 'Lucie Caron' }, { field: 'status', new: 'active' }, { field: 'dateOfBirth', new: '1938-02-01' }] },
];

function alert(): Alert {
  return {
    id: 'a1',
    patientId: 'p1',
    patientNumber: 1,
    patientName: LONG_FRENCH_NAME,
    urgent: true,
    changes: [
      { field: 'flag', new: 'urgent: Chute ce matin', by: nurse, at: NOW.toISOString() },
      { field: 'status', old: 'inactive', new: 'active', by: nurse, at: NOW.toISOString() },
    ],
    mentions: [{ id: 'f1', mri: '29:f1', name: 'Marie-Ève Côté' }],
    createdAt: NOW.toISOString(),
    dueAt: NOW.toISOString(),
    state: 'sent',
    attempts: 1,
    nextAttemptAt: NOW.toISOString(),
    reminders: { sent: 0 },
  };
}

function cards(lang: Lang): Array<{ name: string; card: AdaptiveCard; filter?: ListFilter | 'patient' }> {
  const open = executeAction(lang === 'fr' ? 'Ouvrir #5' : 'Open #5', VERBS.open, { patientId: 'p5' });
  return [
    { name: 'list-active', card: listCard(page([urgent, watched, plain]), 'active', 1, lang), filter: 'active' },
    { name: 'list-inactive', card: listCard(page([absent, discharged]), 'inactive', 1, lang), filter: 'inactive' },
    { name: 'list-all', card: listCard(page([urgent, watched, plain, absent]), 'all', 1, lang) },
    { name: 'following', card: followingCard([urgent, plain], COUNTS, lang) },
    { name: 'choice', card: choiceCard('caron', [plain, discharged], { kind: 'show' }, lang) },
    { name: 'patient-urgent', card: patientCard(urgent, lang, { now: NOW, viewerId: nurse.id }), filter: 'patient' },
    { name: 'patient-watched', card: patientCard(watched, lang, { now: NOW }), filter: 'patient' },
    { name: 'patient-plain', card: patientCard(plain, lang, { now: NOW }), filter: 'patient' },
    { name: 'patient-absent', card: patientCard(absent, lang, { now: NOW }) },
    { name: 'form-inactive', card: inactiveFormCard(plain, lang) },
    { name: 'confirmation', card: messageCard({ text: lang === 'fr' ? 'Patient #3 modifié. Date de naissance : 1er février 1938.' : 'Patient #3 updated.', color: 'Good' }, lang, [open]) },
    { name: 'duplicate', card: messageCard({ text: 'Lucie Caron existe déjà (#5). L’ajouter quand même?', color: 'Attention' }, lang, [open, executeAction('Ajouter quand même', VERBS.create, { name: 'Lucie Caron', requestId: 'r', force: true })]) },
    { name: 'history', card: historyCard(absent, history, 1, undefined, lang) },
    { name: 'alert', card: alertCard(alert(), lang) },
  ];
}

const ALL = (['fr', 'en'] as const).flatMap((lang) => cards(lang).map((c) => ({ ...c, lang, name: `phone-${lang}-${c.name}` })));

/** WCAG relative luminance and contrast ratio of two #RRGGBB colours. */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}
function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

type Style = keyof typeof TEAMS_MOBILE_HOST_CONFIG.containerStyles;

/** Every text of a card with the colour the renderer gives it and the band it sits on (the nearest styled container). */
function textColours(card: unknown): Array<{ text: string; fg: string; bg: string }> {
  const out: Array<{ text: string; fg: string; bg: string }> = [];
  const walk = (node: unknown, style: Style, inheritedColor?: string) => {
    if (Array.isArray(node)) return node.forEach((n) => walk(n, style, inheritedColor));
    if (!node || typeof node !== 'object') return;
    const n = node as Record<string, unknown>;
    if (typeof n.type === 'string' && n.type.startsWith('Action.')) return;
    const here = (typeof n.style === 'string' && n.type === 'Container' ? n.style : style) as Style;
    if ((n.type === 'TextRun' || n.type === 'TextBlock') && typeof n.text === 'string') {
      const colours = TEAMS_MOBILE_HOST_CONFIG.containerStyles[here];
      const colour = (typeof n.color === 'string' ? n.color.toLowerCase() : 'default') as keyof typeof colours.foregroundColors;
      out.push({ text: n.text, fg: colours.foregroundColors[colour][n.isSubtle ? 'subtle' : 'default'], bg: colours.backgroundColor });
    }
    for (const value of Object.values(n)) walk(value, here, inheritedColor);
  };
  walk(card, 'default');
  return out;
}

describe.each(ALL)('$name', ({ card }) => {
  it('is a valid Adaptive Card 1.5 under 28 KB', () => {
    expect(validateCard(card)).toEqual([]);
    expect(cardSizeBytes(card)).toBeLessThan(28 * 1024);
  });

  it('keeps every text at a contrast of 4.5:1 or more against its band, under Teams’ light host config', () => {
    const low = textColours(card).filter(({ fg, bg }) => contrast(fg, bg) < 4.5);
    expect(low.map(({ text, fg, bg }) => `${text.slice(0, 40)}: ${fg} on ${bg} = ${contrast(fg, bg).toFixed(2)}`)).toEqual([]);
  });
});

it('writes a confirmation in dark text with a check mark: Teams’ light theme draws “Good” in a light green', () => {
  const card = messageCard({ text: 'Patient #3 modifié.', color: 'Good' }, 'fr') as any;
  expect(card.body[0].inlines[0]).toEqual(expect.objectContaining({ text: '✓ Patient #3 modifié.', color: 'Default' }));
  expect(JSON.stringify(cards('fr').map((c) => c.card))).not.toMatch(/"color":"(Good|Warning)"/);
});

it('gives the flag badge words and an emoji, dark text on its band, never colour alone', () => {
  for (const lang of ['fr', 'en'] as const) {
    const texts = textColours(listCard(page([urgent, watched]), 'active', 1, lang));
    const badges = texts.filter(({ text }) => /^(🔴|🟡) /.test(text));
    expect(badges.map(({ text }) => text.split(' · ')[0])).toEqual(lang === 'fr' ? ['🔴 URGENT', '🟡 À SURVEILLER'] : ['🔴 URGENT', '🟡 ATTENTION']);
    for (const { fg, bg } of badges) {
      expect(bg).not.toBe(TEAMS_MOBILE_HOST_CONFIG.containerStyles.default.backgroundColor);
      expect(contrast(fg, bg)).toBeGreaterThanOrEqual(7);
    }
  }
});

it('keeps the rows in the order the store gives (urgent, attention, the rest) and shows the latest note’s first words', () => {
  const texts = textsOf(listCard(page([urgent, watched, plain]), 'active', 1, 'fr'));
  const rows = texts.filter((t) => /^#\d+ · /.test(t)).map((t) => Number(/^#(\d+)/.exec(t)![1]));
  expect(rows).toEqual([1, 2, 3]);
  expect(texts).toContain('Pansement refait au talon gauche; douleur 3/10. La fille…');
  expect(texts.filter((t) => t === 'Ouvrir ›')).toHaveLength(3);
  expect(texts).toEqual(expect.arrayContaining(['Actifs (41)', 'Signalés (3)', 'Mes suivis', 'Inactifs (6)']));
});

it('shows the birth date and room that tell namesakes apart on the choice card', () => {
  const texts = textsOf(choiceCard('caron', [plain, discharged], { kind: 'show' }, 'fr'));
  expect(texts).toContain('né(e) le 1er février 1938 · CHSLD Saint-Jean-Baptiste, unité 3B, lit 12');
});

it('never repeats a status the title already says', () => {
  for (const lang of ['fr', 'en'] as const) {
    for (const { card, filter } of cards(lang).filter((c) => c.filter)) {
      const texts = textsOf(card);
      if (filter === 'active' || filter === 'patient') expect(texts.filter((t) => /^(Actif|Active)( ·|$)|· (Actif|Active)\b/.test(t))).toEqual([]);
      if (filter === 'inactive') expect(texts.filter((t) => /Inactif|Inactive/.test(t) && !/^(Patients inactifs|Inactive patients|Inactifs|Inactive) ?/.test(t))).toEqual([]);
    }
  }
  const inactiveRows = textsOf(listCard(page([absent, discharged]), 'inactive', 1, 'fr'));
  expect(inactiveRows.join('\n')).toContain('Absence temporaire depuis le 1er déc. 2026');
  expect(inactiveRows.join('\n')).toContain('Congé (fin du suivi) depuis le 1er nov. 2026');
});

it('shows the stored values translated in history and alert cards, and no « (vide) → » on a first value', () => {
  const fr = textsOf(historyCard(absent, history, 1, undefined, 'fr')).join('\n');
  expect(fr).toContain('Statut : Actif → Inactif');
  expect(fr).toContain('Raison : Absence temporaire');
  expect(fr).toContain('Date de naissance : 1er février 1938');
  expect(fr).toContain('1er déc. 2026, 16\u00a0h\u00a034');
  expect(fr).toContain('2 changements · page 1');
  expect(fr).not.toMatch(/\(vide\)|active|inactive|leave/);
  const en = textsOf(historyCard(absent, history, 1, undefined, 'en')).join('\n');
  expect(en).toContain('Status: Active → Inactive');
  expect(en).toContain('Reason: Temporary leave');
  const alerted = textsOf(alertCard(alert(), 'fr')).join('\n');
  expect(alerted).toContain('Signalement : URGENT : Chute ce matin');
  expect(alerted).toContain('Statut : Inactif → Actif');
});

it('puts who, the flag, where, a Call button and the latest note on the first screen, the rest behind « Plus de détails »', () => {
  const card = patientCard(urgent, 'fr', { now: NOW, viewerId: nurse.id }) as any;
  const texts = textsOf(card);
  expect(texts).toEqual(expect.arrayContaining(['88 ans · né(e) le 1er février 1938', 'CHSLD Saint-Jean-Baptiste, unité 3B, lit 12', 'Dernière note']));
  const call = JSON.stringify(card).match(/"type":"Action.OpenUrl","title":"([^"]+)","url":"([^"]+)"/);
  expect(call?.slice(1)).toEqual(['Appeler 418-555-0199 poste 2231', 'tel:4185550199;ext=2231']);
  const titles = (card.body as any[]).filter((e) => e.type === 'ActionSet').flatMap((s) => s.actions.map((a: any) => a.title));
  expect(titles).toEqual(['Appeler 418-555-0199 poste 2231', 'Plus de détails', 'Note', 'Retirer le signalement', 'Modifier', 'Plus…']);
  // One follow button, the one that fits the person who looks; followers get their own view by refresh.
  expect(texts.filter((t) => t === 'Suivre' || t === 'Ne plus suivre')).toEqual(['Ne plus suivre', 'Ne plus suivre']);
  expect(textsOf(patientCard(urgent, 'fr', { now: NOW, viewerId: 'someone-else' })).filter((t) => t === 'Ne plus suivre')).toEqual([]);
  expect(card.refresh.userIds).toEqual(['29:nurse']);
  expect(JSON.stringify(card)).not.toContain('Action.ShowCard');
  expect(telUrl('+1 (514) 555-0123')).toBe('tel:+15145550123');
});

it('offers the Québec reasons with none preselected, and an optional comment', () => {
  const form = inactiveFormCard(plain, 'fr') as any;
  const inputs = JSON.stringify(form);
  expect(textsOf(form)).toEqual(expect.arrayContaining(['Absence temporaire', 'Congé (fin du suivi)', 'Décès', 'Commentaire (facultatif)']));
  expect(inputs).toContain('"id":"reason"');
  expect(inputs).toMatch(/"id":"reason"[^}]*"value":""/);
  expect(inputs).not.toContain('maxLength');
});

it('renders every phone-first card at 390 px in both languages; the patient card’s first screen holds the latest note', async () => {
  const results = await renderCards(ALL);
  const problems = results.flatMap((r) => [...r.overflowX, ...r.cutLabels.map((l) => `cut label ${l}`), ...r.truncatedText, ...r.warnings].map((p) => `${r.name}: ${p}`));
  expect(problems).toEqual([]);
  // 844 px is an iPhone 12-15 screen; the card is shorter than that before « Plus de détails ».
  for (const r of results.filter((r) => /patient-(urgent|watched|plain)$/.test(r.name))) expect(r.heightPx).toBeLessThan(844);
}, 120_000);
