import { type EditableField, type FlagLevel, inactiveReasonOf, type InactiveReason } from '../domain/patient';
import type { ListFilter } from '../domain/ports';
import { fieldOfWord } from '../domain/fieldWords';
import { fold } from '../domain/text';

/** What a person typed, understood in French or English. Values keep the person's own spelling. */
export type Command =
  | { kind: 'help' }
  | { kind: 'add'; name?: string }
  | { kind: 'list'; filter: ListFilter }
  | { kind: 'show'; ref: string }
  | { kind: 'note'; ref: string; text: string }
  | { kind: 'set'; field: EditableField; ref: string; value: string }
  | { kind: 'inactive'; ref: string; reason?: InactiveReason }
  | { kind: 'active'; ref: string }
  | { kind: 'flag'; ref: string; level: FlagLevel; reason: string }
  | { kind: 'unflag'; ref: string }
  | { kind: 'follow'; ref: string }
  | { kind: 'unfollow'; ref: string }
  | { kind: 'following' }
  | { kind: 'history'; ref: string }
  | { kind: 'settings' }
  | { kind: 'grant' }
  | { kind: 'export' }
  | { kind: 'import' }
  | { kind: 'revoke' }
  | { kind: 'purgePreview' }
  /** The access journal of a patient (by number), or of the person @mentioned (no number). */
  | { kind: 'journal'; number?: number }
  /** `relève` (since my last one) or `relève 24h` (the last hours). */
  | { kind: 'releve'; hours?: number }
  /** `relève heures 07:00 15:00 23:00`, or `relève heures aucune` (`none`: no scheduled post). */
  | { kind: 'releveTimes'; none: boolean; times: string[] }
  /** A known command with a missing or wrong part: answered with that command's usage. */
  | { kind: 'usage'; command: UsageTopic }
  | { kind: 'unknown' };

export type UsageTopic =
  | 'show'
  | 'note'
  | 'set'
  | 'inactive'
  | 'active'
  | 'list'
  | 'flag'
  | 'unflag'
  | 'follow'
  | 'unfollow'
  | 'history'
  | 'journal'
  | 'releve';

const LIST_WORDS: Record<string, ListFilter> = {
  active: 'active', actifs: 'active', actif: 'active',
  inactive: 'inactive', inactives: 'inactive', inactif: 'inactive', inactifs: 'inactive',
  flagged: 'flagged', signales: 'flagged', signale: 'flagged', signalees: 'flagged', signalee: 'flagged',
  all: 'all', tous: 'all', toutes: 'all',
};

interface Token {
  /** Folded form, for matching keywords. */
  word: string;
  /** The token as typed, without surrounding quotes. */
  raw: string;
  /** Where the token starts in the original text. */
  index: number;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const match of text.matchAll(/"([^"]*)"|«\s*([^»]*?)\s*»|(\S+)/g)) {
    const raw = match[1] ?? match[2] ?? match[3] ?? '';
    tokens.push({ word: fold(raw), raw, index: match.index ?? 0 });
  }
  return tokens;
}

type Phrase = [words: string[], build: (rest: Token[], text: string) => Command];

