import type { SuperuserTeam } from '../domain/ports';
import { type Lang, t } from '../i18n/messages';
import { type AdaptiveCard, type ExecuteAction, expand, plain } from './adaptive';
import template from './templates/transfer.json';

/** Import and export in the personal chat: choosing the team, then the report, one line each. */
export function transferCard(heading: string, lines: string[], actions: ExecuteAction[], lang: Lang): AdaptiveCard {
  return expand(template, {
    heading,
    lines: lines.map(plain),
    // One button a row: team names are long, and side by side they would be cut on a phone.
    actionRows: actions.map((action) => ({ actions: [action] })),
    disclaimer: t(lang, 'disclaimer'),
  });
}

export function teamLabel(team: SuperuserTeam): string {
  return team.listName ? `${team.listName} (${team.teamId.slice(0, 12)}…)` : team.teamId;
}

/** Teams' file consent card: the person accepts, Teams gives an upload URL in their OneDrive. */
export function fileConsentCard(name: string, sizeInBytes: number, description: string, teamId: string) {
  return {
    contentType: 'application/vnd.microsoft.teams.card.file.consent',
    name,
    content: { description, sizeInBytes, acceptContext: { teamId, name }, declineContext: { teamId, name } },
  };
}

/** What Teams shows once the file is in OneDrive. */
export function fileInfoCard(name: string, contentUrl: string, uniqueId: string) {
  return {
    contentType: 'application/vnd.microsoft.teams.card.file.info',
    contentUrl,
    name,
    content: { uniqueId, fileType: 'xlsx' },
  };
}
