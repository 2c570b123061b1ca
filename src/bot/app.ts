import { Application, type TeamsAdapter, TurnState } from '@microsoft/teams-ai';
import { CardFactory, MessageFactory, type TurnContext } from 'botbuilder';
import { type Verb, VERBS } from '../cards/adaptive';
import { createPatient, openAddForm, openEditForm, updatePatient } from './handlers/patientForm';
import { openPatient, pageList, pickPatient, showFollowing, showHelp } from './handlers/browse';
import { type CardHandler, guarded } from './handlers/cardHandler';
import { acknowledgeAlert } from './handlers/alerts';
import { flagPatient, followPatient, openFlagForm, unflagPatient, unfollowPatient } from './handlers/flags';
import { openNoteForm, saveNote } from './handlers/notes';
import { openInactiveForm, setActive, setInactive } from './handlers/status';
import { excludeFromPurge, pagePurgePreview } from './handlers/purge';
import { checkImportForTeam, confirmImport, exportForTeam, handleAttachedFile, uploadExport } from './handlers/transfer';
import { pageHistory, saveSettings } from './handlers/team';
import { acknowledgeReleve, pageReleve } from './handlers/releve';
import { handleText, runSuggestion } from './handlers/text';
import { messageCard } from '../cards/helpCard';
import { pageJournal } from './handlers/journal';
import { t } from '../i18n/messages';
import { attachedFile, channelAddress, tenantOf } from './activity';
import { type BotDeps } from './deps';
import { notice } from './views';
import { sendPlainText, sendText } from './replies';
import { turnOf } from './turn';
import { updatePostedCard } from './redraw';

/** Card verbs and their handlers: the one place that says what each button does. */
const CARD_ROUTES: Record<Verb, CardHandler> = {
  [VERBS.open]: openPatient,
  [VERBS.listPage]: pageList,
  [VERBS.following]: showFollowing,
  [VERBS.runSuggestion]: runSuggestion,
  [VERBS.pick]: pickPatient,
  [VERBS.help]: showHelp,
  [VERBS.addForm]: openAddForm,
  [VERBS.create]: createPatient,
  [VERBS.edit]: openEditForm,
  [VERBS.update]: updatePatient,
  [VERBS.noteForm]: openNoteForm,
  [VERBS.noteSave]: saveNote,
  [VERBS.inactiveForm]: openInactiveForm,
  [VERBS.setInactive]: setInactive,
  [VERBS.setActive]: setActive,
  [VERBS.flagForm]: openFlagForm,
  [VERBS.flag]: flagPatient,
  [VERBS.unflag]: unflagPatient,
  [VERBS.follow]: followPatient,
  [VERBS.unfollow]: unfollowPatient,
  [VERBS.ack]: acknowledgeAlert,
  [VERBS.history]: pageHistory,
  [VERBS.settingsSave]: saveSettings,
  [VERBS.purgePreview]: pagePurgePreview,
  [VERBS.purgeExclude]: excludeFromPurge,
  [VERBS.importCheck]: checkImportForTeam,
  [VERBS.importConfirm]: confirmImport,
  [VERBS.exportTeam]: exportForTeam,
  [VERBS.journalPage]: pageJournal,
  [VERBS.relevePage]: pageReleve,
  [VERBS.releveAck]: acknowledgeReleve,
};

