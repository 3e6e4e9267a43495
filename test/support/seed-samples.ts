// Many stored samples of one user at once, written by the server (generate_series), for tests and
// benches that need volume (exports, erasures), not the write path: heart rate every minute from
// 2026-01-01, with metadata, as the write path would have stored them.
import type { Sql } from '../../src/db/client.ts';

const SEED_PART = 200_000;

export async function seedSamples(sql: Sql, userId: string, count: number, options: { prefix?: string; deleted?: boolean } = {}): Promise<void> {
  for (let offset = 0; offset < count; offset += SEED_PART) {
    await sql.unsafe(
      `INSERT INTO health_samples
         (user_id, source_id, source_record_id, start_at, end_at, metric_code, value_kind, value, unit,
          timezone_offset_minutes, timezone_source, local_date, metadata, received_at, changed_seq, deleted_at)
       SELECT $1::uuid, 'com.apple.health.watch', $2 || i, timestamptz '2026-01-01' + make_interval(mins => i),
              timestamptz '2026-01-01' + make_interval(mins => i), 'heart_rate', 'SCALAR_NUM', 50 + i % 90, 'bpm', 60, 'sample',
              (timestamptz '2026-01-01' + make_interval(mins => i + 60))::date,
              '{"deviceModel": "Watch7,1", "osVersion": "17.4"}'::jsonb, now(), 1,
              CASE WHEN $5::boolean THEN now() END
       FROM generate_series($3::integer, $4::integer) AS i`,
      [userId, options.prefix ?? 'seed-', offset + 1, Math.min(count, offset + SEED_PART), options.deleted ?? false],
    );
  }
}
