// Recording a batch of attempts in one statement (finish_attempts.sql): each delivery takes its
// outcome, each lane is re-timed by its own head, and an endpoint's failure streak follows the
// latest of its attempts in the batch — a success ends it, a failure after that starts a new one.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import type { Tx } from '../../../src/db/client.ts';
import { ProjectionCoordinator } from '../../../src/projections/coordinator.ts';
import { createAddressGuard } from '../../../src/webhooks/address-guard.ts';
import { createWebhookAdmin } from '../../../src/webhooks/endpoint-admin.ts';
import { claimLanes, finishAttempts, type ClaimedLane, type FinishedAttempt } from '../../../src/webhooks/queries.ts';
import { createSecretBox } from '../../../src/webhooks/secret-box.ts';
import { webhookSink } from '../../../src/webhooks/webhook-sink.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { steps } from '../../support/batches.ts';
import { write } from '../../support/ingest.ts';
import { eventsOf } from '../../support/outbox.ts';

let db: TestDatabase;
const secrets = createSecretBox('integration-test-webhook-secret-key-0123456789');
const admin = () => createWebhookAdmin({ db: db.sql, secrets, guard: createAddressGuard({ allowPrivate: true }) });

beforeAll(async () => {
  db = await createTestDatabase({ poolSize: 8 });
});
afterAll(async () => {
  await db.drop();
});

const day = (d: number) => `2026-10-${String(d).padStart(2, '0')}T10:00:00Z`;

/** Two events for each user, applied through the sink (deliveries recorded, lanes ready). */
async function usersWithTwoEvents(count: number): Promise<string[]> {
  const users = Array.from({ length: count }, () => crypto.randomUUID());
  for (const userId of users) {
    for (let d = 1; d <= 2; d++) await write(db.sql, userId, [steps('phone', d, day(d))]);
    for (const event of await eventsOf(db.sql, userId)) {
      await new ProjectionCoordinator(db.sql, [webhookSink()]).handle(userId, [event], (tx: Tx) =>
        tx.unsafe(`UPDATE outbox_events SET status = 'processed' WHERE id = $1`, [event.id]),
      );
    }
  }
  return users;
}

const claim = (now: Date) => claimLanes(db.sql, { limit: 10, leaseMs: 60_000, now, fullEndpoints: [], perEndpoint: 10, partial: [] });

function outcome(lane: ClaimedLane, at: Date, result: 'delivered' | 'pending', disableEndpoint = false): FinishedAttempt {
  return {
    deliveryId: lane.delivery_id!,
    attempts: lane.attempts!,
    attemptedAt: at,
    durationMs: 3,
    statusCode: result === 'delivered' ? 200 : 500,
    error: result === 'delivered' ? null : 'HTTP 500',
    outcome: result,
    nextAttemptAt: result === 'pending' ? new Date(at.getTime() + 60_000) : null,
    disableEndpoint,
    endpointId: lane.endpoint_id,
    userId: lane.user_id,
    laneVersion: lane.version,
  };
}

async function endpointState(id: string) {
  const [row] = await db.sql.unsafe(`SELECT failing_since, disabled, disabled_reason FROM webhook_endpoints WHERE id = $1`, [id]);
  return row as unknown as { failing_since: Date | null; disabled: boolean; disabled_reason: string | null };
}

