import type { Container, ItemDefinition, OperationInput, SqlParameter } from '@azure/cosmos';
import { BulkOperationType } from '@azure/cosmos';
import { markAlertDue } from './cosmosAlertRepository';
import type { Alert } from '../domain/alerts';
import { activityKey, type Patient, searchKey } from '../domain/patient';
import type { HistoryRecord } from '../domain/history';
import type { ImportRun, ListFilter, PageCursor, PatientPage, PatientRepository, Versioned, WriteExtras } from '../domain/ports';
import { asJson, readTyped, runBatch, strip } from './cosmosDocuments';
import { isNotFound, statusOf } from './cosmosErrors';

/** How a patient is stored: the domain object plus what the queries need. */
interface PatientDocument extends Patient {
  _etag?: string;
  type: 'patient';
  searchKey: string;
  sortKey: string;
}

const COUNTER_ID = 'patient-counter';
const IMPORT_RUN_ID = 'import-run';

const FILTER_SQL: Record<ListFilter, string> = {
  active: " AND c.status = 'active'",
  inactive: " AND c.status = 'inactive'",
  flagged: ' AND IS_DEFINED(c.flag)',
  all: '',
};

function toDocument(patient: Patient): PatientDocument {
  return {
    ...patient,
    type: 'patient',
    searchKey: searchKey(patient.name),
    sortKey: activityKey(patient.updated.at, patient.number),
  };
}

function toPatient(document: ItemDefinition): Patient {
  return strip<Patient>(document);
}

function versioned(document: ItemDefinition | undefined, etag: string | undefined): Versioned<Patient> {
  if (!document || !etag) throw new Error('Cosmos returned no document or ETag');
  return { value: toPatient(document), etag };
}

/**
 * Patients of every team in one container partitioned by /teamId. Every query names the team in
 * SQL as well as in the partition key option: the local test server ignores the option, and
 * the SQL filter is what keeps teams apart there.
 */
export class CosmosPatientRepository implements PatientRepository {
  constructor(private readonly container: Container) {}

  async allocateNumber(teamId: string): Promise<number> {
    return this.allocateNumbers(teamId, 1);
  }

