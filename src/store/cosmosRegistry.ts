import type { Container } from '@azure/cosmos';
import type { ScheduledTeam, SuperuserTeam, TeamDirectory } from '../domain/ports';
import type { TeamSettings } from '../domain/team';
import { queryTeam, readTyped } from './cosmosDocuments';
import { isNotFound } from './cosmosErrors';

/**
 * The one partition that is not a team's: small per-team index documents (a team with a channel,
 * its superusers, its import, the alerts' due index), the alert dispatchers' heartbeats and the
 * jobs' leases. Cross-team work (the sweep, the purge, the relève's schedule) reads it instead of
 * scanning every team. Every registry document is written here, the leases aside
 * (src/store/cosmosLeases.ts, one conditional document each).
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

/**
 * What the registry keeps of a team's settings: its superusers, so that "in which teams is this
 * person superuser" is one query, and its relève schedule, so that the scheduler finds the
 * scheduled teams with one query every minute instead of reading every team's settings.
 */
export async function recordTeamSettingsIndex(container: Container, teamId: string, settings: Pick<TeamSettings, 'listName' | 'superusers' | 'shifts'>): Promise<void> {
  await container.items.upsert({
    id: `admins:${teamId}`,
    teamId: REGISTRY,
    type: 'teamAdmins',
    team: teamId,
    listName: settings.listName,
    superuserIds: settings.superusers.map((s) => s.id),
    ...(settings.shifts?.times.length && { shifts: settings.shifts }),
  });
}

export function releveSchedules(container: Container): Promise<ScheduledTeam[]> {
  return queryTeam<ScheduledTeam>(
    container,
    REGISTRY,
    "SELECT c.team AS teamId, c.shifts FROM c WHERE c.teamId = @teamId AND c.type = 'teamAdmins' AND IS_DEFINED(c.shifts)",
  );
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

/**
 * Runs a one-time data migration unless the registry records it done, and records it once it ran
 * whole: later starts cost one point read. A migration that throws, or finds nothing to migrate
 * (returns false: an empty store stays empty), is not recorded and runs again at the next start,
 * so each must be safe to run twice.
 */
export async function runOnce(container: Container, name: string, migrate: () => Promise<boolean>): Promise<'ran' | 'done before'> {
  const id = `migration|${name}`;
  if (await readTyped(container, REGISTRY, id, 'migration')) return 'done before';
  if (await migrate()) await container.items.upsert({ id, teamId: REGISTRY, type: 'migration', at: new Date().toISOString() });
  return 'ran';
}

/** A dispatcher instance's heartbeat: it is live until `until` (ms since epoch), for the tenants' shares. */
const INSTANCE_TYPE = 'alertInstance';
/** A heartbeat expired this long ago (an instance that was killed) is deleted by whoever counts it. */
const STALE_INSTANCE_MS = 3_600_000;

function instanceId(instance: string): string {
  return `instance|${instance}`;
}

/** Renews the instance's heartbeat, then counts the instances live at `now`, this one included. */
export async function recordInstance(container: Container, instance: string, until: number, now: number): Promise<number> {
  await container.items.upsert({ id: instanceId(instance), teamId: REGISTRY, type: INSTANCE_TYPE, until });
  const rows = await queryTeam<{ id: string; until: number }>(container, REGISTRY, `SELECT c.id, c.until FROM c WHERE c.teamId = @teamId AND c.type = '${INSTANCE_TYPE}'`, []);
  for (const stale of rows.filter((r) => r.until < now - STALE_INSTANCE_MS)) await container.item(stale.id, REGISTRY).delete().catch(() => undefined);
  return rows.filter((r) => r.until > now).length;
}

/** The instance stopped: its heartbeat is removed, so the others take its share at their next heartbeat. */
export async function removeInstance(container: Container, instance: string): Promise<void> {
  await container
    .item(instanceId(instance), REGISTRY)
    .delete()
    .catch((error: unknown) => {
      if (!isNotFound(error)) throw error;
    });
}
