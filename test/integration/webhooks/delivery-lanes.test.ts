// The webhook sink and the delivery worker against a real PostgreSQL and a receiver on loopback:
// deliveries recorded once per event and endpoint however often an event is applied, order per
// user when events are applied out of order, lanes that do not wait for each other (a hung
// endpoint holds only its own slots), a worker that dies mid-send (its lease runs out, the head is
// sent again), DNS rebinding refused at the send, an erasure forgetting a user, retention.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import type { Tx } from '../../../src/db/client.ts';
import { ProjectionCoordinator } from '../../../src/projections/coordinator.ts';
import { createLogger } from '../../../src/log.ts';
import { createAddressGuard } from '../../../src/webhooks/address-guard.ts';
import { DeliveryWorker, type DeliveryWorkerOptions } from '../../../src/webhooks/delivery-worker.ts';
import { createWebhookAdmin } from '../../../src/webhooks/endpoint-admin.ts';
import { claimLanes, deleteFinishedDeliveries, forgetUserDeliveries } from '../../../src/webhooks/queries.ts';
import { createSecretBox } from '../../../src/webhooks/secret-box.ts';
import { createSender } from '../../../src/webhooks/sender.ts';
import { webhookSink } from '../../../src/webhooks/webhook-sink.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { steps } from '../../support/batches.ts';
import { write } from '../../support/ingest.ts';
import { eventsOf } from '../../support/outbox.ts';
import { until } from '../../support/poll.ts';
import { matchingSignatures, startReceiver, type Receiver } from '../../support/webhook-receiver.ts';

let db: TestDatabase;
const log = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
const secrets = createSecretBox('integration-test-webhook-secret-key-0123456789');
const openGuard = createAddressGuard({ allowPrivate: true });
const receivers: Receiver[] = [];
const workers: DeliveryWorker[] = [];

beforeAll(async () => {
  db = await createTestDatabase({ poolSize: 20 });
});
afterAll(async () => {
  for (const worker of workers) await worker.close(1000);
  for (const receiver of receivers) await receiver.stop();
  await db.drop();
});

const admin = () => createWebhookAdmin({ db: db.sql, secrets, guard: openGuard });
const coordinator = () => new ProjectionCoordinator(db.sql, [webhookSink()]);

function receiver(): Receiver {
  const created = startReceiver();
  receivers.push(created);
  return created;
}

function worker(options: Partial<DeliveryWorkerOptions> = {}): DeliveryWorker {
  const created = new DeliveryWorker({
    db: db.sql,
    log,
    secrets,
    sender: createSender({ guard: openGuard, timeoutMs: 2000 }),
    listen: false,
    pollIntervalMs: 20,
    retrySchedule: [20, 20, 20, 20, 20],
    ...options,
  });
  workers.push(created);
  return created;
}

/** Applies the user's pending events through the sink, in the given seq order. */
async function apply(userId: string, seqs?: number[]) {
  const events = (await eventsOf(db.sql, userId)).filter((event) => event.status === 'pending');
  const chosen = seqs ? seqs.map((seq) => events.find((event) => event.seq === seq)!) : events;
  for (const event of chosen) {
    await coordinator().handle(userId, [event], (tx: Tx) => tx.unsafe(`UPDATE outbox_events SET status = 'processed' WHERE id = $1`, [event.id]));
  }
}

async function deliveriesOf(endpointId: string): Promise<{ user_id: string; seq: number; status: string; attempts: number }[]> {
  const rows = await db.sql.unsafe(`SELECT user_id, seq::int AS seq, status, attempts FROM webhook_deliveries WHERE endpoint_id = $1 ORDER BY seq`, [endpointId]);
  return rows.map((row) => ({ user_id: row.user_id, seq: row.seq, status: row.status, attempts: row.attempts }));
}

const day = (d: number) => `2026-10-${String(d).padStart(2, '0')}T10:00:00Z`;