  /** Reserves `count` consecutive numbers and returns the last one. */
  async allocateNumbers(teamId: string, count: number): Promise<number> {
    // Patch `incr` is atomic on the server: one request, no lost update, no retry storm.
    for (;;) {
      try {
        const { resource } = await this.container
          .item(COUNTER_ID, teamId)
          .patch<{ next: number }>([{ op: 'incr', path: '/next', value: count }]);
        if (!resource) throw new Error('Cosmos returned no counter');
        return resource.next;
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
      try {
        await this.container.items.create({ id: COUNTER_ID, teamId, type: 'counter', next: 0 });
      } catch (error) {
        if (statusOf(error) !== 409) throw error;
      }
    }
  }

  async create(patient: Patient, extras: WriteExtras = {}): Promise<Versioned<Patient>> {
    return this.write(patient, { operationType: BulkOperationType.Create, resourceBody: asJson(toDocument(patient)) }, extras);
  }

  /** The id comes from a card: a document of another type or team is "not found" for this team. */
  get(teamId: string, id: string): Promise<Versioned<Patient> | null> {
    return readTyped<Patient>(this.container, teamId, id, 'patient');
  }

  async findByNumber(teamId: string, number: number): Promise<Versioned<Patient> | null> {
    const [document] = await this.query<PatientDocument>(
      teamId,
      "SELECT * FROM c WHERE c.teamId = @teamId AND c.type = 'patient' AND c.number = @number",
      [{ name: '@number', value: number }],
    );
    return document ? versioned(document, document._etag) : null;
  }

  async findByNamePart(teamId: string, foldedPart: string, limit: number): Promise<Patient[]> {
    const documents = await this.query<PatientDocument>(
      teamId,
      "SELECT TOP @limit * FROM c WHERE c.teamId = @teamId AND c.type = 'patient' AND CONTAINS(c.searchKey, @part) ORDER BY c.sortKey DESC",
      [
        { name: '@limit', value: limit },
        { name: '@part', value: foldedPart },
      ],
    );
    return documents.map(toPatient);
  }

  async replace(patient: Patient, etag: string, extras: WriteExtras = {}): Promise<Versioned<Patient>> {
    const operation: OperationInput = {
      operationType: BulkOperationType.Replace,
      id: patient.id,
      ifMatch: etag,
      resourceBody: asJson(toDocument(patient)),
    };
    return this.write(patient, operation, extras);
  }

  async followedBy(teamId: string, actorId: string, limit: number): Promise<Patient[]> {
    const documents = await this.query<PatientDocument>(
      teamId,
      "SELECT TOP @limit * FROM c WHERE c.teamId = @teamId AND c.type = 'patient' AND ARRAY_CONTAINS(c.followerIds, @actorId) ORDER BY c.sortKey DESC",
      [
        { name: '@limit', value: limit },
        { name: '@actorId', value: actorId },
      ],
    );
    return documents.map((d) => strip<Patient>(d));
  }

  async getAlert(teamId: string, id: string): Promise<Versioned<Alert> | null> {
    return readTyped<Alert>(this.container, teamId, id, 'alert');
  }

  /**
   * The patient and what goes with it (note, history record, alert) in one transactional batch:
   * all or nothing in Cosmos DB. The operations that can fail come first (a note submitted twice,
   * an alert the dispatcher claimed meanwhile, the patient changed by someone else), so that on
   * the local server, whose batches stop at the first failure without rolling back, a refused
   * change leaves no history record or alert behind.
   */
  private async write(patient: Patient, patientOperation: OperationInput, extras: WriteExtras): Promise<Versioned<Patient>> {
    const partitionKey = patient.teamId;
    const body = (document: object, type: string) => asJson({ ...document, teamId: partitionKey, type });
    const operations: OperationInput[] = [];
    if (extras.note) operations.push({ operationType: BulkOperationType.Create, resourceBody: body(extras.note, 'note') });
    if (extras.mergedAlert) {
      operations.push({
        operationType: BulkOperationType.Replace,
        id: extras.mergedAlert.value.id,
        ifMatch: extras.mergedAlert.etag,
        resourceBody: body(extras.mergedAlert.value, 'alert'),
      });
    }
    const patientIndex = operations.push(patientOperation) - 1;
    if (extras.history) operations.push({ operationType: BulkOperationType.Create, resourceBody: body(extras.history, 'history') });
    if (extras.newAlert) operations.push({ operationType: BulkOperationType.Create, resourceBody: body(extras.newAlert, 'alert') });
    // The due index before and after the batch: the sweep finds this alert whatever happens
    // between, even if a dispatcher moved the entry while the batch was written (see markAlertDue).
    const alerting = Boolean(extras.newAlert || extras.mergedAlert);
    if (alerting) await markAlertDue(this.container, partitionKey, new Date(0));
    const results = await runBatch(this.container, partitionKey, operations);
    if (alerting) await markAlertDue(this.container, partitionKey, new Date(0));
    const saved = results[patientIndex];
    return versioned(saved?.resourceBody, saved?.eTag);
  }

  async all(teamId: string): Promise<Patient[]> {
    const documents = await this.query<PatientDocument>(teamId, "SELECT * FROM c WHERE c.teamId = @teamId AND c.type = 'patient' ORDER BY c.number", []);
    return documents.map(toPatient);
  }

  /**
   * Imported patients with their history records, 50 patients (100 operations, Cosmos' limit) to
   * a transactional batch: one partition, so a batch is the cheapest write. Not one transaction
   * overall: the import is validated whole before, and the run is recorded last, so a broken run
   * shows. (The SDK's bulk executor waits on a dispatch timer between flushes: measured 50x slower.)
   */
  async createMany(teamId: string, entries: Array<{ patient: Patient; history: HistoryRecord }>): Promise<void> {
    const PATIENTS_PER_BATCH = 50;
    for (let start = 0; start < entries.length; start += PATIENTS_PER_BATCH) {
      const operations: OperationInput[] = entries.slice(start, start + PATIENTS_PER_BATCH).flatMap(({ patient, history }) => [
        { operationType: BulkOperationType.Create, resourceBody: asJson(toDocument(patient)) },
        { operationType: BulkOperationType.Create, resourceBody: asJson({ ...history, teamId, type: 'history' }) },
      ]);
      await runBatch(this.container, teamId, operations);
    }
  }

  async lastImport(teamId: string): Promise<ImportRun | null> {
    return (await readTyped<ImportRun>(this.container, teamId, IMPORT_RUN_ID, 'importRun'))?.value ?? null;
  }

  async recordImport(teamId: string, run: ImportRun): Promise<void> {
    await this.container.items.upsert({ ...run, id: IMPORT_RUN_ID, teamId, type: 'importRun' });
    // A team imported from the command line may not have used the bot yet: the purge must still visit it.
    await this.container.items.upsert({ id: `imported:${teamId}`, teamId: '__registry', type: 'teamImported', team: teamId });
  }

  async listPage(teamId: string, filter: ListFilter, cursor: PageCursor, pageSize: number): Promise<PatientPage> {
    const where = `c.teamId = @teamId AND c.type = 'patient'${FILTER_SQL[filter]}`;
    const [total] = await this.query<number>(teamId, `SELECT VALUE COUNT(1) FROM c WHERE ${where}`, []);
    const page = await this.pageRows(teamId, where, cursor, pageSize);
    const patients = page.rows.map(toPatient);
    return {
      patients,
      total: total ?? 0,
      firstKey: page.rows[0]?.sortKey,
      lastKey: page.rows[page.rows.length - 1]?.sortKey,
      hasNewer: page.hasNewer,
      hasOlder: page.hasOlder,
    };
  }

  /** Keyset paging (the test server has no OFFSET/LIMIT, and keysets stay cheap on long lists). */
  private async pageRows(
    teamId: string,
    where: string,
    cursor: PageCursor,
    pageSize: number,
  ): Promise<{ rows: PatientDocument[]; hasNewer: boolean; hasOlder: boolean }> {
    const take = [{ name: '@take', value: pageSize + 1 }];
    if ('before' in cursor) {
      const rows = await this.query<PatientDocument>(
        teamId,
        `SELECT TOP @take * FROM c WHERE ${where} AND c.sortKey > @key ORDER BY c.sortKey ASC`,
        [...take, { name: '@key', value: cursor.before }],
      );
      // Fewer rows than a page above the cursor means we are back at the top: show the first page.
      if (rows.length > pageSize) return { rows: rows.slice(0, pageSize).reverse(), hasNewer: true, hasOlder: true };
      return this.pageRows(teamId, where, {}, pageSize);
    }
    const after = 'after' in cursor;
    const rows = await this.query<PatientDocument>(
      teamId,
      `SELECT TOP @take * FROM c WHERE ${where}${after ? ' AND c.sortKey < @key' : ''} ORDER BY c.sortKey DESC`,
      after ? [...take, { name: '@key', value: cursor.after }] : take,
    );
    return { rows: rows.slice(0, pageSize), hasNewer: after, hasOlder: rows.length > pageSize };
  }

  private async query<T>(teamId: string, sql: string, parameters: SqlParameter[]): Promise<T[]> {
    const { resources } = await this.container.items
      .query<T>({ query: sql, parameters: [{ name: '@teamId', value: teamId }, ...parameters] }, { partitionKey: teamId })
      .fetchAll();
    return resources;
  }
}
