import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import pino, { type Logger } from 'pino';
import { loadConfig } from '../../src/config';
import { type RunningBot, startBot, type StartOptions } from '../../src/main';
import { type LocalCosmos, startLocalCosmos } from '../../src/store/localCosmos';
import { FakeConnector, type RecordedCall } from './fakeConnector';
import { TEAM_A } from './fixtures';

export interface Person {
  id: string;
  aadObjectId: string;
  name: string;
  locale: string;
}

export const ALICE: Person = { id: '29:alice', aadObjectId: 'aad-alice', name: 'Alice Tremblay', locale: 'fr-CA' };
export const BOB: Person = { id: '29:bob', aadObjectId: 'aad-bob', name: 'Bob Smith', locale: 'en-US' };

export interface Where {
  teamId: string;
  channelId: string;
}

export const CHANNEL_A: Where = { teamId: TEAM_A, channelId: '19:general-a@thread.tacv2' };
export const CHANNEL_B: Where = { teamId: '19:team-b@thread.tacv2', channelId: '19:general-b@thread.tacv2' };

let teamsMade = 0;
/** A team and channel no other test uses: its lists, names, numbers and superusers are the test's own. */
export function teamOfItsOwn(tag: string): Where {
  teamsMade += 1;
  return { teamId: `19:team-${tag}-${teamsMade}@thread.tacv2`, channelId: `19:general-${tag}-${teamsMade}@thread.tacv2` };
}

export interface TurnResult {
  status: number;
  /** The invoke answer (Action.Execute), when there is one. */
  body: any;
  /** What the bot sent to the connector during the turn: replies (POST) and card updates (PUT). */
  sent: RecordedCall[];
}

/**
 * Numbers the incoming activities of every harness: harnesses that share a connector must not reuse
 * an id, or a turn would take another instance's reply (found by its replyToId) for its own.
 */
let activityCounter = 0;

/** The real bot on a free port, its in-memory Cosmos, and a fake connector: driven over HTTP. */
export class BotHarness {
  bot!: RunningBot;

  /** Several harnesses may share one connector, as bot instances share Teams' service URL. */
  constructor(readonly connector = new FakeConnector()) {}

  async start(options: StartOptions & { logger?: Logger; cosmosPort?: number; env?: Record<string, string> } = {}): Promise<void> {
    if (!this.connector.started) await this.connector.start();
    // Port 0: each harness gets its own in-memory store, unless it is given one to share.
    const cosmosPort = String(options.cosmosPort ?? 0);
    const config = loadConfig({ PORT: '0', COSMOS_LOCAL_PORT: cosmosPort, LOG_LEVEL: 'silent', ...options.env } as NodeJS.ProcessEnv);
    this.bot = await startBot(config, options.logger ?? pino({ level: 'silent' }), { sweepMs: 3_600_000, ...options });
  }

  async stop(): Promise<void> {
    await this.bot?.stop();
    if (this.connector.started) await this.connector.stop();
  }

  /** Lets the alert dispatcher finish what the last turns queued. */
  async alertsSettled(): Promise<void> {
    await this.bot.dispatcher.idle();
  }

  /** Proactive posts (alerts and reminders) the connector accepted, oldest first. */
  posts(): RecordedCall[] {
    return this.connector.calls.filter(isAlertPost);
  }

  /** Tenant the next activities come from. */
  tenantId = 'tenant-1';

  private activity(person: Person, where: Where, extra: Record<string, unknown>) {
    activityCounter += 1;
    return {
      id: `incoming-${activityCounter}`,
      channelId: 'msteams',
      serviceUrl: this.connector.url,
      timestamp: new Date().toISOString(),
      locale: person.locale,
      from: { id: person.id, name: person.name, aadObjectId: person.aadObjectId },
      recipient: { id: '28:contact-bot', name: 'Contact Télésanté' },
      conversation: { id: `${where.channelId};messageid=1`, conversationType: 'channel', isGroup: true, tenantId: this.tenantId },
      channelData: { team: { id: where.teamId }, channel: { id: where.channelId }, tenant: { id: this.tenantId } },
      ...extra,
    };
  }

