// Helpers for the built-in jobs' tests: seeding rows straight into the tables the jobs clean up
// (test-only SQL: the service's own statements live in sql/queries).
import type { Sql } from '../../src/db/client.ts';

export interface SeededRequest {
  userId: string;
  requestId: string;
  status: 'queued' | 'processing' | 'completed' | 'failed';
  attempts?: number;
  /** seconds ago of updated_at (and of heartbeat_at for 'processing') */
  ageSeconds: number;
  heartbeatAgeSeconds?: number | null;
}

export async function seedRequest(sql: Sql, request: SeededRequest): Promise<void> {
  const completed = request.status === 'completed';
  await sql.unsafe(
    `INSERT INTO health_ingest_requests
       (user_id, request_id, payload_hash, status, route, item_count, received_at, attempts, heartbeat_at,
        response_status, response_body, created_at, updated_at, completed_at)
     VALUES ($1, $2, repeat('a', 64), $3, 'queued', 500, now() - make_interval(secs => $4::integer), $5,
             CASE WHEN $6::integer IS NULL THEN NULL ELSE now() - make_interval(secs => $6::integer) END,
             CASE WHEN $7 THEN 200 END, CASE WHEN $7 THEN '{}'::json END,
             now() - make_interval(secs => $4::integer), now() - make_interval(secs => $4::integer),
             CASE WHEN $7 THEN now() - make_interval(secs => $4::integer) END)`,
    [
      request.userId,
      request.requestId,
      request.status,
      request.ageSeconds,
      request.attempts ?? 1,
      request.status === 'processing' ? (request.heartbeatAgeSeconds ?? request.ageSeconds) : null,
      completed,
    ],
  );
}

export async function requestStatus(sql: Sql, requestId: string): Promise<string | undefined> {
  const [row] = await sql.unsafe('SELECT status FROM health_ingest_requests WHERE request_id = $1', [requestId]);
  return row?.status as string | undefined;
}

/**
 * `count` samples of one user soft-deleted `deletedDaysAgo` days ago (null = live), in one
 * statement. Keys differ by source record id.
 */
export async function seedSamples(
  sql: Sql,
  options: { userId: string; count: number; deletedDaysAgo: number | null; prefix: string },
): Promise<void> {
  await sql.unsafe(
    `INSERT INTO health_samples
       (user_id, source_id, source_record_id, start_at, end_at, metric_code, value_kind, value, unit,
        timezone_offset_minutes, timezone_source, local_date, received_at, changed_seq, deleted_at)
     SELECT $1::uuid, 'seed', $2 || i, timestamptz '2026-01-01' + make_interval(secs => i), timestamptz '2026-01-01' + make_interval(secs => i),
            'heart_rate', 'SCALAR_NUM', 60, 'bpm', 0, 'default', date '2026-01-01', now(), 1,
            CASE WHEN $4::integer IS NULL THEN NULL
                 ELSE now() - make_interval(days => $4::integer) - make_interval(secs => i % 3600) END
     FROM generate_series(1, $3::integer) AS i`,
    [options.userId, options.prefix, options.count, options.deletedDaysAgo],
  );
}
