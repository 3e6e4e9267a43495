// What an erasure deletes (CONTRACT §10): one step per table holding a user's rows, each one SQL
// file (sql/queries/erasure/erase_<table>.sql) that deletes a bounded chunk of the user's rows.
// Adding a table that holds user rows is one entry here (and its file); the schema test
// (test/integration/erasure/erasure-coverage.test.ts) fails while a table with a user_id column is
// neither here nor in KEPT_USER_TABLES.
//
// import_chunks has no user_id (its rows are the user's through imports): the schema test checks
// it through its foreign key.
//
// Every step runs in chunks, a statement each, outside any long transaction; then once more in the
// final transaction, under the user's lock, for what a write or an outbox apply in flight added
// meanwhile. Order: the outbox events first (an apply that finds its events gone writes nothing:
// projections/count_live_events), then the samples; the checkpoints before the summaries and
// deliveries, because deleting a checkpoint waits for an apply that holds it, and what that apply
// wrote is deleted right after; the watermark last, so the health.user.erased event the final
// transaction writes is seq 1 of the user's new series.
import { statement } from '../db/sql-files.ts';
import type { ChunkPlan } from '../domain/operations/purge-chunks.ts';

export interface ErasureStep {
  table: string;
  /** the loaded statement: $1 user_id, $2 chunk rows, $3 erasure id (, $4 after) → one row {deleted (, after)} */
  statement: string;
  /**
   * the chunks walk the table's key from where the last one ended ($4 / `after`): for the tables
   * a user can have millions of rows in, where restarting at the first key would step over every
   * entry deleted before (see erase_health_samples.sql)
   */
  keyset: boolean;
  /** the step's own chunk sizes, where its rows are large (default: the runner's) */
  plan?: ChunkPlan;
}

const step = (table: string, options: { keyset?: boolean; plan?: ChunkPlan } = {}): ErasureStep => ({
  table,
  statement: statement(`erasure/erase_${table}`),
  keyset: options.keyset ?? false,
  ...(options.plan ? { plan: options.plan } : {}),
});

/** import_chunks rows are up to 1 MiB (IMPORT_CHUNK_BYTES): a few per statement */
const FILE_CHUNK_PLAN: ChunkPlan = { initialRows: 8, minRows: 1, maxRows: 64, targetMs: 200 };

export const ERASURE_STEPS: readonly ErasureStep[] = [
  step('outbox_events', { keyset: true }),
  step('import_chunks', { plan: FILE_CHUNK_PLAN }),
  step('imports'),
  step('health_samples', { keyset: true }),
  step('health_sample_tombstones'),
  step('projection_checkpoints'),
  step('health_daily_summaries'),
  step('webhook_deliveries'),
  step('webhook_lanes'),
  step('health_ingest_requests'),
  step('health_privacy_settings'),
  step('user_health_watermarks'),
];

/** Tables with a user_id that an erasure keeps, and why. */
export const KEPT_USER_TABLES: Readonly<Record<string, string>> = {
  user_erasures: 'the audit record of each erasure (who, when, row counts; no health value) and the fence against older writes',
};

/** The tables behind each count of the erasure's `deleted` (CONTRACT §10). */
export const DELETED_COUNTS = {
  samples: 'health_samples',
  summaries: 'health_daily_summaries',
  requests: 'health_ingest_requests',
  imports: 'imports',
} as const;

/** BullMQ jobs of the user removed from the ingest queue, counted with the tables. */
export const QUEUED_JOBS_COUNT = 'queued_jobs';
