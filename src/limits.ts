// The time budget of the service in one place, each limit with why it has its size. The limits
// nest, and test/unit/limits.test.ts holds them to it:
//
//   request path   statement (5 s) + connect (3 s) ≤ request deadline (8 s) < Bun's idle cut (10 s)
//                  minSeq wait (2 s) + statement (5 s) < request deadline
//   group write    COPY watchdog (10 s) < idle-in-transaction cut of the role (15 s)
//   shutdown       outbox drain (10 s) < outbox thread close (12 s) ≤ its shutdown step (12 s);
//                  worker close (10 s) ≤ a shutdown step (10 s)
//
// A body arrives before the deadline starts: its own bound (15 s) is longer than Bun's idle cut,
// which counts only time without bytes.
export { DAY, HOUR, MINUTE, SECOND } from './domain/time/durations.ts';
import { SECOND } from './domain/time/durations.ts';

/** Bun.serve closes a connection after this long without a byte sent, even mid-handler (its default idleTimeout, left as it is). */
export const BUN_IDLE_CUT_MS = 10 * SECOND;

/** An upload's (or read's) database work: past it the answer is 503 + Retry-After, before Bun's cut resets the connection. */
export const REQUEST_DEADLINE_MS = 8 * SECOND;

/** statement_timeout of the service's pools: a statement gives up well inside the request deadline. */
export const STATEMENT_TIMEOUT_MS = 5 * SECOND;

/** Connecting to PostgreSQL (postgres.js waits 30 s by default): a dead server costs a request less than its deadline. */
export const CONNECT_TIMEOUT_MS = 3 * SECOND;

/** idle_in_transaction_session_timeout of the service's pools: a transaction left open by a hung client is cut. */
export const IDLE_IN_TRANSACTION_TIMEOUT_MS = 15 * SECOND;

/** A client must have sent its whole body by then (a slow drip gets 408, not a held connection). */
export const BODY_READ_TIMEOUT_MS = 15 * SECOND;

/** The bound on a daily-summaries read waiting for minSeq (read-your-writes), inside the request deadline. */
export const MAX_MIN_SEQ_WAIT_MS = 2 * SECOND;

/**
 * A COPY that has not settled by then was rejected by the server and lost by postgres.js
 * (porsager/postgres #1173): the watchdog fails it so its transaction rolls back, before the
 * server's idle-in-transaction cut would kill the connection instead.
 */
export const COPY_WATCHDOG_MS = 10 * SECOND;

/** Each shutdown step (stop HTTP, cron, the worker, pools) gets this long before the next one runs. */
export const SHUTDOWN_STEP_MS = 10 * SECOND;

/** The queue worker's close: worker.close() hangs forever when Redis is unreachable (bullmq #4656). */
export const WORKER_CLOSE_MS = 10 * SECOND;

/** The outbox processor's close: lets the batches in flight finish. */
export const OUTBOX_DRAIN_MS = 10 * SECOND;

/** The outbox thread waits this long for its processor to drain before it is terminated. */
export const OUTBOX_THREAD_CLOSE_MS = 12 * SECOND;

/**
 * An export's cursor waits for its client between fetches (back-pressure), in an open read-only
 * transaction: a client that has taken nothing for this long loses the export (the server cuts
 * the session), so a stalled reader cannot hold a snapshot, and the vacuum horizon, for ever.
 */
export const EXPORT_CLIENT_STALL_MS = 2 * 60 * SECOND;

/** Each export fetch (one chunk of rows) is one Execute: far inside this, even on a loaded server. */
export const EXPORT_FETCH_TIMEOUT_MS = 30 * SECOND;

/** Retry-After of an upload refused because this process already holds MAX_INFLIGHT_UPLOADS (seconds). */
export const SERVER_BUSY_RETRY_AFTER_SECONDS = 1;

/** Retry-After when the database did not answer in time or is down (seconds). */
export const DATABASE_RETRY_AFTER_SECONDS = 2;

/** Retry-After when Redis (the queue) does not answer (seconds). */
export const QUEUE_RETRY_AFTER_SECONDS = 5;

/** The outbox thread's shutdown step: as long as the thread's own close, so the drain is not cut short. */
export const OUTBOX_SHUTDOWN_STEP_MS = OUTBOX_THREAD_CLOSE_MS;

/** One webhook attempt — connect, send, response — has this long (CONTRACT §11). */
export const WEBHOOK_SEND_TIMEOUT_MS = 15 * SECOND;

/** A delivery worker's claim keeps a lane this long: the attempt and its bookkeeping end well inside it. */
export const WEBHOOK_LEASE_MS = 2 * WEBHOOK_SEND_TIMEOUT_MS;

/** The delivery worker's close: lets the attempts in flight finish (one cut off is sent again after the lease). */
export const WEBHOOK_DRAIN_MS = 10 * SECOND;

/** The delivery thread waits this long for its worker to drain before it is terminated. */
export const WEBHOOK_THREAD_CLOSE_MS = 12 * SECOND;

/** The delivery thread's shutdown step: as long as the thread's own close. */
export const WEBHOOK_SHUTDOWN_STEP_MS = WEBHOOK_THREAD_CLOSE_MS;

/** An uploaded import is stored in rows of this many bytes (import_chunks): bounds what one request holds. */
export const IMPORT_CHUNK_BYTES = 1024 * 1024;

/** An import upload that sends no byte for this long is cut (408): a 1 GiB upload cannot have one overall bound. */
export const IMPORT_BODY_IDLE_MS = 30 * SECOND;

/** A group of an import is cut when this long has passed since the last one (progress ≥ every 2 s, CONTRACT §9). */
export const IMPORT_PROGRESS_MS = 1 * SECOND;

/**
 * Samples per group of an import: one COPY → staging → upsert transaction. Measured on a 400k-record
 * export (shared machine): 5,000 per group peaked the worker at 367 MiB, 2,000 at 238 MiB, 1,000 at
 * 205 MiB, with no throughput lost at 2,000 (the transaction overhead is small beside the rows).
 */
export const IMPORT_GROUP_SAMPLES = 2000;

/** One fetch of the identity provider's key set (JWT_JWKS_URL): a token check waits no longer (jose's default: 5 s). */
export const JWKS_FETCH_TIMEOUT_MS = 2 * SECOND;

/** After a failed key-set fetch, keys fetched before are used without trying again for this long. */
export const JWKS_RETRY_AFTER_FAILURE_MS = 5 * SECOND;
