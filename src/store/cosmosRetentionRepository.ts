import type { Container, OperationInput } from '@azure/cosmos';
import { BulkOperationType } from '@azure/cosmos';
import { ConcurrentEditError } from '../domain/errors';
import { countsDelta, type Patient } from '../domain/patient';
import type { Versioned } from '../domain/ports';
import {
  isDueForPurge,
  PURGED_REASONS,
  type PurgeCandidate,
  type PurgeLease,
  type PurgeOutcome,
  type PurgeRun,
  type RetentionRepository,
  retentionCutoff,
} from '../domain/retention';
import { queryTeam, readTyped, runBatch } from './cosmosDocuments';
import { CosmosLeaseStore } from './cosmosLeases';
import { CosmosTeamDirectory, EVERY_TEAM } from './cosmosRegistry';
import { countsOperation } from './cosmosPatientCounter';

/** A batch holds at most 100 operations: the last batch ends with the patient, then the counts. */
const BATCH_LIMIT = 99;

interface CandidateRow {
  id: string;
  _etag: string;
  number: number;
  name: string;
  status: 'inactive';
  inactive?: { reason: PurgeCandidate['reason']; since: string };
  purgeExcluded?: boolean;
}

/**
 * A batch Delete that only applies to that version. The SDK's type leaves `ifMatch` out for
 * Delete, but it sends the operation as given and the service honours it (the Java and .NET SDKs
 * expose it; the local server checks it too).
 */
function conditionalDelete(id: string, etag: string): OperationInput {
  const operation = { operationType: BulkOperationType.Delete, id, ifMatch: etag };
  return operation;
}

/**
 * The purge's storage: candidates and deletions in one team's partition (every query names the
 * team in SQL, as the local server ignores the partition option), purge-run records, and the
 * lease that lets one instance run at a time.
 */
export class CosmosRetentionRepository implements RetentionRepository {
  private readonly lease: CosmosLeaseStore;
  private readonly directory: CosmosTeamDirectory;

  constructor(private readonly container: Container) {
    this.lease = new CosmosLeaseStore(container, 'purge-lease');
    this.directory = new CosmosTeamDirectory(container, EVERY_TEAM);
  }

  teams(): Promise<string[]> {
    return this.directory.teams();
  }

  /**
   * A projection (no notes, no follow-up fields): the rule's inputs, what the preview shows and
   * the ETag the delete is conditional on. SQL narrows by status, reason, date and exclusion; the
   * domain rule then decides (calendar months are computed once, in TypeScript).
   */
  async candidates(teamId: string, at: Date, retentionMonths: number): Promise<PurgeCandidate[]> {
    const reasons = PURGED_REASONS.map((_, i) => `c.inactive.reason = @reason${i}`).join(' OR ');
    const rows = await queryTeam<CandidateRow>(
      this.container,
      teamId,
      `SELECT c.id, c._etag, c.number, c.name, c.status, c.inactive, c.purgeExcluded FROM c
        WHERE c.teamId = @teamId AND c.type = 'patient' AND c.status = 'inactive'
        AND (${reasons}) AND c.inactive.since < @cutoff
        AND (NOT IS_DEFINED(c.purgeExcluded) OR c.purgeExcluded != true)`,
      [
        ...PURGED_REASONS.map((reason, i) => ({ name: `@reason${i}`, value: reason })),
        { name: '@cutoff', value: retentionCutoff(at, retentionMonths).toISOString() },
      ],
    );
    return rows
      .filter((row) => row.inactive && isDueForPurge(row, at, retentionMonths))
      .map((row) => ({ id: row.id, number: row.number, name: row.name, reason: row.inactive!.reason, since: row.inactive!.since, etag: row._etag }))
      .sort((a, b) => a.since.localeCompare(b.since) || a.number - b.number);
  }

  /**
   * The documents that name the patient (notes, history records, alerts), then the patient, only
   * if it still has `etag`. Up to 99 records this is one transactional batch, atomic in Cosmos DB:
   * a patient changed meanwhile (reactivated, excluded, noted) fails the patient's delete and
   * nothing is deleted. The patient is also read before each batch, and deleted last: on the local
   * server, whose batches are not atomic, a changed patient is seen before anything is deleted,
   * and a failure leaves the patient for the next run. Beyond 99 records the batches follow one
   * another; a change landing between two of them keeps the patient but not the records the
   * earlier batches deleted (a window of a few milliseconds, once, for a patient gone two years).
   */
  async purgePatient(teamId: string, patientId: string, etag: string): Promise<PurgeOutcome> {
    const dependents = await queryTeam<{ id: string }>(this.container, teamId, 'SELECT c.id FROM c WHERE c.teamId = @teamId AND c.patientId = @patientId', [
      { name: '@patientId', value: patientId },
    ]);
    const deletes: OperationInput[] = dependents.map((d) => ({ operationType: BulkOperationType.Delete, id: d.id }));
    deletes.push(conditionalDelete(patientId, etag));
    for (let start = 0; start < deletes.length; start += BATCH_LIMIT) {
      const current = await readTyped<Patient>(this.container, teamId, patientId, 'patient');
      if (current === null) return 'gone';
      if (current.etag !== etag) return 'changed';
      const last = start + BATCH_LIMIT >= deletes.length;
      // The patient's delete (in the last batch) takes it out of the list's counts.
      const counts = last ? countsOperation(countsDelta(current.value, undefined)) : [];
      try {
        await runBatch(this.container, teamId, [...deletes.slice(start, start + BATCH_LIMIT), ...counts]);
      } catch (error) {
        if (error instanceof ConcurrentEditError) return 'changed';
        throw error;
      }
    }
    return 'purged';
  }

  async recordRun(teamId: string, run: PurgeRun): Promise<void> {
    await this.container.items.create({ ...run, teamId, type: 'purgeRun' });
  }

  readLease(): Promise<Versioned<PurgeLease> | null> {
    return this.lease.readLease();
  }

  writeLease(lease: PurgeLease, etag?: string): Promise<Versioned<PurgeLease> | null> {
    return this.lease.writeLease(lease, etag);
  }
}