test('a batch moves each delivery, re-times each lane by its own head, and the streak follows the latest attempt', async () => {
  const endpoint = await admin().create({ url: 'http://127.0.0.1:9/hook', events: ['health.samples.changed'] });
  const [alice, bob] = await usersWithTwoEvents(2);
  const t0 = Date.now();
  const lanes = await claim(new Date(t0));
  expect(lanes).toHaveLength(2);
  const laneOf = (userId: string) => lanes.find((lane) => lane.user_id === userId)!;

  // alice delivered, then bob failed: the streak starts at bob's failure
  const failedAt = new Date(t0 + 2000);
  const rows = await finishAttempts(db.sql, [outcome(laneOf(alice!), new Date(t0 + 1000), 'delivered'), outcome(laneOf(bob!), failedAt, 'pending')]);
  const byDelivery = new Map(rows.map((row) => [String(row.delivery_id), row]));
  expect(byDelivery.get(String(laneOf(alice!).delivery_id))).toMatchObject({ moved: true, lane_ready: true, endpoint_disabled: false });
  expect(byDelivery.get(String(laneOf(bob!).delivery_id))).toMatchObject({ moved: true, lane_ready: false, endpoint_disabled: false });
  expect((await endpointState(endpoint.id)).failing_since?.getTime()).toBe(failedAt.getTime());
  const statuses = await db.sql.unsafe(
    `SELECT user_id, seq::int AS seq, status, attempts FROM webhook_deliveries WHERE endpoint_id = $1 ORDER BY user_id = $2 DESC, seq`,
    [endpoint.id, alice!],
  );
  expect(statuses.map((row) => [row.seq, row.status])).toEqual([
    [1, 'delivered'],
    [2, 'pending'],
    [1, 'pending'],
    [2, 'pending'],
  ]);
  const [attempts] = await db.sql.unsafe(`SELECT count(*)::int AS n FROM webhook_attempts`);
  expect(attempts!.n).toBe(2);

  // alice's next head is due now, bob's lane waits for its retry: one lane claimable
  const next = await claim(new Date());
  expect(next.map((lane) => [lane.user_id, lane.attempts])).toEqual([[alice!, 1]]);

  // recorded again (a lost reply): the delivered one does not move again
  const again = await finishAttempts(db.sql, [outcome(laneOf(alice!), new Date(t0 + 1000), 'delivered')]);
  expect(again[0]).toMatchObject({ moved: false, lane_ready: true });

  // a failure and then a success in one batch: the streak ends
  const later = await claim(new Date(t0 + 120_000));
  expect(later.map((lane) => lane.user_id).sort()).toEqual([alice!, bob!].sort());
  const laterOf = (userId: string) => later.find((lane) => lane.user_id === userId)!;
  await finishAttempts(db.sql, [outcome(laterOf(alice!), new Date(t0 + 121_000), 'pending'), outcome(laterOf(bob!), new Date(t0 + 122_000), 'delivered')]);
  expect((await endpointState(endpoint.id)).failing_since).toBeNull();
  await admin().remove(endpoint.id);
});

test('an endpoint already failing is disabled by a batch asking for it, unless a success in the batch ended the streak', async () => {
  const kept = await admin().create({ url: 'http://127.0.0.1:9/kept', events: ['health.samples.changed'] });
  const lost = await admin().create({ url: 'http://127.0.0.1:9/lost', events: ['health.samples.changed'] });
  const since = new Date(Date.now() - 6 * 86_400_000);
  await db.sql.unsafe(`UPDATE webhook_endpoints SET failing_since = $1 WHERE id = ANY ($2::uuid[])`, [since, [kept.id, lost.id]]);
  const [alice, bob] = await usersWithTwoEvents(2);
  const now = Date.now();
  const lanes = await claim(new Date(now));
  expect(lanes).toHaveLength(4);
  const of = (endpointId: string, userId: string) => lanes.find((lane) => lane.endpoint_id === endpointId && lane.user_id === userId)!;
  const rows = await finishAttempts(db.sql, [
    outcome(of(kept.id, alice!), new Date(now + 1000), 'pending', true),
    outcome(of(kept.id, bob!), new Date(now + 2000), 'delivered'),
    outcome(of(lost.id, alice!), new Date(now + 1000), 'pending', true),
    outcome(of(lost.id, bob!), new Date(now + 2000), 'pending', true),
  ]);
  const disabledOf = (endpointId: string) => rows.filter((row) => lanes.find((lane) => String(lane.delivery_id) === String(row.delivery_id))!.endpoint_id === endpointId).map((row) => row.endpoint_disabled);
  expect(disabledOf(kept.id)).toEqual([false, false]);
  expect(disabledOf(lost.id)).toEqual([true, true]);
  expect(await endpointState(kept.id)).toMatchObject({ failing_since: null, disabled: false });
  expect(await endpointState(lost.id)).toMatchObject({ disabled: true, disabled_reason: 'failing' });
  expect((await endpointState(lost.id)).failing_since?.getTime()).toBe(since.getTime());
});
