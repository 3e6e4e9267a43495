// The daily summaries projection through the coordinator against a real PostgreSQL: summaries of
// the live samples, convergence whatever the order or repetition of events, the checkpoint's
// contiguity, the look-back bound of intervals, and events of other types.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { defaultCatalog } from '../../../src/domain/catalog/catalog.ts';
import { createLogger } from '../../../src/log.ts';
import { OutboxProcessor } from '../../../src/outbox/processor.ts';
import { ProjectionCoordinator, type Projection } from '../../../src/projections/coordinator.ts';
import { dailySummariesProjection } from '../../../src/projections/daily-summaries.ts';
import { sleepStage, steps } from '../../support/batches.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { write } from '../../support/ingest.ts';
import { checkpointOf, eventsOf, historyOf, rebuiltInOrder, summariesOf } from '../../support/outbox.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase({ poolSize: 12 });
});
afterAll(() => db.drop());

const summaries = () => dailySummariesProjection(defaultCatalog);
const coordinatorWith = (...projections: Projection[]) => new ProjectionCoordinator(db.sql, projections);
const processor = () => new OutboxProcessor({ db: db.sql, log: createLogger('silent'), sinks: [coordinatorWith(summaries())], listen: false });

/** Runs claim rounds until nothing is due (only this file's processors run in this database). */
async function drain(p: OutboxProcessor): Promise<void> {
  while ((await p.runOnce()) > 0);
}

describe('the daily summaries projection through the coordinator', () => {
  test('in-order processing gives the summaries of the live samples', async () => {
    const user = crypto.randomUUID();
    await historyOf(db.sql, user);
    await drain(processor());
    const rows = await summariesOf(db.sql, user);
    const cell = (metric: string, date: string) => rows.find((r) => r.metric_code === metric && r.local_date === date);
    expect(cell('steps', '2026-11-20')).toMatchObject({ sample_count: 2, value_sum: 2700, value_min: 1200, value_max: 1500, unit: 'count' });
    expect(cell('steps', '2026-11-20')!.by_source).toEqual([
      { sourceId: 'phone', count: 1, sum: 1500, min: 1500, max: 1500, avg: 1500 },
      { sourceId: 'watch', count: 1, sum: 1200, min: 1200, max: 1200, avg: 1200 },
    ]);
    expect(cell('steps', '2026-11-21')).toMatchObject({ sample_count: 1, value_sum: 50 }); // watch's 300 deleted
    expect(cell('sleep_stage', '2026-11-20')).toMatchObject({ sample_count: 1, value_sum: 3600, unit: 's', category_seconds: { core: 3600 } });
    expect(cell('sleep_stage', '2026-11-21')).toMatchObject({ sample_count: 2, value_sum: 3 * 3600, category_seconds: { core: 7200, deep: 3600 } });
    expect(await checkpointOf(db.sql, user)).toEqual({ projectedSeq: 5, appliedSeqs: [] });
    expect((await eventsOf(db.sql, user)).map((e) => e.status)).toEqual(Array(5).fill('processed'));
  });

  test('out-of-order and repeated events, interleaved with the writes, converge to the in-order result', async () => {
    const user = crypto.randomUUID();
    const coordinator = coordinatorWith(summaries());
    const apply = async (...seqs: number[]) => {
      const events = await eventsOf(db.sql, user);
      await coordinator.handle(user, seqs.map((seq) => events.find((e) => e.seq === seq)!));
    };
    // apply some events early, out of order, some twice, while later writes keep coming
    await historyOf(db.sql, user, async (seq) => {
      if (seq === 2) await apply(2);
      if (seq === 3) await apply(3, 3);
      if (seq === 4) await apply(1, 4);
    });
    expect(await checkpointOf(db.sql, user)).toEqual({ projectedSeq: 4, appliedSeqs: [] });
    await apply(5, 2, 5, 1);
    const scrambled = await summariesOf(db.sql, user);
    expect(await checkpointOf(db.sql, user)).toEqual({ projectedSeq: 5, appliedSeqs: [] });

    expect(await rebuiltInOrder(db.sql, user)).toEqual(scrambled);
  });

  test('a gap holds the checkpoint back until the missing seq is applied', async () => {
    const user = crypto.randomUUID();
    for (let i = 0; i < 4; i++) await write(db.sql, user, [steps('phone', 10 + i, `2026-11-2${i}T08:00:00Z`)]);
    const coordinator = coordinatorWith(summaries());
    const events = await eventsOf(db.sql, user);
    await coordinator.handle(user, [events[0]!, events[2]!, events[3]!]);
    expect(await checkpointOf(db.sql, user)).toEqual({ projectedSeq: 1, appliedSeqs: [3, 4] });
    await coordinator.handle(user, [events[1]!]);
    expect(await checkpointOf(db.sql, user)).toEqual({ projectedSeq: 4, appliedSeqs: [] });
  });

  test('a CATEGORY interval counts in its start date and at most the 2 dates after it (the look-back bound)', async () => {
    const user = crypto.randomUUID();
    // 12:00 local on the 20th to 12:00 local on the 24th (UTC+1)
    await write(db.sql, user, [sleepStage('watch', 'in_bed', '2026-11-20T11:00:00Z', '2026-11-24T11:00:00Z')]);
    await drain(processor());
    const rows = await summariesOf(db.sql, user);
    expect(rows.map((row) => [row.local_date, row.value_sum])).toEqual([
      ['2026-11-20', 12 * 3600],
      ['2026-11-21', 24 * 3600],
      ['2026-11-22', 24 * 3600],
    ]);
  });

  test('events of a type no projection handles still advance the checkpoints', async () => {
    const user = crypto.randomUUID();
    await write(db.sql, user, [steps('phone', 10, '2026-11-20T08:00:00Z')]);
    const [event] = await eventsOf(db.sql, user);
    await coordinatorWith(summaries()).handle(user, [{ ...event!, type: 'health.something.else', payload: null }]);
    expect(await checkpointOf(db.sql, user)).toEqual({ projectedSeq: 1, appliedSeqs: [] });
    expect(await summariesOf(db.sql, user)).toEqual([]);
  });
});