test('one delivery per event and subscribed endpoint, however often the event is applied', async () => {
  const [a, b] = [receiver(), receiver()];
  const first = await admin().create({ url: a.url, events: ['health.samples.changed'] });
  const second = await admin().create({ url: b.url, events: ['health.user.erased'] });
  const userId = crypto.randomUUID();
  await write(db.sql, userId, [steps('phone', 10, day(1))]);
  const [event] = await eventsOf(db.sql, userId);
  for (let i = 0; i < 3; i++) await coordinator().handle(userId, [event!]);
  expect(await deliveriesOf(first.id)).toEqual([{ user_id: userId, seq: 1, status: 'pending', attempts: 0 }]);
  expect(await deliveriesOf(second.id)).toEqual([]);
  await admin().remove(first.id);
  await admin().remove(second.id);
});

test("a user's events applied out of order are still sent in seq order", async () => {
  const hook = receiver();
  const endpoint = await admin().create({ url: hook.url, events: ['health.samples.changed'] });
  const userId = crypto.randomUUID();
  for (let d = 1; d <= 3; d++) await write(db.sql, userId, [steps('phone', d, day(d))]);
  const sender = worker();
  await apply(userId, [3, 2]); // seq 1 is still on its way (a slower processor, a retry)
  expect(await sender.runOnce()).toBe(0);
  expect(hook.received).toHaveLength(0);
  await apply(userId, [1]);
  while ((await sender.runOnce()) > 0);
  expect(hook.received.map((w) => w.json.data.minRequiredSeq)).toEqual([1, 2, 3]);
  for (const webhook of hook.received) expect(matchingSignatures(endpoint.secret, webhook)).toBe(1);
  await admin().remove(endpoint.id);
});

test('a hung endpoint holds only its own slots: another endpoint and other users go on', async () => {
  const hung = receiver();
  const fast = receiver();
  let release: () => void = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  hung.respond = async () => (await released, new Response('late'));
  const slow = await admin().create({ url: hung.url, events: ['health.samples.changed'] });
  const quick = await admin().create({ url: fast.url, events: ['health.samples.changed'] });
  const users = Array.from({ length: 6 }, () => crypto.randomUUID());
  for (const userId of users) {
    for (let d = 1; d <= 3; d++) await write(db.sql, userId, [steps('phone', d, day(d))]);
    await apply(userId);
  }
  const sender = worker({ concurrency: 6, endpointConcurrency: 2, sender: createSender({ guard: openGuard, timeoutMs: 30_000 }) });
  await sender.start();
  // the fast endpoint gets all 18 while the hung one holds its 2 slots
  await until(() => fast.received.length, (n) => n >= 18, 15_000, 'the fast endpoint served');
  expect(hung.received).toHaveLength(2);
  release();
  await until(() => hung.received.length, (n) => n >= 18, 15_000, 'the hung endpoint served once released');
  for (const userId of users) {
    expect(fast.received.filter((w) => w.json.data.userId === userId).map((w) => w.json.data.minRequiredSeq)).toEqual([1, 2, 3]);
  }
  await sender.close();
  await admin().remove(slow.id);
  await admin().remove(quick.id);
});

test('a worker that dies mid-send: its lease runs out and the head is sent again, same webhook-id', async () => {
  const hook = receiver();
  const endpoint = await admin().create({ url: hook.url, events: ['health.samples.changed'] });
  const userId = crypto.randomUUID();
  await write(db.sql, userId, [steps('phone', 1, day(1))]);
  await apply(userId);
  // a "worker" claims the lane with a short lease and never finishes
  const claimed = await claimLanes(db.sql, { limit: 10, leaseMs: 300, now: null, fullEndpoints: [], perEndpoint: 8, partial: [] });
  expect(claimed).toHaveLength(1);
  const survivor = worker();
  expect(await survivor.runOnce()).toBe(0); // leased: not taken
  await until(() => survivor.runOnce(), (n) => n === 1, 5_000, 'the lane taken over after the lease');
  expect(hook.received).toHaveLength(1);
  expect(hook.received[0]!.id).toBe(claimed[0]!.message_id!);
  const [row] = await deliveriesOf(endpoint.id);
  expect(row).toMatchObject({ status: 'delivered', attempts: 2 });
  await admin().remove(endpoint.id);
});

