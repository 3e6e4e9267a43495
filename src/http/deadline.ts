// A request must answer before Bun's 10 s idle cut and the client's own timeout: past its
// deadline it answers 503 + Retry-After instead of hanging (DESIGN "known traps"). The work may
// still commit afterwards; a re-send with the same requestId then gets the stored reply.
import { retryLater } from '../domain/problems.ts';
import { bounded } from '../bounded.ts';
import { DATABASE_RETRY_AFTER_SECONDS, REQUEST_DEADLINE_MS } from '../limits.ts';


export function withDeadline<T>(work: Promise<T>, ms = REQUEST_DEADLINE_MS): Promise<T> {
  return bounded(work, ms, () =>
    retryLater('DATABASE_UNAVAILABLE', 'the request could not be completed in time; retry (an upload with the same requestId)', DATABASE_RETRY_AFTER_SECONDS),
  );
}

/** JSON nested deeper than our recursive walks can follow is a client error, not a crash. */
export function isStackOverflow(error: unknown): boolean {
  return error instanceof RangeError && /call stack/i.test(error.message);
}
