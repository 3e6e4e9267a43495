// The one place SQLSTATEs and connection errors are classified, for the HTTP and queue layers:
// "try again later" (unavailable), "this request is wrong" (refused input), and "retrying the
// same write cannot help" (deterministic).

const RETRYABLE_SQLSTATES = new Set([
  '57014', // statement_timeout / query_canceled
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '53300', // too_many_connections
  '53400', // configuration_limit_exceeded
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '25P03', // idle_in_transaction_session_timeout
]);

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
]);

/** A short reason when the error means the database is (temporarily) unavailable, else null. */
export function databaseUnavailable(error: unknown): string | null {
  if (typeof error !== 'object' || error === null) return null;
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string') return null;
  if (CONNECTION_CODES.has(code)) return code;
  if (RETRYABLE_SQLSTATES.has(code)) return `sqlstate ${code}`;
  if (code.startsWith('08')) return `sqlstate ${code}`; // connection_exception class
  return null;
}

/** The SQLSTATE of an error PostgreSQL raised (postgres.js PostgresError), else null. */
export function sqlState(error: unknown): string | null {
  if (typeof error !== 'object' || error === null || !('severity' in error)) return null;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : null;
}

/**
 * PostgreSQL refused a value the request carried (class 22 data exceptions: a date-time or number
 * it cannot hold, text it cannot store such as NUL, an invalid text representation; class 54: a
 * value too large for an index or a statement; a NOT NULL or CHECK constraint): the same request
 * fails the same way every time, so the client is told 400, never 500. Returns the SQLSTATE.
 */
export function refusedInput(error: unknown): string | null {
  const code = sqlState(error);
  if (code === null) return null;
  return code.startsWith('22') || code.startsWith('54') || code === '23502' || code === '23514' ? code : null;
}

// Classes whose errors the same statement over the same rows meets again: cardinality (21), data
// (22), integrity (23, but a unique violation can be a race), syntax or undefined objects (42),
// WITH CHECK OPTION (44), program limits (54), PL/pgSQL RAISE (P0).
const DETERMINISTIC_CLASSES = new Set(['21', '22', '23', '42', '44', '54', 'P0']);

/** An error retrying the same write cannot cure (the queue fails its job at once). */
export function deterministicFailure(error: unknown): boolean {
  const code = sqlState(error);
  if (code === null || code === '23505' || databaseUnavailable(error) !== null) return false;
  return DETERMINISTIC_CLASSES.has(code.slice(0, 2));
}
