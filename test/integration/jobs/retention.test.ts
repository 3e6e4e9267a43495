// Retention: finished idempotency records and processed outbox events past their windows go;
// unfinished requests and pending or dead outbox events never do.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { createJobRunner } from '../../../src/jobs/runner.ts';
import { retentionJob } from '../../../src/jobs/retention.ts';
import { createLogger } from '../../../src/log.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { requestStatus, seedRequest } from '../../support/jobs.ts';

const log = createLogger('silent');
const DAY = 24 * 3600;
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase({ poolSize: 4 });
});

afterAll(async () => {
  await database.drop();
});

async function seedEvent(status: 'pending' | 'processed' | 'dead', ageDays: number): Promise<number> {
  const [row] = await database.sql.unsafe(
    `INSERT INTO outbox_events (user_id, event_type, seq, payload, status, created_at, processed_at)
     VALUES ($1, 'health.samples.changed', 1, '{}'::jsonb, $2, now() - make_interval(days => $3::integer),
             CASE WHEN $2 = 'processed' THEN now() - make_interval(days => $3::integer) END)
     RETURNING id`,
    [crypto.randomUUID(), status, ageDays],
  );
  return Number(row!.id);
}

async function eventExists(id: number): Promise<boolean> {
  return (await database.sql.unsafe('SELECT 1 FROM outbox_events WHERE id = $1', [id])).length > 0;
}

describe('retention', () => {
  test('deletes what is past its window and nothing else', async () => {
    const request = (status: 'queued' | 'processing' | 'completed' | 'failed', ageSeconds: number) => ({
      userId: crypto.randomUUID(),
      requestId: crypto.randomUUID(),
      status,
      ageSeconds,
      heartbeatAgeSeconds: ageSeconds,
    });
    const oldCompleted = request('completed', 8 * DAY);
    const oldFailed = request('failed', 8 * DAY);
    const recentCompleted = request('completed', 6 * DAY);
    const oldQueued = request('queued', 30 * DAY);
    const oldProcessing = request('processing', 30 * DAY);
    for (const r of [oldCompleted, oldFailed, recentCompleted, oldQueued, oldProcessing]) await seedRequest(database.sql, r);

    const oldProcessed = await seedEvent('processed', 8);
    const recentProcessed = await seedEvent('processed', 6);
    const oldPending = await seedEvent('pending', 30);
    const oldDead = await seedEvent('dead', 30);

    await database.sql.unsafe(
      `INSERT INTO job_runs (name, status, trigger, started_at, finished_at, runner)
       VALUES ('reaper', 'succeeded', 'schedule', now() - interval '40 days', now() - interval '40 days', 'test'),
              ('reaper', 'succeeded', 'schedule', now() - interval '2 days', now() - interval '2 days', 'test')`,
    );

    const runner = createJobRunner({
      db: database.sql,
      log,
      jobs: [retentionJob({ idempotencyRetentionDays: 7, outboxRetentionDays: 7, chunkPlan: { initialRows: 1, minRows: 1, maxRows: 2, targetMs: 50 } })],
    });
    const run = await runner.run('retention', 'manual');
    expect(run).toMatchObject({ status: 'succeeded', affectedRows: 2 + 1 + 1, error: null });

    expect(await requestStatus(database.sql, oldCompleted.requestId)).toBeUndefined();
    expect(await requestStatus(database.sql, oldFailed.requestId)).toBeUndefined();
    expect(await requestStatus(database.sql, recentCompleted.requestId)).toBe('completed');
    expect(await requestStatus(database.sql, oldQueued.requestId)).toBe('queued');
    expect(await requestStatus(database.sql, oldProcessing.requestId)).toBe('processing');

    expect(await eventExists(oldProcessed)).toBe(false);
    expect(await eventExists(recentProcessed)).toBe(true);
    expect(await eventExists(oldPending)).toBe(true);
    expect(await eventExists(oldDead)).toBe(true);

    const runs = await database.sql.unsafe(`SELECT started_at FROM job_runs WHERE runner = 'test'`);
    expect(runs).toHaveLength(1);
  });
});
