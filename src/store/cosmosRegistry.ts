import type { Container } from '@azure/cosmos';
import type { TeamDirectory } from '../domain/ports';

/**
 * The one partition that is not a team's: small per-team index documents (a team with a channel,
 * its superusers, its import, the alerts' due index) and the jobs' leases. Cross-team work (the
 * sweep, the purge, the relève's schedule) reads it instead of scanning every team.
 */
export const REGISTRY = '__registry';

/** What makes a team known: a channel on record, superusers, or an import from the command line. */
export type TeamEntry = 'team' | 'teamAdmins' | 'teamImported';

export class CosmosTeamDirectory implements TeamDirectory {
  constructor(
    private readonly container: Container,
    private readonly entries: readonly TeamEntry[],
  ) {}

  async teams(): Promise<string[]> {
    const { resources } = await this.container.items
      .query<{ id: string; team?: string }>(
        {
          query: 'SELECT c.id, c.team FROM c WHERE c.teamId = @registry AND ARRAY_CONTAINS(@entries, c.type)',
          parameters: [
            { name: '@registry', value: REGISTRY },
            { name: '@entries', value: [...this.entries] },
          ],
        },
        { partitionKey: REGISTRY },
      )
      .fetchAll();
    return [...new Set(resources.map((r) => r.team ?? r.id))];
  }
}