  private async post(activity: { id: string } & Record<string, unknown>): Promise<TurnResult> {
    const before = this.connector.calls.length;
    const response = await fetch(`http://127.0.0.1:${this.bot.port}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(activity),
    });
    const text = await response.text();
    // The turn's own replies and card updates; alerts the dispatcher posts meanwhile are left out (see posts()).
    const sent = this.connector.calls
      .slice(before)
      .filter((c) => (c.method === 'POST' ? c.activity.replyToId === activity.id : c.activity.replyToId === activity.id || !cardOf(c)?.msteams));
    return { status: response.status, body: text ? JSON.parse(text) : undefined, sent };
  }

  /** A channel message that @mentions the bot (and, optionally, people), as Teams delivers it. */
  say(text: string, person: Person = ALICE, where: Where = CHANNEL_A, mentions: Person[] = []): Promise<TurnResult> {
    const mention = '<at>Contact Télésanté</at>';
    const people = mentions.map((p) => ({ type: 'mention', text: `<at>${p.name}</at>`, mentioned: { id: p.id, name: p.name } }));
    return this.post(
      this.activity(person, where, {
        type: 'message',
        text: `${mention} ${text}${people.map((p) => ` ${p.text}`).join('')}`,
        entities: [{ type: 'mention', text: mention, mentioned: { id: '28:contact-bot', name: 'Contact Télésanté' } }, ...people],
      }),
    );
  }

  /** A message in the person's personal chat with the bot (no team), e.g. with a file attached. */
  personal(person: Person, extra: Record<string, unknown>): Promise<TurnResult> {
    return this.post({
      ...this.activity(person, CHANNEL_A, { type: 'message', ...extra }),
      conversation: { id: `a:personal-${person.id}`, conversationType: 'personal', tenantId: this.tenantId },
      channelData: { tenant: { id: this.tenantId } },
    });
  }

  /** An invoke in the personal chat (card taps there, file consent answers). */
  personalInvoke(person: Person, name: string, value: unknown): Promise<TurnResult> {
    return this.post({
      ...this.activity(person, CHANNEL_A, { type: 'invoke', name, value, replyToId: 'posted-card-1' }),
      conversation: { id: `a:personal-${person.id}`, conversationType: 'personal', tenantId: this.tenantId },
      channelData: { tenant: { id: this.tenantId } },
    });
  }

  /** A tap on an Action.Execute button: the adaptiveCard/action invoke; `replyToId` is the tapped message. */
  execute(verb: string, data: Record<string, unknown>, person: Person = ALICE, where: Where = CHANNEL_A, replyToId = 'posted-card-1'): Promise<TurnResult> {
    return this.post(
      this.activity(person, where, {
        type: 'invoke',
        name: 'adaptiveCard/action',
        replyToId,
        value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
      }),
    );
  }

  /** Any invoke in the team channel, e.g. a malformed card action. */
  invoke(name: string, value: unknown, person: Person = ALICE, where: Where = CHANNEL_A): Promise<TurnResult> {
    return this.post(this.activity(person, where, { type: 'invoke', name, replyToId: 'posted-card-1', ...(value !== undefined && { value }) }));
  }

  /** A tap on the Action.Submit fallback: a message whose value is the button's data; `replyToId` is the tapped message. */
  submit(data: Record<string, unknown>, person: Person = ALICE, where: Where = CHANNEL_A, replyToId = 'posted-card-1'): Promise<TurnResult> {
    return this.post(this.activity(person, where, { type: 'message', replyToId, value: data }));
  }
}

/** A team of its own whose first user, and so its first superuser, is `person`. */
export async function teamFirstUsedBy(bot: BotHarness, person: Person, tag: string): Promise<Where> {
  const team = teamOfItsOwn(tag);
  await bot.say('aide', person, team);
  return team;
}

/** Two bot instances on one local store and one connector, as two App Service instances on one Cosmos account. */
export class TwoInstances {
  readonly first: BotHarness;
  readonly second: BotHarness;
  private cosmos?: LocalCosmos;

  constructor(connector = new FakeConnector()) {
    this.first = new BotHarness(connector);
    this.second = new BotHarness(connector);
  }

  async start(options: Omit<Parameters<BotHarness['start']>[0] & object, 'cosmosPort'> = {}): Promise<void> {
    this.cosmos = await startLocalCosmos(0);
    const cosmosPort = Number(new URL(this.cosmos.endpoint).port);
    await this.first.start({ ...options, cosmosPort });
    await this.second.start({ ...options, cosmosPort });
  }

  /** The second bot first, then the first with the shared connector, then the store. */
  async stop(): Promise<void> {
    await this.second.bot?.stop();
    await this.first.stop();
    await this.cosmos?.close();
  }
}

/** A text reply as Teams shows it: in markdown, a backslash before punctuation only makes it literal. */
export function rendered(activity: Record<string, any>): string {
  const text: string = activity.text ?? '';
  return activity.textFormat === 'markdown' ? text.replace(/\\([!-/:-@[-`{-~])/g, '$1') : text;
}

/** The turn's replies to the person (POSTs; the harness already leaves alerts and card updates out). */
export function replies(result: TurnResult): RecordedCall[] {
  return result.sent.filter((c) => c.method === 'POST');
}

/** What the turn's replies read: each reply's text and its card's texts. */
export function replyText(result: TurnResult): string {
  return replies(result)
    .map((c) => [rendered(c.activity), ...textsOf(cardOf(c))].join('\n'))
    .join('\n');
}

/** The card of the turn's first reply, or undefined. */
export function replyCard(result: TurnResult): any {
  return cardOf(replies(result)[0]);
}

/** Every piece of text on a card, one a line. */
export function cardText(card: any): string {
  return textsOf(card).join('\n');
}

/** The card a turn answered with, on either path: the invoke's card, or the first card sent. */
export function answerCard(result: TurnResult): any {
  return result.body?.value?.type === 'AdaptiveCard' ? result.body.value : cardOf(result.sent.find((c) => cardOf(c)));
}

