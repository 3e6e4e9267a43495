// Runs the built-in jobs, one tick at a time, the same way whoever asks (cron, POST
// /admin/jobs/{name}/run, `cli jobs run`). Every replica schedules every job (@elysiajs/cron runs
// in each process), so each tick is guarded:
//
//   guard transaction (one pooled connection, idle for as long as the job may run)
//     pg_try_advisory_xact_lock(JOB_LOCK_NAMESPACE, job.lockKey)
//       not granted → 'skipped' (another replica is running it), recorded on the pool
//     scheduled tick and a run started < minGapSeconds ago → 'skipped' (replica clocks differ)
//     SET LOCAL idle_in_transaction_session_timeout, last: it replaces the previous query's
//       portal, so the idle guard holds no snapshot (else it would pin the xmin horizon, and
//       vacuum and index cleanup could not follow a long purge)
//     job.run(): its own short statements / transactions on the pool, never in the guard
//     INSERT job_runs                      ← recorded before the lock is released
//   COMMIT                                 ← releases the lock (never leaks through the pool)
//
// A session-level lock would stay with the pooled connection after an error; a transaction-level
// one cannot outlive its transaction. A job that throws is recorded 'failed'; the runner never
// throws for a job's failure.
import { hostname } from 'node:os';
import { settleWithin } from '../bounded.ts';
import type { Sql } from '../db/client.ts';
import type { JobRunBodyT, JobRunStatus } from '../domain/operations/operations-schema.ts';
import { SECOND } from '../limits.ts';
import { safeErrorMessage, type Logger } from '../log.ts';
import { findRecentRun, holdGuard, lastJobRuns, lastSuccessfulJobRuns, recordJobRun, tryJobLock, type StoredJobRun } from './queries.ts';

/** First key of every job lock (ASCII "JOBS"); the second is the job's own `lockKey`. */
export const JOB_LOCK_NAMESPACE = 0x4a4f4253;

/** the guard's idle-in-transaction timeout (sql/queries/jobs/hold_guard.sql) */
export const GUARD_IDLE_CEILING_MS = 30 * 60 * SECOND;
/** a job's deadline stays this far inside the guard's timeout */
const GUARD_IDLE_MARGIN_MS = 60 * SECOND;

export interface JobContext {
  db: Sql;
  log: Logger;
  /** epoch ms after which the job stops at its next chunk boundary (the next tick resumes) */
  deadlineMs: number;
  /** aborted when the process shuts down: stop at the next chunk boundary */
  signal: AbortSignal;
  now(): number;
}

export interface JobResult {
  affectedRows: number;
  /** job-specific counters, stored with the run */
  details?: Record<string, unknown>;
}

export interface JobDefinition {
  name: string;
  /** cron pattern, evaluated in UTC */
  schedule: string;
  /** advisory lock key, unique per job: a named constant in the job's file */
  lockKey: number;
  /** how long one tick may run before it stops at a chunk boundary */
  maxRunMs: number;
  /** a scheduled tick is skipped when a run that held the lock started less than this ago */
  minGapSeconds: number;
  run(context: JobContext): Promise<JobResult>;
}

export type JobTrigger = 'schedule' | 'manual';

