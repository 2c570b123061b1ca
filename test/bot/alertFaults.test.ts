import { CosmosAlertRepository } from '../../src/store/cosmosAlertRepository';
import { REGISTRY } from '../../src/store/cosmosRegistry';
import { type LocalCosmos, startLocalCosmos } from '../../src/store/localCosmos';
import { ALICE, BOB, BotHarness, botProcess, cardOf, isAlertPost, type Where, worstWindow } from '../support/botHarness';
import { FakeConnector, type RecordedCall } from '../support/fakeConnector';

/**
 * The issue's table, one row a test, against the scripted fake connector and the real clock.
 * Each asserts outcomes (delivered once, order, Teams' windows, which team waited for which);
 * times are only generous deadlines for polling. The figures themselves come from `npm run bench`.
 */

const DISPATCH = { callTimeoutMs: 2_000, leaseMs: 3_000, drainMs: 3_000, backoffBaseMs: 100, maxBackoffMs: 1_000 };

function teams(count: number, tag: string): Where[] {
  return Array.from({ length: count }, (_, i) => ({ teamId: `19:${tag}-team-${i}@thread.tacv2`, channelId: `19:${tag}-channel-${i}@thread.tacv2` }));
}

function patientOf(call: RecordedCall): string {
  return /#(\d+) · ([^\n]+)/.exec(JSON.stringify(cardOf(call)))?.[2]?.split('"')[0] ?? '';
}

/** Adds, follows and flags a patient: its flag alert is the alert under test. */
async function flagPatient(bot: BotHarness, where: Where, name: string, number: number): Promise<void> {
  await bot.say(`ajouter patient ${name}`, ALICE, where);
  await bot.say(`suivre #${number}`, BOB, where);
  await bot.say(`signaler #${number} Chute ce matin`, ALICE, where);
}

