// PostgreSQL failures that mean "try again later" rather than "this request is wrong":
// the one place SQLSTATEs and connection errors are mapped for the HTTP and queue layers.

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
