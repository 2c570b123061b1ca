/**
 * Benchmark: a team of 1,000 patients, then one of 10,000 beside it, measured through the bot's
 * real HTTP endpoint.
 *
 * Three servers on 127.0.0.1: the in-memory Cosmos DB server, started by this benchmark in a child
 * process so that its requests can be counted (./cosmosServer.ts; the bot reuses it), the bot
 * itself (`startBot`, port 0) and a fake Bot Connector that receives the bot's replies, both in
 * this process. Teams-shaped activities are POSTed to /api/messages one at a time; a message turn
 * ends when the bot has sent its reply to the connector, an invoke when its answer (the card)
 * comes back in the HTTP response.
 *
 *   npm run bench        (about 35 s on 2 cores; prints tables and a `BENCH_JSON {...}` line)
 */
import { Agent, createServer, type IncomingMessage, request } from 'node:http';
import { cpus } from 'node:os';
import pino from 'pino';
import { loadConfig } from '../src/config';
import { startBot } from '../src/main';
import type { ImportedPatient } from '../src/domain/patientImport';
import { PatientService } from '../src/domain/patientService';
import { CosmosPatientRepository } from '../src/store/cosmosPatientRepository';
import { patientIdOf } from '../src/domain/patient';
import { busyTime, close, type CosmosCall, CosmosProcess, listen, memorySnapshot } from './cosmosServer';

const TEAM_SIZE = 1000;
/** The second team: imported at once (the start-up import), then measured with the same commands. */
const LARGE_TEAM_SIZE = 10_000;
const LARGE_SAMPLES = 100;
/** The list scans the local server's every document: fewer samples keep the run to a few minutes. */
const LARGE_LIST_SAMPLES = 100;
const WARMUP = 20;
const SAMPLES = 200;
const CARD_TYPE = 'application/vnd.microsoft.card.adaptive';

// ---------------------------------------------------------------------------------------------
// Small helpers

/** Deterministic pseudo-random numbers (mulberry32): the same team on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = prng(20251125);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

function median(sorted: number[]): number {
  if (sorted.length === 0) return NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

// ---------------------------------------------------------------------------------------------
// Synthetic team (no real person): French first and last names, accents, long compound names

const FIRST = [
  'Marie', 'Jean', 'Éloïse', 'Gérard', 'Hélène', 'François', 'Josée', 'Réjean', 'Ginette', 'Thérèse', 'Stéphane',
  'Geneviève', 'Anaïs', 'Noël', 'Zoé', 'Chloé', 'Mégane', 'Jérôme', 'André', 'Benoît', 'Cécile', 'Danièle', 'Édith',
  'Françoise', 'Gaëtan', 'Ghislaine', 'Hervé', 'Irène', 'Jacques', 'Léa', 'Lucien', 'Maëlle', 'Michèle', 'Nathalie',
  'Océane', 'Pierre', 'Raphaël', 'Rosaire', 'Solange', 'Yvette', 'Gisèle', 'Rémi', 'Marie-Ève', 'Jean-François',
  'Marie-Thérèse', 'Pierre-Luc', 'Anne-Sophie', 'Marc-André', 'Louis-Philippe', 'Marie-Hélène',
];
const LAST = [
  'Tremblay', 'Gagnon', 'Roy', 'Côté', 'Bouchard', 'Gauthier', 'Morin', 'Lavoie', 'Fortin', 'Gagné', 'Ouellet',
  'Pelletier', 'Bélanger', 'Lévesque', 'Bergeron', 'Leblanc', 'Paquette', 'Girard', 'Simard', 'Boucher', 'Caron',
  'Beaulieu', 'Cloutier', 'Dubé', 'Poirier', 'Fournier', 'Lapointe', 'Leclerc', 'Lefebvre', 'Poulin', 'Thibault',
  'St-Pierre', 'Desjardins', 'Nadeau', 'Bérubé', 'Séguin', 'Thériault', 'Brûlé', 'Lemieux', 'Bélisle', "D'Amours",
  'Lachapelle', 'Charbonneau', 'Després', 'Émond', 'Jobin', 'Légaré', 'Ménard', 'Pépin', 'Vézina',
];
const PARTICLES = ['de la', 'du', 'de', 'des'];
const PLACES = ['Chaudière-Appalaches', 'Rivière-du-Loup', 'Sainte-Anne-de-Beaupré', 'Val-d’Or', 'Trois-Rivières', 'Île-d’Orléans'];

/** A name the team does not have yet: adding a namesake asks first (duplicate warning), which is not what `add` measures. */
const usedNames = new Set<string>();
function patientName(n: number): string {
  for (let attempt = 0; ; attempt++) {
    // First × last names run out after a few thousand patients (the 10,000 team): a number then keeps them distinct.
    const name = attempt < 20 ? anyPatientName(n) : `${anyPatientName(n)} ${n}`;
    if (!usedNames.has(name)) {
      usedNames.add(name);
      return name;
    }
  }
}

