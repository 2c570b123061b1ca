import { AlreadyExistsError, ConcurrentEditError } from '../../src/domain/errors';
import { activityKey, type Note, type Patient } from '../../src/domain/patient';
import type { ListFilter, PageCursor, PatientPage, PatientRepository, Versioned } from '../../src/domain/ports';
import { fold } from '../../src/domain/text';

/** The port's contract in memory, for fast domain tests; the Cosmos adapter has its own tests. */
export class MemoryPatientRepository implements PatientRepository {
  readonly patients = new Map<string, Versioned<Patient>>();
  readonly notes = new Map<string, Note>();
  private counters = new Map<string, number>();
  private etags = 0;
  /** Lets a test slip another writer in between a read and a write. */
  beforeReplace?: () => Promise<void>;

  async allocateNumber(teamId: string): Promise<number> {
    const next = (this.counters.get(teamId) ?? 0) + 1;
    this.counters.set(teamId, next);
    return next;
  }

  async create(patient: Patient): Promise<Versioned<Patient>> {
    const key = `${patient.teamId}/${patient.id}`;
    if (this.patients.has(key)) throw new AlreadyExistsError();
    return this.store(patient);
  }

  async get(teamId: string, id: string): Promise<Versioned<Patient> | null> {
    return this.patients.get(`${teamId}/${id}`) ?? null;
  }

  async findByNumber(teamId: string, number: number): Promise<Versioned<Patient> | null> {
    return [...this.patients.values()].find((p) => p.value.teamId === teamId && p.value.number === number) ?? null;
  }

  async findByNamePart(teamId: string, part: string, limit: number): Promise<Patient[]> {
    return this.team(teamId)
      .filter((p) => fold(p.name).includes(part))
      .slice(0, limit);
  }

  async replace(patient: Patient, etag: string, newNote?: Note): Promise<Versioned<Patient>> {
    await this.beforeReplace?.();
    const current = this.patients.get(`${patient.teamId}/${patient.id}`);
    if (newNote && this.notes.has(newNote.id)) throw new AlreadyExistsError();
    if (!current || current.etag !== etag) throw new ConcurrentEditError();
    if (newNote) this.notes.set(newNote.id, newNote);
    return this.store(patient);
  }

  async listPage(teamId: string, filter: ListFilter, _cursor: PageCursor, pageSize: number): Promise<PatientPage> {
    const rows = this.team(teamId).filter((p) => filter === 'all' || (filter === 'flagged' ? Boolean(p.flag) : p.status === filter));
    return { patients: rows.slice(0, pageSize), total: rows.length, hasNewer: false, hasOlder: rows.length > pageSize };
  }

  private team(teamId: string): Patient[] {
    return [...this.patients.values()]
      .map((p) => p.value)
      .filter((p) => p.teamId === teamId)
      .sort((a, b) => activityKey(b.updated.at, b.number).localeCompare(activityKey(a.updated.at, a.number)));
  }

  private store(patient: Patient): Versioned<Patient> {
    const stored = { value: structuredClone(patient), etag: `"${++this.etags}"` };
    this.patients.set(`${patient.teamId}/${patient.id}`, stored);
    return stored;
  }
}
