// Chaos: the outbox processor (inside `src/worker.ts`) SIGKILLed while it holds claimed events
// mid-apply — the projection's checkpoint row is held by a test connection, so the apply
// transaction is stuck between claiming and marking. A new worker takes the events over when
// their lease runs out and applies them again; the daily summaries must equal a recompute from
// the stored samples, and the checkpoint must reach the user's watermark.
// (The deterministic in-process version, crash between apply and mark, is in
// test/integration/outbox/.)
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { batch, heartRate, upload } from '../support/batches.ts';
import type { ServiceChild } from '../support/processes.ts';
import { startStack, type Stack } from './lib/stack.ts';
import { until } from '../support/poll.ts';

let stack: Stack;
let api: ServiceChild;

beforeAll(async () => {
  stack = await startStack();
  api = await stack.start('src/api.ts');
});
afterAll(() => stack?.destroy());

const HOUR = 3_600_000;

test('outbox processor SIGKILLed mid-apply: another takes the events over, summaries converge', async () => {
  const userId = crypto.randomUUID();
  const token = await stack.token(userId);
  // hold the user's checkpoint row: applies for this user wait right after claiming
  const reserved = await stack.sql.reserve();
  await reserved`BEGIN`;
  await reserved`INSERT INTO projection_checkpoints (user_id, projection) VALUES (${userId}, 'daily_summaries')
                 ON CONFLICT (user_id, projection) DO UPDATE SET updated_at = now()`;
  let worker = await stack.start('src/worker.ts');

  // 6 inline uploads over 3 local dates, one of them rewriting earlier samples (an update)
  const day = (d: number, i: number) => new Date(Date.UTC(2026, 9, 10 + d) + i * HOUR).toISOString();
  const uploads = [
    Array.from({ length: 10 }, (_, i) => heartRate({ sourceRecordId: `a-${i}`, startAt: day(0, i), value: 60 + i })),
    Array.from({ length: 10 }, (_, i) => heartRate({ sourceRecordId: `b-${i}`, startAt: day(1, i), value: 70 + i })),
    Array.from({ length: 10 }, (_, i) => heartRate({ sourceRecordId: `c-${i}`, startAt: day(2, i), value: 80 + i })),
    Array.from({ length: 5 }, (_, i) => heartRate({ sourceRecordId: `a-${i}`, startAt: day(0, i), value: 100 + i })),
    Array.from({ length: 10 }, (_, i) => heartRate({ sourceRecordId: `d-${i}`, startAt: day(1, i + 12), value: 90 })),
    Array.from({ length: 3 }, (_, i) => heartRate({ sourceRecordId: `c-${i}`, startAt: day(2, i), value: 50 })),
  ];
  for (const samples of uploads) expect((await upload(api.baseUrl, token, batch(samples))).status).toBe(200);

  // the processor has claimed and is stuck on the lock: kill it there
  await until(
    async () => (await stack.sql`SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock'`)[0]!.n as number,
    (n) => n >= 1,
    20_000,
    'an apply waiting on the checkpoint lock',
  );
  await worker.kill('SIGKILL');
  await reserved`ROLLBACK`;
  reserved.release();
  worker = await stack.start('src/worker.ts');

  const seq = (await stack.sql`SELECT seq::int AS seq FROM user_health_watermarks WHERE user_id = ${userId}`)[0]!.seq as number;
  expect(seq).toBe(uploads.length);
  await until(
    async () => (await stack.sql`SELECT projected_seq::int AS s FROM projection_checkpoints WHERE user_id = ${userId}`)[0]?.s as number | undefined,
    (projected) => projected === seq,
    90_000,
    'the checkpoint reaching the watermark',
  );
  const summaries = await stack.sql`
    SELECT local_date::text AS date, sample_count::int AS count, value_sum AS sum, value_min AS min, value_max AS max
    FROM health_daily_summaries WHERE user_id = ${userId} AND metric_code = 'heart_rate' ORDER BY local_date`;
  const recomputed = await stack.sql`
    SELECT local_date::text AS date, count(*)::int AS count, sum(value) AS sum, min(value) AS min, max(value) AS max
    FROM health_samples WHERE user_id = ${userId} AND metric_code = 'heart_rate' AND deleted_at IS NULL
    GROUP BY local_date ORDER BY local_date`;
  expect(summaries.map((row) => ({ ...row }))).toEqual(recomputed.map((row) => ({ ...row })));
  expect(summaries).toHaveLength(3);
  const events = await stack.sql`SELECT status, count(*)::int AS n FROM outbox_events WHERE user_id = ${userId} GROUP BY status`;
  expect(events.map((row) => ({ ...row }))).toEqual([{ status: 'processed', n: uploads.length }]);
}, 180_000);
