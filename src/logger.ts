import path from 'node:path';
import pino, { type Logger } from 'pino';

/**
 * JSON logs. Patient data must never reach them: handlers log events and ids, and these paths
 * are redacted in case an object carrying people's data is logged by mistake.
 */
export const REDACTED_PATHS = [
  'text',
  'name',
  'note',
  '*.text',
  '*.note',
  '*.value',
  '*.reason',
  '*.room',
  '*.phone',
  '*.dateOfBirth',
  '*.fileNumber',
  '*.clinician',
  'activity',
  '*.activity',
  'req.body',
  'body',
];

/** Where this code runs from (src/ under the swc loader, dist/ when built): frames there are ours. */
const OWN_CODE = `${path.resolve(__dirname)}${path.sep}`;

/** An error's first stack frame is in our own code, not in a dependency or in Node. */
function thrownByUs(frames: string[]): boolean {
  const first = frames[0] ?? '';
  return first.includes(OWN_CODE) && !first.includes(`${path.sep}node_modules${path.sep}`);
}

function primitive(value: unknown): string | number | undefined {
  return typeof value === 'string' || typeof value === 'number' ? value : undefined;
}

/**
 * Errors thrown by a dependency (the Bot Connector, Cosmos, a parser) may repeat what they were
 * sent, a card with a name or a note: their message, body and details are left out. What says what
 * failed stays: the kind, the code and status, our own messages, and the stack frames.
 */
export function serializeError(error: unknown, depth = 0): Record<string, unknown> {
  if (!(error instanceof Error)) return { type: typeof error, message: CENSOR };
  const details = error as Error & { code?: unknown; statusCode?: unknown; status?: unknown };
  const frames = (error.stack ?? '').split('\n').filter((line) => line.trimStart().startsWith('at '));
  return {
    type: error.constructor?.name ?? 'Error',
    name: error.name,
    message: thrownByUs(frames) ? error.message : CENSOR,
    stack: frames.join('\n'),
    code: primitive(details.code),
    statusCode: primitive(details.statusCode ?? details.status),
    ...(error.cause !== undefined && depth < 3 && { cause: serializeError(error.cause, depth + 1) }),
  };
}

const CENSOR = '[redacted]';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

/**
 * `name` one level down (a patient's, an actor's) is a person's name, except on the error, where it
 * says what kind of error it was: pino's `*.name` redaction would hide that too.
 */
function withoutNames(entry: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(entry)) {
    out[key] = key !== 'err' && isPlainObject(value) && 'name' in value ? { ...value, name: CENSOR } : value;
  }
  return out;
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'contact-telesante' },
      redact: { paths: REDACTED_PATHS, censor: CENSOR },
      serializers: { err: serializeError },
      formatters: { log: withoutNames },
    },
    destination,
  );
}
