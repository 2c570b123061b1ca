import type { Container } from '@azure/cosmos';
import type { SuperuserTeam, TeamDirectory } from '../domain/ports';
import { queryTeam } from './cosmosDocuments';

/**
 * The one partition that is not a team's: small per-team index documents (a team with a channel,
 * its superusers, its import, the alerts' due index) and the jobs' leases. Cross-team work (the
 * sweep, the purge, the relève's schedule) reads it instead of scanning every team. Every registry
 * document is written here, the leases aside (src/store/cosmosLeases.ts, one conditional document each).
 */
export const REGISTRY = '__registry';

/** What makes a team known: a channel on record, superusers, or an import from the command line. */
export type TeamEntry = 'team' | 'teamAdmins' | 'teamImported';

/** Every team known anywhere: used in a channel, with settings, or only imported from the command line. */
export const EVERY_TEAM: readonly TeamEntry[] = ['team', 'teamAdmins', 'teamImported'];

export class CosmosTeamDirectory implements TeamDirectory {
  constructor(
    private readonly container: Container,
    private readonly entries: readonly TeamEntry[],
  ) {}

  async teams(): Promise<string[]> {
    const rows = await queryTeam<{ id: string; team?: string }>(
      this.container,
      REGISTRY,
      'SELECT c.id, c.team FROM c WHERE c.teamId = @teamId AND ARRAY_CONTAINS(@entries, c.type)',
      [{ name: '@entries', value: [...this.entries] }],
    );
    return [...new Set(rows.map((r) => r.team ?? r.id))];
  }
}

/** The team has a channel on record (where its alerts and relève go). */
export async function recordTeamChannel(container: Container, teamId: string): Promise<void> {
  await container.items.upsert({ id: teamId, teamId: REGISTRY, type: 'team' });
}

/** A team imported from the command line may not have used the bot yet: the purge must still visit it. */
export async function recordTeamImported(container: Container, teamId: string): Promise<void> {
  await container.items.upsert({ id: `imported:${teamId}`, teamId: REGISTRY, type: 'teamImported', team: teamId });
}

/** The team's superusers, so that "in which teams is this person superuser" is one query. */
export async function recordTeamSuperusers(container: Container, teamId: string, listName: string | undefined, superuserIds: string[]): Promise<void> {
  await container.items.upsert({ id: `admins:${teamId}`, teamId: REGISTRY, type: 'teamAdmins', team: teamId, listName, superuserIds });
}

export async function teamsWhereSuperuser(container: Container, actorId: string): Promise<SuperuserTeam[]> {
  const rows = await queryTeam<{ team: string; listName?: string }>(
    container,
    REGISTRY,
    "SELECT c.team, c.listName FROM c WHERE c.teamId = @teamId AND c.type = 'teamAdmins' AND ARRAY_CONTAINS(c.superuserIds, @actorId)",
    [{ name: '@actorId', value: actorId }],
  );
  return rows.map((r) => ({ teamId: r.team, ...(r.listName && { listName: r.listName }) }));
}

/** The alerts' due index: one entry per team whose alerts need the dispatcher at `dueAt`. */
export const DUE_TYPE = 'alertDue';

export function dueId(teamId: string): string {
  return `due|${teamId}`;
}

export function dueDocument(teamId: string, dueAt: Date) {
  return { id: dueId(teamId), teamId: REGISTRY, type: DUE_TYPE, team: teamId, dueAt: dueAt.toISOString() };
}

/**
 * Puts the team in the due index, written before the batch that writes an alert (a different
 * partition, so not in the batch): a crash between the two leaves an entry with nothing behind it,
 * which costs one visit, never an alert the sweep cannot find.
 */
export async function markAlertDue(container: Container, teamId: string, at: Date): Promise<void> {
  await container.items.upsert(dueDocument(teamId, at));
}

export function dueTeams(container: Container, now: Date): Promise<string[]> {
  return queryTeam<string>(container, REGISTRY, `SELECT VALUE c.team FROM c WHERE c.teamId = @teamId AND c.type = '${DUE_TYPE}' AND c.dueAt <= @now`, [
    { name: '@now', value: now.toISOString() },
  ]);
}
