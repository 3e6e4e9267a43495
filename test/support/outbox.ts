// For the outbox and projection tests: a user's history of writes, and reads of the outbox, the
// summaries and the checkpoints.
import type { Sql } from '../../src/db/client.ts';
import { defaultCatalog } from '../../src/domain/catalog/catalog.ts';
import type { OutboxEvent } from '../../src/domain/outbox-event.ts';
import { toEvent, type EventRow } from '../../src/outbox/queries.ts';
import { ProjectionCoordinator } from '../../src/projections/coordinator.ts';
import { dailySummariesProjection } from '../../src/projections/daily-summaries.ts';
import { sleepStage, steps } from './batches.ts';
import { write } from './ingest.ts';

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

/** Rebuilds the user's summaries from scratch, applying every event once in seq order. */
export async function rebuiltInOrder(db: Sql, userId: string) {
  await db.unsafe('DELETE FROM health_daily_summaries WHERE user_id = $1', [userId]);
  await db.unsafe('DELETE FROM projection_checkpoints WHERE user_id = $1', [userId]);
  const coordinator = new ProjectionCoordinator(db, [dailySummariesProjection(defaultCatalog)]);
  for (const event of await eventsOf(db, userId)) await coordinator.handle(userId, [event]);
  return summariesOf(db, userId);
}

/** A user with steps from two sources over two dates, an update, a delete and a night of sleep. */
export async function historyOf(db: Sql, userId: string, between?: (seq: number) => Promise<void>) {
  const first = [
    steps('phone', 1000, '2026-11-20T08:00:00Z'),
    steps('watch', 1200, '2026-11-20T08:00:00Z'),
    steps('watch', 300, '2026-11-21T09:00:00Z'),
  ];
  const writes: [unknown[], unknown[]?][] = [
    [first],
    [[{ ...first[0]!, value: 1500 }, steps('phone', 50, '2026-11-21T10:00:00Z')]], // update + new
    [[sleepStage('watch', 'core', '2026-11-20T22:00:00Z', '2026-11-21T01:00:00Z')]], // 23:00–02:00 local
    [[], [{ sourceRecordId: first[2]!.sourceRecordId }]], // delete
    [[sleepStage('watch', 'deep', '2026-11-21T01:00:00Z', '2026-11-21T02:00:00Z')]],
  ];
  for (const [samples, deleted] of writes) {
    const seq = await write(db, userId, samples as never, deleted as never);
    if (seq !== null) await between?.(seq);
  }
}
