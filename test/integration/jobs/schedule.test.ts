// Cron in every replica (@elysiajs/cron schedules each job in each process): with two replicas
// ticking a per-second job, each tick runs once, the other replica's tick is recorded skipped.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { createDb, type Sql } from '../../../src/db/client.ts';
import { createJobRunner, type JobDefinition } from '../../../src/jobs/runner.ts';
import { startJobSchedule } from '../../../src/jobs/schedule.ts';
import { createLogger } from '../../../src/log.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { eventually } from '../../support/jobs.ts';

const log = createLogger('silent');
let database: TestDatabase;
let replicas: Sql[];

beforeAll(async () => {
  database = await createTestDatabase({ poolSize: 2 });
  replicas = [createDb(database.url, { max: 3 }), createDb(database.url, { max: 3 })];
});

afterAll(async () => {
  for (const replica of replicas) await replica.end();
  await database.drop();
});

describe('scheduled ticks in two replicas', () => {
  test('each tick runs once', async () => {
    let executions = 0;
    const everySecond: JobDefinition = {
      name: 'every-second',
      schedule: '* * * * * *',
      lockKey: 9900,
      maxRunMs: 5000,
      minGapSeconds: 0.5,
      run: async () => (executions++, { affectedRows: 0 }),
    };
    const runners = replicas.map((db, i) => createJobRunner({ db, log, jobs: [everySecond], runnerId: `replica-${i}` }));
    const schedules = runners.map((runner) => startJobSchedule(runner, log));
    try {
      await eventually(() => executions >= 3, 'three ticks ran', 10_000);
    } finally {
      for (const schedule of schedules) schedule.stop();
      await Promise.all(runners.map((runner) => runner.stop()));
    }
    const perTick = await database.sql.unsafe(
      `SELECT date_trunc('second', started_at) AS tick,
              count(*) FILTER (WHERE status = 'succeeded')::int AS succeeded,
              count(*)::int AS ticks
       FROM job_runs WHERE name = 'every-second' GROUP BY 1 ORDER BY 1`,
    );
    expect(perTick.length).toBeGreaterThanOrEqual(3);
    for (const tick of perTick) expect(tick.succeeded).toBe(1);
    // both replicas did tick: the other one's tick is there, skipped
    expect(perTick.filter((tick) => tick.ticks === 2).length).toBeGreaterThanOrEqual(2);
    expect(perTick.reduce((sum, tick) => sum + tick.succeeded, 0)).toBe(executions);
  });
});