/** Keyword phrases, longest first so that `set inactive` wins over `set <field>`. */
const PHRASES = ([
  [['mettre', 'inactif'], inactive], [['mettre', 'inactive'], inactive], [['set', 'inactive'], inactive],
  [['mettre', 'actif'], one('active')], [['mettre', 'active'], one('active')], [['set', 'active'], one('active')],
  [['add', 'patient'], add], [['ajouter', 'patient'], add], [['ajouter', 'patiente'], add], [['ajouter', 'un', 'patient'], add],
  [['deactivate'], inactive], [['desactiver'], inactive], [['inactiver'], inactive],
  [['reactivate'], one('active')], [['reactiver'], one('active')],
  [['help'], () => ({ kind: 'help' })], [['aide'], () => ({ kind: 'help' })], [['?'], () => ({ kind: 'help' })],
  [['list'], list], [['liste'], list], [['lister'], list],
  [['show'], show], [['voir'], show], [['open'], show], [['ouvrir'], show],
  [['note'], note], [['noter'], note],
  [['set'], set], [['modifier'], set], [['changer'], set],
  [['flag'], flag], [['signaler'], flag],
  [['unflag'], one('unflag')], [['retirer', 'signalement'], one('unflag')], [['retirer', 'le', 'signalement'], one('unflag')],
  [['follow'], one('follow')], [['suivre'], one('follow')],
  [['unfollow'], one('unfollow')], [['ne', 'plus', 'suivre'], one('unfollow')],
  [['following'], () => ({ kind: 'following' })], [['mes', 'suivis'], () => ({ kind: 'following' })],
  [['history'], one('history')], [['historique'], one('history')],
  [['export'], () => ({ kind: 'export' })], [['exporter'], () => ({ kind: 'export' })],
  [['import'], () => ({ kind: 'import' })], [['importer'], () => ({ kind: 'import' })],
  [['settings'], () => ({ kind: 'settings' })], [['parametres'], () => ({ kind: 'settings' })],
  // The person is named by an @mention, which the bot reads from the activity's entities.
  [['grant', 'superuser'], () => ({ kind: 'grant' })], [['nommer', 'superutilisateur'], () => ({ kind: 'grant' })],
  [['revoke', 'superuser'], () => ({ kind: 'revoke' })], [['retirer', 'superutilisateur'], () => ({ kind: 'revoke' })],
  [['journal'], journalOf], [['access', 'log'], journalOf], [['journal', 'des', 'acces'], journalOf],
  [['purge', 'preview'], () => ({ kind: 'purgePreview' })], [['apercu', 'epuration'], () => ({ kind: 'purgePreview' })],
  [['releve'], releve], [['handoff'], releve],
  [['releve', 'heures'], releveTimes], [['releve', 'heure'], releveTimes], [['handoff', 'times'], releveTimes],
] satisfies Phrase[]).sort((a, b) => b[0].length - a[0].length);

export function parseCommand(input: string): Command {
  const text = input.trim();
  const tokens = tokenize(text);
  for (const [phrase, build] of PHRASES) {
    if (phrase.every((word, i) => tokens[i]?.word === word)) return build(tokens.slice(phrase.length), text);
  }
  return { kind: 'unknown' };
}

function restOf(tokens: Token[], text: string): string {
  const first = tokens[0];
  if (!first) return '';
  // A lone quoted value keeps what was inside the quotes; otherwise keep the text as typed (line breaks included).
  return tokens.length === 1 ? first.raw : text.slice(first.index).trim();
}

function add(rest: Token[], text: string): Command {
  const name = restOf(rest, text);
  return name ? { kind: 'add', name } : { kind: 'add' };
}

function list(rest: Token[]): Command {
  if (rest.length === 0) return { kind: 'list', filter: 'active' };
  const filter = rest.length === 1 && rest[0] ? LIST_WORDS[rest[0].word] : undefined;
  return filter ? { kind: 'list', filter } : { kind: 'usage', command: 'list' };
}

function show(rest: Token[], text: string): Command {
  const ref = restOf(rest, text);
  return ref ? { kind: 'show', ref } : { kind: 'usage', command: 'show' };
}

function note(rest: Token[], text: string): Command {
  const [ref, ...body] = rest;
  const noteText = restOf(body, text);
  return ref && noteText ? { kind: 'note', ref: ref.raw, text: noteText } : { kind: 'usage', command: 'note' };
}

function set(rest: Token[], text: string): Command {
  const [fieldToken, ref, ...value] = rest;
  const field = fieldToken ? fieldOfWord(fieldToken.word) : undefined;
  const newValue = restOf(value, text);
  return field && ref && newValue ? { kind: 'set', field, ref: ref.raw, value: newValue } : { kind: 'usage', command: 'set' };
}

