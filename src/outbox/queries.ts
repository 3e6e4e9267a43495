// Typed wrappers over sql/queries/outbox/*.sql.
import { run, type Queryable } from '../db/client.ts';
import { statement } from '../db/sql-files.ts';
import type { OutboxEvent } from '../domain/outbox-event.ts';

const CLAIM_EVENTS = statement('outbox/claim_events');
const MARK_PROCESSED = statement('outbox/mark_processed');
const FAIL_EVENTS = statement('outbox/fail_events');
const LIST_DEAD_EVENTS = statement('outbox/list_dead_events');
const REPLAY_DEAD_EVENTS = statement('outbox/replay_dead_events');
const COUNT_DEAD_EVENTS = statement('outbox/count_dead_events');

/** The channel notify_outbox (after a write's commit), finish_import, record_user_erased and replay_dead_events (at commit) notify. */
export const OUTBOX_CHANNEL = 'health_outbox';

export interface EventRow {
  id: string;
  user_id: string;
  event_type: string;
  seq: string;
  payload: unknown;
  attempts: number;
}

export const toEvent = (row: EventRow): OutboxEvent => ({
  id: Number(row.id),
  userId: row.user_id,
  type: row.event_type,
  seq: Number(row.seq),
  payload: row.payload,
  attempts: row.attempts,
});

/**
 * Claims up to `limit` of the oldest due events, and up to `perUserLimit` later due ones of each
 * of their users, with a lease of `leaseMs` (see claim_events.sql).
 */
export async function claimEvents(db: Queryable, limit: number, leaseMs: number, perUserLimit: number): Promise<OutboxEvent[]> {
  return (await run<EventRow>(db, CLAIM_EVENTS, [limit, leaseMs, perUserLimit])).map(toEvent);
}

export async function markProcessed(db: Queryable, ids: readonly number[]): Promise<void> {
  await run(db, MARK_PROCESSED, [ids]);
}

export interface FailedAttempt {
  id: number;
  /** the attempts value of the claim that failed */
  attempts: number;
  dead: boolean;
  retryAfterMs: number;
  error: string;
}

export async function failEvents(db: Queryable, failures: readonly FailedAttempt[]): Promise<void> {
  await run(db, FAIL_EVENTS, [
    failures.map((f) => f.id),
    failures.map((f) => f.attempts),
    failures.map((f) => (f.dead ? 'dead' : 'pending')),
    failures.map((f) => Math.round(f.retryAfterMs)),
    failures.map((f) => f.error),
  ]);
}

export interface DeadEvent {
  id: number;
  userId: string;
  eventType: string;
  seq: number;
  payload: unknown;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  lastAttemptDueAt: string;
}

export async function listDeadEvents(db: Queryable, afterId: number, limit: number): Promise<DeadEvent[]> {
  const rows = await run<EventRow & { last_error: string | null; created_at: Date; available_at: Date }>(
    db,
    LIST_DEAD_EVENTS,
    [afterId, limit],
  );
  return rows.map((row) => ({
    id: Number(row.id),
    userId: row.user_id,
    eventType: row.event_type,
    seq: Number(row.seq),
    payload: row.payload,
    attempts: row.attempts,
    lastError: row.last_error,
    createdAt: row.created_at.toISOString(),
    lastAttemptDueAt: row.available_at.toISOString(),
  }));
}

/** Back to pending with fresh attempts: the given dead letters, or all of them (null). */
export async function replayDeadEvents(db: Queryable, ids: readonly number[] | null): Promise<number> {
  const [row] = await run<{ replayed: number }>(db, REPLAY_DEAD_EVENTS, [ids]);
  return row?.replayed ?? 0;
}

/** Dead letters waiting for a replay. */
export async function countDeadEvents(db: Queryable): Promise<number> {
  const [row] = await run<{ dead: number }>(db, COUNT_DEAD_EVENTS);
  return row?.dead ?? 0;
}
