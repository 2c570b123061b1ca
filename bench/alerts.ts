/**
 * Alerts against a fault-injecting fake Bot Connector: the table, then the 200-alert,
 * 20-team fan-out, one tenant's worst second with two instances, and the cost of one sweep at
 * 1,000 idle teams and of one heartbeat. Real clock, the dispatcher's production settings (8 s
 * call deadline, 10 s lane hold). Prints a table and one BENCH_JSON line.
 *
 * "Delivered" times run from the moment the alerts are in the outbox: the changes are written
 * through the bot's HTTP endpoint with the dispatcher held, then it is let go. The fan-out is also
 * measured end to end (changes written while alerts are sent) for comparison.
 */
import { CosmosClient, type CosmosClientOptions } from '@azure/cosmos';
import pino from 'pino';
import { systemClock } from '../src/domain/clock';
import type { ChannelAddress } from '../src/domain/ports';
import { AlertDispatcher } from '../src/notifications/dispatcher';
import type { Messenger } from '../src/notifications/alertSender';
import { EMPTY_WINDOW, paceWait, recordSend } from '../src/notifications/pacer';
import { CosmosAlertRepository } from '../src/store/cosmosAlertRepository';
import { type LocalCosmos, startLocalCosmos } from '../src/store/localCosmos';
import { ALICE, BOB, BotHarness, botProcess, cardOf, isAlertPost, type Where, worstWindow } from '../test/support/botHarness';
import { FakeConnector, type ConnectorScript, type RecordedCall } from '../test/support/fakeConnector';
import { TEAMS_CONVERSATION_LIMITS } from '../src/notifications/pacer';

function alertIdOf(call: RecordedCall): string | undefined {
  const actions = (cardOf(call)?.body ?? []).flatMap((b: any) => b.actions ?? []);
  return actions.find((a: any) => a.verb === 'alert.ack')?.data?.alertId;
}

function teams(count: number, tag: string): Where[] {
  return Array.from({ length: count }, (_, i) => ({ teamId: `19:${tag}-team-${i}@thread.tacv2`, channelId: `19:${tag}-channel-${i}@thread.tacv2` }));
}

function inChannel(call: RecordedCall, where: Where): boolean {
  return call.path.includes(encodeURIComponent(where.channelId));
}

const TENANT_PER_SECOND = 30;

/**
 * The fastest schedule Teams' limits allow for `perTeam` posts to each of `conversations`
 * channels of one tenant: per conversation (7/1 s, 8/2 s, 60/30 s, 1,800/h) and 30 requests/s
 * for the app in the tenant. Greedy, millisecond by millisecond. Seconds until the last post.
 */
function allowedSeconds(perTeam: number, conversations = 1): number {
  const windows = Array.from({ length: conversations }, () => EMPTY_WINDOW);
  const left = Array.from({ length: conversations }, () => perTeam);
  const tenant: number[] = [];
  let last = 0;
  for (let now = 0; left.some((n) => n > 0); now++) {
    for (let c = 0; c < conversations; c++) {
      if (left[c]! === 0 || paceWait(windows[c]!, now, TEAMS_CONVERSATION_LIMITS, 0) > 0) continue;
      if (tenant.filter((t) => t > now - 1_000).length >= TENANT_PER_SECOND) break;
      windows[c] = recordSend(windows[c]!, now);
      tenant.push(now);
      left[c]! -= 1;
      last = now;
    }
  }
  return last / 1000;
}

async function until(done: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return true;
}

/** `perTeam` flagged patients in each team, each with a follower: one flag alert each. */
async function writeFlags(bot: BotHarness, where: Where[], perTeam: number, tag: string): Promise<void> {
  await Promise.all(where.map(async (w) => {
    for (let n = 1; n <= perTeam; n++) {
      await bot.say(`ajouter patient ${tag} ${n}`, ALICE, w);
      await bot.say(`suivre #${n}`, BOB, w);
      await bot.say(`signaler #${n} Surveillance`, ALICE, w);
    }
  }));
}

interface Row {
  case: string;
  alerts: number;
  allowedS: number;
  allS: number;
  otherTeamsS?: number;
  sigtermS?: number;
  lost: number;
  duplicated: number;
  worst1s: number;
  worst2s: number;
}

function outcome(name: string, connector: FakeConnector, expected: number, start: number, allowed: number, extra: Partial<Row> = {}): Row {
  const posts = connector.calls.filter(isAlertPost);
  const ids = posts.map(alertIdOf);
  const distinct = new Set(ids);
  const last = posts.reduce((max, c) => Math.max(max, c.at), start);
  return {
    case: name,
    alerts: expected,
    allowedS: Number(allowed.toFixed(2)),
    allS: Number(((last - start) / 1000).toFixed(2)),
    lost: expected - distinct.size,
    duplicated: ids.length - distinct.size,
    worst1s: worstWindow(connector.calls, 1_000),
    worst2s: worstWindow(connector.calls, 2_000),
    ...extra,
  };
}

