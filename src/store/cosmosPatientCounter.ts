import type { Container, OperationInput } from '@azure/cosmos';
import { BulkOperationType } from '@azure/cosmos';
import type { ListCounts, ListFilter } from '../domain/ports';
import { queryTeam, readTyped } from './cosmosDocuments';
import { isNotFound, statusOf } from './cosmosErrors';

/** The team's numbers (`next`) and list counts (`active`, `inactive`, `flagged`), one document. */
const COUNTER_ID = 'patient-counter';

/** What each list filter adds to a query of the team's patients (the list's pages and its counts). */
export const LIST_FILTER_SQL: Record<ListFilter, string> = {
  active: " AND c.status = 'active'",
  inactive: " AND c.status = 'inactive'",
  flagged: ' AND IS_DEFINED(c.flag)',
  all: '',
};

interface CounterDocument extends ListCounts {
  next: number;
  /**
   * Set when the counts are known to be right: on a new team's counter, or once a COUNT has
   * set them on a team numbered before the counts were kept.
   */
  counted?: boolean;
}

export const NO_COUNTS: ListCounts = { active: 0, inactive: 0, flagged: 0 };

/** The counter's counts move with the change in the same batch (patch `incr`: no lost update). */
export function countsOperation(delta: ListCounts | undefined): OperationInput[] {
  const moves = delta ? (Object.keys(NO_COUNTS) as Array<keyof ListCounts>).filter((key) => delta[key] !== 0) : [];
  if (!delta || moves.length === 0) return [];
  return [
    {
      operationType: BulkOperationType.Patch,
      id: COUNTER_ID,
      resourceBody: { operations: moves.map((key) => ({ op: 'incr' as const, path: `/${key}`, value: delta[key] })) },
    },
  ];
}

/** Reserves `count` consecutive numbers of the team and returns the last one. */
export async function allocateNumbers(container: Container, teamId: string, count: number): Promise<number> {
  // Patch `incr` is atomic on the server: one request, no lost update, no retry storm.
  for (;;) {
    try {
      const { resource } = await container
        .item(COUNTER_ID, teamId)
        .patch<{ next: number }>([{ op: 'incr', path: '/next', value: count }]);
      if (!resource) throw new Error('Cosmos returned no counter');
      return resource.next;
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    try {
      await container.items.create({ id: COUNTER_ID, teamId, type: 'counter', next: 0, ...NO_COUNTS, counted: true });
    } catch (error) {
      if (statusOf(error) !== 409) throw error;
    }
  }
}

/**
 * The counts from the counter document. A team numbered before the counts were kept (or whose
 * counter a person edited) is counted once with COUNT queries, and the result is written back
 * only if the counter did not change meanwhile: a write in between leaves it for the next list.
 */
export async function listCounts(container: Container, teamId: string): Promise<ListCounts> {
  const counter = await readTyped<CounterDocument>(container, teamId, COUNTER_ID, 'counter');
  if (!counter) return NO_COUNTS;
  if (counter.value.counted) return { active: counter.value.active, inactive: counter.value.inactive, flagged: counter.value.flagged };
  const count = async (filter: ListFilter) =>
    (await queryTeam<number>(container, teamId, `SELECT VALUE COUNT(1) FROM c WHERE c.teamId = @teamId AND c.type = 'patient'${LIST_FILTER_SQL[filter]}`))[0] ?? 0;
  const counts = { active: await count('active'), inactive: await count('inactive'), flagged: await count('flagged') };
  await container
    .item(COUNTER_ID, teamId)
    .replace({ ...counter.value, ...counts, counted: true, id: COUNTER_ID, teamId, type: 'counter' }, { accessCondition: { type: 'IfMatch', condition: counter.etag } })
    .catch((error: unknown) => {
      if (statusOf(error) !== 412) throw error;
    });
  return counts;
}

export function addCounts(a: ListCounts, b: ListCounts): ListCounts {
  return { active: a.active + b.active, inactive: a.inactive + b.inactive, flagged: a.flagged + b.flagged };
}
