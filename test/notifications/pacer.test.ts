import {
  ARRIVAL_MARGIN_MS,
  EMPTY_WINDOW,
  HEARTBEAT_MS,
  INSTANCE_TTL_MS,
  JOIN_MS,
  paceWait,
  recordSend,
  settleSend,
  TEAMS_CONVERSATION_LIMITS,
  TenantLimiter,
} from '../../src/notifications/pacer';

/** Sends as fast as the pacer lets them, from `start`, for `count` posts: their times. */
function schedule(count: number, start = 0, step = 1): number[] {
  let window = EMPTY_WINDOW;
  const times: number[] = [];
  for (let now = start; times.length < count; ) {
    if (paceWait(window, now) > 0) {
      now += step;
      continue;
    }
    window = recordSend(window, now);
    times.push(now);
  }
  return times;
}

function worst(times: number[], span: number): number {
  let best = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i]! - times[j]! >= span) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

describe("Teams' per-conversation limits", () => {
  it('never lets more than 7 / 1 s, 8 / 2 s or 60 / 30 s through, and sends as soon as they allow', () => {
    const times = schedule(200, 0, 5);
    for (const [span, max] of TEAMS_CONVERSATION_LIMITS.slice(0, 3)) expect(worst(times, span)).toBeLessThanOrEqual(max);
    // Seven at once, the eighth a second later (plus the arrival margin).
    expect(times.slice(0, 7)).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(times[7]).toBeGreaterThanOrEqual(1_000);
    expect(times[7]).toBeLessThan(1_050);
  });

  it('keeps the hour at 1,800 with per-minute counts', () => {
    let window = EMPTY_WINDOW;
    for (let i = 0; i < 1_800; i++) window = recordSend(window, i * 1_000);
    const now = 1_800 * 1_000;
    expect(paceWait(window, now)).toBeGreaterThan(0);
    // Once the first minute has left the hour, sends go again.
    expect(paceWait(window, 3_600_000 + 60_000 + 25)).toBe(0);
  });

  it('counts a send from when it ended, so jitter cannot squeeze eight into a second', () => {
    let window = recordSend(EMPTY_WINDOW, 0);
    window = settleSend(window, 0, 300);
    for (let i = 1; i < 7; i++) window = recordSend(window, 400);
    expect(paceWait(window, 1_100)).toBeGreaterThan(0);
    expect(paceWait(window, 1_326)).toBe(0);
  });

  it('holds a tenant to its requests per second', () => {
    const tenant = new TenantLimiter(30, 0);
    const granted = Array.from({ length: 40 }, () => tenant.reserve('t', 0)).filter((wait) => wait === 0);
    expect(granted).toHaveLength(30);
    expect(tenant.reserve('other', 0)).toBe(0);
    expect(tenant.reserve('t', 1_001)).toBe(0);
  });

  it('counts a tenant send until a second after its call ended, and a call in flight until its deadline', () => {
    const tenant = new TenantLimiter(1, 8_000);
    expect(tenant.reserve('t', 0)).toBe(0);
    // Still in flight at 5 s: it may reach Teams any moment.
    expect(tenant.reserve('t', 5_000)).toBeGreaterThan(0);
    tenant.settle('t', 0, 5_200);
    expect(tenant.reserve('t', 6_100)).toBe(101);
    expect(tenant.reserve('t', 6_201)).toBe(0);
  });

  it('takes its share of the tenant among the live instances: at once alone, none while joining others or unheard', () => {
    let real = 0;
    const tenant = new TenantLimiter(30, 0, () => real);
    const granted = (now: number) => {
      real = now;
      return Array.from({ length: 40 }, () => tenant.reserve('t', now)).filter((wait) => wait === 0).length;
    };
    const heard = (live: number, now: number) => {
      real = now;
      tenant.heard(live);
    };
    // Started: nothing until its first heartbeat says how many instances are live.
    tenant.unheard();
    expect(granted(0)).toBe(0);
    // Alone: the whole budget at once, no joining wait.
    heard(1, 0);
    expect(granted(0)).toBe(30);
    // A second instance joins: this one, already counted, takes half at its next heartbeat.
    heard(2, 2_000);
    expect(granted(5_000)).toBe(15);
    // Three live: 10 each.
    heard(3, 7_000);
    expect(granted(7_000)).toBe(10);
    // A heartbeat missed: it stops before its document expires, so its last sends have counted by then.
    expect(granted(7_000 + INSTANCE_TTL_MS - HEARTBEAT_MS + 1)).toBe(0);
    // Heard again within the TTL: still counted by the others, its share at once.
    heard(3, 7_000 + INSTANCE_TTL_MS - 1);
    expect(granted(7_000 + INSTANCE_TTL_MS + 1_000)).toBe(10);
    // Unheard past the TTL, then heard with others live: a newcomer again, it waits until they have counted it.
    const back = 7_000 + 2 * INSTANCE_TTL_MS + 1;
    heard(3, back);
    expect(granted(back)).toBe(0);
    expect(tenant.reserve('t', back)).toBe(JOIN_MS);
    heard(3, back + HEARTBEAT_MS);
    expect(granted(back + JOIN_MS)).toBe(10);
    // Alone again after a stop and a start: the whole budget at once.
    tenant.unheard();
    heard(1, back + 10_000);
    expect(granted(back + 10_000)).toBe(30);
  });

  it('wakes a waiting send when a call ends, before its wait is over', async () => {
    const tenant = new TenantLimiter(1, 8_000);
    expect(tenant.reserve('t', 0)).toBe(0);
    // Far beyond the test's timeout: only the wake can end it.
    const waited = tenant.pause(60_000);
    tenant.settle('t', 0, 0);
    await waited;
    expect(tenant.reserve('t', 1_001)).toBe(0);
  });
});

