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
  '*.name',
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

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'contact-telesante' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: { err: pino.stdSerializers.err },
    },
    destination,
  );
}
