import * as ACData from 'adaptivecards-templating';

export type AdaptiveCard = { type: 'AdaptiveCard'; version: string; body: unknown[]; [key: string]: unknown };

export type NoticeColor = 'Good' | 'Attention' | 'Warning' | 'Default';
export interface Notice {
  text: string;
  color: NoticeColor;
}

/** Card verbs: what a button asks the bot to do. The bot registers one handler per verb. */
export const VERBS = {
  open: 'patient.open',
  addForm: 'patient.addForm',
  create: 'patient.create',
  edit: 'patient.edit',
  update: 'patient.update',
  noteForm: 'note.form',
  noteSave: 'note.save',
  inactiveForm: 'patient.inactiveForm',
  setInactive: 'patient.inactive',
  setActive: 'patient.active',
  listPage: 'list.page',
  following: 'list.following',
  runSuggestion: 'command.suggestion',
  pick: 'patient.pick',
  help: 'help',
  flagForm: 'patient.flagForm',
  flag: 'patient.flag',
  unflag: 'patient.unflag',
  follow: 'patient.follow',
  unfollow: 'patient.unfollow',
  ack: 'alert.ack',
  history: 'patient.history',
  settingsSave: 'settings.save',
  purgePreview: 'purge.preview',
  purgeExclude: 'patient.purgeExclude',
  importCheck: 'transfer.importCheck',
  importConfirm: 'transfer.importConfirm',
  exportTeam: 'transfer.export',
  journalPage: 'journal.page',
  relevePage: 'releve.page',
  releveAck: 'releve.ack',
} as const;
export type Verb = (typeof VERBS)[keyof typeof VERBS];

export interface ExecuteAction {
  type: 'Action.Execute';
  title: string;
  verb: Verb;
  data: Record<string, unknown>;
  style?: 'positive' | 'destructive';
  associatedInputs?: 'auto' | 'none';
  fallback: { type: 'Action.Submit'; title: string; data: Record<string, unknown>; associatedInputs?: 'auto' | 'none' };
}

/**
 * An Action.Execute (refreshes the card in place) carrying an Action.Submit fallback with the
 * same verb and data, for Teams clients without Action.Execute (product brief). The verb is also
 * in the data: that is how a submit is routed.
 */
export function executeAction(
  title: string,
  verb: Verb,
  data: Record<string, unknown> = {},
  options: { style?: 'positive' | 'destructive'; inputs?: boolean } = {},
): ExecuteAction {
  const payload = { ...data, verb };
  const inputs = options.inputs === undefined ? {} : { associatedInputs: options.inputs ? ('auto' as const) : ('none' as const) };
  return {
    type: 'Action.Execute',
    title,
    verb,
    data: payload,
    ...(options.style && { style: options.style }),
    ...inputs,
    fallback: { type: 'Action.Submit', title, data: payload, ...inputs },
  };
}

/**
 * People's text (names, notes, reasons, labels, typed references) is never parsed as markdown:
 * in a card it goes in a TextRun (which Teams never parses), through `plain`; where Teams does
 * parse it (a text message, the TextBlock that carries @mentions) it goes through `markdownEscaped`.
 * `{{` would start Teams' date/time functions, so both break it with a zero-width space.
 */
export function plain(text: string): string {
  return text.replace(/\{\{/g, '{\u200b{');
}

/**
 * What starts emphasis, a link, code, HTML or a mention anywhere in a line of Teams' markdown; a
 * backslash makes each literal. (`#`, `(` or `!` only matter next to one of these, or at a line's start.)
 */
export const MARKDOWN_CHARACTERS = /[\\`*_~[\]<>]/g;

export function markdownEscaped(text: string): string {
  return plain(text).replace(MARKDOWN_CHARACTERS, '\\$&');
}

/** A block of people's text: a RichTextBlock of one TextRun, with the TextRun's own styling. */
export function plainBlock(text: string, style: Record<string, string | boolean> = {}): object {
  return { type: 'RichTextBlock', inlines: [{ type: 'TextRun', text: plain(text), ...style }] };
}

const parsed = new WeakMap<object, ACData.Template>();

/** Expands a JSON template; the data must define every name the template uses. Each template is parsed once. */
export function expand(template: object, data: object): AdaptiveCard {
  let compiled = parsed.get(template);
  if (!compiled) {
    compiled = new ACData.Template(template);
    parsed.set(template, compiled);
  }
  return compiled.expand({ $root: data }) as AdaptiveCard;
}

/** At most `max` characters, the last one an ellipsis when the text was longer. */
export function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
