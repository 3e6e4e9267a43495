// JSON lines on stdout. Health values and tokens are never logged: callers log ids, counts and
// codes only, and the redaction below is a second line of defence for headers.
//
// Errors are logged through safeErrorFields (the `err` serializer), never as they are: an error
// from PostgreSQL carries the row it refused in `detail` and `where`, postgres.js attaches the
// statement and its parameters, and messages quote the value they choke on ('invalid input syntax
// for type timestamp with time zone: "…"'). What is kept: the type, the code (SQLSTATE), the
// names of the table, column and constraint, the message with every quoted part and every
// date-time cut out, and the stack frames.
import pino from 'pino';

export type Logger = pino.Logger;

export function createLogger(level: string, name = 'health-ingest', destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    name,
    level,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: ['authorization', 'headers.authorization', '*.authorization', 'headers["x-api-key"]', 'token'],
      censor: '[redacted]',
    },
    serializers: { err: safeErrorFields },
  };
  return destination ? pino(options, destination) : pino(options);
}

const MAX_MESSAGE_CHARS = 500;
const QUOTED = /"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g;
// dates and date-times in the forms PostgreSQL and toISOString() write (with optional time,
// fraction and offset), and the extended years of toISOString() (+010000-…)
const DATE_TIME = /[+-]?\d{4,6}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?/gi;

/** An error's message with what could be a client's value cut out: quoted parts and date-times. */
export function safeErrorMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : typeof error === 'string' ? error : String(error);
  return text.replace(QUOTED, '"…"').replace(DATE_TIME, '<date-time>').slice(0, MAX_MESSAGE_CHARS);
}

interface ErrorFields {
  type: string;
  message: string;
  code?: string;
  table?: string;
  column?: string;
  constraint?: string;
  stack?: string;
  cause?: ErrorFields;
}

/** The loggable part of an error (see the header); anything else it carries is left out. */
export function safeErrorFields(error: unknown, depth = 0): ErrorFields {
  if (typeof error !== 'object' || error === null) return { type: typeof error, message: safeErrorMessage(error) };
  const e = error as Record<string, unknown> & { name?: unknown; stack?: unknown; cause?: unknown };
  const fields: ErrorFields = {
    type: typeof e.name === 'string' ? e.name : (e.constructor?.name ?? 'Error'),
    message: safeErrorMessage(error),
  };
  const text = (key: string) => (typeof e[key] === 'string' ? (e[key] as string).slice(0, 200) : undefined);
  const code = text('code');
  if (code !== undefined) fields.code = code;
  for (const [field, key] of [['table', 'table_name'], ['column', 'column_name'], ['constraint', 'constraint_name']] as const) {
    const value = text(key);
    if (value !== undefined) fields[field] = value;
  }
  // frames only: the stack's first line repeats the raw message
  if (typeof e.stack === 'string') {
    const frames = e.stack.split('\n').filter((line) => /^\s+at /.test(line));
    if (frames.length > 0) fields.stack = frames.slice(0, 15).join('\n');
  }
  if (e.cause !== undefined && depth < 3) fields.cause = safeErrorFields(e.cause, depth + 1);
  return fields;
}
