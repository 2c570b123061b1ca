import { AlreadyExistsError, ConcurrentEditError } from '../domain/errors';

function statusOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

export function isNotFound(error: unknown): boolean {
  return statusOf(error) === 404;
}

/** Turns Cosmos' HTTP answers into the errors the domain understands; anything else goes up as it is. */
export function translateWriteError(error: unknown): never {
  const status = statusOf(error);
  if (status === 412) throw new ConcurrentEditError();
  if (status === 409) throw new AlreadyExistsError();
  throw error;
}
