import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
// The package exports only ready-made servers whose data cannot be reached; these are its own
// building blocks (account, routes, operations), assembled here to add a batch Patch and a snapshot.
import Account from '@vercel/cosmosdb-server/lib/account';
import Items from '@vercel/cosmosdb-server/lib/account/items';
import routes from '@vercel/cosmosdb-server/lib/routes';
import readJson from '@vercel/cosmosdb-server/lib/json';
import * as documentOperations from '@vercel/cosmosdb-server/lib/handler/_document-operations';
import { patchOperation } from '@vercel/cosmosdb-server/lib/handler/_patch-operations';
import { parsePartitionKey } from '@vercel/cosmosdb-server/lib/utils/get-partition-from-header';

export interface LocalCosmos {
  endpoint: string;
  /** True when this process started the server; false when it reused one already listening. */
  started: boolean;
  /** The snapshot file, when this process started the server with a data folder. */
  dataFile?: string;
  close(): Promise<void>;
}

/** What a snapshot file starts with: a file without it was not written by this project. */
export const SNAPSHOT_FORMAT = 'contact-telesante/local-cosmos';
export const SNAPSHOT_VERSION = 1;
/** A change is on disk at most this long after it was answered (plus the write itself). */
export const SAVE_DELAY_MS = 1000;

export class LocalStoreError extends Error {}

/**
 * Starts the in-memory Cosmos DB wire-protocol server on 127.0.0.1, or reuses one that already
 * answers there (the bot and the command-line tools share it). Port 0 picks a free port (tests).
 * With `dataDir`, the data is loaded from `<dataDir>/cosmos.json` at start and saved there.
 */
export async function startLocalCosmos(port: number, options: { dataDir?: string } = {}): Promise<LocalCosmos> {
  const local = createLocalCosmosServer(options);
  const { server } = local;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    const endpoint = `http://127.0.0.1:${port}`;
    if (!(await answersLikeCosmos(endpoint))) {
      throw new Error(`Port ${port} on 127.0.0.1 is taken by something that is not a Cosmos DB server`);
    }
    return { endpoint, started: false, close: async () => undefined };
  }
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  return {
    endpoint: `http://127.0.0.1:${actualPort}`,
    started: true,
    ...(local.dataFile && { dataFile: local.dataFile }),
    close: async () => {
      await closeServer(server);
      await local.flush();
    },
  };
}

export interface LocalCosmosServer {
  server: Server;
  dataFile?: string;
  /** Writes the snapshot now if anything changed since the last one. */
  flush(): Promise<void>;
}

/**
 * The HTTP server, not yet listening. Two things differ from the package's own server:
 * - a transactional batch is all or nothing for the failures this project relies on (a document
 *   that exists or not, an ETag that no longer matches): every operation is checked before the
 *   first one runs, synchronously, so no other request comes in between; and Patch is accepted
 *   in a batch, as Cosmos DB does;
 * - with `dataDir` the data is kept in a snapshot file (see `Snapshotter`).
 * The snapshot is loaded before the server listens: a corrupt or foreign file stops the start.
 */
export function createLocalCosmosServer(options: { dataDir?: string } = {}): LocalCosmosServer {
  const account = new Account('127.0.0.1', 0);
  const snapshots = options.dataDir ? new Snapshotter(account, options.dataDir) : undefined;
  snapshots?.load();
  const server = createServer({ keepAlive: true }, (req, res) => {
    void handle(account, req, res).then((changed) => {
      if (changed) snapshots?.changed();
    });
  });
  server.on('listening', () => {
    // The account answers with its own endpoint; the port is known only now.
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const fresh = new Account('127.0.0.1', port);
    (account as unknown as { _data: unknown })._data = fresh.read();
  });
  return { server, ...(snapshots && { dataFile: snapshots.file }), flush: () => snapshots?.flush() ?? Promise.resolve() };
}

/**
 * The query engine (@zeit/cosmosdb-query) compiles `FROM c` to a reduce that copies its whole
 * accumulator for every document (`[...$, { c }]`): quadratic, 7.7 s per list page at 25,000
 * documents. Appending in place gives the same rows in linear time (0.1 s there).
 */
