// JSON lines on stdout. Health values and tokens are never logged: callers log ids, counts and
// codes only, and the redaction below is a second line of defence for headers.
import pino from 'pino';

export type Logger = pino.Logger;

export function createLogger(level: string, name = 'health-ingest'): Logger {
  return pino({
    name,
    level,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: ['authorization', 'headers.authorization', '*.authorization', 'headers["x-api-key"]', 'token'],
      censor: '[redacted]',
    },
  });
}