function anyPatientName(n: number): string {
  const first = pick(FIRST);
  if (n % 25 === 0) {
    // Long compound names: the longest ones are close to the 100-character limit.
    const name = `${first}-${pick(FIRST)} ${pick(LAST)}-${pick(LAST)} ${pick(PARTICLES)} ${pick(PLACES)}-${pick(LAST)}`;
    return name.slice(0, 100).trim();
  }
  return n % 6 === 0 ? `${first} ${pick(LAST)}-${pick(LAST)}` : `${first} ${pick(LAST)}`;
}

const REASONS = [
  'Suivi post-opératoire (hanche droite); pansement aux 48 h et contrôle de la douleur',
  'Insuffisance cardiaque : pesée quotidienne, œdème des membres inférieurs à surveiller',
  'Diabète de type 2 déséquilibré, glycémies capillaires 4 fois par jour',
  'Plaie au pied gauche, soins de plaie à domicile trois fois par semaine',
  'MPOC, saturation à surveiller; oxygène à domicile 2 L/min',
  'Soins palliatifs à domicile; famille très présente, fille (Ginette) répondante',
];
const FLAG_REASONS = [
  'Chute à domicile hier soir, à revoir aujourd’hui',
  'Saturation à 88 % ce matin, médecin avisé',
  'Ne répond pas au téléphone depuis deux jours',
  'Douleur thoracique rapportée par la famille',
];
const NOTE_PHRASES = [
  'Pansement refait, plaie propre, pas de signe d’infection.',
  'Famille rappelée; la fille passera jeudi après-midi avec les médicaments.',
  'Tension 132/84, pouls 78, saturation 95 % à l’air ambiant.',
  'Patient(e) fatigué(e), appétit diminué depuis deux jours; à réévaluer demain.',
  'Rendez-vous en cardiologie confirmé pour le 12 à 9 h 30, transport adapté réservé.',
  'Glycémie à jeun 8,4 mmol/L; ajustement de l’insuline discuté avec la Dre Lavoie.',
];

function noteText(length: number): string {
  let text = '';
  while (text.length < length) text += `${pick(NOTE_PHRASES)} `;
  return text.slice(0, length).trim();
}

// ---------------------------------------------------------------------------------------------
// Fake Bot Connector: records what the bot sends (replies POSTed, card updates PUT)

interface SentActivity {
  method: string;
  activity: { type?: string; text?: string; attachments?: Array<{ contentType: string; content: any }> };
}

class Connector {
  readonly calls: SentActivity[] = [];
  private sequence = 0;
  readonly server = createServer(async (req, res) => {
    const text = await readBody(req);
    this.calls.push({ method: req.method ?? '', activity: text ? JSON.parse(text) : {} });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id: `activity-${++this.sequence}` }));
  });
  url = '';

  async start(): Promise<void> {
    this.url = `http://127.0.0.1:${await listen(this.server)}`;
  }
}

// ---------------------------------------------------------------------------------------------
// Driver: Teams-shaped activities POSTed to /api/messages

interface Card {
  contentType: string;
  content: any;
}

interface Reply {
  status: number;
  ms: number;
  /** CPU time this process (bot, connector, driver) spent during the turn. */
  cpuMs: number;
  cosmos: CosmosCall[];
  cards: Card[];
  texts: string[];
}

