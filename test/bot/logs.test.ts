import { Writable } from 'node:stream';
import { createLogger } from '../../src/logger';
import { BotHarness } from '../support/botHarness';

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
