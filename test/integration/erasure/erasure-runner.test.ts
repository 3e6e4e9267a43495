// The erasure runner against a real PostgreSQL and Redis (CONTRACT §10): it deletes the user's
// rows table by table and leaves the health.user.erased event as seq 1 of a new series; an outbox
// event claimed before the erasure and applied after it writes nothing (no summary, checkpoint or
// delivery comes back); a runner whose lease ran out is taken over; a completed erasure is not run
// again.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { defaultCatalog } from '../../../src/domain/catalog/catalog.ts';
import { runErasure, type ErasureRunnerDeps } from '../../../src/erasure/erasure-runner.ts';
import { claimErasure } from '../../../src/erasure/queries.ts';
import { erasureResumer } from '../../../src/erasure/erasure-resume.ts';
import { removeQueuedJobsWith, shortLivedQueueProbe } from '../../../src/jobs/queue-probe.ts';
import { createLogger } from '../../../src/log.ts';
import { ProjectionCoordinator } from '../../../src/projections/coordinator.ts';
import { dailySummariesProjection } from '../../../src/projections/daily-summaries.ts';
import { webhookSink } from '../../../src/webhooks/webhook-sink.ts';
import { steps } from '../../support/batches.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { write } from '../../support/ingest.ts';
import { eventsOf } from '../../support/outbox.ts';
import { TEST_REDIS_URL } from '../../support/service.ts';
import { outboxEventTypes, userFootprint } from '../../support/user-footprint.ts';

let db: TestDatabase;
let deps: ErasureRunnerDeps;
const prefix = `hi-test-erasure-${crypto.randomUUID().slice(0, 8)}`;

beforeAll(async () => {
  db = await createTestDatabase({ poolSize: 6 });
  const openQueue = shortLivedQueueProbe({ redisUrl: TEST_REDIS_URL, prefix });
  deps = {
    db: db.sql,
    log: createLogger('silent'),
    leaseSeconds: 30,
    removeQueuedJobs: (userId) => removeQueuedJobsWith(openQueue, userId),
  };
});
afterAll(() => db.drop());

const coordinator = () => new ProjectionCoordinator(db.sql, [dailySummariesProjection(defaultCatalog), webhookSink()]);

async function startedErasure(userId: string): Promise<string> {
  const id = crypto.randomUUID();
  await db.sql`INSERT INTO user_erasures (id, user_id, requested_by, started_at) VALUES (${id}, ${userId}, 'user', now())`;
  return id;
}

test('an event claimed before the erasure and applied after it writes nothing; the erased event is seq 1 and is applied', async () => {
  const userId = crypto.randomUUID();
  for (let day = 1; day <= 3; day++) await write(db.sql, userId, [steps('phone', 100 * day, `2026-11-0${day}T08:00:00Z`)]);
  const stale = await eventsOf(db.sql, userId);
  await coordinator().handle(userId, stale.slice(0, 1));
  expect(await userFootprint(db.sql, userId)).toMatchObject({ health_daily_summaries: 1, projection_checkpoints: 2 });

  const erasureId = await startedErasure(userId);
  expect(await runErasure(deps, erasureId)).toBe('completed');
  expect(await userFootprint(db.sql, userId)).toEqual({ user_erasures: 1, outbox_events: 1, user_health_watermarks: 1 });
  const [erasure] = await db.sql`SELECT status, deleted FROM user_erasures WHERE id = ${erasureId}`;
  expect(erasure!.status).toBe('completed');
  expect(erasure!.deleted).toMatchObject({ health_samples: 3, outbox_events: 3, health_daily_summaries: 1, projection_checkpoints: 2, health_ingest_requests: 3, user_health_watermarks: 1, queued_jobs: 0 });

  // a processor that claimed the old events before the erasure applies them only now
  await coordinator().handle(userId, stale);
  expect(await userFootprint(db.sql, userId)).toEqual({ user_erasures: 1, outbox_events: 1, user_health_watermarks: 1 });

  const [erased] = await eventsOf(db.sql, userId);
  expect(await outboxEventTypes(db.sql, userId)).toEqual(['health.user.erased']);
  expect(erased!.seq).toBe(1);
  await coordinator().handle(userId, [erased!]);
  const checkpoints = await db.sql`SELECT projection, projected_seq FROM projection_checkpoints WHERE user_id = ${userId} ORDER BY projection`;
  expect(checkpoints.map((row) => [row.projection, Number(row.projected_seq)])).toEqual([['daily_summaries', 1], ['webhooks', 1]]);
  // a completed erasure is not run again
  expect(await runErasure(deps, erasureId)).toBe('not-ours');
});

