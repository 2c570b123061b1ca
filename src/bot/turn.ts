import { type Activity, CardFactory, MessageFactory, type TurnContext } from 'botbuilder';
import type { Logger } from 'pino';
import { type AdaptiveCard, markdownEscaped, type Notice } from '../cards/adaptive';
import { messageCard } from '../cards/helpCard';
import { DomainError } from '../domain/errors';
import { type FieldView, fieldLabel, fieldViews } from '../cards/fields';
import { executeAction, VERBS } from '../cards/adaptive';
import { formatDay } from '../i18n/format';
import { type FormValues, patientFormCard } from '../cards/formCards';
import { patientCard } from '../cards/patientCard';
import type { Actor, EditableField, Patient } from '../domain/patient';
import type { TeamSettings } from '../domain/team';
import type { TeamService } from '../domain/teamService';
import type { Clock } from '../domain/clock';
import type { MutationResult, PatientService } from '../domain/patientService';
import type { AccessJournal, AlertRepository, ChannelAddress } from '../domain/ports';
import { journal } from './journal';
import type { AlertDispatcher } from '../notifications/dispatcher';
import type { RetentionService } from '../domain/retentionService';
import type { ReleveService } from '../domain/releve';
import { type Lang, langOf, type MessageKey, t } from '../i18n/messages';

export interface BotDeps {
  patients: PatientService;
  teams: TeamService;
  /** Locally (no Bot Framework auth) files may come from any host, e.g. the Playground; in Azure only from SharePoint. */
  anyFileHost: boolean;
  /** Whether a tenant is served (ALLOWED_TENANT_IDS). */
  tenantAllowed: (tenantId: string | undefined) => boolean;
  alerts: Pick<AlertDispatcher, 'acknowledge' | 'unacknowledged'>;
  channels: ChannelBook;
  posted: PostedCards;
  /** Local runs only (DEV_LOCALE): the locale assumed instead of the activity's. */
  devLocale?: string;
  /** Purge preview and exclusion (superusers). */
  retention: RetentionService;
  /** Every display of patients' information is recorded here first (src/bot/journal.ts). */
  journal: AccessJournal;
  /** La relève on demand and its acknowledgement. */
  releve: ReleveService;
  clock: Clock;
  logger: Logger;
  newId: () => string;
}

/** Remembers, per team, the channel where the bot was last used: that is where alerts go. */
export class ChannelBook {
  private readonly known = new Map<string, string>();

  constructor(private readonly repo: Pick<AlertRepository, 'saveChannel'>) {}

  async remember(teamId: string, address: ChannelAddress): Promise<void> {
    const key = JSON.stringify(address.conversation);
    if (this.known.get(teamId) === key) return;
    await this.repo.saveChannel(teamId, address);
    this.known.set(teamId, key);
  }
}

/**
 * Remembers the latest patient card posted in each conversation, so that a typed change can
 * redraw it instead of posting the whole card again. In memory and bounded: after a restart, or
 * on another instance, a typed change just answers with its confirmation line.
 */
export class PostedCards {
  private readonly ids = new Map<string, string>();

  constructor(private readonly max = 2000) {}

  remember(conversationId: string, patientId: string, activityId: string): void {
    const key = `${conversationId}\n${patientId}`;
    this.ids.delete(key);
    this.ids.set(key, activityId);
    if (this.ids.size > this.max) this.ids.delete(this.ids.keys().next().value as string);
  }

  find(conversationId: string, patientId: string): string | undefined {
    return this.ids.get(`${conversationId}\n${patientId}`);
  }
}

/** Who acts, where, in which language: always read from the activity, never from card data. */
export interface Turn {
  context: TurnContext;
  deps: BotDeps;
  teamId: string;
  actor: Actor;
  lang: Lang;
  /** Carries the activity id as correlation id; never the activity's text. */
  log: Logger;
  /** The team's settings, read once per turn (the first user of a team becomes its superuser). */
  settings(): Promise<TeamSettings>;
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
  const channelData = activity.channelData as { team?: { id?: string } } | undefined;
  // A team's channels share one list; a group or personal chat that is not a team has its own.
  const teamId = channelData?.team?.id ?? activity.conversation.id;
  const actor = { id: activity.from.aadObjectId ?? activity.from.id, name: activity.from.name ?? '', mri: activity.from.id };
  const log = deps.logger.child({ correlationId: activity.id ?? activity.replyToId, activityType: activity.type });
  let settings: Promise<TeamSettings> | undefined;
  return {
    context,
    deps,
    teamId,
    actor,
    lang: langOf(deps.devLocale ?? activity.locale),
    log,
    settings: () => (settings ??= deps.teams.settings(teamId, actor)),
  };
}

/** The fields the team uses, under its labels. */
export async function teamFields(turn: Turn): Promise<FieldView[]> {
  return fieldViews(turn.lang, await turn.settings());
}

/** The add or edit form as this team shows it. */
export async function showForm(
  turn: Turn,
  target: Parameters<typeof patientFormCard>[1],
  options: { values?: FormValues; notice?: Notice } = {},
): Promise<AdaptiveCard> {
  if (target.mode === 'edit') await journal(turn, 'formOpened', [target.patient]);
  return patientFormCard(turn.lang, target, { ...options, now: turn.deps.clock.now(), fields: await teamFields(turn) });
}

/** The patient card as this team shows it, drawn for the person who acts (their follow button). */
export async function showPatient(turn: Turn, patient: Patient, notice?: Notice, ackAlertId?: string): Promise<AdaptiveCard> {
  await journal(turn, 'patientShown', [patient]);
  return patientCard(patient, turn.lang, { notice, now: turn.deps.clock.now(), fields: await teamFields(turn), viewerId: turn.actor.id, ackAlertId });
}