/** One row: a fresh bot, changes written with the dispatcher held, then it is let go. */
async function row(name: string, where: Where[], perTeam: number, script: ConnectorScript | undefined, timeoutMs: number, measure?: (bot: BotHarness, start: number) => Promise<Partial<Row>>): Promise<Row> {
  const bot = new BotHarness();
  await bot.start({ sweepMs: 10_000 });
  await bot.bot.dispatcher.stop();
  await writeFlags(bot, where, perTeam, name.split(' ')[0]!);
  bot.connector.script = script;
  const expected = where.length * perTeam;
  const start = Date.now();
  bot.bot.dispatcher.start();
  const extra = measure ? await measure(bot, start) : {};
  await until(() => new Set(bot.connector.calls.filter(isAlertPost).map(alertIdOf)).size >= expected, timeoutMs);
  const result = outcome(name, bot.connector, expected, start, allowedSeconds(perTeam, where.length), extra);
  await bot.stop();
  return result;
}

/** Teams other than the first: seconds until all their alerts were delivered. */
async function otherTeams(bot: BotHarness, start: number, where: Where[], perTeam: number): Promise<number> {
  await until(() => where.slice(1).every((w) => bot.connector.calls.filter((c) => isAlertPost(c) && inChannel(c, w)).length >= perTeam), 120_000);
  return Number(((Date.now() - start) / 1000).toFixed(2));
}

async function killedAndRestarted(cosmos: LocalCosmos): Promise<Row> {
  const connector = new FakeConnector();
  await connector.start();
  const port = Number(new URL(cosmos.endpoint).port);
  const [where] = teams(1, 'killed');
  const { child, driver } = await botProcess(connector, port);
  // Five posts are accepted, the sixth gets no answer: the process dies with it in flight.
  connector.script = (call) => (isAlertPost(call) && connector.calls.filter(isAlertPost).length >= 5 ? { hang: true } : undefined);
  const start = Date.now();
  await writeFlags(driver, [where!], 20, 'Relance');
  await until(() => connector.hung.length > 0, 60_000);
  child.kill('SIGKILL');
  connector.script = undefined;
  const restarted = new BotHarness(connector);
  await restarted.start({ cosmosPort: port, sweepMs: 10_000 });
  await until(() => new Set(connector.calls.filter(isAlertPost).map(alertIdOf)).size >= 20, 120_000);
  const result = outcome('SIGKILL after 5 of 20, restarted (from the first change)', connector, 20, start, allowedSeconds(20));
  await restarted.stop();
  return result;
}

async function twoInstances(cosmos: LocalCosmos): Promise<Row> {
  const connector = new FakeConnector();
  const port = Number(new URL(cosmos.endpoint).port);
  const first = new BotHarness(connector);
  const second = new BotHarness(connector);
  await first.start({ cosmosPort: port, sweepMs: 10_000 });
  await second.start({ cosmosPort: port, sweepMs: 10_000 });
  const [where] = teams(1, 'pair');
  // Both instances write changes to one team: both kick its lane.
  await Promise.all([first, second].map(async (bot, k) => {
    for (let n = 1 + k; n <= 20; n += 2) {
      await bot.say(`ajouter patient Duo ${n}`, ALICE, where);
    }
  }));
  for (let n = 1; n <= 20; n++) await (n % 2 ? first : second).say(`suivre #${n}`, BOB, where);
  const flagged = Date.now();
  await Promise.all([first, second].map(async (bot, k) => {
    for (let n = 1 + k; n <= 20; n += 2) await bot.say(`signaler #${n} Surveillance`, ALICE, where);
  }));
  await until(() => connector.calls.filter(isAlertPost).length >= 20, 120_000);
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const result = outcome('two instances, no fault, 20 alerts (from the first flag)', connector, 20, flagged, allowedSeconds(20));
  await second.bot.stop();
  await first.stop();
  return result;
}

interface TenantRow {
  conversations: number;
  allS: number;
  lost: number;
  duplicated: number;
  /** Most posts the tenant received in any 1 s, both instances together. */
  worstTenant1s: number;
}

/**
 * Two instances, `conversations` channels of one tenant, one alert each, written with both
 * dispatchers held then let go (both join at once): the most posts the tenant got in any 1 s.
 */
