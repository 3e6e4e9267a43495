// The one catalogue of error codes: code → HTTP status and title (RFC 9457 problem details).
// Services throw ProblemError; the HTTP error plugin renders it. Per-sample failures are not
// problems: they are data in a 207 body (see types.ts SampleFailure).

export const PROBLEMS = {
  VALIDATION_FAILED: { status: 400, title: 'Request validation failed' },
  MALFORMED_JSON: { status: 400, title: 'Request body is not valid JSON' },
  MALFORMED_BODY_ENCODING: { status: 400, title: 'Request body does not decode as its Content-Encoding says' },
  PAYLOAD_HASH_MISMATCH: { status: 400, title: 'payloadHash does not match the payload' },
  UNAUTHORIZED: { status: 401, title: 'Authentication required' },
  HEALTH_SYNC_DISABLED: { status: 403, title: 'Health sync is disabled for this user' },
  NOT_FOUND: { status: 404, title: 'Not found' },
  METHOD_NOT_ALLOWED: { status: 405, title: 'Method not allowed' },
  REQUEST_TIMEOUT: { status: 408, title: 'The request body did not arrive in time' },
  REQUEST_BODY_INCOMPLETE: { status: 400, title: 'The request body was cut off before it was complete' },
  STILL_PROCESSING: { status: 409, title: 'The request is still being processed' },
  DATA_ERASED: { status: 409, title: "The user's data is being erased, or was erased after this upload was received" },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'Payload too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported media type' },
  IDEMPOTENCY_KEY_REUSED: { status: 422, title: 'requestId was already used with a different payload' },
  RATE_LIMITED: { status: 429, title: 'Too many requests' },
  REQUEST_HEADERS_TOO_LARGE: { status: 431, title: 'Request header fields too large' },
  INTERNAL: { status: 500, title: 'Internal server error' },
  DATABASE_UNAVAILABLE: { status: 503, title: 'Database unavailable' },
  QUEUE_UNAVAILABLE: { status: 503, title: 'Queue unavailable' },
  SERVER_BUSY: { status: 503, title: 'Too many uploads in progress' },
} as const;

export type ProblemCode = keyof typeof PROBLEMS;

export interface FieldError {
  path: string;
  message: string;
}

export class ProblemError extends Error {
  readonly status: number;
  constructor(
    readonly code: ProblemCode,
    readonly detail: string,
    /** extra members of the problem body (errors, retryAfterMs, …) */
    readonly extras: Record<string, unknown> = {},
    /** extra response headers (Retry-After, …) */
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.status = PROBLEMS[code].status;
  }
}

/**
 * A problem the client should retry after `seconds`: the Retry-After header and the body's
 * retryAfterMs, always together, so every 503 (and 409) says the same thing twice the same way.
 */
export function retryLater(code: ProblemCode, detail: string, seconds: number): ProblemError {
  return new ProblemError(code, detail, { retryAfterMs: seconds * 1000 }, { 'retry-after': String(seconds) });
}

export function problemBody(code: ProblemCode, detail: string, extras: Record<string, unknown> = {}) {
  const { status, title } = PROBLEMS[code];
  return {
    type: `https://health-ingest.dev/problems/${code.toLowerCase().replaceAll('_', '-')}`,
    title,
    status,
    detail,
    code,
    ...extras,
  };
}
