import type { Clock } from '../domain/clock';
import type { Versioned } from '../domain/ports';
import { leaseIsFree, type PurgeLease } from '../domain/retention';

/** One lease document in Cosmos: read, and written only if unchanged (null when another instance wrote first). */
export interface LeaseStore {
  readLease(): Promise<Versioned<PurgeLease> | null>;
  writeLease(lease: PurgeLease, etag?: string): Promise<Versioned<PurgeLease> | null>;
}

export interface LeaseLog {
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/**
 * How a scheduled job makes one instance do the work: it takes the lease when it is free, renews
 * it while it works, and frees it at the end with the time of the last complete run. The purge and
 * the relève's posts each have their own lease document.
 */
export class JobLease {
  constructor(
    private readonly store: LeaseStore,
    private readonly options: { holder: string; leaseMs: number; clock: Clock; log: LeaseLog; job: string },
  ) {}

  read(): Promise<Versioned<PurgeLease> | null> {
    return this.store.readLease();
  }

  /** Takes the lease read just before, unless another instance holds it (then null). */
  async take(current: Versioned<PurgeLease> | null, now: Date): Promise<Versioned<PurgeLease> | null> {
    if (current && !leaseIsFree(current.value, now)) return null;
    return this.store.writeLease(this.leaseFrom(now, current?.value.lastRunAt), current?.etag);
  }

  /** Extends the lease when half of it is gone; null when another instance took it meanwhile. */
  async renew(lease: Versioned<PurgeLease>): Promise<Versioned<PurgeLease> | null> {
    const now = this.options.clock.now();
    if (Date.parse(lease.value.until) - now.getTime() > this.options.leaseMs / 2) return lease;
    const renewed = await this.store.writeLease(this.leaseFrom(now, lease.value.lastRunAt), lease.etag);
    if (!renewed) this.options.log.warn({ event: `${this.options.job}-lease-lost` }, `${this.options.job} stopped: another instance took the lease`);
    return renewed;
  }

  /** Frees the lease at once and records the run (only a complete run counts for its slot). */
  async release(lease: Versioned<PurgeLease>, lastRunAt: string | undefined): Promise<void> {
    try {
      const released = await this.store.writeLease(this.leaseFrom(this.options.clock.now(), lastRunAt, 0), lease.etag);
      if (!released) this.options.log.warn({ event: `${this.options.job}-lease-lost` }, `the ${this.options.job} lease was taken over before release`);
    } catch (error) {
      // The lease lapses by itself after `leaseMs`.
      this.options.log.error({ event: `${this.options.job}-lease-release-failed`, err: error }, `could not release the ${this.options.job} lease`);
    }
  }

  private leaseFrom(now: Date, lastRunAt: string | undefined, untilMs = this.options.leaseMs): PurgeLease {
    return { holder: this.options.holder, until: new Date(now.getTime() + untilMs).toISOString(), ...(lastRunAt && { lastRunAt }) };
  }
}