/** Thrown by a job that failed part-way: the run is 'failed' but still reports what it changed. */
export class JobFailure extends Error {
  constructor(
    message: string,
    readonly affectedRows: number,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export interface JobRunObserver {
  (name: string, status: JobRunStatus, seconds: number): void;
}

export interface JobRunnerOptions {
  db: Sql;
  log: Logger;
  jobs: readonly JobDefinition[];
  observe?: JobRunObserver;
  now?: () => number;
  /** tells replicas apart in job_runs.runner */
  runnerId?: string;
}

export interface JobRunner {
  readonly jobs: readonly JobDefinition[];
  find(name: string): JobDefinition | undefined;
  /** Runs one tick of a job; undefined for an unknown name. Never throws for the job's failure. */
  run(name: string, trigger: JobTrigger): Promise<JobRunBodyT | undefined>;
  /** The latest run that held the lock, per job name. */
  lastRuns(): Promise<Map<string, JobRunBodyT>>;
  /** When each job last succeeded, on any replica (jobs that never did are absent). */
  lastSuccesses(): Promise<Map<string, Date>>;
  /** Aborts running ticks (they stop at their next chunk boundary) and waits for them, bounded. */
  stop(timeoutMs?: number): Promise<void>;
}

interface Outcome {
  status: JobRunStatus;
  startedAt: Date;
  finishedAt: Date;
  affectedRows: number;
  error: string | null;
  reason?: string;
}

const message = (error: unknown) => safeErrorMessage(error) || 'error';

export function toJobRunBody(name: string, run: Omit<StoredJobRun, 'name'>): JobRunBodyT {
  return {
    name,
    status: run.status,
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt.toISOString(),
    affectedRows: run.affectedRows,
    error: run.error,
  };
}

export function createJobRunner(options: JobRunnerOptions): JobRunner {
  const { db, log } = options;
  const now = options.now ?? Date.now;
  const runnerId = options.runnerId ?? `${hostname()}:${process.pid}`;
  const byName = new Map(options.jobs.map((job) => [job.name, job]));
  for (const job of options.jobs) {
    if (job.maxRunMs + GUARD_IDLE_MARGIN_MS > GUARD_IDLE_CEILING_MS) {
      throw new Error(`job ${job.name}: maxRunMs must stay ${GUARD_IDLE_MARGIN_MS} ms inside the guard's ${GUARD_IDLE_CEILING_MS} ms`);
    }
  }
  const stopping = new AbortController();
  const inFlight = new Set<Promise<unknown>>();

  async function tick(job: JobDefinition, trigger: JobTrigger): Promise<Outcome> {
    let startedAt = new Date(now());
    let ran: { affectedRows: number; details: Record<string, unknown>; error: string | null } | undefined;
    try {
      return await db.begin(async (guard) => {
        const lock = await tryJobLock(guard, { namespace: JOB_LOCK_NAMESPACE, key: job.lockKey });
        startedAt = lock.startedAt;
        if (!lock.locked) return skipped(startedAt, 'another replica holds the lock');
        if (trigger === 'schedule' && (await findRecentRun(guard, job.name, job.minGapSeconds))) {
          return skipped(startedAt, 'a run already started within minGapSeconds');
        }
        // last statement before the job: a query's portal would pin the xmin horizon for the run
        await holdGuard(guard);
        try {
          const result = await job.run({
            db,
            log: log.child({ job: job.name }),
            deadlineMs: now() + job.maxRunMs,
            signal: stopping.signal,
            now,
          });
          ran = { affectedRows: result.affectedRows, details: result.details ?? {}, error: null };
        } catch (error) {
          ran =
            error instanceof JobFailure
              ? { affectedRows: error.affectedRows, details: error.details, error: message(error) }
              : { affectedRows: 0, details: {}, error: message(error) };
        }
        const status: JobRunStatus = ran.error === null ? 'succeeded' : 'failed';
        const finishedAt = await recordJobRun(guard, {
          name: job.name,
          status,
          trigger,
          startedAt,
          affectedRows: ran.affectedRows,
          error: ran.error,
          details: ran.details,
          runner: runnerId,
        });
        return { status, startedAt, finishedAt, affectedRows: ran.affectedRows, error: ran.error };
      });
    } catch (error) {
      // the guard itself failed: database unreachable, or its connection lost mid-run
      const failure = ran ? `job lock lost before the run was recorded: ${message(error)}` : message(error);
      return {
        status: 'failed',
        startedAt,
        finishedAt: laterOf(startedAt, new Date(now())),
        affectedRows: ran?.affectedRows ?? 0,
        error: ran?.error ?? failure,
      };
    }
  }

  async function runOnce(job: JobDefinition, trigger: JobTrigger): Promise<JobRunBodyT> {
    const began = performance.now();
    const outcome = await tick(job, trigger);
    if (outcome.status === 'skipped') {
      // best effort: a skipped tick is worth a row, not a failure
      try {
        outcome.finishedAt = await recordJobRun(db, {
          name: job.name,
          status: 'skipped',
          trigger,
          startedAt: outcome.startedAt,
          affectedRows: 0,
          error: null,
          details: { reason: outcome.reason },
          runner: runnerId,
        });
      } catch (error) {
        log.warn({ job: job.name, err: error }, 'could not record a skipped job run');
      }
    }
    const seconds = (performance.now() - began) / 1000;
    options.observe?.(job.name, outcome.status, seconds);
    const fields = {
      job: job.name,
      trigger,
      status: outcome.status,
      affectedRows: outcome.affectedRows,
      ms: Math.round(seconds * 1000),
      ...(outcome.reason ? { reason: outcome.reason } : {}),
      ...(outcome.error ? { error: outcome.error } : {}),
    };
    if (outcome.status === 'failed') log.warn(fields, 'job run failed');
    else log.info(fields, 'job run');
    return toJobRunBody(job.name, outcome);
  }

  return {
    jobs: options.jobs,
    find: (name) => byName.get(name),
    async run(name, trigger) {
      const job = byName.get(name);
      if (!job) return undefined;
      const running = runOnce(job, trigger);
      inFlight.add(running);
      try {
        return await running;
      } finally {
        inFlight.delete(running);
      }
    },
    async lastRuns() {
      const rows = await lastJobRuns(db, options.jobs.map((job) => job.name));
      return new Map(rows.map((row) => [row.name, toJobRunBody(row.name, row)]));
    },
    async lastSuccesses() {
      const rows = await lastSuccessfulJobRuns(db, options.jobs.map((job) => job.name));
      return new Map(rows.map((row) => [row.name, row.finishedAt]));
    },
    async stop(timeoutMs = 10 * SECOND) {
      stopping.abort();
      await settleWithin(Promise.allSettled([...inFlight]), timeoutMs);
    },
  };
}

function skipped(startedAt: Date, reason: string): Outcome {
  return { status: 'skipped', startedAt, finishedAt: startedAt, affectedRows: 0, error: null, reason };
}

const laterOf = (a: Date, b: Date) => (b.getTime() >= a.getTime() ? b : a);