export function createApp(adapter: TeamsAdapter, deps: BotDeps, botAppId?: string): Application<TurnState> {
  const app = new Application<TurnState>({
    adapter,
    botAppId,
    // Channels only deliver messages that @mention the bot; the mention is not part of the command.
    removeRecipientMention: true,
    startTypingTimer: false,
    longRunningMessages: false,
  });
  // teams-ai 1.7's run() starts its typing timer whatever `startTypingTimer` says, and that timer is
  // one per application, shared by concurrent turns: its "typing" posts would reach Teams outside
  // the conversations' pacing. The option is honoured here.
  app.startTypingTimer = () => undefined;

  // Only configured tenants are served; others get a polite refusal and nothing is stored.
  app.turn('beforeTurn', async (context) => {
    const activity = context.activity;
    // The SDK's submit routes read `value[verb]`: a null value would throw there instead of being refused.
    if (activity.value === null) activity.value = {};
    if (deps.tenantAllowed(tenantOf(activity))) return true;
    const turn = turnOf(context, deps);
    turn.log.warn({ event: 'tenant-refused' }, 'request from a tenant that is not served');
    const text = t(turn.lang, 'error.tenantRefused');
    if (activity.type === 'invoke') {
      await answerInvoke(context, 'application/vnd.microsoft.activity.message', text);
    } else if (activity.type === 'message') {
      await sendPlainText(turn, text);
    }
    return false;
  });

  // The person who installs or first uses the bot in a team becomes its first superuser, and every
  // turn in a team channel records it as the team's alert channel (the last one used wins).
  app.turn('beforeTurn', async (context) => {
    const turn = turnOf(context, deps);
    // Once the settings exist, only the steps that use them read them (a list needs none).
    if (context.activity.from?.id && !deps.teams.hasSettings(turn.teamId)) await turn.settings();
    const address = channelAddress(context.activity);
    if (address) {
      await deps.channels.remember(turn.teamId, address).catch((error: unknown) => turn.log.warn({ err: error }, 'could not record the alert channel'));
    }
    return true;
  });

  for (const [verb, handler] of Object.entries(CARD_ROUTES)) {
    const run = guarded(handler);
    // Action.Execute: the invoke answer replaces the card for the person who tapped;
    // a change everybody must see also updates the posted card. The answer is sent here: teams-ai
    // would also replace the posted message for everyone whenever the card has a `refresh` (a
    // second update of a shared card, and a card for the tapper, such as Ouvrir's, shown to all).
    app.adaptiveCards.actionExecute(verb, async (context, _state, data) => {
      const turn = turnOf(context, deps);
      const reply = await run(turn, data);
      if (reply.shared) await updatePostedCard(turn, reply.card);
      await answerInvoke(context, 'application/vnd.microsoft.card.adaptive', reply.card);
      return reply.card;
    });
    // Action.Submit fallback (older clients): same handler; the answer updates the posted card
    // when it is shared state, otherwise it comes as a new message.
    app.adaptiveCards.actionSubmit(verb, async (context, _state, data) => {
      const turn = turnOf(context, deps);
      const reply = await run(turn, data);
      if (reply.redrawnForEveryone) return;
      if (!(reply.shared && (await updatePostedCard(turn, reply.card)))) {
        await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(reply.card)));
      }
    });
  }

  // A tap this bot cannot route (no value, no verb, an unknown or non-string verb: an old or forged
  // card) gets the "no longer valid" card on both paths, not the SDK's 501 or silence.
  app.addRoute(isCardAction, async (context) => {
    const card = invalidCard(context, deps);
    await answerInvoke(context, 'application/vnd.microsoft.card.adaptive', card);
  }, true);
  app.message(isCardSubmit, async (context) => {
    await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(invalidCard(context, deps))));
  });

  // A file attached in the personal chat is a superuser's start-up import.
  app.message(isPersonalFile, async (context) => {
    const turn = turnOf(context, deps);
    await handleAttachedFile(turn, attachedFile(context.activity)!);
  });
  app.fileConsentAccept(async (context, _state, response) => {
    await uploadExport(turnOf(context, deps), response);
  });
  app.fileConsentDecline(async (context) => {
    const turn = turnOf(context, deps);
    await sendText(turn, 'transfer.exportDeclined');
  });

  app.message(hasText, async (context) => {
    await handleText(turnOf(context, deps), context.activity.text ?? '');
  });

  return app;
}

/** The adaptiveCard/action answer (HTTP 200) as Teams reads it: a message or a card. */
async function answerInvoke(context: TurnContext, type: string, value: unknown): Promise<void> {
  await context.sendActivity({ type: 'invokeResponse', value: { status: 200, body: { statusCode: 200, type, value } } });
}

function invalidCard(context: TurnContext, deps: BotDeps) {
  const turn = turnOf(context, deps);
  turn.log.warn({ event: 'card-action-unknown' }, 'card action with no known verb');
  return messageCard(notice(turn, 'error.badCard', 'Attention'), turn.lang);
}

async function isCardAction(context: TurnContext): Promise<boolean> {
  return context.activity.type === 'invoke' && context.activity.name === 'adaptiveCard/action';
}

/** An Action.Submit the verb routes did not take: a message with a value and no text. */
async function isCardSubmit(context: TurnContext): Promise<boolean> {
  return context.activity.type === 'message' && context.activity.value !== undefined && !context.activity.text?.trim();
}

async function isPersonalFile(context: TurnContext): Promise<boolean> {
  return context.activity.conversation?.conversationType === 'personal' && attachedFile(context.activity) !== undefined;
}

async function hasText(context: TurnContext): Promise<boolean> {
  return context.activity.type === 'message' && Boolean(context.activity.text?.trim());
}
