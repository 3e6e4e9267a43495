// Cron in every replica (@elysiajs/cron schedules each job in each process): with two replicas
// ticking a per-second job, no two runs come closer than the job's minimum gap, and the other
// replica's ticks are recorded skipped.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { createDb, type Sql } from '../../../src/db/client.ts';
import { createJobRunner, type JobDefinition } from '../../../src/jobs/runner.ts';
import { startJobSchedule } from '../../../src/jobs/schedule.ts';
import { createLogger } from '../../../src/log.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { until } from '../../support/poll.ts';

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
  test('runs never closer than the minimum gap; the other replica skips', async () => {
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
      await until(() => executions >= 3, Boolean, 10_000, 'three ticks ran');
    } finally {
      for (const schedule of schedules) schedule.stop();
      await Promise.all(runners.map((runner) => runner.stop()));
    }
    // the invariant: no two runs closer than minGapSeconds (a replica whose tick is late by more
    // than the gap may run in the same calendar second as the other; that is a tick of its own)
    const runs = await database.sql.unsafe(
      `SELECT extract(epoch FROM started_at)::float8 AS at, status
       FROM job_runs WHERE name = 'every-second' ORDER BY started_at`,
    );
    const succeeded = runs.filter((run) => run.status === 'succeeded').map((run) => Number(run.at));
    expect(succeeded.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < succeeded.length; i++) expect(succeeded[i]! - succeeded[i - 1]!).toBeGreaterThanOrEqual(0.5);
    // both replicas did tick: the other one's ticks are there, skipped
    expect(runs.filter((run) => run.status === 'skipped').length).toBeGreaterThanOrEqual(2);
    expect(succeeded.length).toBe(executions);
  });
});