const QUADRATIC_FROM = /\[\.\.\.\$, \{\s*(\w+): (\w+)\s*\}\]/g;
type CompiledQuery = { code: string; _code: string | null; linear?: boolean };
const items = Items.prototype as unknown as { _getQuery(sql: string): CompiledQuery };
const compile = items._getQuery;
items._getQuery = function linearQuery(this: unknown, sql: string) {
  const query = compile.call(this, sql);
  if (!query.linear) {
    query._code = query.code.replace(QUADRATIC_FROM, '($.push({ $1: $2 }), $)');
    query.linear = true;
  }
  return query;
};

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Answers one request; true when it may have changed data. */
async function handle(account: Account, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  const route = routes(req) as [Record<string, string>, RouteHandler] | undefined;
  let body: Record<string, unknown> | unknown[];
  const isBatch = String(req.headers['x-ms-cosmos-is-batch-request']).toLowerCase() === 'true';
  const isQuery = String(req.headers['x-ms-documentdb-isquery']).toLowerCase() === 'true' || req.headers['content-type'] === 'application/query+json';
  try {
    if (!route) {
      res.statusCode = 400;
      body = { message: 'no route' };
    } else if (isBatch && req.method === 'POST') {
      body = await batch(account, req, res, route[0]);
    } else {
      body = ((await route[1](account, req, res, route[0])) ?? {}) as Record<string, unknown>;
    }
  } catch (error) {
    res.statusCode = 500;
    body = { message: (error as Error).message };
  }
  if (!Array.isArray(body)) {
    if (res.statusCode > 399 && !body.message) body.message = '';
    if (typeof body._etag === 'string') res.setHeader('etag', body._etag);
  }
  res.setHeader('content-type', 'application/json');
  res.setHeader('content-location', `http://${req.headers.host}${req.url}`);
  res.setHeader('connection', 'keep-alive');
  res.setHeader('x-ms-activity-id', randomUUID());
  res.setHeader('x-ms-request-charge', '1');
  if (req.headers['a-im'] && res.statusCode === 200) {
    if (req.headers['if-none-match']) res.statusCode = 304;
    res.setHeader('etag', '1');
  }
  res.end(JSON.stringify(body));
  return WRITE_METHODS.has(req.method ?? '') && !isQuery && res.statusCode < 400;
}

type RouteHandler = (account: Account, req: IncomingMessage, res: ServerResponse, params: Record<string, string>) => Promise<unknown>;

interface BatchOperation {
  operationType?: string;
  id?: string;
  partitionKey?: string;
  ifMatch?: string;
  resourceBody?: Record<string, unknown> | unknown[];
}

/** A transactional batch: every operation checked first, then all run (or none). */
async function batch(account: Account, req: IncomingMessage, res: ServerResponse, params: Record<string, string>) {
  const operations = (await readJson(req)) as BatchOperation[];
  const collection = account.database(params.dbId ?? '').collection(params.collId ?? '');
  if (!collection.read()) {
    res.statusCode = 404;
    return {};
  }
  if (!Array.isArray(operations)) {
    res.statusCode = 400;
    return { message: 'Invalid request body' };
  }
  const refusals = operations.map((operation) => refusalOf(collection, operation));
  if (refusals.some((status) => status !== 0)) {
    // Cosmos DB answers the failed operation's status and 424 for every other one.
    const first = refusals.findIndex((status) => status !== 0);
    return operations.map((_operation, i) => ({ statusCode: i === first ? refusals[i] : 424, requestCharge: 0 }));
  }
  return operations.map((operation) => {
    const result = runOperation(collection, operation);
    return result.statusCode >= 400
      ? { statusCode: result.statusCode, requestCharge: 0 }
      : { statusCode: result.statusCode, requestCharge: 1, eTag: result.body?._etag, resourceBody: result.body };
  });
}

type Collection = ReturnType<ReturnType<Account['database']>['collection']>;

/** The status an operation would fail with now (0: it would succeed). */
function refusalOf(collection: Collection, operation: BatchOperation): number {
  const body = operation.resourceBody && !Array.isArray(operation.resourceBody) ? operation.resourceBody : undefined;
  const id = operation.id ?? (typeof body?.id === 'string' ? body.id : undefined);
  if (!id) return 400;
  const existing = collection.document(id, parsePartitionKey(operation.partitionKey ?? 'null', id)).read() as { _etag?: string } | undefined;
  switch (operation.operationType) {
    case 'Create':
      return existing ? 409 : 0;
    case 'Upsert':
      return existing && operation.ifMatch && operation.ifMatch !== existing._etag ? 412 : 0;
    case 'Read':
    case 'Replace':
    case 'Delete':
    case 'Patch':
      if (!existing) return 404;
      return operation.ifMatch && operation.ifMatch !== existing._etag ? 412 : 0;
    default:
      return 400;
  }
}

