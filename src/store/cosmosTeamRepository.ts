import { REGISTRY } from './cosmosRegistry';
import type { Container, ItemDefinition } from '@azure/cosmos';
import type { HistoryRecord } from '../domain/history';
import type { AdministeredTeam, HistoryPage, TeamRepository, Versioned } from '../domain/ports';
import type { TeamSettings } from '../domain/team';
import { readTyped, strip, writeTyped } from './cosmosDocuments';

const SETTINGS_ID = 'team-settings';

export class CosmosTeamRepository implements TeamRepository {
  constructor(private readonly container: Container) {}

  getSettings(teamId: string): Promise<Versioned<TeamSettings> | null> {
    return readTyped<TeamSettings>(this.container, teamId, SETTINGS_ID, 'settings');
  }

  async saveSettings(teamId: string, settings: TeamSettings, etag?: string): Promise<Versioned<TeamSettings>> {
    const saved = await writeTyped<TeamSettings & { id: string }>(this.container, teamId, { ...settings, id: SETTINGS_ID }, 'settings', etag);
    const { id: _id, ...value } = saved.value;
    // The registry partition answers "which teams does this person administer" in one query.
    await this.container.items.upsert({
      id: `admins:${teamId}`,
      teamId: REGISTRY,
      type: 'teamAdmins',
      team: teamId,
      listName: value.listName,
      superuserIds: value.superusers.map((s) => s.id),
    });
    return { value, etag: saved.etag };
  }

  async teamsAdministeredBy(actorId: string): Promise<AdministeredTeam[]> {
    const { resources } = await this.container.items
      .query<{ team: string; listName?: string }>(
        {
          query: "SELECT c.team, c.listName FROM c WHERE c.teamId = @registry AND c.type = 'teamAdmins' AND ARRAY_CONTAINS(c.superuserIds, @actorId)",
          parameters: [
            { name: '@registry', value: REGISTRY },
            { name: '@actorId', value: actorId },
          ],
        },
        { partitionKey: REGISTRY },
      )
      .fetchAll();
    return resources.map((r) => ({ teamId: r.team, ...(r.listName && { listName: r.listName }) }));
  }

  /** Keyset on `at` + id, newest first (history records are append-only). */
  async history(teamId: string, patientId: string, beforeKey: string | undefined, pageSize: number): Promise<HistoryPage> {
    const { resources } = await this.container.items
      .query<ItemDefinition>(
        {
          query: `SELECT TOP @take * FROM c WHERE c.teamId = @teamId AND c.type = 'history' AND c.patientId = @patientId${
            beforeKey ? ' AND c.at < @before' : ''
          } ORDER BY c.at DESC`,
          parameters: [
            { name: '@take', value: pageSize + 1 },
            { name: '@teamId', value: teamId },
            { name: '@patientId', value: patientId },
            ...(beforeKey ? [{ name: '@before', value: beforeKey }] : []),
          ],
        },
        { partitionKey: teamId },
      )
      .fetchAll();
    const records = resources.slice(0, pageSize).map((r) => strip<HistoryRecord>(r));
    return { records, ...(resources.length > pageSize && { nextKey: records[records.length - 1]?.at }) };
  }
}
