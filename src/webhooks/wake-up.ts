// Waking the delivery workers after the outbox commits deliveries (webhook-sink.ts), the way the
// outbox processors are woken after a write commits (outbox/wake-up.ts, which says why not inside
// the transaction): one NOTIFY of its own, coalesced per pool, sent after the commits it covers.
// A wake-up that fails only delays the deliveries to the workers' next poll.
import { statement } from '../db/sql-files.ts';
import { afterCommitWakeUp } from '../outbox/wake-up.ts';

/** Wakes the delivery workers for deliveries `db` just committed (coalesced per pool). */
export const wakeWorkersAfterCommit = afterCommitWakeUp(statement('webhooks/wake_workers'));
