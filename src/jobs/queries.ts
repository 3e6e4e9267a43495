// Typed wrappers over sql/queries/jobs/*.sql.
import { run, type Queryable } from '../db/client.ts';
import { statement } from '../db/sql-files.ts';
import type { JobRunStatus } from '../domain/operations/operations-schema.ts';

const TRY_JOB_LOCK = statement('jobs/try_job_lock');
const HOLD_GUARD = statement('jobs/hold_guard');
const FIND_RECENT_RUN = statement('jobs/find_recent_run');
const RECORD_JOB_RUN = statement('jobs/record_job_run');
const LAST_JOB_RUNS = statement('jobs/last_job_runs');
const LAST_SUCCESSFUL_JOB_RUNS = statement('jobs/last_successful_job_runs');
const PURGE_SOFT_DELETED = statement('jobs/purge_soft_deleted_samples');
const PURGE_EXPIRED_TOMBSTONES = statement('jobs/purge_expired_tombstones');
const DELETE_PROCESSED_OUTBOX = statement('jobs/delete_processed_outbox_events');
const DELETE_OLD_JOB_RUNS = statement('jobs/delete_old_job_runs');

/** In the guard transaction: the job's lock (or not), and the database clock. */
export async function tryJobLock(tx: Queryable, lock: { namespace: number; key: number }): Promise<{ locked: boolean; startedAt: Date }> {
  const [row] = await run<{ locked: boolean; started_at: Date }>(tx, TRY_JOB_LOCK, [lock.namespace, lock.key]);
  return { locked: row!.locked, startedAt: row!.started_at };
}

/** In the guard transaction, once locked: lift its idle timeout and drop the lock query's snapshot. */
export async function holdGuard(tx: Queryable): Promise<void> {
  await run(tx, HOLD_GUARD);
}

export async function findRecentRun(tx: Queryable, name: string, withinSeconds: number): Promise<boolean> {
  const [row] = await run<{ recent: boolean }>(tx, FIND_RECENT_RUN, [name, withinSeconds]);
  return row!.recent;
}

export interface JobRunRecord {
  name: string;
  status: JobRunStatus;
  trigger: 'schedule' | 'manual';
  startedAt: Date;
  affectedRows: number;
  error: string | null;
  details: Record<string, unknown>;
  runner: string;
}

/** Records a run; returns its finish time (database clock). */
export async function recordJobRun(db: Queryable, record: JobRunRecord): Promise<Date> {
  const [row] = await run<{ finished_at: Date }>(db, RECORD_JOB_RUN, [
    record.name,
    record.status,
    record.trigger,
    record.startedAt,
    record.affectedRows,
    record.error,
    record.details,
    record.runner,
  ]);
  return row!.finished_at;
}

export interface StoredJobRun {
  name: string;
  status: JobRunStatus;
  startedAt: Date;
  finishedAt: Date;
  affectedRows: number;
  error: string | null;
}

export async function lastJobRuns(db: Queryable, names: readonly string[]): Promise<StoredJobRun[]> {
  const rows = await run<{
    name: string;
    status: JobRunStatus;
    started_at: Date;
    finished_at: Date;
    affected_rows: string | number;
    error: string | null;
  }>(db, LAST_JOB_RUNS, [names]);
  return rows.map((row) => ({
    name: row.name,
    status: row.status,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    affectedRows: Number(row.affected_rows),
    error: row.error,
  }));
}

/** When each named job last succeeded (any replica); jobs that never did are absent. */
export async function lastSuccessfulJobRuns(db: Queryable, names: readonly string[]): Promise<{ name: string; finishedAt: Date }[]> {
  const rows = await run<{ name: string; finished_at: Date }>(db, LAST_SUCCESSFUL_JOB_RUNS, [names]);
  return rows.map((row) => ({ name: row.name, finishedAt: row.finished_at }));
}

/** One chunk of a bounded delete: how many rows went. */
export type ChunkDelete = (db: Queryable, retentionDays: number, chunkRows: number) => Promise<number>;

const chunkDelete =
  (text: string): ChunkDelete =>
  async (db, retentionDays, chunkRows) => {
    const [row] = await run<{ deleted: number }>(db, text, [retentionDays, chunkRows]);
    return row!.deleted;
  };

export const purgeSoftDeletedSamples = chunkDelete(PURGE_SOFT_DELETED);
export const purgeExpiredTombstones = chunkDelete(PURGE_EXPIRED_TOMBSTONES);
export const deleteProcessedOutboxEvents = chunkDelete(DELETE_PROCESSED_OUTBOX);
export const deleteOldJobRuns = chunkDelete(DELETE_OLD_JOB_RUNS);
