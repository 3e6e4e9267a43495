// The outbox processor and the projection coordinator against a real PostgreSQL: at-least-once
// delivery with idempotent recompute, out-of-order and repeated events, several processors,
// a crash between apply and mark, retries, dead letters and their replay, LISTEN/NOTIFY wake-ups.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import type { Tx } from '../../../src/db/client.ts';
import { defaultCatalog } from '../../../src/domain/catalog/catalog.ts';
import { createLogger } from '../../../src/log.ts';
import { OutboxProcessor, type OutboxProcessorOptions } from '../../../src/outbox/processor.ts';
import type { OutboxEvent } from '../../../src/domain/outbox-event.ts';
import type { EventSink } from '../../../src/outbox/event-sink.ts';
import { claimEvents, replayDeadEvents } from '../../../src/outbox/queries.ts';
import { ProjectionCoordinator, type Projection } from '../../../src/projections/coordinator.ts';
import { dailySummariesProjection } from '../../../src/projections/daily-summaries.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { until } from '../../support/poll.ts';
import {
  checkpointOf,
  eventsOf,
  pendingCount,
  sleepStage,
  steps,
  summariesOf,
  write,
} from '../../support/outbox.ts';

let db: TestDatabase;
const log = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
const running: OutboxProcessor[] = [];

beforeAll(async () => {
  db = await createTestDatabase({ poolSize: 30 });
});
afterAll(async () => {
  await Promise.all(running.map((processor) => processor.close()));
  await db.drop();
});

const summaries = () => dailySummariesProjection(defaultCatalog);
const coordinatorWith = (...projections: Projection[]) => new ProjectionCoordinator(db.sql, projections);

function processor(options: Partial<OutboxProcessorOptions> = {}): OutboxProcessor {
  const created = new OutboxProcessor({ db: db.sql, log, sinks: [coordinatorWith(summaries())], listen: false, ...options });
  running.push(created);
  return created;
}

/** Runs claim rounds until nothing is due (only this test's processors run in this database). */
async function drain(p: OutboxProcessor): Promise<void> {
  while ((await p.runOnce()) > 0);
}

/** Rebuilds the user's summaries from scratch, applying every event once in seq order. */
async function rebuiltInOrder(userId: string) {
  await db.sql.unsafe('DELETE FROM health_daily_summaries WHERE user_id = $1', [userId]);
  await db.sql.unsafe('DELETE FROM projection_checkpoints WHERE user_id = $1', [userId]);
  const coordinator = coordinatorWith(summaries());
  for (const event of await eventsOf(db.sql, userId)) await coordinator.handle(userId, [event]);
  return summariesOf(db.sql, userId);
}

/** A user with steps from two sources over two dates, an update, a delete and a night of sleep. */
async function historyOf(userId: string, between?: (seq: number) => Promise<void>) {
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
    const seq = await write(db.sql, userId, samples as never, deleted as never);
    if (seq !== null) await between?.(seq);
  }
}

