/**
 * Benchmark: la relève of a 1,000-patient team with 500 changes in the window, through the real
 * SDK against the in-memory Cosmos server in a child process that counts its requests
 * (./cosmosServer.ts). Each page is what a tap on Next costs: one query over the window's history,
 * one for the rows' patients, one for open alerts, one for who acknowledged, then the card.
 *
 *   node -r @swc-node/register bench/releve.ts     (part of `npm run bench`; prints a `BENCH_JSON {...}` line)
 */
import type { Container } from '@azure/cosmos';
import { releveCard, RELEVE_PAGE_SIZE } from '../src/cards/releveCard';
import type { ImportedPatient } from '../src/domain/patientImport';
import { PatientService } from '../src/domain/patientService';
import { hoursWindow } from '../src/domain/releve';
import { ReleveService } from '../src/domain/releveService';
import { defaultSettings, withShiftTimes } from '../src/domain/team';
import { ReleveJob } from '../src/jobs/releveJob';
import { CosmosAccessJournal } from '../src/store/cosmosAccessJournal';
import { CosmosAlertRepository } from '../src/store/cosmosAlertRepository';
import { CosmosLeaseStore } from '../src/store/cosmosLeases';
import { CosmosTeamRepository } from '../src/store/cosmosTeamRepository';
import { createCosmosClient, openContainer } from '../src/store/cosmos';
import { CosmosPatientRepository } from '../src/store/cosmosPatientRepository';
import { CosmosReleveRepository } from '../src/store/cosmosReleveRepository';
import { fixedClock } from '../test/support/fixtures';
import { CosmosProcess } from './cosmosServer';

const TEAM = '19:bench-releve@thread.tacv2';
const PATIENTS = 1000;
const CHANGES = 500;
const RUNS = 20;
const nurses = [
  { id: 'aad-bench-1', name: 'Marie-Ève Côté-Tremblay' },
  { id: 'aad-bench-2', name: 'Benoît-Xavier Gagnon-Desrochers' },
  { id: 'aad-bench-3', name: 'Chloé Bélanger' },
];

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const round = (value: number) => Math.round(value * 10) / 10;

