import type { Container, ItemDefinition, OperationInput, SqlParameter } from '@azure/cosmos';
import { BulkOperationType } from '@azure/cosmos';
import type { AccessPage, AccessQuery, AccessRecord } from '../domain/journal';
import type { AccessJournal } from '../domain/ports';
import { asJson, queryTeam, runBatch, strip } from './cosmosDocuments';

export const ACCESS_TYPE = 'access';
/** A transactional batch holds at most 100 operations. */
const BATCH_LIMIT = 100;

/**
 * How a record is stored: the domain record plus what the queries need. `sortKey` (time, then id)
 * is the keyset; `numbers` and `actorIds` let one query find a patient's or a person's records
 * (team numbers are never reused, so a purged patient's records are still found by number).
 */
export function accessDocument(teamId: string, record: AccessRecord) {
  return asJson({
    ...record,
    teamId,
    type: ACCESS_TYPE,
    sortKey: `${record.at}#${record.id}`,
    numbers: record.patients.map((p) => p.number),
    actorIds: [record.by.id, ...(record.to ?? []).map((a) => a.id)],
  });
}

function toRecord(document: ItemDefinition): AccessRecord {
  const { numbers: _numbers, actorIds: _actorIds, ...rest } = strip<AccessRecord & { numbers?: unknown; actorIds?: unknown }>(document);
  return rest;
}

export class CosmosAccessJournal implements AccessJournal {
  constructor(private readonly container: Container) {}

  async record(teamId: string, record: AccessRecord): Promise<void> {
    // Create, never upsert: an existing record is never overwritten.
    await this.container.items.create(accessDocument(teamId, record));
  }

  async page(teamId: string, query: AccessQuery, options: { beforeKey?: string; from?: string; pageSize: number }): Promise<AccessPage> {
    const [condition, parameter]: [string, SqlParameter] =
      'patientNumber' in query
        ? ['ARRAY_CONTAINS(c.numbers, @subject)', { name: '@subject', value: query.patientNumber }]
        : ['ARRAY_CONTAINS(c.actorIds, @subject)', { name: '@subject', value: query.actorId }];
    const sql = `SELECT TOP @take * FROM c WHERE c.teamId = @teamId AND c.type = '${ACCESS_TYPE}' AND ${condition}${
      options.beforeKey ? ' AND c.sortKey < @before' : ''
    }${options.from ? ' AND c.at >= @from' : ''} ORDER BY c.sortKey DESC`;
    const rows = await queryTeam<ItemDefinition>(this.container, teamId, sql, [
      { name: '@take', value: options.pageSize + 1 },
      parameter,
      ...(options.beforeKey ? [{ name: '@before', value: options.beforeKey }] : []),
      ...(options.from ? [{ name: '@from', value: options.from }] : []),
    ]);
    const shown = rows.slice(0, options.pageSize);
    const last = shown[shown.length - 1] as { sortKey?: string } | undefined;
    return { records: shown.map(toRecord), ...(rows.length > options.pageSize && last?.sortKey && { nextKey: last.sortKey }) };
  }

  async purgeBefore(teamId: string, before: Date): Promise<number> {
    const expired = await queryTeam<{ id: string }>(this.container, teamId, `SELECT c.id FROM c WHERE c.teamId = @teamId AND c.type = '${ACCESS_TYPE}' AND c.at < @before`, [
      { name: '@before', value: before.toISOString() },
    ]);
    for (let start = 0; start < expired.length; start += BATCH_LIMIT) {
      const deletes: OperationInput[] = expired.slice(start, start + BATCH_LIMIT).map((r) => ({ operationType: BulkOperationType.Delete, id: r.id }));
      await runBatch(this.container, teamId, deletes);
    }
    return expired.length;
  }
}