async function tenantAcrossInstances(cosmos: LocalCosmos, conversations: number): Promise<TenantRow> {
  const connector = new FakeConnector();
  const port = Number(new URL(cosmos.endpoint).port);
  const pair = [new BotHarness(connector), new BotHarness(connector)];
  for (const bot of pair) await bot.start({ cosmosPort: port, sweepMs: 10_000 });
  await Promise.all(pair.map((bot) => bot.bot.dispatcher.stop()));
  const where = teams(conversations, 'tenant');
  await Promise.all(where.map((w, i) => writeFlags(pair[i % 2]!, [w], 1, 'Locataire')));
  const start = Date.now();
  for (const bot of pair) bot.bot.dispatcher.start();
  await until(() => new Set(connector.calls.filter(isAlertPost).map(alertIdOf)).size >= conversations, 120_000);
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const result = outcome('two instances, one tenant', connector, conversations, start, 0);
  await pair[1]!.bot.stop();
  await pair[0]!.stop();
  const worstTenant1s = worstWindow(connector.calls, 1_000, (call) => String(call.activity.conversation?.tenantId));
  return { conversations, allS: result.allS, lost: result.lost, duplicated: result.duplicated, worstTenant1s };
}

async function fanOut(): Promise<{ fromOutbox: Row; endToEnd: Row & { writesS: number } }> {
  const where = teams(20, 'fan');
  const fromOutbox = await row('fan-out 200 alerts, 20 teams (from the outbox)', where, 10, undefined, 120_000);
  const bot = new BotHarness();
  await bot.start({ sweepMs: 10_000, alertPolicy: { coalesceMs: 0, reminderIntervalMs: 3_600_000, maxReminders: 0 } });
  await bot.bot.dispatcher.stop();
  await writeFlags(bot, where, 10, 'Banc');
  bot.bot.dispatcher.start();
  await until(() => bot.connector.calls.filter(isAlertPost).length >= 200, 120_000);
  const before = bot.connector.calls.length;
  const start = Date.now();
  await Promise.all(where.map(async (w) => {
    for (let n = 1; n <= 10; n++) await bot.say(`note #${n} Changement ${n}`, BOB, w);
  }));
  const writesS = (Date.now() - start) / 1000;
  await until(() => bot.connector.calls.slice(before).filter(isAlertPost).length >= 200, 120_000);
  const recent = new FakeConnector();
  recent.calls.push(...bot.connector.calls.slice(before));
  const endToEnd = { ...outcome('fan-out 200 changes through HTTP (end to end)', recent, 200, start, allowedSeconds(10, 20)), writesS: Number(writesS.toFixed(2)) };
  await bot.stop();
  return { fromOutbox, endToEnd };
}

/**
 * Cosmos requests of one sweep with 1,000 teams that have a channel and nothing due, and of one
 * instance's heartbeat (two instances live).
 */
