// GET samples pages (CONTRACT §7) walk health_samples_live_by_metric_time, which orders by
// (metric, start) only: the rows that share a start (one instant from several sources, or one
// record id under several sources) are ordered by source and record id within the page read.
// Paging through such ties at every small page size must give each live row once, in key order.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { decodeSampleCursor } from '../../../src/domain/sample-cursor.ts';
import type { SampleQuery } from '../../../src/domain/sample-query.ts';
import { listSamples } from '../../../src/samples/list-samples.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';

let db: TestDatabase;
const userId = crypto.randomUUID();
const SOURCES = ['com.apple.health.phone', 'com.apple.health.watch', 'com.example.scale'];

beforeAll(async () => {
  db = await createTestDatabase({ poolSize: 2 });
  // 3 metrics × 12 starts 10 minutes apart × 3 sources × 2 record ids: ties of 6 rows at every
  // (metric, start), stored against key order (the index gives ties in storage order); every
  // fifth row deleted (not listed)
  await db.sql.unsafe(
    `INSERT INTO health_samples (user_id, source_id, source_record_id, start_at, end_at, metric_code, value_kind, value,
       unit, timezone_offset_minutes, timezone_source, local_date, received_at, changed_seq, deleted_at)
     SELECT $1::uuid, src, 'rec-' || r, timestamptz '2025-03-01' + make_interval(mins => 10 * t),
            timestamptz '2025-03-01' + make_interval(mins => 10 * t + 1), m, 'CUMULATIVE_NUM', t, 'count', 0, 'sample',
            date '2025-03-01', now(), 1,
            CASE WHEN (t + r + array_position($2::text[], src)) % 5 = 0 THEN now() END
     FROM unnest(array['steps', 'distance', 'active_energy']) m, generate_series(0, 11) t, unnest($2::text[]) src, generate_series(1, 2) r
     ORDER BY src DESC, r DESC`,
    [userId, SOURCES],
  );
});
afterAll(() => db.drop());

const keyOf = (item: { metricCode: string; startAt: string; sourceId: string; sourceRecordId: string }) =>
  [item.metricCode, item.startAt, item.sourceId, item.sourceRecordId].join(' ');

async function expectedKeys(metricCode: string | null, from: Date | null, to: Date | null): Promise<string[]> {
  const rows = await db.sql.unsafe(
    `SELECT metric_code, start_at, source_id, source_record_id FROM health_samples
     WHERE user_id = $1 AND deleted_at IS NULL AND ($2::text IS NULL OR metric_code = $2)
       AND start_at >= coalesce($3::timestamptz, '-infinity') AND start_at <= coalesce($4::timestamptz, 'infinity')
     ORDER BY metric_code, start_at, source_id, source_record_id`,
    [userId, metricCode, from, to],
  );
  return rows.map((r) => keyOf({ metricCode: r.metric_code, startAt: (r.start_at as Date).toISOString(), sourceId: r.source_id, sourceRecordId: r.source_record_id }));
}

async function pagedKeys(base: Omit<SampleQuery, 'after' | 'limit'>, limit: number): Promise<string[]> {
  const keys: string[] = [];
  let query: SampleQuery = { ...base, after: null, limit };
  for (let pages = 0; pages < 1000; pages++) {
    const page = await listSamples(db.sql, userId, query);
    expect(page.items.length).toBeLessThanOrEqual(limit);
    keys.push(...page.items.map(keyOf));
    if (page.nextCursor === null) return keys;
    query = { ...query, after: decodeSampleCursor(page.nextCursor) };
  }
  throw new Error('paging did not end');
}

const window = { from: new Date('2025-03-01T00:30:00Z'), to: new Date('2025-03-01T01:20:00Z') };

test.each([1, 2, 5, 6, 7, 50])('every metric, pages of %i: each live row once, in key order', async (limit) => {
  expect(await pagedKeys({ metricCode: null, from: null, to: null }, limit)).toEqual(await expectedKeys(null, null, null));
  expect(await pagedKeys({ metricCode: null, ...window }, limit)).toEqual(await expectedKeys(null, window.from, window.to));
});

test.each([1, 2, 5, 6, 7, 50])('one metric, pages of %i: each live row once, in key order', async (limit) => {
  expect(await pagedKeys({ metricCode: 'distance', from: null, to: null }, limit)).toEqual(await expectedKeys('distance', null, null));
  expect(await pagedKeys({ metricCode: 'distance', ...window }, limit)).toEqual(await expectedKeys('distance', window.from, window.to));
});
