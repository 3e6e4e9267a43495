// What an erasure deletes (CONTRACT §10): one step per table holding a user's rows, each one SQL
// file (sql/queries/erasure/erase_<table>.sql) that deletes a bounded chunk of the user's rows.
// Adding a table that holds user rows is one entry here (and its file); the schema test
// (test/integration/erasure/erasure-coverage.test.ts) fails while a table with a user_id column is
// neither here nor in KEPT_USER_TABLES.
//
// Order: the outbox events first (so the outbox stops applying the user's old changes as early
// as it can), then the data, then what derives from it. 'chunks' steps run outside any long
// transaction, a chunk per statement; every one runs again in the final transaction, under the
// user's lock, to take what a write in flight added meanwhile. 'final' steps run only there,
// after the health.user.erased event took the user's next seq.
import { statement } from '../db/sql-files.ts';

export interface ErasureStep {
  table: string;
  /** the loaded statement: $1 user_id, $2 chunk rows → one row {deleted} */
  statement: string;
  phase: 'chunks' | 'final';
}

const step = (table: string, phase: ErasureStep['phase'] = 'chunks'): ErasureStep => ({
  table,
  statement: statement(`erasure/erase_${table}`),
  phase,
});

export const ERASURE_STEPS: readonly ErasureStep[] = [
  step('outbox_events'),
  step('health_samples'),
  step('health_sample_tombstones'),
  step('health_daily_summaries'),
  step('projection_checkpoints'),
  step('health_ingest_requests'),
  step('webhook_deliveries'),
  step('webhook_lanes'),
  step('health_privacy_settings'),
  step('user_health_watermarks', 'final'),
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
