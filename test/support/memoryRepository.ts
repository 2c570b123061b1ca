import { AlreadyExistsError, ConcurrentEditError } from '../../src/domain/errors';
import { listSortKey, type Note, type Patient } from '../../src/domain/patient';
import type { Alert } from '../../src/domain/alerts';
import type { HistoryRecord } from '../../src/domain/history';
import type { AccessRecord } from '../../src/domain/journal';
import type { ImportRun, ListCounts, ListFilter, PageCursor, PatientPage, PatientRepository, Versioned, WriteExtras } from '../../src/domain/ports';
import { fold } from '../../src/domain/text';

/** The port's contract in memory, for fast domain tests; test/store/patientRepositoryContract.test.ts holds it to the Cosmos adapter's behaviour. */
export class MemoryPatientRepository implements PatientRepository {
  readonly patients = new Map<string, Versioned<Patient>>();
  readonly notes = new Map<string, Note>();
  readonly history: HistoryRecord[] = [];
  readonly alerts = new Map<string, Versioned<Alert>>();
  readonly accesses: AccessRecord[] = [];
  private counters = new Map<string, number>();
  private readonly requests = new Map<string, string>();
  private etags = 0;
  /** Lets a test slip another writer in between a read and a write. */
  beforeReplace?: () => Promise<void>;

  async allocateNumber(teamId: string): Promise<number> {
    const next = (this.counters.get(teamId) ?? 0) + 1;
    this.counters.set(teamId, next);
    return next;
  }

  async create(patient: Patient, extras: WriteExtras = {}): Promise<Versioned<Patient>> {
    const key = `${patient.teamId}/${patient.id}`;
    if (this.patients.has(key)) throw new AlreadyExistsError();
    const request = extras.requestKey && `${patient.teamId}/${extras.requestKey}`;
    if (request && this.requests.has(request)) throw new AlreadyExistsError();
    if (request) this.requests.set(request, patient.id);
    this.keep(extras);
    return this.store(patient);
  }

  async get(teamId: string, id: string): Promise<Versioned<Patient> | null> {
    return this.patients.get(`${teamId}/${id}`) ?? null;
  }

  async createdByRequest(teamId: string, requestKey: string): Promise<Versioned<Patient> | null> {
    const patientId = this.requests.get(`${teamId}/${requestKey}`);
    return patientId ? this.get(teamId, patientId) : null;
  }

  async findByNumber(teamId: string, number: number): Promise<Versioned<Patient> | null> {
    return [...this.patients.values()].find((p) => p.value.teamId === teamId && p.value.number === number) ?? null;
  }

  async findByNamePart(teamId: string, part: string, limit: number): Promise<Patient[]> {
    return this.team(teamId)
      .filter((p) => fold(p.name).includes(part))
      .slice(0, limit);
  }

  async findNamesakes(teamId: string, match: { foldedName: string; fileNumber?: string }, limit: number): Promise<Patient[]> {
    return this.team(teamId)
      .filter((p) => fold(p.name) === match.foldedName || (match.fileNumber !== undefined && p.fileNumber === match.fileNumber))
      .slice(0, limit);
  }

  async replace(patient: Patient, etag: string, extras: WriteExtras = {}): Promise<Versioned<Patient>> {
    await this.beforeReplace?.();
    const current = this.patients.get(`${patient.teamId}/${patient.id}`);
    if (extras.note && this.notes.has(extras.note.id)) throw new AlreadyExistsError();
    if (!current || current.etag !== etag) throw new ConcurrentEditError();
    const merged = extras.mergedAlert;
    if (merged && this.alerts.get(merged.value.id)?.etag !== merged.etag) throw new ConcurrentEditError();
    if (extras.note) this.notes.set(extras.note.id, extras.note);
    this.keep(extras);
    return this.store(patient);
  }