function runOperation(collection: Collection, operation: BatchOperation) {
  const input = operation as never;
  switch (operation.operationType) {
    case 'Create':
      return documentOperations.createOperation(collection, input);
    case 'Upsert':
      return documentOperations.upsertOperation(collection, input);
    case 'Read':
      return documentOperations.readOperation(collection, input);
    case 'Delete':
      return documentOperations.deleteOperation(collection, input);
    case 'Replace':
      return documentOperations.replaceOperation(collection, input);
    default: {
      const patch = Array.isArray(operation.resourceBody) ? operation.resourceBody : (operation.resourceBody?.operations as unknown[]);
      return patchOperation(collection, { ...operation, id: operation.id ?? '', operations: patch } as never);
    }
  }
}

interface SnapshotFile {
  format: string;
  version: number;
  savedAt: string;
  databases: Array<{ definition: Record<string, unknown>; collections: Array<{ definition: Record<string, unknown>; documents: Array<Record<string, unknown>> }> }>;
}

/** Properties the server assigns; a loaded document gets fresh ones. */
const withoutSystem = (data: Record<string, unknown>) => Object.fromEntries(Object.entries(data).filter(([key]) => !key.startsWith('_')));
const valuesOf = (items: unknown) => [...((items as { _data: Map<string, { read(): Record<string, unknown> }> })._data.values())].map((i) => i.read());

/**
 * Keeps the server's data in `<dataDir>/cosmos.json`: written SAVE_DELAY_MS after the first
 * change that follows a save (so a crash loses at most that plus the write), and on close.
 * Each write goes to a temporary file that is then renamed over the old one: a crash during
 * the write leaves the previous snapshot whole.
 */
class Snapshotter {
  readonly file: string;
  private timer?: NodeJS.Timeout;
  private dirty = false;

  constructor(
    private readonly account: Account,
    dir: string,
  ) {
    this.file = join(dir, 'cosmos.json');
  }

  load(): void {
    if (!existsSync(this.file)) return;
    const refuse = (why: string) =>
      new LocalStoreError(`${this.file} ${why}: refusing to start rather than lose it. Move the file away (or set LOCAL_DATA_DIR to another folder) to start empty.`);
    let snapshot: SnapshotFile;
    try {
      snapshot = JSON.parse(readFileSync(this.file, 'utf8')) as SnapshotFile;
    } catch {
      throw refuse('is not readable JSON (corrupt or truncated)');
    }
    if (!snapshot || typeof snapshot !== 'object' || snapshot.format !== SNAPSHOT_FORMAT || !Array.isArray(snapshot.databases)) {
      throw refuse(`is not a Contact Télésanté local store (no "${SNAPSHOT_FORMAT}" header)`);
    }
    if (snapshot.version !== SNAPSHOT_VERSION) throw refuse(`has format version ${String(snapshot.version)}, this version reads ${SNAPSHOT_VERSION}`);
    try {
      for (const database of snapshot.databases) {
        this.account.databases.create(database.definition as never);
        const db = this.account.database(String(database.definition.id));
        for (const collection of database.collections) {
          db.collections.create(collection.definition as never);
          const target = db.collection(String(collection.definition.id));
          for (const document of collection.documents) target.documents.create(document as never);
        }
      }
    } catch (error) {
      throw refuse(`has inconsistent contents (${(error as Error).message})`);
    }
  }

  changed(): void {
    this.dirty = true;
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      try {
        this.save();
      } catch (error) {
        // A full disk must not stop the bot: say so, and try again after the next change.
        console.error(`could not save the local store to ${this.file}: ${(error as Error).message}`);
        this.dirty = true;
      }
    }, SAVE_DELAY_MS);
  }

  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.save();
  }

  /** Synchronous: the data cannot change while it is serialised and written. */
  private save(): void {
    if (!this.dirty) return;
    this.dirty = false;
    const snapshot: SnapshotFile = {
      format: SNAPSHOT_FORMAT,
      version: SNAPSHOT_VERSION,
      savedAt: new Date().toISOString(),
      databases: valuesOf(this.account.databases).map((database) => {
        const db = this.account.database(String(database.id));
        return {
          definition: withoutSystem(database),
          collections: valuesOf(db.collections).map((collection) => ({
            definition: withoutSystem(collection),
            documents: valuesOf(db.collection(String(collection.id)).documents).map(withoutSystem),
          })),
        };
      }),
    };
    mkdirSync(join(this.file, '..'), { recursive: true });
    const temporary = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(snapshot));
    renameSync(temporary, this.file);
  }
}

async function answersLikeCosmos(endpoint: string): Promise<boolean> {
  try {
    const response = await fetch(`${endpoint}/`, { signal: AbortSignal.timeout(2000) });
    const body = (await response.json()) as { writableLocations?: unknown };
    return Array.isArray(body.writableLocations);
  } catch {
    return false;
  }
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}