async function until(what: string, done: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function delivered(connector: FakeConnector, where: Where): string[] {
  return connector.calls.filter((c) => isAlertPost(c) && c.path.includes(encodeURIComponent(where.channelId))).map(patientOf);
}

describe('alerts at Teams’ pace whatever the faults', () => {
  const bot = new BotHarness();
  beforeAll(() => bot.start({ sweepMs: 1_000, alertDispatch: DISPATCH }));
  afterAll(() => bot.stop());
  afterEach(() => {
    bot.connector.script = undefined;
    bot.connector.releaseHangs();
  });

  it('no fault: 20 alerts in one channel, in order, never over 7 / 1 s or 8 / 2 s', async () => {
    const [where] = teams(1, 'calm');
    for (let n = 1; n <= 20; n++) await flagPatient(bot, where!, `Calme ${n}`, n);
    await until('20 alerts', () => delivered(bot.connector, where!).length >= 20);
    expect(delivered(bot.connector, where!)).toEqual(Array.from({ length: 20 }, (_, i) => `Calme ${i + 1}`));
    expect(worstWindow(bot.connector.calls, 1_000)).toBeLessThanOrEqual(7);
    expect(worstWindow(bot.connector.calls, 2_000)).toBeLessThanOrEqual(8);
  }, 90_000);

  it('60 % of posts answered 429 without Retry-After: every alert once, in order', async () => {
    const [where] = teams(1, 'storm');
    let posts = 0;
    // Deterministic: 6 posts out of every 10 refused.
    bot.connector.script = (call) => (isAlertPost(call) && [0, 1, 3, 4, 6, 8].includes(posts++ % 10) ? { status: 429 } : undefined);
    for (let n = 1; n <= 20; n++) await flagPatient(bot, where!, `Orage ${n}`, n);
    await until('20 alerts through the storm', () => delivered(bot.connector, where!).length >= 20);
    expect(bot.connector.refused.filter(isAlertPost).length).toBeGreaterThanOrEqual(20);
    expect(delivered(bot.connector, where!)).toEqual(Array.from({ length: 20 }, (_, i) => `Orage ${i + 1}`));
  }, 90_000);

  it('a post that never answers in team 1 delays no other team, and team 1 delivers everything after its deadline', async () => {
    const hung = new BotHarness();
    await hung.start({ sweepMs: 1_000, alertDispatch: { ...DISPATCH, callTimeoutMs: 10_000, leaseMs: 12_000 } });
    try {
      const five = teams(5, 'hang');
      let hangs = 0;
      hung.connector.script = (call) => (isAlertPost(call) && call.path.includes(encodeURIComponent(five[0]!.channelId)) && hangs++ === 0 ? { hang: true } : undefined);
      await Promise.all(five.map(async (where) => {
        for (let n = 1; n <= 4; n++) await flagPatient(hung, where, `Suspendu ${n}`, n);
      }));
      await until('the other teams', () => five.slice(1).every((where) => delivered(hung.connector, where).length === 4));
      // Served while team 1's post was still unanswered: team 1 has delivered nothing yet.
      expect(delivered(hung.connector, five[0]!)).toEqual([]);
      await until('team 1', () => delivered(hung.connector, five[0]!).length === 4);
      expect(delivered(hung.connector, five[0]!)).toEqual(['Suspendu 1', 'Suspendu 2', 'Suspendu 3', 'Suspendu 4']);
    } finally {
      await hung.stop();
    }
  }, 90_000);

  it('a 429 with Retry-After in team 1 makes team 1 alone wait that long', async () => {
    const five = teams(5, 'retry');
    const retryAfterS = 8;
    let throttled: RecordedCall | undefined;
    bot.connector.script = (call) => {
      if (!isAlertPost(call) || throttled || !call.path.includes(encodeURIComponent(five[0]!.channelId))) return undefined;
      throttled = call;
      return { status: 429, headers: { 'Retry-After': String(retryAfterS) } };
    };
    await Promise.all(five.map(async (where) => {
      for (let n = 1; n <= 4; n++) await flagPatient(bot, where, `Patience ${n}`, n);
    }));
    await until('every team', () => five.every((where) => delivered(bot.connector, where).length === 4));
    const firstAfter = bot.connector.calls.find((c) => isAlertPost(c) && c.path === throttled!.path)!;
    expect(firstAfter.at - throttled!.at).toBeGreaterThanOrEqual(retryAfterS * 1000 - 50);
    // Every other team was done before team 1 could post again.
    for (const where of five.slice(1)) {
      const last = bot.connector.calls.filter((c) => isAlertPost(c) && c.path.includes(encodeURIComponent(where.channelId))).at(-1)!;
      expect(last.at).toBeLessThan(firstAfter.at);
    }
    expect(delivered(bot.connector, five[0]!)).toEqual(['Patience 1', 'Patience 2', 'Patience 3', 'Patience 4']);
  }, 90_000);

  it('SIGTERM while a post hangs: stop() returns within the drain, the alert stays in the outbox', async () => {
    const drained = new BotHarness();
    await drained.start({ sweepMs: 3_600_000, alertDispatch: { ...DISPATCH, callTimeoutMs: 60_000 } });
    try {
      drained.connector.script = (call) => (isAlertPost(call) ? { hang: true } : undefined);
      const [where] = teams(1, 'drain');
      await flagPatient(drained, where!, 'Arrêt Propre', 1);
      await until('the post to hang', () => drained.connector.hung.length === 1);
      const started = Date.now();
      await drained.bot.dispatcher.stop();
      expect(Date.now() - started).toBeLessThan(15_000);
      const outbox = await new CosmosAlertRepository(drained.bot.container).openAlerts(where!.teamId);
      expect(outbox.map((a) => a.value.state)).toEqual(['pending']);
    } finally {
      await drained.stop();
    }
  }, 60_000);
});

describe('alerts across instances', () => {
  let cosmos: LocalCosmos;
  beforeAll(async () => {
    cosmos = await startLocalCosmos(0);
  });
  afterAll(() => cosmos.close());

  it('two instances, no fault: each alert once, never over 7 / 1 s or 8 / 2 s in a conversation', async () => {
    const connector = new FakeConnector();
    const port = Number(new URL(cosmos.endpoint).port);
    const first = new BotHarness(connector);
    const second = new BotHarness(connector);
    await first.start({ cosmosPort: port, sweepMs: 500, alertDispatch: DISPATCH });
    await second.start({ cosmosPort: port, sweepMs: 500, alertDispatch: DISPATCH });
    try {
      const [where] = teams(1, 'pair');
      // Both instances write changes to the same team, so both try to send its alerts.
      for (let n = 1; n <= 10; n++) await flagPatient(n % 2 ? first : second, where!, `Duo ${n}`, n);
      await until('20 alerts', () => delivered(connector, where!).length >= 10);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const names = delivered(connector, where!);
      expect(new Set(names).size).toBe(10);
      expect(names).toHaveLength(10);
      expect(worstWindow(connector.calls, 1_000)).toBeLessThanOrEqual(7);
      expect(worstWindow(connector.calls, 2_000)).toBeLessThanOrEqual(8);
    } finally {
      await second.bot.stop();
      await first.stop();
    }
  }, 90_000);

  it('two instances, 40 conversations of one tenant: each alert once, never over the tenant’s budget in any 1 s', async () => {
    const connector = new FakeConnector();
    const port = Number(new URL(cosmos.endpoint).port);
    const first = new BotHarness(connector);
    const second = new BotHarness(connector);
    // The in-process store posts about 20 alerts/s on 2 cores: a budget of 30 would never bind, 10 does
    // (each instance alone would take 10, two of them 20).
    const tenantPerSecond = 10;
    await first.start({ cosmosPort: port, sweepMs: 500, alertDispatch: { ...DISPATCH, tenantPerSecond } });
    await second.start({ cosmosPort: port, sweepMs: 500, alertDispatch: { ...DISPATCH, tenantPerSecond } });
    try {
      const forty = teams(40, 'tenant');
      // Written with both dispatchers held, then let go: 40 alerts due at once, 40 lanes in parallel.
      await Promise.all([first.bot.dispatcher.stop(), second.bot.dispatcher.stop()]);
      await Promise.all(forty.map((where, i) => flagPatient(i % 2 ? first : second, where, `Locataire ${i}`, 1)));
      first.bot.dispatcher.start();
      second.bot.dispatcher.start();
      await until('40 alerts', () => connector.calls.filter(isAlertPost).length >= 40);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      forty.forEach((where, i) => expect(delivered(connector, where)).toEqual([`Locataire ${i}`]));
      expect(connector.calls.filter(isAlertPost)).toHaveLength(40);
      expect(worstWindow(connector.calls, 1_000, (call) => String(call.activity.conversation?.tenantId))).toBeLessThanOrEqual(tenantPerSecond);
    } finally {
      await second.bot.stop();
      await first.stop();
    }
  }, 120_000);

  it('heartbeats: an instance that never sends writes none; one that sends writes its own, removed when it stops', async () => {
    const store = await startLocalCosmos(0);
    const port = Number(new URL(store.endpoint).port);
    const connector = new FakeConnector();
    const idle = new BotHarness(connector);
    const busy = new BotHarness(connector);
    await idle.start({ cosmosPort: port, alertDispatch: DISPATCH });
    await busy.start({ cosmosPort: port, alertDispatch: DISPATCH });
    const heartbeats = async () => {
      const { resources } = await busy.bot.container.items
        .query<string>({ query: "SELECT VALUE c.id FROM c WHERE c.teamId = @registry AND c.type = 'alertInstance'", parameters: [{ name: '@registry', value: REGISTRY }] })
        .fetchAll();
      return resources;
    };
    try {
      const [where] = teams(1, 'beat');
      await flagPatient(busy, where!, 'Battement', 1);
      await until('the alert', () => delivered(connector, where!).length >= 1);
      expect(await heartbeats()).toEqual([`instance|${busy.bot.dispatcher.instanceId}`]);
      await busy.bot.dispatcher.stop();
      expect(await heartbeats()).toEqual([]);
    } finally {
      await idle.bot.stop();
      await busy.stop();
      await store.close();
    }
  }, 60_000);

  it('SIGKILLed after 5 of 20 delivered, restarted: the rest delivered once, the dead claim taken over', async () => {
    const connector = new FakeConnector();
    await connector.start();
    const port = Number(new URL(cosmos.endpoint).port);
    const [where] = teams(1, 'killed');
    // The first instance, a real process, gets its alerts accepted five times, then no answers.
    connector.script = (call) => (isAlertPost(call) && connector.calls.filter(isAlertPost).length >= 5 ? { hang: true } : undefined);
    const { child, driver: viaChild } = await botProcess(connector, port);
    const began = Date.now();
    for (let n = 1; n <= 20; n++) await flagPatient(viaChild, where!, `Relance ${n}`, n);
    await until('5 delivered and one hanging', () => connector.hung.length >= 1);
    child.kill('SIGKILL');
    const restarted = new BotHarness(connector);
    connector.script = undefined;
    await restarted.start({ cosmosPort: port, sweepMs: 1_000 });
    try {
      await until('20 alerts', () => delivered(connector, where!).length >= 20, 45_000);
      expect(Date.now() - began).toBeLessThan(60_000);
      expect(delivered(connector, where!)).toEqual(Array.from({ length: 20 }, (_, i) => `Relance ${i + 1}`));
    } finally {
      await restarted.stop();
    }
  }, 120_000);
});
