import { action, actionsOf, addPatient, ALICE, BOB, cardOf, type Person, textsOf, TwoInstances } from '../support/botHarness';
import type { RecordedCall } from '../support/fakeConnector';
import { fixedClock } from '../support/fixtures';

const CHLOE: Person = { id: '29:chloe', aadObjectId: 'aad-chloe', name: 'Chloé Roy', locale: 'fr-CA' };
const MINUTE = 60_000;

/**
 * « Vu » on a posted alert: its card is redrawn neutral exactly once, whoever redraws it (the tap's
 * own turn or the dispatcher), and no later sweep, reminder or other instance draws it again.
 */
describe('an acknowledged alert is drawn once', () => {
  const clock = fixedClock();
  const instances = new TwoInstances();
  const { first, second } = instances;
  const { connector } = first;

  beforeAll(() => instances.start({ clock }));
  afterAll(() => instances.stop());

  const settled = async () => {
    await first.alertsSettled();
    await second.alertsSettled();
  };
  /** The activity id the fake connector gave a post: activity-<position among accepted calls>. */
  const idOf = (post: RecordedCall) => `activity-${connector.calls.indexOf(post) + 1}`;
  const updatesOf = (activityId: string) => connector.calls.filter((c) => c.method === 'PUT' && c.path.endsWith(`/activities/${activityId}`));

  async function urgentAlert(name: string): Promise<{ n: number; post: RecordedCall }> {
    const n = await addPatient(first, name);
    await first.say(`suivre #${n}`, BOB);
    await first.say(`signaler #${n} urgent Chute ce matin`, ALICE);
    await settled();
    const post = first.posts().find((p) => p.activity.summary?.includes(`#${n} `));
    if (!post) throw new Error(`no alert for #${n}`);
    return { n, post };
  }

  it('the tapped card: one neutral redraw, then none through reminders, sweeps on both instances and a second tap', async () => {
    const { n, post } = await urgentAlert('Irène Gosselin');
    const activityId = idOf(post);
    const vu = action(cardOf(post), 'Vu');
    // Teams sends the tap with the message it came from.
    const tapped = await first.execute(vu.verb, vu.data, BOB, undefined, activityId);
    expect(textsOf(tapped.body.value).join('\n')).toMatch(/Vu par Bob Smith/);
    await settled();
    for (let i = 0; i < 4; i++) {
      clock.advance(2 * MINUTE + 1000);
      await first.bot.dispatcher.sweep();
      await second.bot.dispatcher.sweep();
    }
    await second.execute(vu.verb, vu.data, CHLOE, undefined, activityId);
    await settled();

    const updates = updatesOf(activityId);
    expect(updates).toHaveLength(1);
    const card = cardOf(updates[0]);
    expect(textsOf(card).join('\n')).toMatch(/Vu par Bob Smith/);
    expect(card.body[0].style).toBe('default');
    expect(actionsOf(card).map((a) => a.title)).not.toContain('Vu');
    expect(first.posts().filter((p) => p.activity.summary?.includes(`#${n} `))).toHaveLength(1);
  });

  it('« Vu » from the patient card « Ouvrir » showed: each posted alert of the patient is redrawn neutral once', async () => {
    const { n, post: flagAlert } = await urgentAlert('Marc Thibodeau');
    // Past the 30 s window, the note is a second alert (posted by either instance).
    clock.advance(MINUTE);
    await second.say(`note #${n} Tension 80/50`, ALICE);
    await settled();
    const noteAlert = first.posts().filter((p) => p.activity.summary?.includes(`#${n} `))[1];
    if (!noteAlert) throw new Error(`no second alert for #${n}`);
    const messages = [idOf(flagAlert), idOf(noteAlert)];
    // Teams answers « Ouvrir » inside the alert's message: « Vu » there comes with that message's id.
    const open = action(cardOf(noteAlert), 'Ouvrir');
    const opened = await second.execute(open.verb, open.data, CHLOE, undefined, messages[1]);
    const vu = action(opened.body.value, 'Vu');
    const before = connector.calls.length;
    await second.execute(vu.verb, vu.data, CHLOE, undefined, messages[1]);
    await settled();
    for (let i = 0; i < 4; i++) {
      clock.advance(2 * MINUTE + 1000);
      await second.bot.dispatcher.sweep();
      await first.bot.dispatcher.sweep();
    }

    for (const activityId of messages) {
      const updates = updatesOf(activityId).filter((c) => connector.calls.indexOf(c) >= before);
      expect(updates).toHaveLength(1);
      expect(textsOf(cardOf(updates[0])).join('\n')).toMatch(/Vu par Chloé Roy/);
      expect(cardOf(updates[0]).body[0].style).toBe('default');
    }
    expect(first.posts().filter((p) => p.activity.summary?.includes(`#${n} `))).toHaveLength(2);
  });

  it('on the Action.Submit path too: the turn sends nothing, the dispatcher redraws the message once', async () => {
    const { post } = await urgentAlert('Nadia Pelletier');
    const activityId = idOf(post);
    const vu = action(cardOf(post), 'Vu');
    const tapped = await first.submit(vu.fallback.data, BOB, undefined, activityId);
    await settled();
    clock.advance(2 * MINUTE + 1000);
    await first.bot.dispatcher.sweep();
    await second.bot.dispatcher.sweep();

    expect(tapped.sent).toEqual([]);
    const updates = updatesOf(activityId);
    expect(updates).toHaveLength(1);
    expect(textsOf(cardOf(updates[0])).join('\n')).toMatch(/Vu par Bob Smith/);
  });

  it('a redraw the connector refuses is retried: drawn once, not left red', async () => {
    const { post } = await urgentAlert('Yves Caron');
    const activityId = idOf(post);
    let refusals = 0;
    connector.script = (call) => (call.method === 'PUT' && call.path.endsWith(`/activities/${activityId}`) && refusals++ < 2 ? { status: 503 } : undefined);
    try {
      const vu = action(cardOf(post), 'Vu');
      await first.execute(vu.verb, vu.data, BOB, undefined, activityId);
      for (let i = 0; i < 10 && updatesOf(activityId).length === 0; i++) {
        await settled();
        clock.advance(10_000);
        await first.bot.dispatcher.sweep();
        await second.bot.dispatcher.sweep();
      }
    } finally {
      connector.script = undefined;
    }
    for (let i = 0; i < 3; i++) {
      clock.advance(2 * MINUTE + 1000);
      await first.bot.dispatcher.sweep();
      await second.bot.dispatcher.sweep();
    }

    expect(refusals).toBeGreaterThanOrEqual(2);
    const updates = updatesOf(activityId);
    expect(updates).toHaveLength(1);
    expect(cardOf(updates[0]).body[0].style).toBe('default');
    expect(textsOf(cardOf(updates[0])).join('\n')).toMatch(/Vu par Bob Smith/);
  });
});