/** What a tap's answer reads: the invoke's card texts, or, without one, the replies' text. */
export function answerText(result: TurnResult): string {
  return textsOf(result.body?.value).join('\n') || replyText(result);
}

/** Everything the turn showed: the invoke's answer (a sentence or a card), the replies and the card updates. */
export function turnText(result: TurnResult): string {
  const invoke = result.body?.value;
  const sent = result.sent.map((c) => [rendered(c.activity), ...textsOf(cardOf(c))].join('\n'));
  return [typeof invoke === 'string' ? invoke : textsOf(invoke).join('\n'), ...sent].join('\n');
}

/** The first team number a text names (`#12`). */
export function numberIn(text: string): number {
  const match = /#(\d+)/.exec(text);
  if (!match) throw new Error(`no patient number in ${text}`);
  return Number(match[1]);
}

/** Adds a patient by typed command and returns the reply's card (it carries the patient's number and id). */
export async function addPatientCard(bot: BotHarness, name: string, person: Person = ALICE, where: Where = CHANNEL_A): Promise<any> {
  const result = await bot.say(`ajouter patient ${name}`, person, where);
  const card = replies(result)
    .map(cardOf)
    .find((c) => /Patient #\d+ (ajouté|added)/.test(cardText(c)));
  if (!card) throw new Error(`not added: ${replyText(result)}`);
  return card;
}

/** Adds a patient by typed command and returns its team number. */
export async function addPatient(bot: BotHarness, name: string, person: Person = ALICE, where: Where = CHANNEL_A): Promise<number> {
  return numberIn(cardText(await addPatientCard(bot, name, person, where)));
}

/** The Adaptive Card in a recorded activity, or undefined. */
export function cardOf(call: RecordedCall | undefined): any {
  return call?.activity.attachments?.[0]?.content;
}

/** Every piece of text a card shows (TextBlocks, TextRuns, facts, inputs' labels and button titles). */
export function textsOf(card: any): string[] {
  const out: string[] = [];
  const walk = (node: any) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    for (const key of ['text', 'title', 'label', 'value']) if (typeof node[key] === 'string') out.push(node[key]);
    for (const value of Object.values(node)) if (typeof value === 'object' && value !== null) walk(value);
  };
  walk(card);
  return out;
}

/** Every action on a card, in order (body ActionSets and selectActions), with fallbacks left out. */
export function actionsOf(card: any): any[] {
  const out: any[] = [];
  const walk = (node: any, isFallback = false) => {
    if (Array.isArray(node)) return node.forEach((n) => walk(n));
    if (!node || typeof node !== 'object') return;
    if (typeof node.type === 'string' && node.type.startsWith('Action.') && !isFallback) out.push(node);
    for (const [key, value] of Object.entries(node)) if (typeof value === 'object' && value !== null) walk(value, key === 'fallback');
  };
  walk(card);
  return out;
}

export function action(card: any, title: string): any {
  const found = actionsOf(card).find((a) => a.title === title);
  if (!found) throw new Error(`no action titled ${title}; have ${actionsOf(card).map((a) => a.title).join(', ')}`);
  return found;
}

/** A proactive alert post (or reminder): not a reply, with the card's mention entities. */
export function isAlertPost(call: RecordedCall): boolean {
  return call.method === 'POST' && !call.activity.replyToId && Boolean(cardOf(call)?.msteams);
}

/**
 * Most alert posts any one conversation received within `spanMs`, by arrival at the connector;
 * `groupOf` groups them otherwise (e.g. by tenant).
 */
export function worstWindow(calls: RecordedCall[], spanMs: number, groupOf = (call: RecordedCall): string => call.path): number {
  let worst = 0;
  const byConversation = new Map<string, number[]>();
  for (const call of calls.filter(isAlertPost)) byConversation.set(groupOf(call), [...(byConversation.get(groupOf(call)) ?? []), call.at]);
  for (const times of byConversation.values()) {
    times.sort((a, b) => a - b);
    for (let i = 0, j = 0; i < times.length; i++) {
      while (times[i]! - times[j]! >= spanMs) j++;
      worst = Math.max(worst, i - j + 1);
    }
  }
  return worst;
}

/**
 * The bot as operators run it (`src/index.ts`, its own process, killable) on a shared local store,
 * and a harness that drives it over HTTP with `connector`.
 */
export async function botProcess(connector: FakeConnector, cosmosPort: number): Promise<{ child: ChildProcess; driver: BotHarness }> {
  if (!connector.started) await connector.start();
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'src/index.ts'], {
    cwd: path.resolve(__dirname, '..', '..'),
    env: { ...process.env, PORT: '0', COSMOS_LOCAL_PORT: String(cosmosPort), LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += String(chunk)));
  for (let waited = 0; !/"port":(\d+)/.test(output); waited += 100) {
    if (waited > 60_000 || child.exitCode !== null) throw new Error(`bot process did not start: ${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const driver = new BotHarness(connector);
  // The harness only needs the port to drive a bot over HTTP.
  driver.bot = { port: Number(/"port":(\d+)/.exec(output)![1]) } as RunningBot;
  return { child, driver };
}