async function requestCosts(cosmos: LocalCosmos): Promise<{ sweep: number; heartbeat: number }> {
  let requests = 0;
  const counting = new CosmosClient({
    endpoint: cosmos.endpoint,
    key: 'C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU9DJ9BmAz8v5sX4Ml0F0f4Y8PRwzJbgA==',
    connectionPolicy: { enableEndpointDiscovery: false },
    plugins: [{ on: 'request', plugin: (context: unknown, diagnostics: unknown, next: (c: unknown) => Promise<unknown>) => ((requests += 1), next(context)) }],
  } as unknown as CosmosClientOptions);
  const { database } = await counting.databases.createIfNotExists({ id: 'sweep' });
  const { container } = await database.containers.createIfNotExists({ id: 'teamdata', partitionKey: { paths: ['/teamId'] } });
  const repo = new CosmosAlertRepository(container);
  for (let i = 0; i < 1_000; i++) await repo.saveChannel(`19:idle-${i}@thread.tacv2`, { conversation: { id: `19:idle-channel-${i}` } } as ChannelAddress);
  const messenger: Messenger = { post: () => Promise.reject(new Error('nothing is due')), update: () => Promise.reject(new Error('nothing is due')) };
  const dispatcher = new AlertDispatcher(repo, messenger, { clock: systemClock, log: pino({ level: 'silent' }) });
  await dispatcher.sweep(); // warms the SDK's caches (database and container reads)
  requests = 0;
  await dispatcher.sweep();
  const sweep = requests;
  const now = Date.now();
  await repo.heartbeat('other-instance', now + 6_000, now);
  requests = 0;
  await repo.heartbeat('this-instance', now + 6_000, now);
  const heartbeat = requests;
  counting.dispose();
  return { sweep, heartbeat };
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  const one = teams(1, 'calm');
  rows.push(await row('no fault, 20 alerts in one channel', one, 20, undefined, 120_000));
  let posts = 0;
  rows.push(await row('60 % of posts 429 without Retry-After, 20 in one channel', teams(1, 'storm'), 20,
    (call) => (isAlertPost(call) && [0, 1, 3, 4, 6, 8].includes(posts++ % 10) ? { status: 429 } : undefined), 180_000));
  const hang = teams(5, 'hang');
  let hangs = 0;
  rows.push(await row('one post in team 1 never answers, 5 teams × 4', hang, 4,
    (call) => (isAlertPost(call) && inChannel(call, hang[0]!) && hangs++ === 0 ? { hang: true } : undefined), 120_000,
    async (bot, start) => ({ otherTeamsS: await otherTeams(bot, start, hang, 4) })));
  const retry = teams(5, 'retry');
  let throttled = false;
  rows.push(await row('one 429 with Retry-After: 20 on team 1, 5 teams × 4', retry, 4,
    (call) => (isAlertPost(call) && inChannel(call, retry[0]!) && !throttled ? ((throttled = true), { status: 429, headers: { 'Retry-After': '20' } }) : undefined), 120_000,
    async (bot, start) => ({ otherTeamsS: await otherTeams(bot, start, retry, 4) })));
  // SIGTERM while a post hangs: how long the dispatcher's drain takes.
  {
    const bot = new BotHarness();
    await bot.start({ sweepMs: 10_000 });
    bot.connector.script = (call) => (isAlertPost(call) ? { hang: true } : undefined);
    await writeFlags(bot, teams(1, 'drain'), 1, 'Arrêt');
    await until(() => bot.connector.hung.length > 0, 30_000);
    const start = Date.now();
    await bot.bot.stop();
    rows.push({ case: 'SIGTERM while a post hangs', alerts: 1, allowedS: 0, allS: 0, sigtermS: Number(((Date.now() - start) / 1000).toFixed(2)), lost: 0, duplicated: 0, worst1s: 0, worst2s: 0 });
    await bot.connector.stop();
  }
  const cosmos = await startLocalCosmos(0);
  rows.push(await killedAndRestarted(cosmos));
  rows.push(await twoInstances(cosmos));
  const tenant = await tenantAcrossInstances(cosmos, 60);
  const { fromOutbox, endToEnd } = await fanOut();
  rows.push(fromOutbox, endToEnd);
  const costs = await requestCosts(cosmos);
  const sweepRequests = costs.sweep;
  await cosmos.close();

  const ratio = fromOutbox.allowedS / Math.max(fromOutbox.allS, 0.001);
  console.log('\nAlerts against a fault-injecting fake connector (real clock, production dispatcher settings)');
  console.log('| case | alerts | Teams allows | all delivered | other teams | SIGTERM | lost | duplicated | worst /1 s | worst /2 s |');
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(`| ${r.case} | ${r.alerts} | ${r.allowedS} s | ${r.allS} s | ${r.otherTeamsS ?? '—'}${r.otherTeamsS === undefined ? '' : ' s'} | ${r.sigtermS ?? '—'}${r.sigtermS === undefined ? '' : ' s'} | ${r.lost} | ${r.duplicated} | ${r.worst1s} | ${r.worst2s} |`);
  }
  console.log(`fan-out from the outbox: ${(200 / fromOutbox.allS).toFixed(1)} alerts/s, ${(ratio * 100).toFixed(0)} % of the ${(200 / fromOutbox.allowedS).toFixed(1)} alerts/s Teams' limits allow (per conversation, and ${TENANT_PER_SECOND}/s per tenant)`);
  console.log(`  per-conversation limits alone would allow ${(200 / allowedSeconds(10, 1)).toFixed(0)} alerts/s: the tenant's ${TENANT_PER_SECOND} requests/s is what binds 20 channels of one tenant`);
  console.log(`fan-out end to end: 200 changes written in ${endToEnd.writesS} s through HTTP, all delivered ${endToEnd.allS} s after the first`);
  console.log(`two instances, ${tenant.conversations} conversations of one tenant: worst ${tenant.worstTenant1s} posts in any 1 s at the tenant (limit ${TENANT_PER_SECOND}), all in ${tenant.allS} s, lost ${tenant.lost}, duplicated ${tenant.duplicated}`);
  console.log(`one sweep at 1,000 idle teams: ${sweepRequests} Cosmos requests; one heartbeat (every 2 s per instance that has worked): ${costs.heartbeat}`);
  console.log(`BENCH_JSON ${JSON.stringify({ alerts: { rows, tenantAcrossInstances: tenant, fanOutShareOfAllowed: Number(ratio.toFixed(3)), sweepRequestsAt1000Teams: sweepRequests, heartbeatRequests: costs.heartbeat } })}`);
  if (rows.some((r) => r.lost || r.duplicated) || tenant.lost || tenant.duplicated || tenant.worstTenant1s > TENANT_PER_SECOND) process.exitCode = 1;
}

void main();
