// What the database holds for one user after an upload, for exactly-once assertions: rows by
// key, the idempotency records, and the outbox events (one per committed change).
import type { Sql } from '../../src/db/client.ts';

export interface StoredState {
  live: number;
  deleted: number;
  /** (source, record, metric, start) keys among all rows: equals live + deleted when none is doubled */
  keys: number;
  requests: { completed: number; other: number; queued: number; attempts: number };
  outboxEvents: number;
}

export async function storedState(sql: Sql, userId: string): Promise<StoredState> {
  const [samples] = (await sql.unsafe(
    `SELECT count(*) FILTER (WHERE deleted_at IS NULL)::int AS live,
            count(*) FILTER (WHERE deleted_at IS NOT NULL)::int AS deleted,
            count(DISTINCT (source_id, source_record_id, metric_code, start_at))::int AS keys
       FROM health_samples WHERE user_id = $1`,
    [userId],
  )) as unknown as [{ live: number; deleted: number; keys: number }];
  const [requests] = (await sql.unsafe(
    `SELECT count(*) FILTER (WHERE status = 'completed')::int AS completed,
            count(*) FILTER (WHERE status <> 'completed')::int AS other,
            count(*) FILTER (WHERE route = 'queued')::int AS queued,
            coalesce(sum(attempts), 0)::int AS attempts
       FROM health_ingest_requests WHERE user_id = $1`,
    [userId],
  )) as unknown as [StoredState['requests']];
  const [outbox] = (await sql.unsafe(`SELECT count(*)::int AS n FROM outbox_events WHERE user_id = $1`, [userId])) as unknown as [{ n: number }];
  return { ...samples, requests, outboxEvents: outbox.n };
}