/** Posts a patient card and remembers it, so that later typed changes redraw it in place. */
export async function sendPatientCard(turn: Turn, patient: Patient, card: AdaptiveCard): Promise<void> {
  const response = await turn.context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card)));
  if (response?.id) turn.deps.posted.remember(turn.context.activity.conversation.id, patient.id, response.id);
}

/** Dates just saved, written out in words: some Teams date pickers have shifted a date by a day. */
export async function writtenDates(turn: Turn, patient: Patient, fields: readonly EditableField[]): Promise<string[]> {
  const labels = await teamFields(turn);
  return (['dateOfBirth', 'ptiDate'] as const)
    .filter((field) => fields.includes(field) && patient[field])
    .map((field) =>
      t(turn.lang, 'done.dateWritten', { field: labels.find((l) => l.field === field)?.label ?? t(turn.lang, `field.${field}`), date: formatDay(patient[field]!, turn.lang) }),
    );
}

/**
 * A typed change answers with one short line and an Open button, not a new full card; the
 * patient card posted earlier in this conversation, if any, is redrawn for everyone.
 */
export async function confirmChange(turn: Turn, result: MutationResult, doneKey: MessageKey, fields: readonly EditableField[] = []): Promise<AdaptiveCard> {
  const { patient } = result;
  const line = result.changed ? t(turn.lang, doneKey, { number: patient.number }) : t(turn.lang, 'done.unchanged');
  const text = [line, ...(result.changed ? await writtenDates(turn, patient, fields) : [])].join(' ');
  if (result.changed) await redrawPosted(turn, patient);
  const open = executeAction(t(turn.lang, 'action.openNumber', { number: patient.number }), VERBS.open, { patientId: patient.id });
  return messageCard({ text, color: result.changed ? 'Good' : 'Default' }, turn.lang, [open]);
}

async function redrawPosted(turn: Turn, patient: Patient): Promise<void> {
  const conversation = turn.context.activity.conversation.id;
  const id = turn.deps.posted.find(conversation, patient.id);
  if (!id) return;
  const card = await patientCard(patient, turn.lang, { now: turn.deps.clock.now(), fields: await teamFields(turn) });
  try {
    await turn.context.updateActivity({ ...MessageFactory.attachment(CardFactory.adaptiveCard(card)), id });
  } catch (error) {
    turn.log.warn({ err: error }, 'could not redraw the posted patient card');
  }
}

/** The patient card after a change: what was done, or that nothing needed changing. */
export async function showChange(turn: Turn, result: MutationResult, doneKey: MessageKey): Promise<AdaptiveCard> {
  const done = result.changed
    ? notice(turn, doneKey, 'Good', { number: result.patient.number })
    : notice(turn, 'done.unchanged', 'Default');
  return showPatient(turn, result.patient, done);
}

export function notice(turn: Turn, key: MessageKey, color: Notice['color'], params: Record<string, string | number> = {}): Notice {
  return { text: t(turn.lang, key, params), color };
}

/** A domain refusal in the person's language. */
export function refusal(turn: Turn, error: DomainError): Notice {
  const params = { ...error.params };
  if (typeof params.field === 'string') params.field = fieldLabel(params.field, turn.lang);
  return { text: t(turn.lang, `error.${error.code}`, params), color: 'Attention' };
}

export async function sendCard(turn: Turn, card: AdaptiveCard): Promise<void> {
  await turn.context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card)));
}

/** Every text reply goes through here: Teams renders message text as markdown, and replies echo people's text. */
export async function sendPlainText(turn: Turn, text: string): Promise<void> {
  await turn.context.sendActivity({ ...MessageFactory.text(markdownEscaped(text)), textFormat: 'markdown' });
}

export async function sendText(turn: Turn, key: MessageKey, params: Record<string, string | number> = {}): Promise<void> {
  await sendPlainText(turn, t(turn.lang, key, params));
}

/** A domain refusal as a text reply. */
export async function sendRefusal(turn: Turn, error: DomainError): Promise<void> {
  await sendPlainText(turn, refusal(turn, error).text);
}

/**
 * What a card button produces: a card, and whether it is the shared state of the conversation
 * (the posted card is updated for everyone) or a step for the person who tapped (a form).
 */
export interface CardReply {
  card: AdaptiveCard;
  shared: boolean;
}

export const forTapper = (card: AdaptiveCard): CardReply => ({ card, shared: false });
export const forEveryone = (card: AdaptiveCard): CardReply => ({ card, shared: true });

/** The posted card that was tapped is updated in place; when that fails a new message carries the card. */
export async function updatePostedCard(turn: Turn, card: AdaptiveCard): Promise<boolean> {
  const replyToId = turn.context.activity.replyToId;
  if (!replyToId) return false;
  const update: Partial<Activity> = { ...MessageFactory.attachment(CardFactory.adaptiveCard(card)), id: replyToId };
  try {
    await turn.context.updateActivity(update);
    return true;
  } catch (error) {
    turn.log.warn({ err: error }, 'could not update the posted card');
    return false;
  }
}

/** Unexpected failures: logged without activity text or card data, answered with a generic sentence. */
export function technicalProblem(turn: Turn, error: unknown): AdaptiveCard {
  turn.log.error({ err: error }, 'card action failed');
  return messageCard(notice(turn, 'error.technical', 'Attention'), turn.lang);
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}
