import { setTimeout as sleep } from 'node:timers/promises';
import { AlreadyExistsError, ConcurrentEditError } from '../../src/domain/errors';
import type { SuperuserTeam, ScheduledTeam, TeamRepository, Versioned } from '../../src/domain/ports';
import { grantSuperuser, type TeamSettings } from '../../src/domain/team';
import { TeamService } from '../../src/domain/teamService';
import { nurse, physician, TEAM_A } from '../support/fixtures';

/** Settings in memory, counting the reads (what the cache saves is requests to Cosmos DB). */
class CountingTeamRepository implements TeamRepository {
  reads = 0;
  private readonly stored = new Map<string, Versioned<TeamSettings>>();
  private version = 0;

  async getSettings(teamId: string): Promise<Versioned<TeamSettings> | null> {
    this.reads += 1;
    return this.stored.get(teamId) ?? null;
  }

  async saveSettings(teamId: string, settings: TeamSettings, etag?: string): Promise<Versioned<TeamSettings>> {
    const current = this.stored.get(teamId);
    if (!etag && current) throw new AlreadyExistsError();
    if (etag && current?.etag !== etag) throw new ConcurrentEditError();
    const saved = { value: settings, etag: `v${++this.version}` };
    this.stored.set(teamId, saved);
    return saved;
  }

  /** What another instance writes: this one's cache does not hear of it. */
  async changeElsewhere(teamId: string, change: (settings: TeamSettings) => TeamSettings): Promise<void> {
    const current = this.stored.get(teamId)!;
    await this.saveSettings(teamId, change(current.value), current.etag);
  }

  async teamsWhereSuperuser(): Promise<SuperuserTeam[]> {
    return [];
  }

  async releveSchedules(): Promise<ScheduledTeam[]> {
    return [];
  }
}

const renamed = (listName: string) => (settings: TeamSettings) => ({ ...settings, listName });

describe('team settings: read once, then shown from the cache; rights always read', () => {
  it('reads a team’s settings once for many turns that show the list', async () => {
    const repo = new CountingTeamRepository();
    const teams = new TeamService(repo, 60_000);
    const first = await teams.settings(TEAM_A, nurse);
    const readsAfterCreation = repo.reads;
    for (let turn = 0; turn < 5; turn++) expect(await teams.settings(TEAM_A, physician)).toEqual(first);
    expect(repo.reads).toBe(readsAfterCreation);
  });

  it('reads the stored settings for every decision on rights, even with the cache fresh', async () => {
    const repo = new CountingTeamRepository();
    const teams = new TeamService(repo, 60_000);
    await teams.settings(TEAM_A, nurse);
    await repo.changeElsewhere(TEAM_A, (s) => grantSuperuser(s, nurse, physician, false));
    expect((await teams.settings(TEAM_A, nurse)).superusers).toEqual([nurse]);
    const reads = repo.reads;
    expect((await teams.currentSettings(TEAM_A, nurse)).superusers).toEqual([nurse, physician]);
    expect(repo.reads).toBe(reads + 1);
    // What was read for the decision is what the next turns show.
    expect((await teams.settings(TEAM_A, nurse)).superusers).toEqual([nurse, physician]);
  });

  it('shows its own change at once, without reading it back', async () => {
    const repo = new CountingTeamRepository();
    const teams = new TeamService(repo, 60_000);
    await teams.settings(TEAM_A, nurse);
    await teams.grant(TEAM_A, nurse, physician, false);
    const reads = repo.reads;
    expect((await teams.settings(TEAM_A, nurse)).superusers).toEqual([nurse, physician]);
    expect(repo.reads).toBe(reads);
  });

  it('shows another instance’s change once the cache time is over', async () => {
    const repo = new CountingTeamRepository();
    const teams = new TeamService(repo, 30);
    await teams.settings(TEAM_A, nurse);
    await repo.changeElsewhere(TEAM_A, renamed('Soins à domicile'));
    await sleep(60);
    expect((await teams.settings(TEAM_A, nurse)).listName).toBe('Soins à domicile');
  });

  it('reads every time when the cache is off (0)', async () => {
    const repo = new CountingTeamRepository();
    const teams = new TeamService(repo, 0);
    await teams.settings(TEAM_A, nurse);
    await repo.changeElsewhere(TEAM_A, renamed('Unité 3B'));
    const reads = repo.reads;
    expect((await teams.settings(TEAM_A, nurse)).listName).toBe('Unité 3B');
    expect(repo.reads).toBe(reads + 1);
  });
});
