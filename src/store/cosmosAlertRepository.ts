import type { Container, ItemDefinition } from '@azure/cosmos';
import type { Alert } from '../domain/alerts';
import type { AlertRepository, ChannelAddress, Versioned } from '../domain/ports';
import { readTyped, strip, writeTyped } from './cosmosDocuments';

/** Partition holding one small document per team with a channel on record: what the sweep visits. */
const REGISTRY = '__registry';
const CHANNEL_ID = 'alert-channel';

export class CosmosAlertRepository implements AlertRepository {
  constructor(private readonly container: Container) {}

  getAlert(teamId: string, id: string): Promise<Versioned<Alert> | null> {
    return readTyped<Alert>(this.container, teamId, id, 'alert');
  }

  async dueAlerts(teamId: string, now: Date): Promise<Array<Versioned<Alert>>> {
    const { resources } = await this.container.items
      .query<ItemDefinition>(
        {
          query: `SELECT * FROM c WHERE c.teamId = @teamId AND c.type = 'alert' AND (
              (c.state = 'pending' AND c.nextAttemptAt <= @now)
              OR (c.state = 'sending' AND c.leaseUntil <= @now)
              OR (c.state = 'sent' AND c.redraw = true)
              OR (c.state = 'sent' AND c.urgent = true AND NOT IS_DEFINED(c.acknowledged) AND c.reminders.nextAt <= @now))`,
          parameters: [
            { name: '@teamId', value: teamId },
            { name: '@now', value: now.toISOString() },
          ],
        },
        { partitionKey: teamId },
      )
      .fetchAll();
    return resources.map((document) => ({ value: strip<Alert>(document), etag: document._etag as string }));
  }

  saveAlert(teamId: string, alert: Alert, etag: string): Promise<Versioned<Alert>> {
    return writeTyped<Alert>(this.container, teamId, alert, 'alert', etag);
  }

  async teams(): Promise<string[]> {
    const { resources } = await this.container.items
      .query<string>(
        { query: "SELECT VALUE c.id FROM c WHERE c.teamId = @registry AND c.type = 'team'", parameters: [{ name: '@registry', value: REGISTRY }] },
        { partitionKey: REGISTRY },
      )
      .fetchAll();
    return resources;
  }

  async channelOf(teamId: string): Promise<ChannelAddress | null> {
    const found = await readTyped<{ address: ChannelAddress }>(this.container, teamId, CHANNEL_ID, 'channel');
    return found?.value.address ?? null;
  }

  async saveChannel(teamId: string, address: ChannelAddress): Promise<void> {
    await this.container.items.upsert({ id: CHANNEL_ID, teamId, type: 'channel', address });
    await this.container.items.upsert({ id: teamId, teamId: REGISTRY, type: 'team' });
  }
}
