import type { Container, ItemDefinition, OperationInput } from '@azure/cosmos';
import { BulkOperationType } from '@azure/cosmos';
import type { Alert } from '../domain/alerts';
import { countsDelta, isLegacySortKey, listSortKey, type Patient, patientIdOf, searchKey } from '../domain/patient';
import type { HistoryRecord } from '../domain/history';
import type { ImportRun, ListCounts, ListFilter, PageCursor, PatientPage, PatientRepository, Versioned, WriteExtras } from '../domain/ports';
import { accessDocument } from './cosmosAccessJournal';
import { asJson, queryTeam, readTyped, runBatch, strip } from './cosmosDocuments';
import { statusOf } from './cosmosErrors';
import { addCounts, allocateNumbers, countsOperation, LIST_FILTER_SQL, listCounts, NO_COUNTS } from './cosmosPatientCounter';
import { markAlertDue, recordTeamImported } from './cosmosRegistry';

/** How a patient is stored: the domain object plus what the queries need. */
interface PatientDocument extends Patient {
  _etag?: string;
  type: 'patient';
  searchKey: string;
  sortKey: string;
}

const IMPORT_RUN_ID = 'import-run';

function toDocument(patient: Patient): PatientDocument {
  return {
    ...patient,
    type: 'patient',
    searchKey: searchKey(patient.name),
    sortKey: listSortKey(patient),
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
    return allocateNumbers(this.container, teamId, 1);
  }

  allocateNumbers(teamId: string, count: number): Promise<number> {
    return allocateNumbers(this.container, teamId, count);
  }

  /** The team's counter exists: the number came from it. */
  async create(patient: Patient, extras: WriteExtras = {}): Promise<Versioned<Patient>> {
    const operation: OperationInput = { operationType: BulkOperationType.Create, resourceBody: asJson(toDocument(patient)) };
    return this.write(patient, operation, { ...extras, countsDelta: countsDelta(undefined, patient) });
  }

  /** The id comes from a card: a document of another type or team is "not found" for this team. */
  get(teamId: string, id: string): Promise<Versioned<Patient> | null> {
    return readTyped<Patient>(this.container, teamId, id, 'patient');
  }

  async createdByRequest(teamId: string, requestKey: string): Promise<Versioned<Patient> | null> {
    const marker = await readTyped<{ patientId: string }>(this.container, teamId, requestMarkerId(requestKey), 'createRequest');
    return marker ? this.get(teamId, marker.value.patientId) : null;
  }

  /** A point read on the id the number gives; a query only for patients numbered before ids were. */
  async findByNumber(teamId: string, number: number): Promise<Versioned<Patient> | null> {
    const found = await this.get(teamId, patientIdOf(teamId, number));
    if (found) return found;
    const [document] = await queryTeam<PatientDocument>(
      this.container,
      teamId,
      "SELECT * FROM c WHERE c.teamId = @teamId AND c.type = 'patient' AND c.number = @number",
      [{ name: '@number', value: number }],
    );
    return document ? versioned(document, document._etag) : null;
  }

  async findByNamePart(teamId: string, foldedPart: string, limit: number): Promise<Patient[]> {
    const documents = await queryTeam<PatientDocument>(
      this.container,
      teamId,
      "SELECT TOP @limit * FROM c WHERE c.teamId = @teamId AND c.type = 'patient' AND CONTAINS(c.searchKey, @part) ORDER BY c.sortKey DESC",
      [
        { name: '@limit', value: limit },
        { name: '@part', value: foldedPart },
      ],
    );
    return documents.map(toPatient);
  }

  async findNamesakes(teamId: string, match: { foldedName: string; fileNumber?: string }, limit: number): Promise<Patient[]> {
    const byFile = match.fileNumber === undefined ? '' : ' OR c.fileNumber = @file';
    const documents = await queryTeam<PatientDocument>(
      this.container,
      teamId,
      `SELECT TOP @limit * FROM c WHERE c.teamId = @teamId AND c.type = 'patient' AND (c.searchKey = @name${byFile}) ORDER BY c.sortKey DESC`,
      [
        { name: '@limit', value: limit },
        { name: '@name', value: match.foldedName },
        ...(match.fileNumber === undefined ? [] : [{ name: '@file', value: match.fileNumber }]),
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
    const documents = await queryTeam<PatientDocument>(
      this.container,
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
   * The patient and what goes with it (note, history record, alert, counts) in one transactional
   * batch: all or nothing in Cosmos DB, and on the local server too (src/store/localCosmos.ts
   * checks every operation before running any). The patient's conditional write comes first all
   * the same: a server that runs the operations one by one then stops before anything else.
   */
  private async write(patient: Patient, patientOperation: OperationInput, extras: WriteExtras): Promise<Versioned<Patient>> {
    const partitionKey = patient.teamId;
    const body = (document: object, type: string) => asJson({ ...document, teamId: partitionKey, type });
    const operations: OperationInput[] = [patientOperation];
    if (extras.requestKey) {
      operations.push({ operationType: BulkOperationType.Create, resourceBody: body({ id: requestMarkerId(extras.requestKey), patientId: patient.id }, 'createRequest') });
    }
    if (extras.note) operations.push({ operationType: BulkOperationType.Create, resourceBody: body(extras.note, 'note') });
    if (extras.mergedAlert) {
      operations.push({
        operationType: BulkOperationType.Replace,
        id: extras.mergedAlert.value.id,
        ifMatch: extras.mergedAlert.etag,
        resourceBody: body(extras.mergedAlert.value, 'alert'),
      });
    }
    if (extras.history) operations.push({ operationType: BulkOperationType.Create, resourceBody: body(extras.history, 'history') });
    if (extras.newAlert) operations.push({ operationType: BulkOperationType.Create, resourceBody: body(extras.newAlert, 'alert') });
    if (extras.access) operations.push({ operationType: BulkOperationType.Create, resourceBody: accessDocument(partitionKey, extras.access) });
    operations.push(...countsOperation(extras.countsDelta));
    // The due index before and after the batch: the sweep finds this alert whatever happens
    // between, even if a dispatcher moved the entry while the batch was written (see markAlertDue).
    const alerting = Boolean(extras.newAlert || extras.mergedAlert);
    if (alerting) await markAlertDue(this.container, partitionKey, new Date(0));
    const results = await runBatch(this.container, partitionKey, operations);
    if (alerting) await markAlertDue(this.container, partitionKey, new Date(0));
    const saved = results[0];
    return versioned(saved?.resourceBody, saved?.eTag);
  }

  async all(teamId: string): Promise<Patient[]> {
    const documents = await queryTeam<PatientDocument>(this.container, teamId, "SELECT * FROM c WHERE c.teamId = @teamId AND c.type = 'patient' ORDER BY c.number");
    return documents.map(toPatient);
  }

  /**
   * Imported patients with their history records, 49 patients and the counts (99 operations;
   * Cosmos' limit is 100) to a transactional batch: one partition, so a batch is the cheapest write. Not one transaction
   * overall: the import is validated whole before, and the run is recorded last, so a broken run
   * shows. (The SDK's bulk executor waits on a dispatch timer between flushes: measured 50x slower.)
   */
  async createMany(teamId: string, entries: Array<{ patient: Patient; history: HistoryRecord }>): Promise<void> {
    const PATIENTS_PER_BATCH = 49;
    for (let start = 0; start < entries.length; start += PATIENTS_PER_BATCH) {
      const slice = entries.slice(start, start + PATIENTS_PER_BATCH);
      const operations: OperationInput[] = slice.flatMap(({ patient, history }) => [
        { operationType: BulkOperationType.Create, resourceBody: asJson(toDocument(patient)) },
        { operationType: BulkOperationType.Create, resourceBody: asJson({ ...history, teamId, type: 'history' }) },
      ]);
      const delta = slice.reduce<ListCounts>((sum, { patient }) => addCounts(sum, countsDelta(undefined, patient)), NO_COUNTS);
      operations.push(...countsOperation(delta));
      await runBatch(this.container, teamId, operations);
    }
  }

  async lastImport(teamId: string): Promise<ImportRun | null> {
    return (await readTyped<ImportRun>(this.container, teamId, IMPORT_RUN_ID, 'importRun'))?.value ?? null;
  }

  async recordImport(teamId: string, run: ImportRun): Promise<void> {
    await this.container.items.upsert({ ...run, id: IMPORT_RUN_ID, teamId, type: 'importRun' });
    await recordTeamImported(this.container, teamId);
  }

  /** The page and the team's counts side by side (one point read, no COUNT). */
  counts(teamId: string): Promise<ListCounts> {
    return listCounts(this.container, teamId);
  }

  async listPage(teamId: string, filter: ListFilter, cursor: PageCursor, pageSize: number): Promise<PatientPage> {
    const where = `c.teamId = @teamId AND c.type = 'patient'${LIST_FILTER_SQL[filter]}`;
    const [counts, page] = await Promise.all([listCounts(this.container, teamId), this.pageRows(teamId, where, cursor, pageSize)]);
    const patients = page.rows.map(toPatient);
    const total = { active: counts.active, inactive: counts.inactive, flagged: counts.flagged, all: counts.active + counts.inactive }[filter];
    return {
      patients,
      counts,
      total,
      firstKey: page.rows[0]?.sortKey,
      lastKey: page.rows[page.rows.length - 1]?.sortKey,
      hasNewer: page.hasNewer,
      hasOlder: page.hasOlder,
    };
  }

  /**
   * One-time re-key of a team's patients written before the list order ranked flags (their key
   * starts with a digit). Each is rewritten conditional on its ETag with the key `listSortKey`
   * gives; one changed meanwhile was re-keyed by that write. Returns how many were rewritten.
   */
  async rekeyLegacy(teamId: string): Promise<number> {
    const documents = await queryTeam<PatientDocument>(
      this.container,
      teamId,
      "SELECT * FROM c WHERE c.teamId = @teamId AND c.type = 'patient' AND c.sortKey < 'a'",
      [],
    );
    let rewritten = 0;
    for (const document of documents.filter((d) => isLegacySortKey(d.sortKey))) {
      const patient = toPatient(document);
      try {
        await this.container.item(patient.id, teamId).replace(toDocument(patient), { accessCondition: { type: 'IfMatch', condition: document._etag ?? '' } });
        rewritten++;
      } catch (error) {
        if (statusOf(error) !== 412) throw error;
      }
    }
    return rewritten;
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
      const rows = await queryTeam<PatientDocument>(
        this.container,
        teamId,
        `SELECT TOP @take * FROM c WHERE ${where} AND c.sortKey > @key ORDER BY c.sortKey ASC`,
        [...take, { name: '@key', value: cursor.before }],
      );
      // Fewer rows than a page above the cursor means we are back at the top: show the first page.
      if (rows.length > pageSize) return { rows: rows.slice(0, pageSize).reverse(), hasNewer: true, hasOlder: true };
      return this.pageRows(teamId, where, {}, pageSize);
    }
    const after = 'after' in cursor;
    const rows = await queryTeam<PatientDocument>(
      this.container,
      teamId,
      `SELECT TOP @take * FROM c WHERE ${where}${after ? ' AND c.sortKey < @key' : ''} ORDER BY c.sortKey DESC`,
      after ? [...take, { name: '@key', value: cursor.after }] : take,
    );
    return { rows: rows.slice(0, pageSize), hasNewer: after, hasOlder: rows.length > pageSize };
  }
}

/** The marker a create form leaves in the patient's batch (its id is the form's request key). */
function requestMarkerId(requestKey: string): string {
  return `created:${requestKey}`;
}

