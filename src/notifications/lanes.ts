const MIN_WAKE_MS = 20;

export interface LaneSchedulerOptions {
  /** Lanes run at once; each lane runs one at a time. */
  concurrency: number;
  now: () => number;
  /** A run threw: the caller logs it and decides when the lane runs again (`wake`). */
  failed: (teamId: string, error: unknown) => void;
}

/**
 * Runs the teams' lanes: at most `concurrency` at once, each one alone (asked for while it runs,
 * it runs once more after), now or at a time set by a timer, the earliest asked for winning.
 */
export class LaneScheduler {
  private readonly ready: string[] = [];
  private readonly running = new Set<string>();
  /** Lanes asked for while running: they run once more after. */
  private readonly again = new Set<string>();
  private readonly timers = new Map<string, { at: number; handle: NodeJS.Timeout }>();
  private idleWaiters: Array<() => void> = [];
  private stopped = false;

  constructor(
    private readonly run: (teamId: string) => Promise<void>,
    private readonly options: LaneSchedulerOptions,
  ) {}

  start(): void {
    this.stopped = false;
  }

  /** Nothing new runs: timers and waiting lanes are dropped; running ones finish. */
  stop(): void {
    this.stopped = true;
    for (const { handle } of this.timers.values()) clearTimeout(handle);
    this.timers.clear();
    this.ready.length = 0;
  }

  schedule(teamId: string): void {
    if (this.running.has(teamId)) {
      this.again.add(teamId);
      return;
    }
    if (!this.ready.includes(teamId)) this.ready.push(teamId);
    this.pump();
  }

  /** The running lane runs once more when it ends (something changed while it ran). */
  rerun(teamId: string): void {
    this.again.add(teamId);
  }

  /** Runs the lane again at `at` (the earliest asked for wins). */
  wake(teamId: string, at: number): void {
    if (this.stopped) return;
    const existing = this.timers.get(teamId);
    if (existing && existing.at <= at) return;
    if (existing) clearTimeout(existing.handle);
    const delay = Math.max(MIN_WAKE_MS, at - this.options.now());
    const handle = setTimeout(() => {
      this.timers.delete(teamId);
      this.schedule(teamId);
    }, delay);
    handle.unref();
    this.timers.set(teamId, { at, handle });
  }

  /** Resolves when no lane is running or waiting to run (timers set for later do not count). */
  idle(): Promise<void> {
    if (this.running.size === 0 && this.ready.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Idle, or `ms` passed. */
  idleOr(ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    return Promise.race([this.idle(), new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]).finally(() => clearTimeout(timer));
  }

  private pump(): void {
    while (!this.stopped && this.running.size < this.options.concurrency && this.ready.length > 0) {
      const teamId = this.ready.shift()!;
      this.running.add(teamId);
      void this.run(teamId)
        .catch((error: unknown) => this.options.failed(teamId, error))
        .finally(() => {
          this.running.delete(teamId);
          if (this.again.delete(teamId) && !this.stopped) this.ready.push(teamId);
          this.pump();
          if (this.running.size === 0 && (this.ready.length === 0 || this.stopped)) {
            const waiters = this.idleWaiters;
            this.idleWaiters = [];
            for (const resolve of waiters) resolve();
          }
        });
    }
  }
}
