import type { Container } from '@azure/cosmos';
import { addPatientCard, ALICE, BOB, cardText, numberIn, replyCard, textsOf, type TurnResult, TwoInstances } from '../support/botHarness';
import { TEAM_A } from '../support/fixtures';

/**
 * Two bot instances on one local store, as two App Service instances on one Cosmos account:
 * many people change one patient at the same moment, through both instances and both paths
 * (typed commands and the note form's button).
 */
const instances = new TwoInstances();
const { first, second } = instances;

beforeAll(() => instances.start(), 60_000);
afterAll(() => instances.stop());

async function documents(container: Container, type: string, patientId: string): Promise<any[]> {
  const { resources } = await container.items
    .query({
      query: 'SELECT * FROM c WHERE c.teamId = @teamId AND c.type = @type AND c.patientId = @patientId',
      parameters: [
        { name: '@teamId', value: TEAM_A },
        { name: '@type', value: type },
        { name: '@patientId', value: patientId },
      ],
    })
    .fetchAll();
  return resources;
}

async function addPatient(name: string): Promise<{ id: string; number: number }> {
  const card = await addPatientCard(first, name);
  const id = JSON.stringify(card).match(/"patientId":"([^"]+)"/)?.[1];
  if (!id) throw new Error('no patient on the card');
  return { id, number: numberIn(cardText(card)) };
}

/** The notice line of the patient card a turn answered with (the invoke's answer, or the reply; not a card redraw). */
function noticeOf(result: TurnResult): string {
  const card = result.body?.value ?? replyCard(result);
  return textsOf(card).join(' | ');
}

/** Half typed notes, half note-form submissions (each with its own request id), on both instances. */
function edits(count: number, patient: { id: string; number: number }, tag: string): Array<Promise<TurnResult>> {
  return Array.from({ length: count }, (_, i) => {
    const bot = i % 2 ? second : first;
    const person = i % 4 < 2 ? ALICE : BOB;
    const text = `${tag} ${i}`;
    return i % 3 === 0
      ? bot.execute('note.save', { patientId: patient.id, requestId: `${tag}-form-${i}`, note: text }, person)
      : bot.say(`note #${patient.number} ${text}`, person);
  });
}

describe('concurrent edits from two instances on one store', () => {
  it('applies 20 concurrent notes of one patient, each once, with one history record each and no orphan note', async () => {
    const patient = await addPatient('Concurrence Vingt');
    const results = await Promise.all(edits(20, patient, 'vingt'));
    for (const result of results) {
      expect(result.status).toBe(200);
      // Each answer is the "note added" card, never a refusal nor "already saved".
      expect(noticeOf(result)).toMatch(/Note ajoutée|Note added/);
    }
    const container = first.bot.container;
    const notes = (await documents(container, 'note', patient.id)).map((n) => n.text).sort();
    expect(notes).toEqual(Array.from({ length: 20 }, (_, i) => `vingt ${i}`).sort());
    const history = await documents(container, 'history', patient.id);
    expect(history.filter((h) => h.action === 'note')).toHaveLength(20);
    const { resource } = await container.item(patient.id, TEAM_A).read();
    expect(resource.noteCount).toBe(20);
    expect(resource.version).toBe(21);
  }, 120_000);

  it('a note form submitted twice says "already saved" only when the note really is saved', async () => {
    const patient = await addPatient('Formulaire Deux Fois');
    const data = { patientId: patient.id, requestId: 'twice-1', note: 'une seule fois' };
    const [a, b] = await Promise.all([first.execute('note.save', data), second.execute('note.save', data)]);
    const notices = [noticeOf(a), noticeOf(b)];
    expect(notices.filter((n) => /Note ajoutée/.test(n))).toHaveLength(1);
    expect((await documents(first.bot.container, 'note', patient.id)).map((n) => n.text)).toEqual(['une seule fois']);
    expect((await documents(first.bot.container, 'history', patient.id)).filter((h) => h.action === 'note')).toHaveLength(1);
  }, 60_000);

  it('answers a turn slower than a second with its card, and no typing indicator (the SDK would send one, unpaced)', async () => {
    const patient = await addPatient('Tour Lent');
    // A tap on the note form remembers the posted card: a typed note then redraws it (a PUT) before it answers.
    await first.execute('note.save', { patientId: patient.id, requestId: 'slow-1', note: 'première' });
    const before = first.connector.calls.length;
    first.connector.script = (call) => (call.method === 'PUT' ? { status: 200, delayMs: 1_500 } : undefined);
    try {
      const result = await first.say(`note #${patient.number} lente`);
      expect(first.connector.calls.slice(before).filter((c) => c.activity.type === 'typing')).toEqual([]);
      expect(noticeOf(result)).toMatch(/Note ajoutée/);
    } finally {
      first.connector.script = undefined;
    }
  }, 60_000);

  it('loses nothing at 50 concurrent changes of a flagged patient, and its alerts list exactly those changes', async () => {
    const patient = await addPatient('Concurrence Cinquante');
    await first.say(`signaler #${patient.number} urgent chute`, ALICE);
    await second.say(`suivre #${patient.number}`, BOB);
    const results = await Promise.all(edits(50, patient, 'cinquante'));
    for (const result of results) expect(noticeOf(result)).toMatch(/Note ajoutée|Note added/);
    await Promise.all([first.alertsSettled(), second.alertsSettled()]);
    const container = first.bot.container;
    const expected = Array.from({ length: 50 }, (_, i) => `cinquante ${i}`).sort();
    expect((await documents(container, 'note', patient.id)).map((n) => n.text).sort()).toEqual(expected);
    expect((await documents(container, 'history', patient.id)).filter((h) => h.action === 'note')).toHaveLength(50);
    const alerts = await documents(container, 'alert', patient.id);
    const alerted = alerts.flatMap((a) => a.changes.filter((c: { field: string }) => c.field === 'note').map((c: { new: string }) => c.new));
    expect(alerted.sort()).toEqual(expected);
  }, 180_000);
});
