import { createHash } from 'node:crypto';
import type { Container, ItemDefinition } from '@azure/cosmos';
import { BulkOperationType } from '@azure/cosmos';
import { AlreadyExistsError, ConcurrentEditError } from '../domain/errors';
import type { HistoryRecord } from '../domain/history';
import type { Versioned } from '../domain/ports';
import type { ReleveAcknowledgement, RelevePatient, ReleveWindow } from '../domain/releve';
import { POST_CLAIM_MS, type RelevePost } from '../domain/releveSchedule';
import type { ReleveRepository } from '../domain/releveService';
import { asJson, queryTeam, readTyped, runBatch, strip, writeTyped } from './cosmosDocuments';

/** Ids per query of the rows' patients: far under Cosmos' limits on a parameter's size. */
const IDS_PER_QUERY = 1000;

function windowKey(window: ReleveWindow): string {
  return createHash('sha256').update(`${window.from}/${window.to}`).digest('hex').slice(0, 24);
}

/**
 * The relève's reads and writes in one team's partition: every query names the team in SQL (the
 * local server ignores the partition option).
 */
export class CosmosReleveRepository implements ReleveRepository {
  constructor(private readonly container: Container) {}

  async historyIn(teamId: string, window: ReleveWindow): Promise<HistoryRecord[]> {
    const rows = await queryTeam<ItemDefinition>(
      this.container,
      teamId,
      "SELECT * FROM c WHERE c.teamId = @teamId AND c.type = 'history' AND c.at >= @from AND c.at <= @to ORDER BY c.at DESC",
      [
        { name: '@from', value: window.from },
        { name: '@to', value: window.to },
      ],
    );
    return rows.map((row) => strip<HistoryRecord>(row));
  }

  async patients(teamId: string, ids: string[]): Promise<RelevePatient[]> {
    const found: RelevePatient[] = [];
    for (let start = 0; start < ids.length; start += IDS_PER_QUERY) {
      found.push(
        ...(await queryTeam<RelevePatient>(
          this.container,
          teamId,
          "SELECT c.id, c.number, c.name, c.room, c.status, c.inactive, c.flag FROM c WHERE c.teamId = @teamId AND c.type = 'patient' AND ARRAY_CONTAINS(@ids, c.id)",
          [{ name: '@ids', value: ids.slice(start, start + IDS_PER_QUERY) }],
        )),
      );
    }
    return found;
  }

  async unacknowledgedAlerts(teamId: string): Promise<Set<string>> {
    const ids = await queryTeam<string>(
      this.container,
      teamId,
      "SELECT VALUE c.patientId FROM c WHERE c.teamId = @teamId AND c.type = 'alert' AND c.urgent = true AND NOT IS_DEFINED(c.acknowledged) AND c.state != 'undeliverable'",
      [],
    );
    return new Set(ids);
  }

  async nextStart(teamId: string, actorId: string): Promise<string | undefined> {
    return (await readTyped<{ at: string }>(this.container, teamId, `releve-start:${actorId}`, 'releveStart'))?.value.at;
  }

  /** Both in one transactional batch: the card never says someone took a relève their next one ignores. */
  async acknowledge(teamId: string, acknowledgement: ReleveAcknowledgement, nextStart: string): Promise<void> {
    const actorId = acknowledgement.by.id;
    const key = windowKey(acknowledgement.window);
    await runBatch(this.container, teamId, [
      {
        operationType: BulkOperationType.Upsert,
        resourceBody: asJson({ id: `releve-start:${actorId}`, teamId, type: 'releveStart', at: nextStart }),
      },
      {
        operationType: BulkOperationType.Upsert,
        resourceBody: asJson({ id: `releve-ack:${key}:${actorId}`, teamId, type: 'releveAck', windowKey: key, ...acknowledgement }),
      },
    ]);
  }

  async acknowledgements(teamId: string, window: ReleveWindow): Promise<ReleveAcknowledgement[]> {
    // `by` is an SQL keyword: the whole (small) document, then only what the card needs.
    const rows = await queryTeam<ReleveAcknowledgement>(
      this.container,
      teamId,
      "SELECT * FROM c WHERE c.teamId = @teamId AND c.type = 'releveAck' AND c.windowKey = @key",
      [{ name: '@key', value: windowKey(window) }],
    );
    return rows.map(({ by, at, window: acknowledged }) => ({ by, at, window: acknowledged })).sort((a, b) => a.at.localeCompare(b.at));
  }

  async claimPost(teamId: string, shiftAt: string, holder: string, now: Date): Promise<Versioned<RelevePost> | null> {
    const id = `releve-post:${shiftAt}`;
    const claim = { id, shiftAt, state: 'claimed' as const, holder, until: new Date(now.getTime() + POST_CLAIM_MS).toISOString() };
    const current = await readTyped<RelevePost & { id: string }>(this.container, teamId, id, 'relevePost');
    if (current && (current.value.state === 'posted' || Date.parse(current.value.until) > now.getTime())) return null;
    try {
      return await writeTyped<RelevePost>(this.container, teamId, claim, 'relevePost', current?.etag);
    } catch (error) {
      // Another instance created or took it between our read and our write.
      if (error instanceof AlreadyExistsError || error instanceof ConcurrentEditError) return null;
      throw error;
    }
  }

  async markPosted(teamId: string, post: Versioned<RelevePost>, activityId: string): Promise<void> {
    const posted: RelevePost & { id: string } = { ...post.value, id: `releve-post:${post.value.shiftAt}`, state: 'posted', activityId };
    await writeTyped(this.container, teamId, posted, 'relevePost', post.etag);
  }
}
