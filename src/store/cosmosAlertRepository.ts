import type { Container, ItemDefinition, SqlParameter } from '@azure/cosmos';
import type { Alert } from '../domain/alerts';
import type { AlertLane, AlertRepository, ChannelAddress, Versioned } from '../domain/ports';
import { queryTeam, readTyped, strip, writeTyped } from './cosmosDocuments';
import { isNotFound, statusOf } from './cosmosErrors';
import { DUE_TYPE, dueDocument, dueId, dueTeams, recordInstance, recordTeamChannel, REGISTRY, removeInstance } from './cosmosRegistry';

const CHANNEL_ID = 'alert-channel';
const LANE_ID = 'alert-lane';

export class CosmosAlertRepository implements AlertRepository {
  constructor(private readonly container: Container) {}

  getAlert(teamId: string, id: string): Promise<Versioned<Alert> | null> {
    return readTyped<Alert>(this.container, teamId, id, 'alert');
  }

  openAlerts(teamId: string): Promise<Array<Versioned<Alert>>> {
    return this.alerts(
      teamId,
      // Kept shallow: the local server's SQL parser slows down sharply with nested parentheses.
      // Only a posted alert is ever marked for redrawing.
      `c.state = 'pending' OR c.state = 'sending' OR c.redraw = true OR (c.state = 'sent' AND IS_DEFINED(c.reminders.nextAt) AND NOT IS_DEFINED(c.acknowledged))`,
      [],
    );
  }

  unacknowledgedAlerts(teamId: string, patientId: string): Promise<Array<Versioned<Alert>>> {
    return this.alerts(teamId, `c.patientId = @patientId AND c.state != 'undeliverable' AND NOT IS_DEFINED(c.acknowledged)`, [
      { name: '@patientId', value: patientId },
    ]);
  }

  private async alerts(teamId: string, where: string, parameters: SqlParameter[]): Promise<Array<Versioned<Alert>>> {
    const resources = await queryTeam<ItemDefinition>(this.container, teamId, `SELECT * FROM c WHERE c.teamId = @teamId AND c.type = 'alert' AND (${where})`, parameters);
    // Oldest first, sorted here: an ORDER BY makes the SDK plan a cross-partition-style query.
    return resources
      .map((document) => ({ value: strip<Alert>(document), etag: document._etag as string }))
      .sort((a, b) => a.value.createdAt.localeCompare(b.value.createdAt));
  }

  saveAlert(teamId: string, alert: Alert, etag: string): Promise<Versioned<Alert>> {
    return writeTyped<Alert>(this.container, teamId, alert, 'alert', etag);
  }

  async getLane(teamId: string): Promise<Versioned<AlertLane> | null> {
    const found = await readTyped<AlertLane & { id: string }>(this.container, teamId, LANE_ID, 'alertLane');
    if (!found) return null;
    const { id: _id, ...lane } = found.value;
    return { value: lane, etag: found.etag };
  }

  async saveLane(teamId: string, lane: AlertLane, etag?: string): Promise<Versioned<AlertLane>> {
    const saved = await writeTyped<AlertLane & { id: string }>(this.container, teamId, { id: LANE_ID, ...lane }, 'alertLane', etag);
    const { id: _id, ...value } = saved.value;
    return { value, etag: saved.etag };
  }

  dueTeams(now: Date): Promise<string[]> {
    return dueTeams(this.container, now);
  }

  async dueEntry(teamId: string): Promise<Versioned<{ dueAt: string }> | null> {
    const found = await readTyped<{ dueAt: string; team: string }>(this.container, REGISTRY, dueId(teamId), DUE_TYPE);
    return found && found.value.team === teamId ? { value: { dueAt: found.value.dueAt }, etag: found.etag } : null;
  }

  async setDue(teamId: string, dueAt: Date | undefined, etag: string | undefined): Promise<boolean> {
    const item = this.container.item(dueId(teamId), REGISTRY);
    const condition = etag ? { accessCondition: { type: 'IfMatch', condition: etag } } : undefined;
    try {
      if (dueAt === undefined) {
        if (etag) await item.delete(condition);
      } else if (etag) {
        await item.replace(dueDocument(teamId, dueAt), condition);
      } else {
        await this.container.items.create(dueDocument(teamId, dueAt));
      }
      return true;
    } catch (error) {
      const status = statusOf(error);
      if (status === 412 || status === 409) return false;
      if (isNotFound(error)) return dueAt === undefined;
      throw error;
    }
  }

  async channelOf(teamId: string): Promise<ChannelAddress | null> {
    const found = await readTyped<{ address: ChannelAddress }>(this.container, teamId, CHANNEL_ID, 'channel');
    return found?.value.address ?? null;
  }

  heartbeat(instanceId: string, until: number, now: number): Promise<number> {
    return recordInstance(this.container, instanceId, until, now);
  }

  leave(instanceId: string): Promise<void> {
    return removeInstance(this.container, instanceId);
  }

  async saveChannel(teamId: string, address: ChannelAddress): Promise<void> {
    await this.container.items.upsert({ id: CHANNEL_ID, teamId, type: 'channel', address });
    await recordTeamChannel(this.container, teamId);
  }
}
