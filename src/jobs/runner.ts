/**
 * What every scheduled job does on one instance: look every `everyMs`, run one round at a time
 * (a look while a round runs is answered `busy`), and on stop wait for the round in progress.
 */
export class JobRunner<T> {
  private timer?: NodeJS.Timeout;
  private running?: Promise<T>;
  /** Rounds check it between teams, so that a stop does not wait for a whole round. */
  stopped = false;

  every(everyMs: number, look: () => Promise<unknown>, onError: (error: unknown) => void): void {
    this.stopped = false;
    this.timer = setInterval(() => {
      look().catch(onError);
    }, everyMs);
    this.timer.unref();
  }

  /** Runs `round` unless one is in progress here (then `busy`). */
  run(round: () => Promise<T>, busy: T): Promise<T> {
    if (this.running) return Promise.resolve(busy);
    const run = round().finally(() => {
      this.running = undefined;
    });
    this.running = run;
    return run;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }
}
