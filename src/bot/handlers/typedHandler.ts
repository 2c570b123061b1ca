import { isDomainError, sendRefusal } from '../replies';
import type { Turn } from '../turn';

/** What a typed message (or another non-card activity) starts: it answers with messages of its own. */
export type TypedHandler<A extends unknown[]> = (turn: Turn, ...args: A) => Promise<void>;

/**
 * Every typed command goes through here, as card taps go through `guarded`: a domain refusal
 * is answered as a text reply in the person's language; anything else goes on to the adapter.
 */
export function guardedTyped<A extends unknown[]>(handler: TypedHandler<A>): TypedHandler<A> {
  return async (turn, ...args) => {
    try {
      await handler(turn, ...args);
    } catch (error) {
      if (!isDomainError(error)) throw error;
      await sendRefusal(turn, error);
    }
  };
}
