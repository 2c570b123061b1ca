/**
 * The in-memory Cosmos DB server of the benchmark, run in a child process (`fork` of this file):
 * the bot's memory figures leave the test database out, and the database answers from its own
 * core as a remote one would. The child counts its server's 'request' events, with each request's
 * kind (and SQL for queries), and hands them to the parent after every turn.
 */
import { type ChildProcess, fork } from 'node:child_process';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createLocalCosmosServer } from '../src/store/localCosmos';

const now = () => Number(process.hrtime.bigint()) / 1e6;
const mib = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

export interface MemoryFigures {
  rssMiB: number;
  heapUsedMiB: number;
  heapTotalMiB: number;
}

export function memorySnapshot(): MemoryFigures {
  // `gc` is not exposed by the npm script; turn it on from here to measure what stays live.
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  gc();
  const usage = process.memoryUsage();
  return { rssMiB: mib(usage.rss), heapUsedMiB: mib(usage.heapUsed), heapTotalMiB: mib(usage.heapTotal) };
}

export function listen(server: Server, port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

export function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

export interface CosmosCall {
  /** e.g. "query docs", "read doc", "patch doc", "batch docs", "query plan". */
  kind: string;
  sql?: string;
  /** When the request arrived and when its response was sent (monotonic clock, ms). */
  start: number;
  end: number;
}

type ChildRequest = { type: 'take' } | { type: 'memory' } | { type: 'stop' };
type ChildMessage =
  | { type: 'ready'; port: number }
  | { type: 'calls'; calls: CosmosCall[] }
  | { type: 'memory'; memory: MemoryFigures };

export function describeCosmos(req: IncomingMessage, body: string, time: { start: number; end: number }): CosmosCall {
  const path = (req.url ?? '').split('?')[0] ?? '';
  const header = (name: string) => String(req.headers[name] ?? '').toLowerCase();
  const segments = path.split('/').filter(Boolean);
  const single = segments.length % 2 === 0;
  const resource = single ? segments[segments.length - 2] : segments[segments.length - 1];
  let sql: string | undefined;
  try {
    sql = (JSON.parse(body) as { query?: string }).query;
  } catch {
    sql = undefined;
  }
  if (header('x-ms-cosmos-is-query-plan-request') === 'true') return { kind: 'query plan', sql, ...time };
  if (header('x-ms-documentdb-isquery') === 'true') return { kind: `query ${resource}`, sql, ...time };
  if (header('x-ms-cosmos-is-batch-request') === 'true') return { kind: `batch ${resource}`, ...time };
  const verbs: Record<string, string> = { GET: 'read', PUT: 'replace', PATCH: 'patch', DELETE: 'delete', POST: 'create' };
  const verb = verbs[req.method ?? ''] ?? req.method;
  if (!single) return { kind: `${verb} ${resource}`, ...time };
  // One document: name it, unless it is one of many (a generated id: a patient, a note, an alert).
  const id = decodeURIComponent(segments[segments.length - 1] ?? '');
  const named = /^[0-9a-f]{32}$|^[0-9a-f-]{36}$/i.test(id) ? '<generated id>' : id;
  return { kind: `${verb} ${(resource ?? '').replace(/s$/, '')} ${named}`, ...time };
}

/** The child: the in-memory Cosmos DB server, counting its 'request' events. */
async function cosmosChild(): Promise<void> {
  // The bot's own local server (src/store/localCosmos.ts), in memory only.
  const { server } = createLocalCosmosServer();
  let calls: CosmosCall[] = [];
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const start = now();
    // The server reads the body itself; tee the chunks as the HTTP parser pushes them, so the
    // SQL of each query can be reported without consuming the stream.
    const chunks: Buffer[] = [];
    const push = req.push.bind(req);
    req.push = (chunk: unknown, encoding?: BufferEncoding) => {
      if (Buffer.isBuffer(chunk)) chunks.push(chunk);
      return push(chunk, encoding);
    };
    const into = calls;
    res.once('finish', () => {
      into.push(describeCosmos(req, Buffer.concat(chunks).toString('utf8'), { start, end: now() }));
    });
  });
  const port = await listen(server);
  const send = (message: ChildMessage) => process.send!(message);
  process.on('message', (message: ChildRequest) => {
    if (message.type === 'take') {
      send({ type: 'calls', calls });
      calls = [];
    } else if (message.type === 'memory') {
      send({ type: 'memory', memory: memorySnapshot() });
    } else {
      void close(server).then(() => process.disconnect());
    }
  });
  send({ type: 'ready', port });
}

/** How long at least one request was in the server (requests of a turn may overlap), ms. */
export function busyTime(calls: CosmosCall[]): number {
  let busy = 0;
  let until = -Infinity;
  for (const { start, end } of [...calls].sort((a, b) => a.start - b.start)) {
    if (end <= until) continue;
    busy += end - Math.max(start, until);
    until = end;
  }
  return busy;
}

/** The parent's handle on the child. Requests are strictly one at a time. */
export class CosmosProcess {
  private readonly child: ChildProcess;
  private pending?: { resolve: (message: ChildMessage) => void; reject: (error: Error) => void };
  private readonly ready: Promise<number>;
  /** Requests answered since the counter was last reset. */
  total = 0;

  constructor() {
    this.child = fork(__filename, ['cosmos-server'], { execArgv: process.execArgv, stdio: 'inherit' });
    this.ready = new Promise<ChildMessage>((resolve, reject) => (this.pending = { resolve, reject })).then((message) => {
      if (message.type !== 'ready') throw new Error(`unexpected ${message.type} message`);
      return message.port;
    });
    this.child.on('message', (message: ChildMessage) => {
      const pending = this.pending;
      this.pending = undefined;
      pending?.resolve(message);
    });
    this.child.on('exit', (code) => this.pending?.reject(new Error(`the Cosmos DB server process exited (${code})`)));
  }

  port(): Promise<number> {
    return this.ready;
  }

  private ask(request: ChildRequest): Promise<ChildMessage> {
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.child.send(request);
    });
  }

  /** The requests the server answered since the last call. */
  async take(): Promise<CosmosCall[]> {
    const message = await this.ask({ type: 'take' });
    if (message.type !== 'calls') throw new Error('unexpected message');
    this.total += message.calls.length;
    return message.calls;
  }

  async memory(): Promise<MemoryFigures> {
    const message = await this.ask({ type: 'memory' });
    if (message.type !== 'memory') throw new Error('unexpected message');
    return message.memory;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      this.child.removeAllListeners('exit');
      this.child.once('exit', () => resolve());
      this.pending = undefined;
      this.child.send({ type: 'stop' });
    });
  }
}

if (require.main === module) {
  cosmosChild().catch((error: unknown) => {
    console.error('Cosmos DB server process failed:', error);
    process.exit(1);
  });
}