const PERSON = { id: '29:bench-nurse', aadObjectId: 'aad-bench-nurse', name: 'Alice Tremblay', locale: 'fr-CA' };
const TEAM = { teamId: '19:bench-team@thread.tacv2', channelId: '19:bench-general@thread.tacv2' };
const LARGE_TEAM = { teamId: '19:bench-large-team@thread.tacv2', channelId: '19:bench-large-general@thread.tacv2' };
const MENTION = '<at>Contact Télésanté</at>';

class Driver {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 1 });
  private counter = 0;
  /** The team the next activities come from. */
  team = TEAM;

  constructor(
    private readonly botPort: number,
    private readonly connector: Connector,
    private readonly cosmos: CosmosProcess,
    /** Resolves when the work a turn left behind (alerts it raised) is done. */
    private readonly settled: () => Promise<void>,
  ) {}

  destroy(): void {
    this.agent.destroy();
  }

  private activity(extra: Record<string, unknown>) {
    this.counter += 1;
    return {
      id: `bench-${this.counter}`,
      channelId: 'msteams',
      serviceUrl: this.connector.url,
      timestamp: new Date().toISOString(),
      locale: PERSON.locale,
      from: { id: PERSON.id, name: PERSON.name, aadObjectId: PERSON.aadObjectId },
      recipient: { id: '28:contact-bot', name: 'Contact Télésanté' },
      conversation: { id: `${this.team.channelId};messageid=1`, conversationType: 'channel', isGroup: true, tenantId: 'tenant-bench' },
      channelData: { team: { id: this.team.teamId }, channel: { id: this.team.channelId }, tenant: { id: 'tenant-bench' } },
      ...extra,
    };
  }

  /** A channel message that @mentions the bot. */
  say(text: string): Promise<Reply> {
    return this.post(
      this.activity({
        type: 'message',
        text: `${MENTION} ${text}`,
        entities: [{ type: 'mention', text: MENTION, mentioned: { id: '28:contact-bot', name: 'Contact Télésanté' } }],
      }),
    );
  }

  /** A tap on an Action.Execute button. */
  execute(verb: string, data: Record<string, unknown>): Promise<Reply> {
    return this.post(
      this.activity({
        type: 'invoke',
        name: 'adaptiveCard/action',
        replyToId: 'posted-card-1',
        value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
      }),
    );
  }

  private async post(activity: object): Promise<Reply> {
    const payload = Buffer.from(JSON.stringify(activity));
    const cpu = process.cpuUsage();
    const started = process.hrtime.bigint();
    const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: this.botPort,
          path: '/api/messages',
          method: 'POST',
          agent: this.agent,
          headers: { 'content-type': 'application/json', 'content-length': payload.length },
        },
        (res) => readBody(res).then((body) => resolve({ status: res.statusCode ?? 0, text: body }), reject),
      );
      req.on('error', reject);
      req.end(payload);
    });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const used = process.cpuUsage(cpu);
    const cpuMs = (used.user + used.system) / 1000;
    // An alert raised by the turn is sent after it: count that work with the turn, not the next one.
    await this.settled();
    const cards: Card[] = [];
    const texts: string[] = [];
    for (const call of this.connector.calls.splice(0)) {
      if (call.activity.text) texts.push(call.activity.text);
      for (const a of call.activity.attachments ?? []) cards.push({ contentType: a.contentType, content: a.content });
    }
    const body = text ? JSON.parse(text) : undefined;
    if (body?.type === CARD_TYPE && body.value) cards.push({ contentType: CARD_TYPE, content: body.value });
    // Every Cosmos request of the turn (and of its alerts) has been answered: take them now.
    return { status, ms, cpuMs, cosmos: await this.cosmos.take(), cards, texts };
  }
}

// ---------------------------------------------------------------------------------------------
// Card reading

function textsOf(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => textsOf(n, out));
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (typeof value === 'string' && (key === 'text' || key === 'title')) out.push(value);
      else if (typeof value === 'object') textsOf(value, out);
    }
  }
  return out;
}

