import type { Container, ItemDefinition } from '@azure/cosmos';
import { AlreadyExistsError, ConcurrentEditError } from '../domain/errors';
import type { HistoryRecord } from '../domain/history';
import type { AdministeredTeam, HistoryPage, TeamRepository, Versioned } from '../domain/ports';
import type { TeamSettings } from '../domain/team';
import { readTyped, strip } from './cosmosDocuments';

const SETTINGS_ID = 'team-settings';
const REGISTRY = '__registry';

export class CosmosTeamRepository implements TeamRepository {
  constructor(private readonly container: Container) {}

  getSettings(teamId: string): Promise<Versioned<TeamSettings> | null> {
    return readTyped<TeamSettings>(this.container, teamId, SETTINGS_ID, 'settings');
  }

  async saveSettings(teamId: string, settings: TeamSettings, etag?: string): Promise<Versioned<TeamSettings>> {
    const document = { ...settings, id: SETTINGS_ID, teamId, type: 'settings' };
    try {
      const { resource, etag: newEtag } = etag
        ? await this.container.item(SETTINGS_ID, teamId).replace(document, { accessCondition: { type: 'IfMatch', condition: etag } })
        : await this.container.items.create(document);
      if (!resource || !newEtag) throw new Error('Cosmos returned no settings');
      const { id: _id, ...value } = strip<TeamSettings & { id: string }>(resource);
      // The registry partition answers "which teams does this person administer" in one query.
      await this.container.items.upsert({
        id: `admins:${teamId}`,
        teamId: REGISTRY,
        type: 'teamAdmins',
        team: teamId,
        listName: value.listName,
        superuserIds: value.superusers.map((s) => s.id),
      });
      return { value, etag: newEtag };
    } catch (error) {
      const code = (error as { code?: number }).code;
      if (code === 409) throw new AlreadyExistsError();
      if (code === 412) throw new ConcurrentEditError();
      throw error;
    }
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