describe('the daily summaries projection through the coordinator', () => {
  test('in-order processing gives the summaries of the live samples', async () => {
    const user = crypto.randomUUID();
    await historyOf(user);
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
    await historyOf(user, async (seq) => {
      if (seq === 2) await apply(2);
      if (seq === 3) await apply(3, 3);
      if (seq === 4) await apply(1, 4);
    });
    expect(await checkpointOf(db.sql, user)).toEqual({ projectedSeq: 4, appliedSeqs: [] });
    await apply(5, 2, 5, 1);
    const scrambled = await summariesOf(db.sql, user);
    expect(await checkpointOf(db.sql, user)).toEqual({ projectedSeq: 5, appliedSeqs: [] });

    expect(await rebuiltInOrder(user)).toEqual(scrambled);
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

describe('the outbox processor', () => {
  test('two processors at once apply every event exactly once and lose none', async () => {
    const applications = new Map<number, number>();
    const counting: Projection = {
      name: 'test_counting',
      eventTypes: ['health.samples.changed'],
      async apply(_tx: Tx, _userId: string, events: readonly OutboxEvent[]) {
        for (const event of events) applications.set(event.id, (applications.get(event.id) ?? 0) + 1);
      },
    };
    const options = { listen: true, batchSize: 5, pollIntervalMs: 200 };
    const a = processor({ ...options, sinks: [coordinatorWith(summaries(), counting)] });
    const b = processor({ ...options, sinks: [coordinatorWith(summaries(), counting)] });
    await Promise.all([a.start(), b.start()]);

    const users = Array.from({ length: 6 }, () => crypto.randomUUID());
    await Promise.all(
      users.map(async (user) => {
        for (let i = 0; i < 8; i++) {
          await write(db.sql, user, [steps(i % 2 ? 'phone' : 'watch', 100 * (i + 1), `2026-11-${10 + (i % 3)}T0${i}:00:00Z`)]);
        }
      }),
    );
    await until(async () => (await pendingCount(db.sql)) === 0, Boolean);
    await Promise.all([a.close(), b.close()]);

    for (const user of users) {
      const events = await eventsOf(db.sql, user);
      expect(events.map((e) => e.status)).toEqual(Array(8).fill('processed'));
      for (const event of events) expect(applications.get(event.id)).toBe(1);
      expect(await checkpointOf(db.sql, user)).toEqual({ projectedSeq: 8, appliedSeqs: [] });
      expect(await checkpointOf(db.sql, user, 'test_counting')).toEqual({ projectedSeq: 8, appliedSeqs: [] });
      const rows = await summariesOf(db.sql, user);
      expect(rows.reduce((sum, row) => sum + (row.value_sum as number), 0)).toBe(3600); // 100 + … + 800
      expect(await rebuiltInOrder(user)).toEqual(rows);
    }
  }, 20_000);

  test('a crash between apply and mark: the event is applied again after the lease, with the same result', async () => {
    const user = crypto.randomUUID();
    await historyOf(user);
    // a processor claims with a short lease, applies, and dies before marking
    const claimed = (await claimEvents(db.sql, 100, 200)).filter((event) => event.userId === user);
    expect(claimed).toHaveLength(5);
    await coordinatorWith(summaries()).handle(user, claimed);
    const afterCrash = await summariesOf(db.sql, user);
    expect((await eventsOf(db.sql, user)).every((e) => e.status === 'pending')).toBe(true);

    // nothing of it is due until the lease runs out; then another processor takes it again
    const other = processor();
    await until(async () => {
      await drain(other);
      return (await eventsOf(db.sql, user)).every((e) => e.status === 'processed');
    }, Boolean);
    const events = await eventsOf(db.sql, user);
    expect(events.map((e) => [e.status, e.attempts])).toEqual(Array(5).fill(['processed', 2]));
    expect(await summariesOf(db.sql, user)).toEqual(afterCrash);
    expect(await checkpointOf(db.sql, user)).toEqual({ projectedSeq: 5, appliedSeqs: [] });
    expect(await rebuiltInOrder(user)).toEqual(afterCrash);
  });

  test('a failing event is retried with backoff, ends as a dead letter, and a replay applies it', async () => {
    const user = crypto.randomUUID();
    for (let i = 0; i < 3; i++) await write(db.sql, user, [steps('phone', 10, `2026-11-2${i}T08:00:00Z`)]);
    let broken = true;
    const flaky: Projection = {
      name: 'test_flaky',
      eventTypes: ['health.samples.changed'],
      async apply(_tx: Tx, _userId: string, events: readonly OutboxEvent[]) {
        if (broken && events.some((event) => event.seq === 2)) throw new Error('read model unavailable');
      },
    };
    const p = processor({
      sinks: [coordinatorWith(summaries(), flaky)],
      retry: { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 100 },
      pollIntervalMs: 10,
    });
    await p.start();
    await until(async () => (await eventsOf(db.sql, user))[1]!.status === 'dead', Boolean);
    const [first, second, third] = await eventsOf(db.sql, user);
    // its neighbours in the same claim were not held back
    expect([first!.status, third!.status]).toEqual(['processed', 'processed']);
    expect(second!.attempts).toBe(3);
    const [row] = await db.sql.unsafe('SELECT last_error FROM outbox_events WHERE id = $1', [second!.id]);
    expect(row!.last_error).toBe('read model unavailable');
    expect(await checkpointOf(db.sql, user, 'test_flaky')).toEqual({ projectedSeq: 1, appliedSeqs: [3] });

    broken = false;
    expect(await replayDeadEvents(db.sql, [second!.id])).toBe(1);
    await until(async () => (await eventsOf(db.sql, user))[1]!.status === 'processed', Boolean);
    expect(await checkpointOf(db.sql, user, 'test_flaky')).toEqual({ projectedSeq: 3, appliedSeqs: [] });
    await p.close();
  });

  test('a second sink is one more entry: each sees the events, the last marks them with its own rows, a failure sends them round again', async () => {
    await db.sql.unsafe('CREATE TABLE IF NOT EXISTS test_deliveries (event_id bigint NOT NULL)');
    const user = crypto.randomUUID();
    for (let i = 0; i < 2; i++) await write(db.sql, user, [steps('phone', 10, `2026-11-2${i}T08:00:00Z`)]);
    let failures = 1;
    const handled: number[][] = [];
    const recording: EventSink = {
      name: 'test_recording',
      async handle(userId, events, finish) {
        if (userId !== user) return db.sql.begin(async (tx) => void (await finish?.(tx)));
        handled.push(events.map((event) => event.seq));
        await db.sql.begin(async (tx) => {
          // its own rows in the transaction that marks the events processed: both or neither
          await tx.unsafe('INSERT INTO test_deliveries SELECT unnest($1::bigint[])', [events.map((event) => event.id)]);
          if (failures-- > 0) throw new Error('endpoint table unavailable');
          await finish?.(tx);
        });
      },
    };
    await drain(processor({ sinks: [coordinatorWith(summaries()), recording] }));
    const events = await eventsOf(db.sql, user);
    expect(events.map((event) => event.status)).toEqual(['processed', 'processed']);
    // the group failed in the second sink; both sinks then saw the events one by one
    expect(handled).toEqual([[1, 2], [1], [2]]);
    const delivered = await db.sql.unsafe('SELECT event_id FROM test_deliveries WHERE event_id = ANY($1::bigint[]) ORDER BY 1', [events.map((e) => e.id)]);
    expect(delivered.map((row) => Number(row.event_id))).toEqual(events.map((event) => event.id));
    expect(await checkpointOf(db.sql, user)).toEqual({ projectedSeq: 2, appliedSeqs: [] });
  });

  test('a notification wakes it long before its next poll', async () => {
    const p = processor({ listen: true, pollIntervalMs: 60_000 });
    await p.start();
    const user = crypto.randomUUID();
    await write(db.sql, user, [steps('phone', 10, '2026-11-20T08:00:00Z')]);
    await until(async () => (await eventsOf(db.sql, user))[0]!.status === 'processed', Boolean, 5000);
    await p.close();
  });

  test('close() stops claiming but lets the batch in flight finish', async () => {
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    let applying = false;
    const slow: Projection = {
      name: 'test_slow',
      eventTypes: ['health.samples.changed'],
      async apply() {
        applying = true;
        await gate;
      },
    };
    const p = processor({ sinks: [coordinatorWith(slow)], listen: true, pollIntervalMs: 10 });
    await p.start();
    const user = crypto.randomUUID();
    await write(db.sql, user, [steps('phone', 10, '2026-11-20T08:00:00Z')]);
    await until(async () => applying, Boolean);
    let closed = false;
    const closing = p.close().then(() => (closed = true));
    for (let i = 0; i < 10; i++) await Promise.resolve();
    expect(closed).toBe(false);
    release();
    await closing;
    expect((await eventsOf(db.sql, user))[0]!.status).toBe('processed');
  });
});
