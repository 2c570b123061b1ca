import { DeadlineError, GoneError, ThrottledError } from './alertSender';

/**
 * The connector calls (post, update) in flight, each under a deadline: aborted, and abandoned
 * even if the SDK ignores the abort. stop() aborts whatever is left after the drain.
 */
export class ConnectorCalls {
  private readonly inFlight = new Set<AbortController>();

  constructor(readonly timeoutMs: number) {}

  /** `ended` is told as soon as the call is over, however it ended. */
  async run<T>(work: (signal: AbortSignal) => Promise<T>, ended?: () => void): Promise<T> {
    const controller = new AbortController();
    this.inFlight.add(controller);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_resolve, reject) => {
      controller.signal.addEventListener('abort', () => reject(new DeadlineError(this.timeoutMs)), { once: true });
      timer = setTimeout(() => controller.abort(), this.timeoutMs);
    });
    try {
      return await Promise.race([work(controller.signal), deadline]);
    } finally {
      clearTimeout(timer);
      this.inFlight.delete(controller);
      ended?.();
    }
  }

  abortAll(): void {
    for (const call of this.inFlight) call.abort();
  }
}

/** Exponential backoff with jitter (half fixed, half random) for the `failure`th failure in a row. */
export function backoffMs(failure: number, baseMs: number, maxMs: number, random: () => number): number {
  const base = Math.min(maxMs, baseMs * 2 ** Math.max(0, failure - 1));
  return base / 2 + random() * (base / 2);
}

/** What the alert keeps of a failure (never a dependency's message). */
export function describe(error: unknown): string {
  if (error instanceof ThrottledError || error instanceof GoneError || error instanceof DeadlineError) return error.message;
  return error instanceof Error ? error.name : 'error';
}
