// The outbox processor against a real PostgreSQL (the projection's own tests are in projections/):
// at-least-once delivery with idempotent recompute, several processors, a crash between apply and
// mark, retries, dead letters and their replay, a second sink, LISTEN/NOTIFY wake-ups.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import type { Tx } from '../../../src/db/client.ts';
import { defaultCatalog } from '../../../src/domain/catalog/catalog.ts';
import { createLogger } from '../../../src/log.ts';
import { OutboxProcessor, type OutboxProcessorOptions } from '../../../src/outbox/processor.ts';
import type { OutboxEvent } from '../../../src/domain/outbox-event.ts';
import type { EventSink } from '../../../src/outbox/event-sink.ts';
import { claimEvents, OUTBOX_CHANNEL, replayDeadEvents } from '../../../src/outbox/queries.ts';
import { ProjectionCoordinator, type Projection } from '../../../src/projections/coordinator.ts';
import { dailySummariesProjection } from '../../../src/projections/daily-summaries.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { until } from '../../support/poll.ts';
import { steps } from '../../support/batches.ts';
import { write } from '../../support/ingest.ts';
import { checkpointOf, eventsOf, historyOf, pendingCount, rebuiltInOrder, summariesOf } from '../../support/outbox.ts';

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
      expect(await rebuiltInOrder(db.sql, user)).toEqual(rows);
    }
  }, 20_000);

  test('a crash between apply and mark: the event is applied again after the lease, with the same result', async () => {
    const user = crypto.randomUUID();
    await historyOf(db.sql, user);
    // a processor claims with a short lease, applies, and dies before marking
    const claimed = (await claimEvents(db.sql, 100, 200, 50)).filter((event) => event.userId === user);
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
    expect(await rebuiltInOrder(db.sql, user)).toEqual(afterCrash);
  });

  test("a claim takes the oldest events and each of their users' later ones (up to the per-user limit), to apply together", async () => {
    const [a, b] = [crypto.randomUUID(), crypto.randomUUID()];
    // interleaved, as a backfill of two users: a1 b1 a2 b2 a3 b3 a4 b4
    for (let i = 0; i < 4; i++) {
      for (const user of [a, b]) await write(db.sql, user, [steps('watch', 10 * (i + 1), `2026-11-1${i}T08:00:00Z`)]);
    }
    expect(await pendingCount(db.sql)).toBe(8);
    const claimed = await claimEvents(db.sql, 2, 200, 2);
    const seqsOf = (user: string) => claimed.filter((event) => event.userId === user).map((event) => event.seq).sort();
    // the oldest two are a1 and b1; each user's next two come with them, the fourth stays pending
    expect([seqsOf(a), seqsOf(b)]).toEqual([[1, 2, 3], [1, 2, 3]]);
    expect(claimed.every((event) => event.attempts === 1)).toBe(true);

    // one apply per user covers its claimed events; the rest follows after the lease
    const p = processor();
    await until(async () => {
      await drain(p);
      return (await pendingCount(db.sql)) === 0;
    }, Boolean);
    for (const user of [a, b]) {
      expect(await checkpointOf(db.sql, user)).toEqual({ projectedSeq: 4, appliedSeqs: [] });
      expect(await summariesOf(db.sql, user)).toEqual(await rebuiltInOrder(db.sql, user));
    }
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

  test('writes committing while a wake-up is in flight are woken for too (the wake-ups are coalesced, none lost)', async () => {
    const p = processor({ listen: true, pollIntervalMs: 60_000 });
    await p.start();
    const notifications: number[] = [];
    const listening = await db.sql.listen(OUTBOX_CHANNEL, () => notifications.push(Date.now()));
    const users = Array.from({ length: 24 }, () => crypto.randomUUID());
    // 24 commits at once, and then 24 more one after another: every event is processed long before the next poll
    await Promise.all(users.map((user) => write(db.sql, user, [steps('phone', 10, '2026-11-21T08:00:00Z')])));
    for (const user of users) await write(db.sql, user, [steps('phone', 12, '2026-11-21T09:00:00Z')]);
    for (const user of users) await until(async () => (await eventsOf(db.sql, user)).filter((e) => e.status === 'processed').length, (n) => n === 2, 5000);
    await until(async () => notifications.length, (n) => n > 0, 5000);
    // coalesced: the concurrent commits shared wake-ups
    expect(notifications.length).toBeLessThan(48);
    await listening.unlisten();
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
