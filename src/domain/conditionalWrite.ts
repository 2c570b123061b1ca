import { ConcurrentEditError, DomainError } from './errors';

/** How often a write that lost to another writer is tried again, and how long to wait in between. */
export interface ConflictPolicy {
  attempts: number;
  /** Before attempt `attempt + 1`; none: at once. */
  pause?: (attempt: number) => Promise<void>;
}

/** Full jitter, growing to at most `maxMs`: writers that lost together do not collide again. */
export function jitteredPause(maxMs: number): (attempt: number) => Promise<void> {
  return (attempt) => new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(maxMs, 10 * 2 ** attempt)));
}

/**
 * Read, compute and write conditional on what was read (its ETag): when another writer won
 * (ConcurrentEditError), read and compute again on fresh data, up to `policy.attempts` writes,
 * then DomainError('concurrentEdit'). `known`: a version the caller already holds, used for the
 * first attempt instead of reading.
 */
export async function conditionalWrite<T, R>(
  policy: ConflictPolicy,
  read: () => Promise<T>,
  write: (current: T) => Promise<R>,
  known?: T,
): Promise<R> {
  let held = known;
  for (let attempt = 1; ; attempt++) {
    const current = held ?? (await read());
    held = undefined;
    try {
      return await write(current);
    } catch (error) {
      if (!(error instanceof ConcurrentEditError)) throw error;
      if (attempt >= policy.attempts) throw new DomainError('concurrentEdit');
      await policy.pause?.(attempt);
    }
  }
}