function actionsOf(node: unknown, out: any[] = []): any[] {
  if (Array.isArray(node)) node.forEach((n) => actionsOf(n, out));
  else if (node && typeof node === 'object') {
    const n = node as Record<string, unknown>;
    if (n.type === 'Action.Execute') out.push(n);
    for (const [key, value] of Object.entries(n)) if (key !== 'fallback' && typeof value === 'object') actionsOf(value, out);
  }
  return out;
}

const cardBytes = (card: Card) => Buffer.byteLength(JSON.stringify({ contentType: card.contentType, content: card.content }), 'utf8');

function onlyCard(reply: Reply, what: string): any {
  const card = reply.cards[0]?.content;
  if (reply.status !== 200 || !card) {
    throw new Error(`${what}: expected a card, got HTTP ${reply.status} ${reply.texts.join(' | ')}`);
  }
  return card;
}

// ---------------------------------------------------------------------------------------------
// Statistics per operation

interface OpStats {
  warmup: number;
  latencies: number[];
  cpuMs: number;
  cosmosRequests: number;
  /** Time with at least one Cosmos request in the server. */
  cosmosMs: number;
  /** Request kind (and SQL for queries) → count, over the measured samples. */
  cosmosKinds: Map<string, number>;
  largestCard: number;
}

const ops = new Map<string, OpStats>();
/** Query-plan requests, and those in the server at the same time as their query. */
const plans = { total: 0, overlapping: 0 };

/** Counts a reply for an operation (warm-up replies only count as warm-up). */
function record(name: string, reply: Reply, warmup: boolean): Reply {
  let op = ops.get(name);
  if (!op) {
    op = { warmup: 0, latencies: [], cpuMs: 0, cosmosRequests: 0, cosmosMs: 0, cosmosKinds: new Map(), largestCard: 0 };
    ops.set(name, op);
  }
  if (reply.status !== 200) throw new Error(`${name}: HTTP ${reply.status}`);
  if (warmup) {
    op.warmup += 1;
    return reply;
  }
  op.latencies.push(reply.ms);
  op.cpuMs += reply.cpuMs;
  op.cosmosRequests += reply.cosmos.length;
  op.cosmosMs += busyTime(reply.cosmos);
  for (const plan of reply.cosmos.filter((c) => c.kind === 'query plan')) {
    plans.total += 1;
    const query = reply.cosmos.find((c) => c.kind !== 'query plan' && c.sql === plan.sql);
    if (query && query.start < plan.end && plan.start < query.end) plans.overlapping += 1;
  }
  for (const call of reply.cosmos) {
    const key = call.sql ? `${call.kind}: ${call.sql.replace(/\s+/g, ' ')}` : call.kind;
    op.cosmosKinds.set(key, (op.cosmosKinds.get(key) ?? 0) + 1);
  }
  for (const card of reply.cards) op.largestCard = Math.max(op.largestCard, cardBytes(card));
  return reply;
}

function summary(op: OpStats) {
  const sorted = [...op.latencies].sort((a, b) => a - b);
  const n = sorted.length;
  return {
    samples: n,
    warmup: op.warmup,
    medianMs: round(median(sorted), 1),
    p95Ms: round(percentile(sorted, 0.95), 1),
    maxMs: round(sorted[n - 1] ?? NaN, 1),
    botCpuMsPerOp: round(op.cpuMs / n, 1),
    cosmosBusyMsPerOp: round(op.cosmosMs / n, 1),
    cosmosRequestsPerOp: round(op.cosmosRequests / n, 2),
    cosmosBreakdownPerOp: Object.fromEntries([...op.cosmosKinds].map(([kind, count]) => [kind, round(count / n, 2)])),
    largestCardBytes: op.largestCard,
  };
}

// ---------------------------------------------------------------------------------------------
// The run

const MEASURED = ['add patient <name>', 'show #N', 'list', 'card: list.page (Next)', 'card: patient.open'];
const SEEDING = ['set <field> #N <value>', 'note #N <text>', 'flag #N [urgent] <reason>', 'set inactive #N <reason>'];

