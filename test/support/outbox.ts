// Helpers for the outbox and projection tests: write through the real ingest core (so every
// change leaves its real outbox event), and read the outbox, summaries and checkpoints.
import { validateBatchBody } from '../../src/domain/batch-schema.ts';
import { defaultCatalog } from '../../src/domain/catalog.ts';
import { submitBatch, type IngestDeps } from '../../src/ingest/submit-batch.ts';
import type { Sql } from '../../src/db/client.ts';
import { batch, type SampleInput } from './batches.ts';
import { toEvent, type EventRow, type OutboxEvent } from '../../src/outbox/queries.ts';

export function ingestDeps(db: Sql): IngestDeps {
  return {
    db,
    config: { ingestQueueThreshold: 400, reaperStaleAfterSeconds: 300 },
    catalog: defaultCatalog,
    now: Date.now,
    queue: {
      submit: () => {
        throw new Error('outbox tests stay below the queue threshold');
      },
      releaseAbandoned: () => {
        throw new Error('outbox tests stay below the queue threshold');
      },
    },
  };
}

/** Writes a batch inline; returns the user's new watermark seq (null when nothing changed). */
export async function write(db: Sql, userId: string, samples: SampleInput[], deleted?: SampleInput[]): Promise<number | null> {
  const body = batch(samples, deleted ? { deleted } : {});
  const checked = validateBatchBody(body, 500);
  if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
  const reply = await submitBatch(ingestDeps(db), {
    userId,
    body: checked.value,
    headerOffsetMinutes: undefined,
    receivedAt: new Date(),
  });
  if (reply.status >= 300) throw new Error(`write answered ${reply.status}: ${reply.bodyText}`);
  return JSON.parse(reply.bodyText).watermarkSeq;
}

let serial = 0;

export function steps(sourceId: string, value: number, startAt: string, overrides: SampleInput = {}): SampleInput {
  return {
    sourceId,
    sourceRecordId: `steps-${++serial}`,
    metricCode: 'steps',
    valueKind: 'CUMULATIVE_NUM',
    value,
    unit: 'count',
    startAt,
    timezoneOffsetMinutes: 60,
    ...overrides,
  };
}

export function sleepStage(sourceId: string, stage: string, startAt: string, endAt: string, overrides: SampleInput = {}): SampleInput {
  return {
    sourceId,
    sourceRecordId: `sleep-${++serial}`,
    metricCode: 'sleep_stage',
    valueKind: 'CATEGORY',
    categoryCode: stage,
    startAt,
    endAt,
    timezoneOffsetMinutes: 60,
    ...overrides,
  };
}

/** The user's outbox events in seq order, as the processor sees them. */
export async function eventsOf(db: Sql, userId: string): Promise<(OutboxEvent & { status: string })[]> {
  const rows = await db.unsafe(
    'SELECT id, user_id, event_type, seq, payload, attempts, status FROM outbox_events WHERE user_id = $1 ORDER BY seq',
    [userId],
  );
  return rows.map((row) => ({ ...toEvent(row as unknown as EventRow), status: row.status as string }));
}

/** The user's summary rows, comparable with toEqual. */
export async function summariesOf(db: Sql, userId: string) {
  const rows = await db.unsafe(
    `SELECT metric_code, local_date::text AS local_date, sample_count, value_sum, value_min, value_max, value_avg,
            unit, category_seconds, by_source
     FROM health_daily_summaries WHERE user_id = $1 ORDER BY metric_code, local_date`,
    [userId],
  );
  return rows.map((row) => ({ ...row }));
}

export async function checkpointOf(db: Sql, userId: string, projection = 'daily_summaries') {
  const [row] = await db.unsafe(
    'SELECT projected_seq, applied_seqs FROM projection_checkpoints WHERE user_id = $1 AND projection = $2',
    [userId, projection],
  );
  return row ? { projectedSeq: Number(row.projected_seq), appliedSeqs: (row.applied_seqs as string[]).map(Number) } : null;
}

export async function pendingCount(db: Sql): Promise<number> {
  const [row] = await db.unsafe("SELECT count(*)::int AS n FROM outbox_events WHERE status = 'pending'");
  return row!.n as number;
}

/**
 * A real dead letter: a batch written through the ingest core, its outbox event then marked as
 * the processor marks one that exhausted its attempts (test-only SQL; call it before any
 * processor runs on `db`). Returns the event's id.
 */
export async function seedDeadLetter(db: Sql, userId: string, error = 'projection failed: simulated by the test'): Promise<number> {
  await write(db, userId, [steps('com.apple.health.phone', 1200, '2026-11-20T08:00:00Z')]);
  const [row] = await db.unsafe(
    `UPDATE outbox_events SET status = 'dead', attempts = 10, last_error = $2
     WHERE id = (SELECT max(id) FROM outbox_events WHERE user_id = $1 AND status = 'pending') RETURNING id`,
    [userId, error],
  );
  return Number(row!.id);
}
