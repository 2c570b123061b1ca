import type { Container } from '@azure/cosmos';
import { createCosmosClient, openContainer } from '../../src/store/cosmos';
import { type LocalCosmos, startLocalCosmos } from '../../src/store/localCosmos';

export interface TestCosmos {
  server: LocalCosmos;
  container: Container;
  stop(): Promise<void>;
}

/** A fresh in-process Cosmos server on a free loopback port, reached through the real SDK. */
export async function startTestCosmos(): Promise<TestCosmos> {
  const server = await startLocalCosmos(0);
  const target = { endpoint: server.endpoint, database: 'test', container: 'teamdata', local: true };
  const client = createCosmosClient(target);
  const container = await openContainer(client, target);
  return {
    server,
    container,
    stop: async () => {
      client.dispose();
      await server.close();
    },
  };
}
