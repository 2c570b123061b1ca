import type { Container, ItemDefinition, JSONObject, OperationInput, SqlParameter } from '@azure/cosmos';
import { AlreadyExistsError, ConcurrentEditError } from '../domain/errors';
import type { Versioned } from '../domain/ports';
import { isNotFound, statusOf } from './cosmosErrors';

/** Properties Cosmos adds and the ones the queries need; the domain sees none of them. */
const STORAGE_PROPERTIES = ['_rid', '_self', '_etag', '_attachments', '_ts', 'type', 'searchKey', 'sortKey', 'teamId'] as const;

export function strip<T>(document: ItemDefinition): T {
  const value: Record<string, unknown> = { ...document };
  // A patient knows its team; the other documents only live in its partition.
  const keepTeam = value.type === 'patient';
  for (const key of STORAGE_PROPERTIES) if (!(key === 'teamId' && keepTeam)) delete value[key];
  return value as T;
}

/** Batch bodies are typed as JSON; our documents are plain JSON data by construction. */
export function asJson(document: object): JSONObject {
  return document as JSONObject;
}

/** Characters Cosmos refuses in an id (they would change the request path): no stored document has them. */
const NOT_AN_ID = /[/\\?#]/;

/** Point read of a document of one type in one team: anything else, a malformed id included, is "not found". */
export async function readTyped<T>(container: Container, teamId: string, id: string, type: string): Promise<Versioned<T> | null> {
  if (NOT_AN_ID.test(id)) return null;
  try {
    const { resource, etag } = await container.item(id, teamId).read<ItemDefinition>();
    if (!resource || resource.type !== type || resource.teamId !== teamId || !etag) return null;
    return { value: strip<T>(resource), etag };
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}

/**
 * Writes a document of one type in one partition: created when there is no `etag`, otherwise
 * replaced only if it still has that ETag. 409 and 412 become the domain's errors.
 */
export async function writeTyped<T>(
  container: Container,
  partitionKey: string,
  document: { id: string } & object,
  type: string,
  etag?: string,
): Promise<Versioned<T>> {
  const body = { ...document, teamId: partitionKey, type };
  try {
    const { resource, etag: newEtag } = etag
      ? await container.item(document.id, partitionKey).replace(body, { accessCondition: { type: 'IfMatch', condition: etag } })
      : await container.items.create(body);
    if (!resource || !newEtag) throw new Error(`Cosmos returned no ${type}`);
    return { value: strip<T>(resource), etag: newEtag };
  } catch (error) {
    const status = statusOf(error);
    if (status === 409) throw new AlreadyExistsError();
    if (status === 412) throw new ConcurrentEditError();
    throw error;
  }
}

/**
 * Runs a transactional batch in one partition. Each operation names the partition too: the SDK
 * sends it, and the local server needs it. 409 and 412 become the domain's errors.
 */
export async function runBatch(container: Container, partitionKey: string, operations: OperationInput[]) {
  const response = await container.items.batch(
    operations.map((operation) => ({ ...operation, partitionKey })),
    partitionKey,
  );
  const results = response.result ?? [];
  const failed = results.find((r) => r.statusCode >= 400 && r.statusCode !== 424);
  if (failed?.statusCode === 409) throw new AlreadyExistsError();
  if (failed?.statusCode === 412) throw new ConcurrentEditError();
  if (failed || results.length !== operations.length) {
    throw new Error(`Cosmos batch failed with status ${failed?.statusCode ?? response.code}`);
  }
  return results;
}

/**
 * A query in one team's partition. The team is bound as @teamId for the SQL's own filter as well
 * as passed as the partition key: the local test server ignores the option, and the SQL filter is
 * what keeps teams apart there.
 */
export async function queryTeam<T>(container: Container, teamId: string, sql: string, parameters: SqlParameter[] = []): Promise<T[]> {
  const { resources } = await container.items
    .query<T>({ query: sql, parameters: [{ name: '@teamId', value: teamId }, ...parameters] }, { partitionKey: teamId })
    .fetchAll();
  return resources;
}
