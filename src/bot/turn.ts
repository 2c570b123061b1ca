import type { TurnContext } from 'botbuilder';
import type { Logger } from 'pino';
import type { Actor } from '../domain/patient';
import type { TeamSettings } from '../domain/team';
import type { Lang } from '../i18n/messages';
import { actorOf, langOfActivity, teamIdOf } from './activity';
import type { BotDeps } from './deps';

/** Who acts, where, in which language: always read from the activity, never from card data. */
export interface Turn {
  context: TurnContext;
  deps: BotDeps;
  teamId: string;
  actor: Actor;
  lang: Lang;
  /** Carries the activity id as correlation id; never the activity's text. */
  log: Logger;
  /** The team's settings for showing the list, from this instance's cache or read once per turn (the first user of a team becomes its superuser). */
  settings(): Promise<TeamSettings>;
  /** The team's settings as stored now, read once per turn: for every decision about who may do what. */
  currentSettings(): Promise<TeamSettings>;
}

const TURN_KEY = Symbol('turn');

/** One Turn per activity (so the settings are read once however many steps ask for them). */
export function turnOf(context: TurnContext, deps: BotDeps): Turn {
  const known = context.turnState.get<Turn>(TURN_KEY);
  if (known) return known;
  const turn = newTurn(context, deps);
  context.turnState.set(TURN_KEY, turn);
  return turn;
}

function newTurn(context: TurnContext, deps: BotDeps): Turn {
  const activity = context.activity;
  const teamId = teamIdOf(activity);
  const actor = actorOf(activity);
  const log = deps.logger.child({ correlationId: activity.id ?? activity.replyToId, activityType: activity.type });
  let settings: Promise<TeamSettings> | undefined;
  let current: Promise<TeamSettings> | undefined;
  return {
    context,
    deps,
    teamId,
    actor,
    lang: langOfActivity(activity, deps.devLocale),
    log,
    settings: () => current ?? (settings ??= deps.teams.settings(teamId, actor)),
    currentSettings: () => (current ??= deps.teams.currentSettings(teamId, actor)),
  };
}
