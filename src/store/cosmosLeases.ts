import type { Container } from '@azure/cosmos';
import { AlreadyExistsError, ConcurrentEditError } from '../domain/errors';
import type { Versioned } from '../domain/ports';
import type { PurgeLease } from '../domain/retention';
import type { LeaseStore } from '../jobs/lease';
import { readTyped, writeTyped } from './cosmosDocuments';
import { isNotFound } from './cosmosErrors';
import { REGISTRY } from './cosmosRegistry';


/** One job's lease document in the registry partition (`purge-lease`, `releve-lease`). */
export class CosmosLeaseStore implements LeaseStore {
  constructor(
    private readonly container: Container,
    private readonly id: string,
  ) {}

  readLease(): Promise<Versioned<PurgeLease> | null> {
    return readTyped<PurgeLease>(this.container, REGISTRY, this.id, 'lease');
  }

  /** Create if absent (409: another instance made it first), replace only if unchanged (412: same). */
  async writeLease(lease: PurgeLease, etag?: string): Promise<Versioned<PurgeLease> | null> {
    try {
      const saved = await writeTyped<PurgeLease & { id: string }>(this.container, REGISTRY, { ...lease, id: this.id }, 'lease', etag);
      const { id: _id, ...value } = saved.value;
      return { value, etag: saved.etag };
    } catch (error) {
      // 404: the lease was removed by hand between our read and our replace; the next check recreates it.
      if (error instanceof AlreadyExistsError || error instanceof ConcurrentEditError || isNotFound(error)) return null;
      throw error;
    }
  }
}
