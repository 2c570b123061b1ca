import { type Lang, type MessageKey, t } from '../i18n/messages';
import { type AdaptiveCard, type ExecuteAction, executeAction, expand, type Notice, VERBS } from './adaptive';
import helpTemplate from './templates/help.json';
import messageTemplate from './templates/message.json';

const COMMANDS = ['add', 'list', 'show', 'note', 'set', 'inactive', 'active', 'flag', 'unflag', 'follow', 'following', 'history', 'releve'] as const;
const SUPERUSER_COMMANDS = ['settings', 'purge', 'transfer', 'journal'] as const;

/** The commands with examples; a superuser also sees the team's management commands and its id. */
export function helpCard(lang: Lang, options: { notice?: Notice; superuserOf?: string } = {}): AdaptiveCard {
  const commands = options.superuserOf ? [...COMMANDS, ...SUPERUSER_COMMANDS] : COMMANDS;
  return expand(helpTemplate, {
    notice: options.notice ?? null,
    heading: t(lang, 'help.title'),
    intro: t(lang, 'help.intro'),
    teamLine: options.superuserOf ? t(lang, 'help.teamId', { teamId: options.superuserOf }) : null,
    commands: commands.map((command) => ({
      example: t(lang, `help.${command}` as MessageKey),
      what: t(lang, `help.${command}.what` as MessageKey),
    })),
    actions: [executeAction(t(lang, 'action.list'), VERBS.listPage, { filter: 'active' }), executeAction(t(lang, 'action.add'), VERBS.addForm)],
    disclaimer: t(lang, 'disclaimer'),
  });
}

/** A card that only says something (a refusal after a tap), with a way back to the list. */
export function messageCard(notice: Notice, lang: Lang, actions?: ExecuteAction[]): AdaptiveCard {
  return expand(messageTemplate, {
    notice,
    actions: actions ?? [executeAction(t(lang, 'action.list'), VERBS.listPage, { filter: 'active' })],
    disclaimer: t(lang, 'disclaimer'),
  });
}
