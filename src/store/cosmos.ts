import { type Container, CosmosClient } from '@azure/cosmos';
import { DefaultAzureCredential } from '@azure/identity';

/** The Cosmos DB emulator's well-known key: the local server accepts any key, the SDK needs one. */
const LOCAL_KEY = 'C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU9DJ9BmAz8v5sX4Ml0F0f4Y8PRwzJbgA==';

export interface CosmosTarget {
  endpoint: string;
  database: string;
  container: string;
  /** Local in-memory server: key auth and create-if-missing. Azure: managed identity, provisioned by infra/. */
  local: boolean;
}

export function createCosmosClient(target: Pick<CosmosTarget, 'endpoint' | 'local'>): CosmosClient {
  if (target.local) {
    return new CosmosClient({
      endpoint: target.endpoint,
      key: LOCAL_KEY,
      connectionPolicy: { enableEndpointDiscovery: false },
    });
  }
  return new CosmosClient({ endpoint: target.endpoint, aadCredentials: new DefaultAzureCredential() });
}

/**
 * Opens the container. Locally it is created on first use; in Azure the data-plane role cannot
 * create it (infra/ does), so this only checks that it is there.
 */
export async function openContainer(client: CosmosClient, target: CosmosTarget): Promise<Container> {
  if (target.local) {
    const { database } = await client.databases.createIfNotExists({ id: target.database });
    const { container } = await database.containers.createIfNotExists({
      id: target.container,
      partitionKey: { paths: ['/teamId'] },
    });
    return container;
  }
  const container = client.database(target.database).container(target.container);
  await container.read();
  return container;
}