async function main(): Promise<void> {
  const wallStart = Date.now();
  const cosmos = new CosmosProcess();
  const connector = new Connector();
  await connector.start();
  const config = loadConfig({ PORT: '0', COSMOS_LOCAL_PORT: String(await cosmos.port()), LOG_LEVEL: 'silent' } as NodeJS.ProcessEnv);
  // The alert dispatcher's periodic sweep would land in whatever turn is in progress: one sweep is
  // measured on its own at the end instead.
  const bot = await startBot(config, pino({ level: 'silent' }), { sweepMs: 24 * 3600_000 });
  const driver = new Driver(bot.port, connector, cosmos, () => bot.dispatcher.idle());
  await bot.dispatcher.idle(); // the sweep at start
  await cosmos.take(); // database and container creation, first sweep: not part of any operation
  cosmos.total = 0;
  const started = memorySnapshot();
  const cosmosStarted = await cosmos.memory();

  try {
    // 1. Seed the team through `add patient` (that is the add benchmark: the first 20 are warm-up).
    const ids = new Map<number, string>();
    for (let i = 1; i <= TEAM_SIZE; i++) {
      const reply = record('add patient <name>', await driver.say(`add patient ${patientName(i)}`), i <= WARMUP);
      const card = onlyCard(reply, 'add patient');
      const number = Number(/#(\d+)/.exec(textsOf(card).join('\n'))?.[1]);
      const patientId = actionsOf(card).find((a) => typeof a.data?.patientId === 'string')?.data.patientId as string | undefined;
      if (!number || !patientId) throw new Error('add patient: no number or patient id on the card');
      ids.set(number, patientId);
    }
    if (ids.size !== TEAM_SIZE) throw new Error(`expected ${TEAM_SIZE} distinct patient numbers, got ${ids.size}`);

    // 2. Make the team look used: rooms and reasons, notes (a few at full length), inactive patients.
    //    These typed commands are measured too (no warm-up: they follow a thousand turns).
    const worstCase = TEAM_SIZE / 2;
    for (let n = 1; n <= TEAM_SIZE; n++) {
      if (n % 8 === 1 || n === worstCase) {
        const room = `${pick(['2', '3', '4'])}${pick(['A', 'B', 'C'])}-${10 + (n % 40)}`;
        onlyCard(record('set <field> #N <value>', await driver.say(`set room #${n} ${room}`), false), 'set room');
        onlyCard(record('set <field> #N <value>', await driver.say(`set reason #${n} ${pick(REASONS)}`), false), 'set reason');
      }
      if (n === worstCase) {
        const fields = [['dob', '1941-06-30'], ['file', 'TREM-41063012'], ['phone', '418-555-0199 poste 2201'], ['clinician', 'Dre Marie-Josée Lavoie-Bérubé']];
        for (const [field, value] of fields) {
          onlyCard(record('set <field> #N <value>', await driver.say(`set ${field} #${n} ${value}`), false), `set ${field}`);
        }
      }
      const longNotes = n === worstCase || n % 50 === 0;
      const notes = longNotes ? 3 : n % 7 === 0 ? 1 + (n % 3) : 0;
      for (let k = 0; k < notes; k++) {
        const text = noteText(longNotes ? 2000 : 60 + Math.floor(random() * 300));
        onlyCard(record('note #N <text>', await driver.say(`note #${n} ${text}`), false), 'note');
      }
      if (n % 33 === 5 || n % 33 === 20) {
        const level = n % 33 === 5 ? 'urgent ' : '';
        onlyCard(record('flag #N [urgent] <reason>', await driver.say(`flag #${n} ${level}${pick(FLAG_REASONS)}`), false), 'flag');
      }
      if (n % 10 === 3) {
        const reason = pick(['leave', 'discharge', 'death']);
        onlyCard(record('set inactive #N <reason>', await driver.say(`set inactive #${n} ${reason}`), false), 'set inactive');
      }
    }
    const loaded = memorySnapshot();
    const cosmosLoaded = await cosmos.memory();
    const seededAt = Date.now();

    // 3. show #N: random numbers over the whole team.
    for (let i = 0; i < WARMUP + SAMPLES; i++) {
      const n = 1 + Math.floor(random() * TEAM_SIZE);
      onlyCard(record('show #N', await driver.say(`show #${n}`), i < WARMUP), 'show');
    }

    // 4. list: the first page of active patients.
    let firstPage: any;
    for (let i = 0; i < WARMUP + SAMPLES; i++) {
      firstPage = onlyCard(record('list', await driver.say('list'), i < WARMUP), 'list');
    }
    const listPageBytes = cardBytes({ contentType: CARD_TYPE, content: firstPage });
    const listRows = actionsOf(firstPage).filter((a) => a.verb === 'patient.open').length;

    // 5. Next on a list card (adaptiveCard/action, verb list.page): walk down the pages, and
    //    start again from page 1's Next at the end.
    const nextOf = (card: any) => actionsOf(card).find((a) => a.verb === 'list.page' && typeof a.data?.after === 'string')?.data;
    const firstNext = nextOf(firstPage);
    if (!firstNext) throw new Error('list: no Next button on the first page');
    let next = firstNext;
    let deepest = 1;
    for (let i = 0; i < WARMUP + SAMPLES; i++) {
      const card = onlyCard(record('card: list.page (Next)', await driver.execute('list.page', next), i < WARMUP), 'list.page');
      deepest = Math.max(deepest, Number(next.page));
      next = nextOf(card) ?? firstNext;
    }

    // 6. A row of a list card (adaptiveCard/action, verb patient.open): random patients.
    const allIds = [...ids.values()];
    for (let i = 0; i < WARMUP + SAMPLES; i++) {
      const data = { patientId: pick(allIds), verb: 'patient.open' };
      onlyCard(record('card: patient.open', await driver.execute('patient.open', data), i < WARMUP), 'patient.open');
    }

    // 7. The largest patient card there is: long name, every field, three notes at full length.
    const worst = await driver.say(`show #${worstCase}`);
    const worstCardBytes = cardBytes({ contentType: CARD_TYPE, content: onlyCard(worst, 'show worst case') });

    // 8. One sweep of the alert dispatcher (every 10 s by default) with nothing due, for this single
    //    team: a first sweep sends what was left waiting (coalesced alerts, reminders), then measure.
    await bot.dispatcher.sweep();
    const caughtUp = (await cosmos.take()).length;
    connector.calls.length = 0;
    const sweepStarted = process.hrtime.bigint();
    await bot.dispatcher.sweep();
    const sweepMs = round(Number(process.hrtime.bigint() - sweepStarted) / 1e6, 1);
    const sweep = await cosmos.take();
    const sweepKinds = sweep.map((c) => (c.sql ? `${c.kind}: ${c.sql.replace(/\s+/g, ' ')}` : c.kind));

    // 9. A team of 10,000 patients beside the first one: imported in one run (10% inactive, as the
    //    start-up import does it), 6% flagged by command, then the same commands measured.
    driver.team = LARGE_TEAM;
    const large = (name: string) => `${name} @${LARGE_TEAM_SIZE}`;
    const rows: ImportedPatient[] = Array.from({ length: LARGE_TEAM_SIZE }, (_, i) => ({
      name: patientName(i + 1),
      fields: i % 8 === 0 ? { room: `3A-${10 + (i % 40)}`, reason: pick(REASONS) } : {},
      ...(i % 10 === 2 ? { status: 'inactive' as const, inactive: { reason: 'leave' as const, since: new Date().toISOString() } } : { status: 'active' as const }),
    }));
    onlyCard(await driver.say('help'), 'help'); // the team's first turn: its settings
    await new PatientService(new CosmosPatientRepository(bot.container)).importPatients(LARGE_TEAM.teamId, { id: 'bench', name: 'bench' }, rows);
    await cosmos.take();
    const randomNumber = () => 1 + Math.floor(random() * LARGE_TEAM_SIZE);
    for (let n = 1; n <= LARGE_TEAM_SIZE; n++) {
      if (n % 33 !== 5 && n % 33 !== 20) continue;
      const level = n % 33 === 5 ? 'urgent ' : '';
      onlyCard(record(large('flag #N [urgent] <reason>'), await driver.say(`flag #${n} ${level}${pick(FLAG_REASONS)}`), false), 'flag');
    }
    for (let i = 0; i < WARMUP + LARGE_SAMPLES; i++) {
      onlyCard(record(large('show #N'), await driver.say(`show #${randomNumber()}`), i < WARMUP), 'show');
    }
    for (let i = 0; i < LARGE_SAMPLES; i++) {
      onlyCard(record(large('set <field> #N <value>'), await driver.say(`set room #${randomNumber()} 2B-${i}`), false), 'set room');
      onlyCard(record(large('note #N <text>'), await driver.say(`note #${randomNumber()} ${noteText(60 + Math.floor(random() * 300))}`), false), 'note');
      const inactive = 10 * Math.floor(random() * (LARGE_TEAM_SIZE / 10)) + 7; // n % 10 === 7: active until now
      onlyCard(record(large('set inactive #N <reason>'), await driver.say(`set inactive #${inactive} discharge`), false), 'set inactive');
    }
    for (let i = 0; i < WARMUP + LARGE_SAMPLES; i++) {
      const data = { patientId: patientIdOf(LARGE_TEAM.teamId, randomNumber()), verb: 'patient.open' };
      onlyCard(record(large('card: patient.open'), await driver.execute('patient.open', data), i < WARMUP), 'patient.open');
    }
    let largeFirst: any;
    for (let i = 0; i < 5 + LARGE_LIST_SAMPLES; i++) largeFirst = onlyCard(record(large('list'), await driver.say('list'), i < 5), 'list');
    const largeFirstNext = nextOf(largeFirst);
    let largeNext = largeFirstNext;
    for (let i = 0; i < 5 + LARGE_LIST_SAMPLES; i++) {
      const card = onlyCard(record(large('card: list.page (Next)'), await driver.execute('list.page', largeNext), i < 5), 'list.page');
      largeNext = nextOf(card) ?? largeFirstNext;
    }
    for (let i = 0; i < WARMUP + LARGE_SAMPLES; i++) {
      onlyCard(record(large('add patient <name>'), await driver.say(`add patient ${patientName(i)}`), i < WARMUP), 'add patient');
    }

    const results = Object.fromEntries([...MEASURED, ...SEEDING].map((name) => [name, summary(ops.get(name)!)]));
    const largeResults = Object.fromEntries([...MEASURED, ...SEEDING].map((name) => [name, summary(ops.get(large(name))!)]));
    const largestCardBytes = Math.max(...MEASURED.map((name) => ops.get(name)!.largestCard));
    const runSeconds = round((Date.now() - wallStart) / 1000, 1);

    // Report
    const widths = [24, 7, 7, 7, 8, 8, 7, 9];
    const line = (cells: Array<string | number>) =>
      cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]!) : String(c).padStart(widths[i]!))).join(' ');
    console.log(`\nContact Télésanté bench: a team of ${TEAM_SIZE} patients, one turn at a time over HTTP (${WARMUP} warm-up turns, then samples)`);
    console.log(`Node ${process.version}, ${cpus().length} CPU; bot + fake connector in this process, in-memory Cosmos DB server in a child process\n`);
    console.log(line(['operation', 'samples', 'median', 'p95', 'bot cpu', 'db busy', 'db req', 'max card']));
    console.log(line(['', '', 'ms', 'ms', 'ms/op', 'ms/op', '/op', 'bytes']));
    for (const name of [...MEASURED, ...SEEDING]) {
      const r = results[name]!;
      console.log(line([name, r.samples, r.medianMs, r.p95Ms, r.botCpuMsPerOp, r.cosmosBusyMsPerOp, r.cosmosRequestsPerOp, r.largestCardBytes]));
    }
    console.log('\nCosmos DB requests per operation:');
    for (const name of [...MEASURED, ...SEEDING]) {
      console.log(`  ${name}`);
      for (const [kind, perOp] of Object.entries(results[name]!.cosmosBreakdownPerOp)) {
        console.log(`    ${perOp} × ${kind.length > 150 ? `${kind.slice(0, 149)}…` : kind}`);
      }
    }
    console.log(`\nalert dispatcher sweep (one team, nothing due): ${sweep.length} Cosmos DB requests, ${sweepMs} ms (the catch-up sweep before it: ${caughtUp})`);
    for (const kind of sweepKinds) console.log(`    ${kind.length > 150 ? `${kind.slice(0, 149)}…` : kind}`);
    console.log(`query-plan requests in the server at the same time as their query: ${plans.overlapping} of ${plans.total}`);
    console.log(`largest card in the measured replies: ${largestCardBytes} bytes`);
    console.log(`list card, a full page (${listRows} rows): ${listPageBytes} bytes; Next walked down to page ${deepest}`);
    console.log(`worst-case patient card (long name, every field, 3 notes of 2,000 characters): ${worstCardBytes} bytes`);
    console.log(
      `memory after loading ${TEAM_SIZE} patients, after GC: bot process rss ${loaded.rssMiB} MiB, heap used ${loaded.heapUsedMiB} MiB` +
        ` (just started: rss ${started.rssMiB} MiB, heap used ${started.heapUsedMiB} MiB);` +
        ` Cosmos DB server process rss ${cosmosLoaded.rssMiB} MiB, heap used ${cosmosLoaded.heapUsedMiB} MiB` +
        ` (just started: rss ${cosmosStarted.rssMiB} MiB, heap used ${cosmosStarted.heapUsedMiB} MiB)`,
    );
    console.log(`seeding took ${round((seededAt - wallStart) / 1000, 1)} s, the whole run ${runSeconds} s; ${cosmos.total} Cosmos DB requests`);

    console.log(`\nSide by side: the team of ${TEAM_SIZE} and a team of ${LARGE_TEAM_SIZE} (imported) in the same store`);
    const sideWidths = [24, 9, 7, 7, 9, 7, 7, 7];
    const side = (cells: Array<string | number>) =>
      cells.map((c, i) => (i === 0 ? String(c).padEnd(sideWidths[i]!) : String(c).padStart(sideWidths[i]!))).join(' ');
    console.log(side(['operation', `${TEAM_SIZE}: ms`, 'p95', 'db req', `${LARGE_TEAM_SIZE}: ms`, 'p95', 'db req', 'ratio']));
    for (const name of [...MEASURED, ...SEEDING]) {
      const [a, b] = [results[name]!, largeResults[name]!];
      console.log(side([name, a.medianMs, a.p95Ms, a.cosmosRequestsPerOp, b.medianMs, b.p95Ms, b.cosmosRequestsPerOp, `${round(b.medianMs / a.medianMs, 2)}x`]));
    }
    console.log('Cosmos DB requests per operation at 10,000:');
    for (const name of [...MEASURED, ...SEEDING]) {
      console.log(`  ${name}`);
      for (const [kind, perOp] of Object.entries(largeResults[name]!.cosmosBreakdownPerOp)) {
        console.log(`    ${perOp} × ${kind.length > 150 ? `${kind.slice(0, 149)}…` : kind}`);
      }
    }

    const json = {
      teamSize: TEAM_SIZE,
      warmup: WARMUP,
      node: process.version,
      cpus: cpus().length,
      operations: results,
      largeTeam: { teamSize: LARGE_TEAM_SIZE, operations: largeResults },
      largestCardBytes,
      listCardFullPageBytes: listPageBytes,
      listCardRows: listRows,
      worstCasePatientCardBytes: worstCardBytes,
      memory: { botAfterLoad: loaded, botAfterStart: started, cosmosServerAfterLoad: cosmosLoaded, cosmosServerAfterStart: cosmosStarted },
      cosmosRequestsTotal: cosmos.total,
      queryPlanRequests: plans,
      alertSweep: { cosmosRequests: sweep.length, ms: sweepMs, requests: sweepKinds, catchUpRequests: caughtUp },
      runSeconds,
    };
    console.log(`BENCH_JSON ${JSON.stringify(json)}`);
  } finally {
    driver.destroy();
    await bot.stop();
    await cosmos.stop();
    await close(connector.server);
  }
}

main().catch((error: unknown) => {
  console.error('bench failed:', error);
  process.exitCode = 1;
});
