import type { AlertRepository } from '../domain/ports';
import type { DispatcherLog } from './dispatcher';
import { HEARTBEAT_MS, INSTANCE_TTL_MS, type TenantLimiter } from './pacer';

/**
 * The instance's heartbeat document, renewed every HEARTBEAT_MS: how the live instances are
 * counted, for each one's share of the tenants' budgets. It begins with the first work, so an
 * instance that never sends writes nothing.
 */
export class InstanceHeartbeat {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly repo: AlertRepository,
    private readonly instanceId: string,
    private readonly tenants: TenantLimiter,
    private readonly log: DispatcherLog,
  ) {}

  begin(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.beat(), HEARTBEAT_MS);
    this.timer.unref();
    void this.beat();
  }

  /** No more heartbeats: nothing is sent to a tenant until one joins afresh (sends waiting for one give up). */
  halt(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.tenants.unheard();
  }

  /** Its calls are over: its document goes, and the other instances take its share at their next heartbeat. */
  async leave(): Promise<void> {
    await this.repo.leave(this.instanceId).catch((error: unknown) => this.log.warn({ err: error }, 'alert heartbeat not removed'));
  }

  /** Real time, like its timer (a test's fixed clock would never let a newcomer join). */
  private async beat(): Promise<void> {
    try {
      const t = Date.now();
      const live = await this.repo.heartbeat(this.instanceId, t + INSTANCE_TTL_MS, t);
      if (this.timer) this.tenants.heard(live);
    } catch (error) {
      this.log.warn({ err: error }, 'alert heartbeat failed');
    }
  }
}
