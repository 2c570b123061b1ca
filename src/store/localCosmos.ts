import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
// The package exports only ready-made servers whose data cannot be reached; these are its own
// building blocks (account, routes, operations), assembled here to add a batch Patch and a snapshot.
import Account from '@vercel/cosmosdb-server/lib/account';
import Items from '@vercel/cosmosdb-server/lib/account/items';
import routes from '@vercel/cosmosdb-server/lib/routes';
import { batch } from './localCosmosBatch';
import { Snapshotter } from './localCosmosSnapshot';

export interface LocalCosmos {
  endpoint: string;
  /** True when this process started the server; false when it reused one already listening. */
  started: boolean;
  /** The snapshot file, when this process started the server with a data folder. */
  dataFile?: string;
  close(): Promise<void>;
}

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
