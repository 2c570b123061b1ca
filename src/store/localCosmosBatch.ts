import type { IncomingMessage, ServerResponse } from 'node:http';
import type Account from '@vercel/cosmosdb-server/lib/account';
import readJson from '@vercel/cosmosdb-server/lib/json';
import * as documentOperations from '@vercel/cosmosdb-server/lib/handler/_document-operations';
import { patchOperation } from '@vercel/cosmosdb-server/lib/handler/_patch-operations';
import { parsePartitionKey } from '@vercel/cosmosdb-server/lib/utils/get-partition-from-header';

/**
 * The local server's transactional batch, all or nothing for the failures this project relies on
 * (a document that exists or not, an ETag that no longer matches), with Patch accepted as Cosmos DB does.
 */

interface BatchOperation {
  operationType?: string;
  id?: string;
  partitionKey?: string;
  ifMatch?: string;
  resourceBody?: Record<string, unknown> | unknown[];
}

/** A transactional batch: every operation checked first, then all run (or none). */
export async function batch(account: Account, req: IncomingMessage, res: ServerResponse, params: Record<string, string>) {
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
