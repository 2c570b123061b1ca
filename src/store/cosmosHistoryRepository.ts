import type { Container, ItemDefinition } from '@azure/cosmos';
import type { HistoryRecord } from '../domain/history';
import type { HistoryPage, HistoryRepository } from '../domain/ports';
import { queryTeam, strip } from './cosmosDocuments';

/** Patients' history records, written in the patients' own batches (src/store/cosmosPatientRepository.ts). */
export class CosmosHistoryRepository implements HistoryRepository {
  constructor(private readonly container: Container) {}

  /** Keyset on `at` + id, newest first (history records are append-only). */
  async page(teamId: string, patientId: string, beforeKey: string | undefined, pageSize: number): Promise<HistoryPage> {
    const resources = await queryTeam<ItemDefinition>(
      this.container,
      teamId,
      `SELECT TOP @take * FROM c WHERE c.teamId = @teamId AND c.type = 'history' AND c.patientId = @patientId${
        beforeKey ? ' AND c.at < @before' : ''
      } ORDER BY c.at DESC`,
      [
        { name: '@take', value: pageSize + 1 },
        { name: '@patientId', value: patientId },
        ...(beforeKey ? [{ name: '@before', value: beforeKey }] : []),
      ],
    );
    const records = resources.slice(0, pageSize).map((r) => strip<HistoryRecord>(r));
    return { records, ...(resources.length > pageSize && { nextKey: records[records.length - 1]?.at }) };
  }
}
