import type { Container } from '@azure/cosmos';
import type { ScheduledTeam, SuperuserTeam, TeamRepository, Versioned } from '../domain/ports';
import type { TeamSettings } from '../domain/team';
import { readTyped, writeTyped } from './cosmosDocuments';
import { recordTeamSettingsIndex, releveSchedules, teamsWhereSuperuser } from './cosmosRegistry';

const SETTINGS_ID = 'team-settings';

export class CosmosTeamRepository implements TeamRepository {
  constructor(private readonly container: Container) {}

  getSettings(teamId: string): Promise<Versioned<TeamSettings> | null> {
    return readTyped<TeamSettings>(this.container, teamId, SETTINGS_ID, 'settings');
  }

  async saveSettings(teamId: string, settings: TeamSettings, etag?: string): Promise<Versioned<TeamSettings>> {
    const saved = await writeTyped<TeamSettings & { id: string }>(this.container, teamId, { ...settings, id: SETTINGS_ID }, 'settings', etag);
    const { id: _id, ...value } = saved.value;
    await recordTeamSettingsIndex(this.container, teamId, value);
    return { value, etag: saved.etag };
  }

  teamsWhereSuperuser(actorId: string): Promise<SuperuserTeam[]> {
    return teamsWhereSuperuser(this.container, actorId);
  }

  releveSchedules(): Promise<ScheduledTeam[]> {
    return releveSchedules(this.container);
  }

  /**
   * Once, for settings saved before the registry kept the relève schedule: copies each team's
   * schedule there. Returns how many teams have one.
   */
  async indexSchedules(teamIds: string[]): Promise<number> {
    let indexed = 0;
    for (const teamId of teamIds) {
      const settings = (await this.getSettings(teamId))?.value;
      if (!settings?.shifts?.times.length) continue;
      await recordTeamSettingsIndex(this.container, teamId, settings);
      indexed += 1;
    }
    return indexed;
  }
}
