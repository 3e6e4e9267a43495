// The job runner against a real PostgreSQL: the advisory-lock guard between replicas, run records,
// failures, and no lock leaking through the pool.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { createDb, type Sql } from '../../../src/db/client.ts';
import { createJobRunner, JobFailure, type JobDefinition } from '../../../src/jobs/runner.ts';
import { createLogger } from '../../../src/log.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { until } from '../../support/poll.ts';

const log = createLogger('silent');
let database: TestDatabase;
let replicaA: Sql;
let replicaB: Sql;

beforeAll(async () => {
  database = await createTestDatabase({ poolSize: 4 });
  // two replicas: two processes' pools on the same database
  replicaA = createDb(database.url, { max: 3 });
  replicaB = createDb(database.url, { max: 3 });
});

afterAll(async () => {
  await replicaA.end();
  await replicaB.end();
  await database.drop();
});

let nextKey = 9000;
function job(name: string, run: JobDefinition['run'], overrides: Partial<JobDefinition> = {}): JobDefinition {
  return { name, schedule: '*/15 * * * *', lockKey: nextKey++, maxRunMs: 10_000, minGapSeconds: 60, run, ...overrides };
}

/** advisory locks held in this test's database, in the jobs' two-key form (objsubid 2) */
async function jobLocksHeld(): Promise<number> {
  const [row] = await database.sql.unsafe(
    `SELECT count(*)::int AS n FROM pg_locks
     WHERE locktype = 'advisory' AND objsubid = 2 AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
  );
  return row!.n as number;
}

async function runsOf(name: string) {
  return database.sql.unsafe('SELECT status, trigger, runner, affected_rows, error FROM job_runs WHERE name = $1 ORDER BY id', [name]);
}

describe('two replicas ticking the same job at once', () => {
  test('one runs it, the other is skipped (and says so in job_runs)', async () => {
    let executions = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow = job('slow', async () => {
      executions++;
      await gate;
      return { affectedRows: 7 };
    });
    const a = createJobRunner({ db: replicaA, log, jobs: [slow], runnerId: 'replica-a' });
    const b = createJobRunner({ db: replicaB, log, jobs: [slow], runnerId: 'replica-b' });

    const tickA = a.run('slow', 'schedule');
    const tickB = b.run('slow', 'schedule');
    let runs;
    try {
      // the other returns at once; whichever got the lock enters the job a statement or two
      // later (the skip could be answered before it did: asserting at once was flaky)
      const first = await Promise.race([tickA, tickB]);
      expect(first!.status).toBe('skipped');
      await until(() => executions === 1, Boolean, 5000, 'the lock holder runs the job');
    } finally {
      release(); // a failed assertion must not leave the job (and its lock) hanging for the next tests
      runs = await Promise.all([tickA, tickB]);
    }
    expect(runs.map((run) => run!.status).sort()).toEqual(['skipped', 'succeeded']);
    expect(runs.find((run) => run!.status === 'succeeded')!.affectedRows).toBe(7);
    expect(executions).toBe(1);

    const recorded = await runsOf('slow');
    expect(recorded.map((row) => row.status).sort()).toEqual(['skipped', 'succeeded']);
    expect(new Set(recorded.map((row) => row.runner))).toEqual(new Set(['replica-a', 'replica-b']));
  });

  test('a replica whose tick comes a little late (clock skew) does not run the tick again', async () => {
    let executions = 0;
    const quick = job('quick', async () => (executions++, { affectedRows: 1 }));
    const a = createJobRunner({ db: replicaA, log, jobs: [quick] });
    const b = createJobRunner({ db: replicaB, log, jobs: [quick] });
    expect((await a.run('quick', 'schedule'))!.status).toBe('succeeded');
    expect((await b.run('quick', 'schedule'))!.status).toBe('skipped');
    expect(executions).toBe(1);
    // an operator's manual run is not a tick: it runs
    expect((await b.run('quick', 'manual'))!.status).toBe('succeeded');
    expect(executions).toBe(2);
  });
});

describe('a run', () => {
  test('is returned and recorded with its times, rows and no error', async () => {
    const runner = createJobRunner({ db: replicaA, log, jobs: [job('counted', async () => ({ affectedRows: 42 }))] });
    const run = await runner.run('counted', 'manual');
    expect(run).toMatchObject({ name: 'counted', status: 'succeeded', affectedRows: 42, error: null });
    expect(Date.parse(run!.finishedAt)).toBeGreaterThanOrEqual(Date.parse(run!.startedAt));
    expect((await runner.lastRuns()).get('counted')).toEqual(run!);
  });

  test('of an unknown job is undefined', async () => {
    const runner = createJobRunner({ db: replicaA, log, jobs: [] });
    expect(await runner.run('nope', 'manual')).toBeUndefined();
  });

  test('that throws is recorded failed with its message, and the lock is released (no leak through the pool)', async () => {
    const single = createDb(database.url, { max: 1 });
    try {
      let fail = true;
      const flaky = job('flaky', async () => {
        if (fail) throw new Error('boom');
        return { affectedRows: 1 };
      });
      const runner = createJobRunner({ db: single, log, jobs: [flaky] });
      expect(await runner.run('flaky', 'manual')).toMatchObject({ status: 'failed', error: 'boom', affectedRows: 0 });
      // same single pooled connection: a leaked lock would be re-entrant here, so look from another replica
      const other = createJobRunner({ db: replicaB, log, jobs: [flaky] });
      fail = false;
      expect(await other.run('flaky', 'manual')).toMatchObject({ status: 'succeeded' });
      expect(await jobLocksHeld()).toBe(0);
    } finally {
      await single.end();
    }
  });

  test('that fails part-way reports the rows it changed before failing', async () => {
    const partial = job('partial', async () => {
      throw new JobFailure('redis down', 3, { staleProcessing: 3 });
    });
    const runner = createJobRunner({ db: replicaA, log, jobs: [partial] });
    expect(await runner.run('partial', 'manual')).toMatchObject({ status: 'failed', affectedRows: 3, error: 'redis down' });
  });

  test('is reported to the observer by outcome with its duration', async () => {
    const seen: [string, string, number][] = [];
    const runner = createJobRunner({
      db: replicaA,
      log,
      jobs: [job('observed', async () => ({ affectedRows: 0 }))],
      observe: (name, status, seconds) => seen.push([name, status, seconds]),
    });
    await runner.run('observed', 'manual');
    expect(seen).toHaveLength(1);
    expect(seen[0]![0]).toBe('observed');
    expect(seen[0]![1]).toBe('succeeded');
    expect(seen[0]![2]).toBeGreaterThanOrEqual(0);
  });

  test('does not pin the xmin horizon while it runs (vacuum can clean up behind a long purge)', async () => {
    let pinned: unknown[] = [];
    const probe = job('xmin-probe', async (context) => {
      pinned = await context.db.unsafe(
        `SELECT pid FROM pg_stat_activity
         WHERE datname = current_database() AND state = 'idle in transaction' AND backend_xmin IS NOT NULL`,
      );
      return { affectedRows: 0 };
    });
    const runner = createJobRunner({ db: replicaA, log, jobs: [probe] });
    expect((await runner.run('xmin-probe', 'schedule'))!.status).toBe('succeeded');
    expect(pinned).toEqual([]);
  });

  test('stop() aborts a running tick at its next check and waits for it', async () => {
    let sawAbort = false;
    const looping = job('looping', async (context) => {
      while (!context.signal.aborted) await Bun.sleep(5);
      sawAbort = true;
      return { affectedRows: 0 };
    });
    const runner = createJobRunner({ db: replicaA, log, jobs: [looping] });
    const running = runner.run('looping', 'manual');
    await until(async () => (await jobLocksHeld()) > 0, Boolean, 5000, 'lock taken');
    await runner.stop(5000);
    expect(sawAbort).toBe(true);
    expect((await running)!.status).toBe('succeeded');
  });
});