function inactive(rest: Token[]): Command {
  // The reason is the last one, two or three words (`fin de suivi`); the patient is what comes before.
  const matched = [3, 2, 1]
    .filter((n) => rest.length > n)
    .map((n) => ({ n, reason: inactiveReasonOf(rest.slice(-n).map((t) => t.word).join(' ')) }))
    .find((m) => m.reason !== undefined);
  const refTokens = matched ? rest.slice(0, -matched.n) : rest;
  if (refTokens.length !== 1 || !refTokens[0]) return { kind: 'usage', command: 'inactive' };
  return matched?.reason ? { kind: 'inactive', ref: refTokens[0].raw, reason: matched.reason } : { kind: 'inactive', ref: refTokens[0].raw };
}

/** Commands that take exactly one patient reference. */
function one(kind: 'active' | 'unflag' | 'follow' | 'unfollow' | 'history') {
  return (rest: Token[]): Command => (rest.length === 1 && rest[0] ? { kind, ref: rest[0].raw } : { kind: 'usage', command: kind });
}

function flag(rest: Token[], text: string): Command {
  const [ref, second, ...after] = rest;
  const urgent = second?.word === 'urgent';
  const reason = restOf(urgent ? after : second ? [second, ...after] : [], text);
  if (!ref || !reason) return { kind: 'usage', command: 'flag' };
  return { kind: 'flag', ref: ref.raw, level: urgent ? 'urgent' : 'attention', reason };
}

/** `journal #12`, or `journal @person` (the mention is read from the activity's entities). */
function journalOf(rest: Token[]): Command {
  const number = rest.length === 1 ? /^#?(\d{1,9})$/.exec(rest[0]!.raw) : null;
  if (number) return { kind: 'journal', number: Number(number[1]) };
  if (rest[0] && /^(<at>|@)/.test(rest[0].raw)) return { kind: 'journal' };
  return { kind: 'usage', command: 'journal' };
}

/** `relève`, `relève 24h`, `relève 24 h`: an hour count is checked by the domain (1 to 72). */
function releve(rest: Token[]): Command {
  if (rest.length === 0) return { kind: 'releve' };
  const hours = /^(\d{1,4})\s*h?$/.exec(rest.map((token) => token.word).join(''));
  return hours ? { kind: 'releve', hours: Number(hours[1]) } : { kind: 'usage', command: 'releve' };
}

function releveTimes(rest: Token[]): Command {
  const none = rest.length === 1 && ['aucune', 'aucun', 'none'].includes(rest[0]!.word);
  return { kind: 'releveTimes', none, times: none ? [] : rest.map((token) => token.raw) };
}

/** How a suggested command is written (the phrases above are folded: no accents). */
const SPELLED: Record<string, string> = {
  parametres: 'paramètres',
  reactiver: 'réactiver',
  desactiver: 'désactiver',
  'apercu epuration': 'aperçu épuration',
};

/** Edit distance (insert, delete, substitute, swap two neighbours) between two short strings. */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * A known command close to what was typed (`ajoute patient Lucie` → `ajouter patient Lucie`,
 * `inactif #4` → `mettre inactif #4`), or undefined. The rest of the text is kept as typed.
 */
export function suggestCommand(input: string): string | undefined {
  const text = input.trim();
  const tokens = tokenize(text);
  let best: { score: number; words: string[]; used: number } | undefined;
  for (const [words] of PHRASES) {
    // A phrase typed without its leading verb (`inactif #4` for `mettre inactif #4`) counts as one edit.
    const shapes = [{ typed: words, penalty: 0 }, ...(words.length === 2 && ['mettre', 'set'].includes(words[0]!) ? [{ typed: words.slice(1), penalty: 1 }] : [])];
    for (const { typed, penalty } of shapes) {
      const wanted = typed.join(' ');
      if (tokens.length < typed.length || wanted.length < 3) continue;
      const score = distance(tokens.slice(0, typed.length).map((t) => t.word).join(' '), wanted) + penalty;
      const allowed = wanted.length <= 4 ? 1 : 2;
      if (score > 0 && score <= allowed && (!best || score < best.score)) best = { score, words, used: typed.length };
    }
  }
  if (!best) return undefined;
  const phrase = best.words.join(' ');
  const next = tokens[best.used];
  return [SPELLED[phrase] ?? phrase, next ? text.slice(next.index) : ''].join(' ').trim();
}
