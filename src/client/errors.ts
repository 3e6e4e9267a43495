// Every failure the SDK reports is a HealthIngestError. From the service it carries the problem
// body (RFC 9457, CONTRACT §3): status, the stable `code`, detail, the X-Request-Id of the
// answer, `errors` of VALIDATION_FAILED and the wait hint. Failures without an answer (the
// network, a queued batch that never finished) have status 0 and a code of the SDK's own:
//   NETWORK_ERROR      no answer after every retry (connection refused or reset, timeout)
//   POLL_TIMEOUT       a queued batch, import or erasure did not finish within pollTimeoutMs
//   BATCH_FAILED       the service failed a batch on every re-send (§4.4 'failed')
//   PAYLOAD_TOO_LARGE  a delete ref alone is over the body cap
//   UNEXPECTED_RESPONSE an answer that is not what the contract says
// A caller's AbortSignal is not wrapped: its reason is thrown as it is.
import type { UploadResult } from './upload-result.ts';

export interface FieldError {
  /** JSON pointer; for an upload, into the caller's arrays (/samples/1234/startAt) */
  path: string;
  message: string;
}

export interface HealthIngestErrorInit {
  status: number;
  code: string;
  detail: string;
  title?: string;
  requestId?: string | null;
  errors?: FieldError[];
  retryAfterMs?: number;
  body?: unknown;
  cause?: unknown;
}

export class HealthIngestError extends Error {
  override readonly name = 'HealthIngestError';
  /** HTTP status of the answer, 0 when there was none */
  readonly status: number;
  /** the problem's stable code (CONTRACT §3) or one of the SDK's own (above) */
  readonly code: string;
  readonly detail: string;
  readonly title: string | undefined;
  /** X-Request-Id of the answer: quote it when asking the operators */
  readonly requestId: string | null;
  /** VALIDATION_FAILED: which fields, where */
  readonly errors: FieldError[] | undefined;
  /** how long the service asked to wait (429, 503, 409) */
  readonly retryAfterMs: number | undefined;
  /** the problem body as answered */
  readonly body: unknown;
  /** upload(): what the batches finished before the failure stored (a re-run replays them) */
  partial: UploadResult | undefined;

  constructor(init: HealthIngestErrorInit) {
    super(`${init.code}: ${init.detail}`, init.cause === undefined ? undefined : { cause: init.cause });
    this.status = init.status;
    this.code = init.code;
    this.detail = init.detail;
    this.title = init.title;
    this.requestId = init.requestId ?? null;
    this.errors = init.errors;
    this.retryAfterMs = init.retryAfterMs;
    this.body = init.body;
    this.partial = undefined;
  }
}

/** The error an answer stands for (any non-success status), from its problem body when it has one. */
export function errorFromAnswer(answer: { status: number; headers: { get(name: string): string | null }; body: unknown }, retryAfterMs?: number): HealthIngestError {
  const problem = (typeof answer.body === 'object' && answer.body !== null ? answer.body : {}) as Record<string, unknown>;
  const text = (key: string) => (typeof problem[key] === 'string' ? (problem[key] as string) : undefined);
  return new HealthIngestError({
    status: answer.status,
    code: text('code') ?? `HTTP_${answer.status}`,
    detail: text('detail') ?? text('title') ?? `the service answered ${answer.status}`,
    title: text('title'),
    requestId: answer.headers.get('x-request-id'),
    errors: Array.isArray(problem.errors) ? (problem.errors as FieldError[]) : undefined,
    retryAfterMs,
    body: answer.body,
  });
}

export function isAbort(error: unknown, signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true && (error === signal.reason || (error as { name?: string } | null)?.name === 'AbortError');
}

/** The reason to throw for an aborted signal (engines without AbortSignal.reason get an AbortError). */
export function abortReason(signal: AbortSignal): unknown {
  if (signal.reason !== undefined) return signal.reason;
  const error = new Error('the operation was aborted');
  error.name = 'AbortError';
  return error;
}