test("a runner whose lease is held cannot take the erasure; once the lease ran out it can, and finishes the dead runner's work", async () => {
  const userId = crypto.randomUUID();
  await write(db.sql, userId, [steps('phone', 5, '2026-11-10T08:00:00Z')]);
  const erasureId = await startedErasure(userId);
  // a runner took it and died at once
  expect(await claimErasure(db.sql, erasureId, 30)).not.toBeNull();
  expect(await runErasure(deps, erasureId)).toBe('not-ours');
  await db.sql`UPDATE user_erasures SET lease_until = now() - interval '1 second' WHERE id = ${erasureId}`;
  expect(await runErasure(deps, erasureId)).toBe('completed');
  const [erasure] = await db.sql`SELECT attempts, status FROM user_erasures WHERE id = ${erasureId}`;
  expect([erasure!.attempts, erasure!.status]).toEqual([2, 'completed']);
  expect(await userFootprint(db.sql, userId)).toEqual({ user_erasures: 1, outbox_events: 1, user_health_watermarks: 1 });
});

test('the resume sweep runs an erasure whose queue job was lost (never claimed for a minute), and leaves a younger one to its job', async () => {
  const lost = crypto.randomUUID();
  const young = crypto.randomUUID();
  await write(db.sql, lost, [steps('phone', 7, '2026-11-11T08:00:00Z')]);
  const lostId = crypto.randomUUID();
  const youngId = crypto.randomUUID();
  await db.sql`INSERT INTO user_erasures (id, user_id, requested_by, started_at) VALUES
               (${lostId}, ${lost}, 'user', now() - interval '2 minutes'), (${youngId}, ${young}, 'user', now())`;
  const sweep = erasureResumer(deps);
  expect(await sweep({ deadlineMs: Date.now() + 60_000, signal: new AbortController().signal })).toEqual({ resumed: 1, completed: 1 });
  const rows = await db.sql`SELECT id, status FROM user_erasures WHERE id IN (${lostId}, ${youngId}) ORDER BY started_at`;
  expect(rows.map((row) => [row.id, row.status])).toEqual([[lostId, 'completed'], [youngId, 'running']]);
  expect(await userFootprint(db.sql, lost)).toEqual({ user_erasures: 1, outbox_events: 1, user_health_watermarks: 1 });
});

test('chunks of a few rows walking the key leave nothing behind, whatever keys share their prefix', async () => {
  const userId = crypto.randomUUID();
  // one record id across sources, metrics and start times, and many record ids: keys that tie on
  // every column but the last
  const samples = [];
  for (const source of ['phone', 'watch']) {
    for (let i = 0; i < 12; i++) samples.push(steps(source, i, `2026-11-${String(1 + (i % 6)).padStart(2, '0')}T0${i % 3}:00:00Z`, { sourceRecordId: i < 6 ? 'same' : `r-${i}` }));
  }
  await write(db.sql, userId, samples);
  await write(db.sql, userId, samples.map((s) => ({ ...s, sourceRecordId: `${s.sourceRecordId}-b` })));
  const [{ n }] = (await db.sql`SELECT count(*)::int AS n FROM health_samples WHERE user_id = ${userId}`) as unknown as [{ n: number }];
  expect(n).toBeGreaterThan(30);
  const erasureId = await startedErasure(userId);
  const chunkRows: number[] = [];
  const outcome = await runErasure({ ...deps, chunkPlan: { initialRows: 5, minRows: 5, maxRows: 5, targetMs: 200 }, observeChunk: (table, rows) => table === 'health_samples' && chunkRows.push(rows) }, erasureId);
  expect(outcome).toBe('completed');
  // every chunk but the last was full: the walk found the rows without the final transaction's help
  expect(chunkRows.slice(0, -1).every((rows) => rows === 5)).toBe(true);
  expect(chunkRows.reduce((a, b) => a + b, 0)).toBe(n);
  const [erasure] = await db.sql`SELECT deleted FROM user_erasures WHERE id = ${erasureId}`;
  expect(Number(erasure!.deleted.health_samples)).toBe(n);
  expect(await userFootprint(db.sql, userId)).toEqual({ user_erasures: 1, outbox_events: 1, user_health_watermarks: 1 });
});
