import { ARRIVAL_MARGIN_MS, EMPTY_WINDOW, paceWait, recordSend, settleSend, TEAMS_CONVERSATION_LIMITS, TenantLimiter } from '../../src/notifications/pacer';

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
    const tenant = new TenantLimiter(30);
    const granted = Array.from({ length: 40 }, () => tenant.reserve('t', 0)).filter((wait) => wait === 0);
    expect(granted).toHaveLength(30);
    expect(tenant.reserve('other', 0)).toBe(0);
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
    const tenant = new TenantLimiter(30);
    for (let i = 0; i < 30; i++) expect(tenant.reserve('t', i * 10)).toBe(0);
    expect(tenant.reserve('t', 500)).toBe(1_000 - 500 + 1);
    expect(tenant.reserve('t', 1_001)).toBe(0);
  });
});
