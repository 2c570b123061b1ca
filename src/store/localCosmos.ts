import { createHttpServer } from '@vercel/cosmosdb-server';
import type { Server } from 'node:http';

export interface LocalCosmos {
  endpoint: string;
  /** True when this process started the server; false when it reused one already listening. */
  started: boolean;
  close(): Promise<void>;
}

/**
 * Starts the in-memory Cosmos DB wire-protocol server on 127.0.0.1, or reuses one that already
 * answers there (the bot and the command-line tools share it). Port 0 picks a free port (tests).
 */
export async function startLocalCosmos(port: number): Promise<LocalCosmos> {
  const server = createHttpServer({ keepAlive: true });
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
  return { endpoint: `http://127.0.0.1:${actualPort}`, started: true, close: () => closeServer(server) };
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