async function main(): Promise<void> {
  const cosmos = new CosmosProcess();
  const target = { endpoint: `http://127.0.0.1:${await cosmos.port()}`, database: 'bench', container: 'teamdata', local: true };
  const client = createCosmosClient(target);
  try {
    const container = await openContainer(client, target);
    // The team was imported two days ago (outside the window), then the night's 500 changes.
    const clock = fixedClock('2026-11-23T12:00:00.000Z');
    const patients = new PatientService(new CosmosPatientRepository(container), { clock });
    const rows: ImportedPatient[] = Array.from({ length: PATIENTS }, (_, i) => ({
      name: `Patient Synthétique ${i + 1}`,
      fields: { room: `${1 + (i % 6)}${'ABCD'[i % 4]}-${i % 40}`, reason: 'Suivi à domicile, pansements et médication' },
      status: 'active',
    }));
    await patients.importPatients(TEAM, nurses[0]!, rows);
    const all = await patients.all(TEAM);
    clock.advance(2 * 24 * 60 * 60 * 1000 - 10 * 60 * 60 * 1000);
    for (let i = 0; i < CHANGES; i++) {
      const patient = all[(i * 7) % 300]!;
      const by = nurses[i % nurses.length]!;
      clock.advance(60_000);
      if (i % 10 === 0) await patients.flag(TEAM, by, patient.id, i % 20 === 0 ? 'urgent' : 'attention', `Chute, surveillance aux 2 h (${i})`);
      else if (i % 3 === 0) await patients.setField(TEAM, by, patient.id, 'room', `Urgence, civière ${i}`);
      else await patients.addNote(TEAM, by, patient.id, `Visite faite, signes vitaux stables (${i}). Famille avisée; rappeler demain matin.`);
    }
    await cosmos.take();

    const releve = new ReleveService(new CosmosReleveRepository(container), clock);
    const window = hoursWindow(clock.now(), 12);
    const times: number[] = [];
    const requests: number[] = [];
    let pages = 0;
    let largest = 0;
    let changes = 0;
    let changed = 0;
    for (let run = 0; run < RUNS; run++) {
      const page = 1 + (run % 3);
      const start = process.hrtime.bigint();
      const view = await releve.view(TEAM, window);
      const card = releveCard(view, page, 'fr');
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
      requests.push((await cosmos.take()).length);
      largest = Math.max(largest, Buffer.byteLength(JSON.stringify(card)));
      pages = Math.ceil(view.digest.rows.length / RELEVE_PAGE_SIZE);
      changes = view.digest.changes;
      changed = view.digest.rows.length;
    }
    const scheduler = await schedulerLook(container, clock, () => cosmos.take());
    const figures = {
      scheduler,
      patients: PATIENTS,
      changesInWindow: changes,
      changedPatients: changed,
      pages,
      pageMedianMs: round(median(times)),
      pageMaxMs: round(Math.max(...times)),
      cosmosRequestsPerPage: median(requests),
      largestPageKB: round(largest / 1024),
    };
    console.log(
      `relève, ${PATIENTS} patients, ${changes} changes on ${changed} patients in 12 h (${pages} pages): ` +
        `${figures.pageMedianMs} ms median per page (max ${figures.pageMaxMs} ms over ${RUNS}), ` +
        `${figures.cosmosRequestsPerPage} Cosmos DB requests per page, largest page ${figures.largestPageKB} KB`,
    );
    console.log(
      `relève scheduler, ${SCHEDULER_TEAMS} teams with a channel, ${SCHEDULED_TEAMS} with a schedule: the look that posts ` +
        `${scheduler.posted} relèves costs ${scheduler.postingLookRequests} Cosmos DB requests; each later look in the shift ` +
        `${scheduler.laterLookRequests} (before the schedule index: a settings read and a lease renewal per team with a channel)`,
    );
    console.log(`BENCH_JSON ${JSON.stringify({ bench: 'releve', ...figures })}`);
  } finally {
    client.dispose();
    await cosmos.stop();
  }
}

const SCHEDULER_TEAMS = 1000;
const SCHEDULED_TEAMS = 10;

/** What the scheduler's minute look costs with many teams and few schedules: the registry gives the scheduled ones. */
async function schedulerLook(container: Container, clock: ReturnType<typeof fixedClock>, take: () => Promise<unknown[]>) {
  const teams = new CosmosTeamRepository(container);
  const alerts = new CosmosAlertRepository(container);
  const releveRepo = new CosmosReleveRepository(container);
  for (let i = 0; i < SCHEDULER_TEAMS; i++) {
    const teamId = `19:bench-scheduler-${i}@thread.tacv2`;
    await alerts.saveChannel(teamId, { conversation: { id: `${teamId}-general` } });
    const settings = defaultSettings(nurses[0]!);
    await teams.saveSettings(teamId, i < SCHEDULED_TEAMS ? withShiftTimes(settings, nurses[0]!, ['07:00', '19:00'], clock.now()) : settings);
  }
  clock.advance(12 * 60 * 60 * 1000);
  let posts = 0;
  const poster = { postCard: async () => `posted-${++posts}` };
  const quiet = { info() {}, warn() {}, error() {} };
  const job = new ReleveJob(releveRepo, new CosmosLeaseStore(container, 'releve-lease'), teams, alerts, new ReleveService(releveRepo, clock), poster, {
    clock,
    lang: 'fr',
    journal: new CosmosAccessJournal(container),
    log: quiet,
  });
  await take();
  const first = await job.runOnce();
  const postingLookRequests = (await take()).length;
  clock.advance(60_000);
  await job.runOnce();
  const laterLookRequests = (await take()).length;
  return { teams: SCHEDULER_TEAMS, scheduled: SCHEDULED_TEAMS, posted: first.posted, postingLookRequests, laterLookRequests };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
