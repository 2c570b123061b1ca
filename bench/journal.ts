/**
 * What the access journal costs a read turn: the same read turns (show a patient, a list page, a
 * list row's Open) through the real HTTP endpoint, interleaved with and without the journal write,
 * against the Cosmos DB server in a child process that counts requests (./cosmosServer.ts).
 *
 *   npm run bench        (this part: about 20 s on 2 cores; prints a table and a `BENCH_JSON {...}` line)
 *
 * "Without" skips only the journal's own write (the measurement's baseline, never a product mode).
 */
import type { AccessJournal } from '../src/domain/ports';
import { BotHarness, cardOf, type TurnResult } from '../test/support/botHarness';
import { CosmosProcess } from './cosmosServer';

const TEAM_SIZE = 300;
const ROUNDS = 200;
const WARMUP = 20;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function p95(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)] ?? 0;
}

const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

interface Sample {
  ms: number;
  requests: number;
}

async function main(): Promise<void> {
  const cosmos = new CosmosProcess();
  let journalOn = true;
  const writes: number[] = [];
  const journal = (inner: AccessJournal): AccessJournal => ({
    async record(teamId, record) {
      if (!journalOn) return;
      const started = process.hrtime.bigint();
      await inner.record(teamId, record);
      writes.push(Number(process.hrtime.bigint() - started) / 1e6);
    },
    page: (teamId, query, options) => inner.page(teamId, query, options),
    purgeBefore: (teamId, before) => inner.purgeBefore(teamId, before),
  });
  const bot = new BotHarness();
  await bot.start({ cosmosPort: await cosmos.port(), journal, sweepMs: 24 * 3600_000 });
  try {
    const ids: string[] = [];
    for (let i = 1; i <= TEAM_SIZE; i++) {
      const card = cardOf((await bot.say(`ajouter patient Banc Journal ${i}`)).sent[0]);
      ids.push(JSON.stringify(card).match(/"patientId":"([^"]+)"/)![1]!);
    }
    await bot.alertsSettled();
    await cosmos.take();
    writes.length = 0;

    const operations: Record<string, (i: number) => Promise<TurnResult>> = {
      'show #N (typed)': (i) => bot.say(`voir #${1 + (i % TEAM_SIZE)}`),
      'list (typed, 10 rows)': () => bot.say('liste'),
      'open a row (Execute)': (i) => bot.execute('patient.open', { patientId: ids[i % TEAM_SIZE]! }),
    };
    const samples: Record<string, { on: Sample[]; off: Sample[] }> = {};
    for (const name of Object.keys(operations)) samples[name] = { on: [], off: [] };
    for (let i = 0; i < WARMUP + ROUNDS; i++) {
      for (const [name, run] of Object.entries(operations)) {
        // Interleaved, alternating which goes first, so that drift and caches weigh on both alike.
        for (const on of i % 2 ? [true, false] : [false, true]) {
          journalOn = on;
          const started = process.hrtime.bigint();
          const result = await run(i);
          const ms = Number(process.hrtime.bigint() - started) / 1e6;
          if (result.status !== 200) throw new Error(`${name}: HTTP ${result.status}`);
          const requests = (await cosmos.take()).length;
          if (i >= WARMUP) samples[name]![on ? 'on' : 'off'].push({ ms, requests });
        }
      }
    }
    journalOn = true;

    console.log(`\naccess journal: extra cost per read turn (team of ${TEAM_SIZE}, ${ROUNDS} turns each, interleaved with and without the journal write)`);
    console.log('operation                  Cosmos requests (without → with)   median ms (without → with)   p95 ms (without → with)');
    const json: Record<string, unknown> = {};
    for (const [name, { on, off }] of Object.entries(samples)) {
      const reqOff = median(off.map((s) => s.requests));
      const reqOn = median(on.map((s) => s.requests));
      const msOff = median(off.map((s) => s.ms));
      const msOn = median(on.map((s) => s.ms));
      const p95Off = p95(off.map((s) => s.ms));
      const p95On = p95(on.map((s) => s.ms));
      console.log(
        `${name.padEnd(26)} ${`${reqOff} → ${reqOn} (+${reqOn - reqOff})`.padEnd(35)} ${`${round(msOff, 1)} → ${round(msOn, 1)} (+${round(msOn - msOff, 1)})`.padEnd(29)} ${round(p95Off, 1)} → ${round(p95On, 1)}`,
      );
      json[name] = { requestsWithout: reqOff, requestsWith: reqOn, medianMsWithout: round(msOff), medianMsWith: round(msOn), p95MsWithout: round(p95Off), p95MsWith: round(p95On) };
    }
    console.log(`the journal write alone (one Cosmos create in the team's partition): median ${round(median(writes))} ms, p95 ${round(p95(writes))} ms over ${writes.length} writes`);
    console.log(`BENCH_JSON ${JSON.stringify({ bench: 'journal', teamSize: TEAM_SIZE, rounds: ROUNDS, operations: json, writeMedianMs: round(median(writes)), writeP95Ms: round(p95(writes)) })}`);
  } finally {
    await bot.stop();
    await cosmos.stop();
  }
}

main().catch((error: unknown) => {
  console.error('bench failed:', error);
  process.exitCode = 1;
});
