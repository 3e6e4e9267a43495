// The soft-delete purger on a table with many soft-deleted rows: it deletes in bounded chunks (each
// its own short statement), never waits on a row a writer holds, and keeps what is not due.
// The 1M-row timing and lock-wait numbers are a benchmark: bench/purger.ts.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { createDb } from '../../../src/db/client.ts';
import { createJobRunner } from '../../../src/jobs/runner.ts';
import { softDeletePurgerJob } from '../../../src/jobs/soft-delete-purger.ts';
import { createLogger } from '../../../src/log.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { seedSamples } from '../../support/jobs.ts';

const log = createLogger('silent');
const DUE = 200_000;
const CHUNK = { initialRows: 1000, minRows: 500, maxRows: 5000, targetMs: 50 };
let database: TestDatabase;
const userId = crypto.randomUUID();

beforeAll(async () => {
  database = await createTestDatabase({ poolSize: 4 });
  for (let part = 0; part < DUE / 50_000; part++) {
    await seedSamples(database.sql, { userId, count: 50_000, deletedDaysAgo: 40, prefix: `due-${part}-` });
  }
  await seedSamples(database.sql, { userId, count: 500, deletedDaysAgo: 5, prefix: 'recent-' });
  await seedSamples(database.sql, { userId, count: 500, deletedDaysAgo: null, prefix: 'live-' });
  await database.sql.unsafe('ANALYZE health_samples');
}, 120_000);

afterAll(async () => {
  await database.drop();
});

async function remaining() {
  const [row] = await database.sql.unsafe(
    `SELECT count(*) FILTER (WHERE deleted_at IS NULL)::int AS live,
            count(*) FILTER (WHERE deleted_at IS NOT NULL)::int AS tombstones
     FROM health_samples`,
  );
  return { live: row!.live as number, tombstones: row!.tombstones as number };
}

async function lastDetails() {
  const [row] = await database.sql.unsafe(`SELECT details FROM job_runs WHERE name = 'soft-delete-purger' ORDER BY id DESC LIMIT 1`);
  return row!.details as { chunks: number; largestChunkRows: number; stoppedBy: string; deletedRows: number };
}

describe('the soft-delete purger', () => {
  test('stops at its deadline after a chunk; the next tick goes on', async () => {
    const runner = createJobRunner({ db: database.sql, log, jobs: [softDeletePurgerJob({ retentionDays: 30, chunkPlan: CHUNK, maxRunMs: 1 })] });
    const run = await runner.run('soft-delete-purger', 'manual');
    expect(run).toMatchObject({ status: 'succeeded', affectedRows: CHUNK.initialRows });
    expect(await lastDetails()).toMatchObject({ chunks: 1, stoppedBy: 'deadline' });
  });

  test(`deletes ${DUE} due rows in bounded chunks, and keeps what is not due`, async () => {
    const runner = createJobRunner({ db: database.sql, log, jobs: [softDeletePurgerJob({ retentionDays: 30, chunkPlan: CHUNK })] });
    const run = await runner.run('soft-delete-purger', 'manual');
    expect(run).toMatchObject({ status: 'succeeded', affectedRows: DUE - CHUNK.initialRows, error: null });
    const details = await lastDetails();
    expect(details.chunks).toBeGreaterThanOrEqual(Math.ceil((DUE - CHUNK.initialRows) / CHUNK.maxRows));
    expect(details.largestChunkRows).toBeLessThanOrEqual(CHUNK.maxRows);
    expect(details.stoppedBy).toBe('done');
    expect(await remaining()).toEqual({ live: 500, tombstones: 500 });
  }, 60_000);

  test('skips (never waits for) a due row a writer holds, and takes it on the next tick', async () => {
    await seedSamples(database.sql, { userId, count: 3000, deletedDaysAgo: 40, prefix: 'held-' });
    const writer = createDb(database.url, { max: 1 });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const writing = writer.begin(async (tx) => {
      await tx.unsafe(`SELECT 1 FROM health_samples WHERE source_record_id = 'held-77' FOR UPDATE`);
      locked();
      await held;
    });
    await isLocked;
    const runner = createJobRunner({ db: database.sql, log, jobs: [softDeletePurgerJob({ retentionDays: 30, chunkPlan: CHUNK })] });
    try {
      expect(await runner.run('soft-delete-purger', 'manual')).toMatchObject({ status: 'succeeded', affectedRows: 2999 });
      expect(await remaining()).toEqual({ live: 500, tombstones: 500 + 1 });
    } finally {
      release();
      await writing;
      await writer.end();
    }
    expect(await runner.run('soft-delete-purger', 'manual')).toMatchObject({ status: 'succeeded', affectedRows: 1 });
    expect(await remaining()).toEqual({ live: 500, tombstones: 500 });
  });
});

describe('delete tombstones', () => {
  test('expire with the same retention, in the same tick, after the soft-deleted samples', async () => {
    await database.sql.unsafe(
      `INSERT INTO health_sample_tombstones (user_id, source_record_id, received_at)
       SELECT $1, 'tomb-' || i, now() - make_interval(days => CASE WHEN i <= 2500 THEN 40 ELSE 5 END)
       FROM generate_series(1, 3000) i`,
      [userId],
    );
    const runner = createJobRunner({ db: database.sql, log, jobs: [softDeletePurgerJob({ retentionDays: 30, chunkPlan: CHUNK })] });
    const run = await runner.run('soft-delete-purger', 'manual');
    expect(run).toMatchObject({ status: 'succeeded', affectedRows: 2500 });
    expect((await lastDetails() as unknown as { tombstones: { deletedRows: number; stoppedBy: string } }).tombstones).toMatchObject({ deletedRows: 2500, stoppedBy: 'done' });
    const [left] = await database.sql.unsafe(`SELECT count(*)::int AS n, min(source_record_id) AS first FROM health_sample_tombstones WHERE user_id = $1`, [userId]);
    expect(left).toMatchObject({ n: 500, first: 'tomb-2501' });
  });
});