test('DNS rebinding: a name public when registered and loopback at the send is refused at the send', async () => {
  const hook = receiver();
  let resolutions = 0;
  // first answer: a public address (only checked at registration, never connected to); then loopback
  const guard = createAddressGuard({
    allowPrivate: false,
    resolve: async () => (resolutions++ === 0 ? [{ address: '93.184.215.14', family: 4 }] : [{ address: '127.0.0.1', family: 4 }]),
  });
  const url = `http://hooks.rebind.test:${hook.port}/hook`;
  const endpoint = await createWebhookAdmin({ db: db.sql, secrets, guard }).create({ url, events: ['health.samples.changed'] });
  const userId = crypto.randomUUID();
  await write(db.sql, userId, [steps('phone', 1, day(1))]);
  await apply(userId);
  const sender = worker({ sender: createSender({ guard, timeoutMs: 2000 }), retrySchedule: [] });
  expect(await sender.runOnce()).toBe(1);
  expect(hook.received).toHaveLength(0);
  const [attempt] = await db.sql.unsafe(
    `SELECT a.status_code, a.error FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id WHERE d.endpoint_id = $1`,
    [endpoint.id],
  );
  expect({ ...attempt }).toEqual({ status_code: null, error: 'refused: hooks.rebind.test resolves to 127.0.0.1 (a loopback address)' });
  await admin().remove(endpoint.id);
});

test('a secret sealed under another key is not opened: the attempt fails and says so', async () => {
  const hook = receiver();
  const endpoint = await admin().create({ url: hook.url, events: ['health.samples.changed'] });
  const userId = crypto.randomUUID();
  await write(db.sql, userId, [steps('phone', 1, day(1))]);
  await apply(userId);
  const sender = worker({ secrets: createSecretBox('another-key-another-key-another-key-0000'), retrySchedule: [] });
  expect(await sender.runOnce()).toBe(1);
  expect(hook.received).toHaveLength(0);
  const listed = await admin().deliveries(endpoint.id, {});
  expect(listed.items[0]).toMatchObject({ status: 'failed' });
  expect(listed.items[0]!.attemptLog[0]!.error).toContain('WEBHOOK_SECRET_KEY');
  await admin().remove(endpoint.id);
});

describe('forgetting and retention', () => {
  test("an erasure forgets the user's deliveries and lanes, and no one else's", async () => {
    const endpoint = await admin().create({ url: 'http://127.0.0.1:9/x', events: ['health.samples.changed'] });
    const [gone, kept] = [crypto.randomUUID(), crypto.randomUUID()];
    for (const userId of [gone, kept]) {
      await write(db.sql, userId, [steps('phone', 1, day(1))]);
      await apply(userId);
    }
    expect(await forgetUserDeliveries(db.sql, gone)).toBe(1);
    expect((await deliveriesOf(endpoint.id)).map((row) => row.user_id)).toEqual([kept]);
    expect(await db.sql.unsafe(`SELECT 1 FROM webhook_lanes WHERE user_id = $1`, [gone])).toHaveLength(0);
    await admin().remove(endpoint.id);
  });

  test('finished deliveries past the retention are deleted with their attempts; pending ones never', async () => {
    const hook = receiver();
    const endpoint = await admin().create({ url: hook.url, events: ['health.samples.changed'] });
    const users = [crypto.randomUUID(), crypto.randomUUID()];
    for (const userId of users) {
      await write(db.sql, userId, [steps('phone', 1, day(1))]);
      await apply(userId);
    }
    const sender = worker();
    while ((await sender.runOnce()) > 0);
    await write(db.sql, users[0]!, [steps('phone', 2, day(2))]);
    await apply(users[0]!);
    await db.sql.unsafe(`UPDATE webhook_deliveries SET updated_at = now() - interval '40 days' WHERE endpoint_id = $1`, [endpoint.id]);
    expect(await deleteFinishedDeliveries(db.sql, 30, 1000)).toBe(2);
    expect((await deliveriesOf(endpoint.id)).map((row) => row.status)).toEqual(['pending']);
    expect(await db.sql.unsafe(`SELECT 1 FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id WHERE d.endpoint_id = $1`, [endpoint.id])).toHaveLength(0);
    await admin().remove(endpoint.id);
  });
});
