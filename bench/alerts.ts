/**
 * Alert fan-out: 200 flagged patients in 20 teams change at once; the bot posts one alert per
 * change to each team's channel through a fake Bot Connector that enforces Teams' per-conversation
 * limits (answering 429 with Retry-After past them). Prints alerts delivered per second against
 * the best rate the limits allow, 429s seen, alerts lost and alerts posted twice (both must be 0).
 */
import { ConversationPacer } from '../src/notifications/pacer';
import { ALICE, BOB, BotHarness, cardOf } from '../test/support/botHarness';
import { TEAMS_CONVERSATION_LIMITS } from '../src/notifications/pacer';

const TEAMS = 20;
const PER_TEAM = 10;

function alertIdOf(activity: any): string | undefined {
  const actions = (cardOf({ activity } as never)?.body ?? []).flatMap((b: any) => b.actions ?? []);
  return actions.find((a: any) => a.verb === 'alert.ack')?.data?.alertId;
}

/** The fastest schedule Teams' limits allow for `count` posts to one conversation. */
function bestSeconds(count: number): number {
  const pacer = new ConversationPacer();
  let now = 0;
  for (let i = 0; i < count; i++) {
    let wait: number;
    while ((wait = pacer.reserve('c', now)) > 0) now += wait;
  }
  return now / 1000;
}

async function main(): Promise<void> {
  const bot = new BotHarness();
  // No coalescing window: every change is its own alert, which is what loads the connector.
  await bot.start({ alertPolicy: { coalesceMs: 0, reminderIntervalMs: 3_600_000, maxReminders: 0 }, sweepMs: 250 });
  const windows = TEAMS_CONVERSATION_LIMITS;
  const sent = new Map<string, number[]>();
  let throttled = 0;
  bot.connector.script = (call) => {
    if (call.method !== 'POST' || call.activity.replyToId || !call.activity.attachments?.[0]?.content?.msteams) return undefined;
    const now = Date.now();
    const times = (sent.get(call.path) ?? []).filter((t) => t > now - 3_600_000);
    if (windows.some(([window, max]) => times.filter((t) => t > now - window).length >= max)) {
      throttled++;
      return { status: 429, headers: { 'Retry-After': '1' } };
    }
    times.push(now);
    sent.set(call.path, times);
    return undefined;
  };
  const teams = Array.from({ length: TEAMS }, (_, i) => ({ teamId: `19:bench-team-${i}@thread.tacv2`, channelId: `19:bench-channel-${i}@thread.tacv2` }));
  // Setup: patients flagged by Alice, followed by Bob; the flag alerts are let through first.
  await Promise.all(
    teams.map(async (where) => {
      for (let n = 1; n <= PER_TEAM; n++) {
        await bot.say(`ajouter patient Patient Banc ${n}`, ALICE, where);
        await bot.say(`suivre #${n}`, BOB, where);
        await bot.say(`signaler #${n} Surveillance`, ALICE, where);
      }
    }),
  );
  const setupAlerts = TEAMS * PER_TEAM;
  while (bot.posts().length < setupAlerts) await new Promise((r) => setTimeout(r, 200));
  sent.clear();
  throttled = 0;
  const before = bot.posts().length;
  const start = Date.now();
  await Promise.all(teams.map(async (where) => {
    for (let n = 1; n <= PER_TEAM; n++) await bot.say(`note #${n} Changement ${n}`, BOB, where);
  }));
  const expected = TEAMS * PER_TEAM;
  const deadline = Date.now() + 120_000;
  while (bot.posts().length - before < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  const seconds = (Date.now() - start) / 1000;
  const ids = bot.posts().slice(before).map((c) => alertIdOf(c.activity));
  const distinct = new Set(ids);
  const best = bestSeconds(PER_TEAM);
  const result = {
    alerts: expected,
    delivered: distinct.size,
    lost: expected - distinct.size,
    duplicates: ids.length - distinct.size,
    seconds: Number(seconds.toFixed(2)),
    alertsPerSecond: Number((distinct.size / seconds).toFixed(1)),
    allowedPerSecond: Number((expected / best).toFixed(1)),
    throttled429: throttled,
  };
  console.log('\nAlert fan-out: 200 flagged patients changing across 20 teams (10 per team channel)');
  console.log(`  delivered ${result.delivered}/${result.alerts} in ${result.seconds} s: ${result.alertsPerSecond} alerts/s`);
  console.log(`  best rate Teams' per-conversation limits allow for this load: ${result.allowedPerSecond} alerts/s (${best.toFixed(2)} s for ${PER_TEAM} posts a channel)`);
  console.log(`  429s answered by the fake connector: ${result.throttled429}; lost: ${result.lost}; posted twice: ${result.duplicates}`);
  console.log(`BENCH_JSON ${JSON.stringify({ alertFanOut: result })}`);
  await bot.stop();
  if (result.lost || result.duplicates) process.exitCode = 1;
}

void main();
