import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type Account from '@vercel/cosmosdb-server/lib/account';

/** What a snapshot file starts with: a file without it was not written by this project. */
export const SNAPSHOT_FORMAT = 'contact-telesante/local-cosmos';
export const SNAPSHOT_VERSION = 1;
/** A change is on disk at most this long after it was answered (plus the write itself). */
export const SAVE_DELAY_MS = 1000;

export class LocalStoreError extends Error {}

interface SnapshotFile {
  format: string;
  version: number;
  savedAt: string;
  databases: Array<{ definition: Record<string, unknown>; collections: Array<{ definition: Record<string, unknown>; documents: Array<Record<string, unknown>> }> }>;
}

/** Properties the server assigns; a loaded document gets fresh ones. */
const withoutSystem = (data: Record<string, unknown>) => Object.fromEntries(Object.entries(data).filter(([key]) => !key.startsWith('_')));
const valuesOf = (items: unknown) => [...((items as { _data: Map<string, { read(): Record<string, unknown> }> })._data.values())].map((i) => i.read());

/**
 * Keeps the server's data in `<dataDir>/cosmos.json`: written SAVE_DELAY_MS after the first
 * change that follows a save (so a crash loses at most that plus the write), and on close.
 * Each write goes to a temporary file that is then renamed over the old one: a crash during
 * the write leaves the previous snapshot whole.
 */
export class Snapshotter {
  readonly file: string;
  private timer?: NodeJS.Timeout;
  private dirty = false;

  constructor(
    private readonly account: Account,
    dir: string,
  ) {
    this.file = join(dir, 'cosmos.json');
  }

  load(): void {
    if (!existsSync(this.file)) return;
    const refuse = (why: string) =>
      new LocalStoreError(`${this.file} ${why}: refusing to start rather than lose it. Move the file away (or set LOCAL_DATA_DIR to another folder) to start empty.`);
    let snapshot: SnapshotFile;
    try {
      snapshot = JSON.parse(readFileSync(this.file, 'utf8')) as SnapshotFile;
    } catch {
      throw refuse('is not readable JSON (corrupt or truncated)');
    }
    if (!snapshot || typeof snapshot !== 'object' || snapshot.format !== SNAPSHOT_FORMAT || !Array.isArray(snapshot.databases)) {
      throw refuse(`is not a Contact Télésanté local store (no "${SNAPSHOT_FORMAT}" header)`);
    }
    if (snapshot.version !== SNAPSHOT_VERSION) throw refuse(`has format version ${String(snapshot.version)}, this version reads ${SNAPSHOT_VERSION}`);
    try {
      for (const database of snapshot.databases) {
        this.account.databases.create(database.definition as never);
        const db = this.account.database(String(database.definition.id));
        for (const collection of database.collections) {
          db.collections.create(collection.definition as never);
          const target = db.collection(String(collection.definition.id));
          for (const document of collection.documents) target.documents.create(document as never);
        }
      }
    } catch (error) {
      throw refuse(`has inconsistent contents (${(error as Error).message})`);
    }
  }

  changed(): void {
    this.dirty = true;
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      try {
        this.save();
      } catch (error) {
        // A full disk must not stop the bot: say so, and try again after the next change.
        console.error(`could not save the local store to ${this.file}: ${(error as Error).message}`);
        this.dirty = true;
      }
    }, SAVE_DELAY_MS);
  }

  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.save();
  }

  /** Synchronous: the data cannot change while it is serialised and written. */
  private save(): void {
    if (!this.dirty) return;
    this.dirty = false;
    const snapshot: SnapshotFile = {
      format: SNAPSHOT_FORMAT,
      version: SNAPSHOT_VERSION,
      savedAt: new Date().toISOString(),
      databases: valuesOf(this.account.databases).map((database) => {
        const db = this.account.database(String(database.id));
        return {
          definition: withoutSystem(database),
          collections: valuesOf(db.collections).map((collection) => ({
            definition: withoutSystem(collection),
            documents: valuesOf(db.collection(String(collection.id)).documents).map(withoutSystem),
          })),
        };
      }),
    };
    mkdirSync(join(this.file, '..'), { recursive: true });
    const temporary = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(snapshot));
    renameSync(temporary, this.file);
  }
}
