import { Writable } from 'node:stream';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { BotHarness, cardOf } from '../support/botHarness';

const lines: string[] = [];
const sink = new Writable({
  write(chunk, _encoding, done) {
    lines.push(String(chunk));
    done();
  },
});
const bot = new BotHarness();
beforeAll(() => bot.start({ logger: createLogger('trace', sink) }));
afterAll(() => bot.stop());

it('logs turns as JSON with correlation ids and no patient name, note or identifier', async () => {
  await bot.say('ajouter patient Zéphirine Journalisée');
  await bot.say('note zephirine Confidences-du-journal');
  await bot.say('modifier dossier zephirine DOSS-987654');
  await bot.say('modifier naissance zephirine 2999-01-01');
  await bot.execute('patient.open', { verb: 'patient.open', patientId: { nested: 'Zéphirine' } });
  await bot.execute('patient.inactive', { verb: 'patient.inactive', patientId: 'not-in-this-team', reason: 'death' });
  const log = lines.join('');
  expect(lines.length).toBeGreaterThan(0);
  for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
  expect(log).toContain('card data refused');
  expect(log).toContain('patient-not-in-team');
  expect(log).toContain('"correlationId"');
  for (const secret of ['Zéphirine', 'Journalisée', 'zephirine', 'Confidences', 'DOSS-987654']) expect(log).not.toContain(secret);
});

it('redacts patient fields even when an object carrying them is logged by mistake', () => {
  const out: string[] = [];
  const logger = createLogger('info', new Writable({ write: (c, _e, done) => (out.push(String(c)), done()) }));
  logger.info({ patient: { name: 'Zéphirine', room: '3B', dateOfBirth: '1940-01-01', fileNumber: 'X1' }, text: 'note' }, 'oops');
  expect(out.join('')).not.toMatch(/Zéphirine|3B|1940-01-01|X1|"note"/);
});

function capture() {
  const out: string[] = [];
  const logger = createLogger('info', new Writable({ write: (c, _e, done) => (out.push(String(c)), done()) }));
  return { logger, entries: () => out.map((line) => JSON.parse(line)) };
}

it('logs a connector error that repeats the card without the card: kind, status and stack frames only', async () => {
  lines.length = 0;
  const added = await bot.say('ajouter patient Zéphirine Répétée');
  const patientId = JSON.stringify(cardOf(added.sent[0])).match(/"patientId":"([^"]+)"/)![1];
  // Teams refuses the card update and, as the real connector does, repeats what it was sent.
  bot.connector.script = (call) =>
    call.method === 'PUT' ? { status: 400, body: { error: { code: 'BadArgument', message: `Invalid card: ${JSON.stringify(call.activity)}` } } } : undefined;
  try {
    await bot.execute('patient.follow', { verb: 'patient.follow', patientId });
  } finally {
    bot.connector.script = undefined;
  }
  const entry = lines.map((line) => JSON.parse(line)).find((e) => e.msg === 'could not update the posted card');
  expect(entry).toBeDefined();
  expect(entry.err).toMatchObject({ name: expect.any(String), statusCode: 400, message: '[redacted]' });
  expect(entry.err.name).not.toBe('[redacted]');
  expect(entry.err.stack).toMatch(/^\s+at /);
  expect(lines.join('')).not.toMatch(/Zéphirine|Répétée|zephirine/i);
});

it('redacts the message, details and body of an outside error but keeps err.name, and keeps our own messages', () => {
  const { logger, entries } = capture();
  const outside = Object.assign(new Error('Conversation not found: note « Mme Zéphirine a chuté »'), {
    name: 'RestError',
    statusCode: 404,
    code: 'ConversationNotFound',
    details: { card: 'Zéphirine' },
    response: { bodyAsText: 'Zéphirine' },
  });
  logger.error({ err: outside }, 'send failed');
  let ours: unknown;
  try {
    loadConfig({ PORT: 'http' } as NodeJS.ProcessEnv);
  } catch (error) {
    ours = error;
  }
  logger.error({ err: ours }, 'bad config');
  logger.info({ patient: { name: 'Zéphirine' }, actor: { name: 'Alice' } }, 'oops');
  const [sent, config, oops] = entries();
  expect(sent.err).toEqual({ type: 'Error', name: 'RestError', message: '[redacted]', statusCode: 404, code: 'ConversationNotFound', stack: expect.stringMatching(/^\s+at /) });
  expect(config.err).toMatchObject({ type: 'ConfigError', name: 'Error', message: expect.stringContaining('PORT') });
  expect(oops).toMatchObject({ patient: { name: '[redacted]' }, actor: { name: '[redacted]' } });
  expect(JSON.stringify(entries())).not.toContain('Zéphirine');
});
