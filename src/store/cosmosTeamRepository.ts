import type { Container } from '@azure/cosmos';
import type { SuperuserTeam, TeamRepository, Versioned } from '../domain/ports';
import type { TeamSettings } from '../domain/team';
import { readTyped, writeTyped } from './cosmosDocuments';
import { recordTeamSuperusers, teamsWhereSuperuser } from './cosmosRegistry';

const SETTINGS_ID = 'team-settings';

export class CosmosTeamRepository implements TeamRepository {
  constructor(private readonly container: Container) {}

  getSettings(teamId: string): Promise<Versioned<TeamSettings> | null> {
    return readTyped<TeamSettings>(this.container, teamId, SETTINGS_ID, 'settings');
  }

  async saveSettings(teamId: string, settings: TeamSettings, etag?: string): Promise<Versioned<TeamSettings>> {
    const saved = await writeTyped<TeamSettings & { id: string }>(this.container, teamId, { ...settings, id: SETTINGS_ID }, 'settings', etag);
    const { id: _id, ...value } = saved.value;
    await recordTeamSuperusers(this.container, teamId, value.listName, value.superusers.map((s) => s.id));
    return { value, etag: saved.etag };
  }

  teamsWhereSuperuser(actorId: string): Promise<SuperuserTeam[]> {
    return teamsWhereSuperuser(this.container, actorId);
  }
}