  async followedBy(teamId: string, actorId: string, limit: number): Promise<Patient[]> {
    return this.team(teamId)
      .filter((p) => p.followerIds.includes(actorId))
      .slice(0, limit);
  }

  async all(teamId: string): Promise<Patient[]> {
    return this.team(teamId).sort((a, b) => a.number - b.number);
  }

  async allocateNumbers(teamId: string, count: number): Promise<number> {
    const last = (this.counters.get(teamId) ?? 0) + count;
    this.counters.set(teamId, last);
    return last;
  }

  async createMany(_teamId: string, entries: Array<{ patient: Patient; history: HistoryRecord }>): Promise<void> {
    for (const { patient, history } of entries) await this.create(patient, { history });
  }

  readonly imports = new Map<string, ImportRun>();

  async lastImport(teamId: string): Promise<ImportRun | null> {
    return this.imports.get(teamId) ?? null;
  }

  async recordImport(teamId: string, run: ImportRun): Promise<void> {
    this.imports.set(teamId, run);
  }

  async getAlert(_teamId: string, id: string): Promise<Versioned<Alert> | null> {
    return this.alerts.get(id) ?? null;
  }

  private keep(extras: WriteExtras): void {
    if (extras.history) this.history.push(extras.history);
    if (extras.access) this.accesses.push(extras.access);
    const alert = extras.newAlert ?? extras.mergedAlert?.value;
    if (alert) this.alerts.set(alert.id, { value: structuredClone(alert), etag: `"a${++this.etags}"` });
  }

  async counts(teamId: string): Promise<ListCounts> {
    const team = this.team(teamId);
    return {
      active: team.filter((p) => p.status === 'active').length,
      inactive: team.filter((p) => p.status === 'inactive').length,
      flagged: team.filter((p) => p.flag).length,
    };
  }

  async listPage(teamId: string, filter: ListFilter, cursor: PageCursor, pageSize: number): Promise<PatientPage> {
    const rows = this.team(teamId).filter((p) => filter === 'all' || (filter === 'flagged' ? Boolean(p.flag) : p.status === filter));
    const counts = await this.counts(teamId);
    const page = pageOf(rows, cursor, pageSize);
    const [first, last] = [page.rows[0], page.rows.at(-1)];
    return {
      patients: page.rows,
      total: rows.length,
      counts,
      ...(first && { firstKey: listSortKey(first) }),
      ...(last && { lastKey: listSortKey(last) }),
      hasNewer: page.hasNewer,
      hasOlder: page.hasOlder,
    };
  }

  private team(teamId: string): Patient[] {
    return [...this.patients.values()]
      .map((p) => p.value)
      .filter((p) => p.teamId === teamId)
      .sort((a, b) => byKey(listSortKey(b), listSortKey(a)));
  }

  private store(patient: Patient): Versioned<Patient> {
    const stored = { value: structuredClone(patient), etag: `"${++this.etags}"` };
    this.patients.set(`${patient.teamId}/${patient.id}`, stored);
    return stored;
  }
}

/** Strings compared by code unit, as the store's ORDER BY compares them (localeCompare would not). */
function byKey(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The store's keyset paging over rows in list order (descending key): the same rows, the same flags. */
function pageOf(rows: Patient[], cursor: PageCursor, pageSize: number): { rows: Patient[]; hasNewer: boolean; hasOlder: boolean } {
  if ('before' in cursor) {
    const above = rows.filter((p) => listSortKey(p) > cursor.before);
    // Fewer rows than a page above the cursor means we are back at the top: the first page.
    if (above.length > pageSize) return { rows: above.slice(-pageSize), hasNewer: true, hasOlder: true };
    return pageOf(rows, {}, pageSize);
  }
  const after = 'after' in cursor;
  const below = 'after' in cursor ? rows.filter((p) => listSortKey(p) < cursor.after) : rows;
  return { rows: below.slice(0, pageSize), hasNewer: after, hasOlder: below.length > pageSize };
}
