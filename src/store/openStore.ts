import type { Container } from '@azure/cosmos';
import type { Config } from '../config';
import { createCosmosClient, openContainer } from './cosmos';
import { type LocalCosmos, startLocalCosmos } from './localCosmos';

export interface OpenStore {
  container: Container;
  /** The local server when COSMOS_ENDPOINT is not set: started here, or one already listening. */
  local?: LocalCosmos;
  close(): Promise<void>;
}

/** A command-line tool found no local server to use (`npm run dev` is not running). */
export class NoLocalStoreError extends Error {}

/**
 * The store: Azure Cosmos DB with the managed identity when COSMOS_ENDPOINT is set, otherwise the
 * local server on COSMOS_LOCAL_PORT (saved to LOCAL_DATA_DIR when set), reused if one is listening.
 * `reuseOnly` is for the command-line tools: a server of their own would hold data nobody sees.
 */
export async function openStore(cosmos: Config['cosmos'], options: { reuseOnly?: boolean } = {}): Promise<OpenStore> {
  const local = cosmos.endpoint
    ? undefined
    : await startLocalCosmos(cosmos.localPort, options.reuseOnly ? {} : { dataDir: cosmos.localDataDir });
  if (local?.started && options.reuseOnly) {
    await local.close();
    throw new NoLocalStoreError(`No local Cosmos DB server on 127.0.0.1:${cosmos.localPort}: start the bot first (npm run dev), or set COSMOS_ENDPOINT.`);
  }
  const target = { endpoint: cosmos.endpoint ?? local!.endpoint, database: cosmos.database, container: cosmos.container, local: Boolean(local) };
  const client = createCosmosClient(target);
  const container = await openContainer(client, target);
  return {
    container,
    ...(local && { local }),
    async close() {
      client.dispose();
      await local?.close();
    },
  };
}