describe('each pacing window on its own', () => {
  const sends = (times: number[]) => times.reduce(recordSend, EMPTY_WINDOW);
  const repeat = (count: number, at: number) => Array.from({ length: count }, () => at);

  it('1 s: the eighth send waits until the first one is a second old, plus the arrival margin', () => {
    const window = sends(repeat(7, 0));
    expect(paceWait(sends(repeat(6, 0)), 0)).toBe(0);
    expect(paceWait(window, 0)).toBe(1_000 + ARRIVAL_MARGIN_MS);
    expect(paceWait(window, 1_000 + ARRIVAL_MARGIN_MS)).toBe(0);
  });

  it('2 s: eight sends spread over the first second hold the ninth until the first is 2 s old', () => {
    const window = sends([...repeat(7, 0), 1_100]);
    expect(paceWait(window, 1_200)).toBe(2_000 + ARRIVAL_MARGIN_MS - 1_200);
    expect(paceWait(window, 2_000 + ARRIVAL_MARGIN_MS)).toBe(0);
  });

  it('30 s: sixty sends hold the next one until the first leaves the half-minute', () => {
    const window = sends(Array.from({ length: 60 }, (_, i) => i * 400));
    const now = 60 * 400;
    expect(paceWait(window, now)).toBe(30_000 + ARRIVAL_MARGIN_MS - now);
    expect(paceWait(window, 30_000 + ARRIVAL_MARGIN_MS)).toBe(0);
  });

  it('1 h: 1,800 sends in the first minute hold the next until that whole minute leaves the hour', () => {
    const window = sends(Array.from({ length: 1_800 }, (_, i) => Math.floor(i / 30)));
    expect(paceWait(window, 600_000)).toBe(60_000 + 3_600_000 + ARRIVAL_MARGIN_MS - 600_000);
    expect(paceWait(window, 3_660_000 + ARRIVAL_MARGIN_MS)).toBe(0);
  });

  it('tenant: the 31st request in a second waits until the first one is a second old', () => {
    const tenant = new TenantLimiter(30, 0);
    for (let i = 0; i < 30; i++) expect(tenant.reserve('t', i * 10)).toBe(0);
    expect(tenant.reserve('t', 500)).toBe(1_000 - 500 + 1);
    expect(tenant.reserve('t', 1_001)).toBe(0);
  });
});
