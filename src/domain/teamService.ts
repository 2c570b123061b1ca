import { conditionalWrite, type ConflictPolicy } from './conditionalWrite';
import { AlreadyExistsError, ConcurrentEditError, DomainError } from './errors';
import type { Actor } from './patient';
import type { TeamRepository, Versioned } from './ports';
import { defaultSettings, grantSuperuser, revokeSuperuser, type SettingsInput, type TeamSettings, updateSettings, withShiftTimes } from './team';

const WRITE_CONFLICTS: ConflictPolicy = { attempts: 5 };

/**
 * How long this instance shows a team's list (names, fields, labels) from the settings it last
 * read: a change made on another instance shows there within this time; on this one at once.
 * Who may do what is never taken from here (`currentSettings`).
 */
export const SETTINGS_CACHE_MS = 30_000;

/** Who manages a team's list and how the list works. */
export class TeamService {
  /** Teams whose settings this instance has seen (settings are never deleted). */
  private readonly known = new Set<string>();
  private readonly cached = new Map<string, { settings: TeamSettings; until: number }>();

  constructor(
    private readonly repo: TeamRepository,
    /** Real time, not a turn's clock: a cache entry ages whatever time a test pretends it is. */
    private readonly cacheMs = SETTINGS_CACHE_MS,
  ) {}

  /** Whether the team's settings exist for sure, so that a turn that does not use them can skip reading them. */
  hasSettings(teamId: string): boolean {
    return this.known.has(teamId);
  }

  /**
   * The team's settings for showing the list, at most `cacheMs` old (no read at all on most
   * turns); the first person to use the bot in a team becomes its first superuser.
   */
  async settings(teamId: string, actor: Actor): Promise<TeamSettings> {
    const entry = this.cached.get(teamId);
    if (entry && entry.until > performance.now()) return entry.settings;
    return this.currentSettings(teamId, actor);
  }

  /** The team's settings read now: for deciding who may do what (a revoked superuser waits out no cache). */
  async currentSettings(teamId: string, actor: Actor): Promise<TeamSettings> {
    const found = await this.repo.getSettings(teamId);
    if (found) {
      this.known.add(teamId);
      return this.remember(teamId, await this.withName(teamId, found, actor));
    }
    try {
      return this.remember(teamId, (await this.repo.saveSettings(teamId, defaultSettings(actor))).value);
    } catch (error) {
      if (!(error instanceof AlreadyExistsError)) throw error;
      const winner = await this.repo.getSettings(teamId);
      if (!winner) throw error;
      return this.remember(teamId, winner.value);
    }
  }

  private remember(teamId: string, settings: TeamSettings): TeamSettings {
    if (this.cacheMs > 0) this.cached.set(teamId, { settings, until: performance.now() + this.cacheMs });
    return settings;
  }

  /**
   * A superuser saved without a display name (the install event carries none) gets the name of
   * their first message; another writer winning meanwhile just leaves it for the next message.
   */
  private async withName(teamId: string, found: Versioned<TeamSettings>, actor: Actor): Promise<TeamSettings> {
    const unnamed = found.value.superusers.some((s) => s.id === actor.id && !s.name);
    if (!unnamed || !actor.name) return found.value;
    const superusers = found.value.superusers.map((s) => (s.id === actor.id ? { ...s, name: actor.name } : s));
    try {
      return (await this.repo.saveSettings(teamId, { ...found.value, superusers }, found.etag)).value;
    } catch (error) {
      if (!(error instanceof ConcurrentEditError)) throw error;
      return found.value;
    }
  }

  grant(teamId: string, by: Actor, target: Actor, targetIsGuest: boolean): Promise<TeamSettings> {
    return this.change(teamId, by, (s) => grantSuperuser(s, by, target, targetIsGuest));
  }

  revoke(teamId: string, by: Actor, targetId: string): Promise<TeamSettings> {
    return this.change(teamId, by, (s) => revokeSuperuser(s, by, targetId));
  }

  update(teamId: string, by: Actor, input: SettingsInput): Promise<TeamSettings> {
    return this.change(teamId, by, (s) => updateSettings(s, by, input));
  }

  /** The relève's shift changes (empty: none). */
  setShiftTimes(teamId: string, by: Actor, times: string[], now: Date): Promise<TeamSettings> {
    return this.change(teamId, by, (s) => withShiftTimes(s, by, times, now));
  }

  teamsWhereSuperuser(actorId: string) {
    return this.repo.teamsWhereSuperuser(actorId);
  }

  /** The settings of a team the person administers, for work done outside the team (personal chat). */
  async superuserSettings(teamId: string, actor: Actor): Promise<TeamSettings> {
    const found = await this.repo.getSettings(teamId);
    if (!found || !found.value.superusers.some((s) => s.id === actor.id)) throw new DomainError('superuserOnly');
    return found.value;
  }

  /** Creates the settings first if need be (the first user becomes superuser), then applies `apply` conditionally. */
  private change(teamId: string, by: Actor, apply: (settings: TeamSettings) => TeamSettings): Promise<TeamSettings> {
    return conditionalWrite(
      WRITE_CONFLICTS,
      async () => {
        await this.settings(teamId, by);
        return (await this.repo.getSettings(teamId)) as Versioned<TeamSettings>;
      },
      async (current) => this.remember(teamId, (await this.repo.saveSettings(teamId, apply(current.value), current.etag)).value),
    );
  }
}
