// CONTRACT §11 through HTTP, with a real receiver on loopback (WEBHOOK_ALLOW_PRIVATE=true):
// registration and its secret, signed deliveries (verified by the test's own HMAC and by the
// standardwebhooks package), retries with a stable webhook-id, redirects not followed, order per
// user, rotation overlap, replay, test messages, failed deliveries listed, endpoints disabled
// after 5 days of failure (injected clock), and /metrics.
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'bun:test';
import { Webhook } from 'standardwebhooks';
import { adminCall } from '../support/admin.ts';
import { batch, heartRate, upload } from '../support/batches.ts';
import { until } from '../support/poll.ts';
import { startTestService, type TestService } from '../support/service.ts';
import { matchingSignatures, startReceiver, type Receiver } from '../support/webhook-receiver.ts';

const KEY = 'webhooks-test-admin-key';
const DAY = 24 * 3600 * 1000;
let service: TestService;
let clockOffsetMs = 0;
const receivers: Receiver[] = [];

beforeAll(async () => {
  service = await startTestService({
    env: { ADMIN_API_KEYS: KEY, WEBHOOK_ALLOW_PRIVATE: 'true' },
    outbox: true,
    webhooks: { retrySchedule: Array.from({ length: 30 }, () => 30), clock: () => Date.now() + clockOffsetMs },
  });
});
afterAll(async () => {
  await service.close();
  for (const receiver of receivers) await receiver.stop();
});
afterEach(() => {
  clockOffsetMs = 0;
});

const admin = (method: string, path: string, body?: unknown) => adminCall(service.baseUrl, KEY, method, path, body);

function receiver(): Receiver {
  const created = startReceiver();
  receivers.push(created);
  return created;
}

/** Registers an endpoint once earlier tests' changes went through the outbox (so they do not reach it). */
async function register(url: string, events = ['health.samples.changed']) {
  await until(
    async () => (await service.db.sql.unsafe(`SELECT count(*)::int AS n FROM outbox_events WHERE status = 'pending'`))[0]!.n as number,
    (n) => n === 0,
    15_000,
    'earlier changes applied',
  );
  const created = await admin('POST', '/admin/webhooks', { url, events, description: 'test' });
  expect(created.status).toBe(201);
  return created.body as { id: string; secret: string };
}

async function uploadFor(userId: string, count = 1, startAt = '2026-11-20T07:15:00Z') {
  const token = await service.token(userId);
  const samples = Array.from({ length: count }, (_, i) => heartRate({ startAt: new Date(Date.parse(startAt) + i * 60_000).toISOString() }));
  const reply = await upload(service.baseUrl, token, batch(samples));
  expect(reply.status).toBe(200);
  return reply.body.watermarkSeq as number;
}

describe('endpoints', () => {
  test('POST registers an endpoint and shows its secret once; GET, PATCH and DELETE manage it', async () => {
    const created = await admin('POST', '/admin/webhooks', { url: 'http://127.0.0.1:9/hook', events: ['health.samples.changed', 'health.user.erased'], description: 'crm' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ url: 'http://127.0.0.1:9/hook', events: ['health.samples.changed', 'health.user.erased'], description: 'crm', disabled: false });
    expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]+={0,2}$/);
    expect(Buffer.from(created.body.secret.slice(6), 'base64').byteLength).toBeGreaterThanOrEqual(24);
    const id = created.body.id;

    const one = await admin('GET', `/admin/webhooks/${id}`);
    expect(one.status).toBe(200);
    expect(one.body).not.toHaveProperty('secret');
    const list = await admin('GET', '/admin/webhooks');
    expect(list.body.items.map((item: { id: string }) => item.id)).toContain(id);
    expect(JSON.stringify(list.body)).not.toContain(created.body.secret);

    const patched = await admin('PATCH', `/admin/webhooks/${id}`, { events: ['health.import.completed'], disabled: true });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ events: ['health.import.completed'], disabled: true, disabledReason: 'manual' });

    expect((await admin('DELETE', `/admin/webhooks/${id}`)).status).toBe(204);
    expect((await admin('GET', `/admin/webhooks/${id}`)).status).toBe(404);
    expect((await admin('DELETE', `/admin/webhooks/${id}`)).status).toBe(404);
  });

  test('the secret is not in the database in clear', async () => {
    const created = await register('http://127.0.0.1:9/hook');
    const [row] = await service.db.sql.unsafe(`SELECT secret_sealed, url FROM webhook_endpoints WHERE id = $1`, [created.id]);
    const stored = Buffer.from(row!.secret_sealed as Uint8Array);
    expect(stored.includes(Buffer.from(created.secret))).toBe(false);
    expect(stored.includes(Buffer.from(created.secret.slice(6), 'base64'))).toBe(false);
  });

  test.each([
    ['an ftp URL', { url: 'ftp://127.0.0.1/hook', events: ['health.samples.changed'] }, '/body/url'],
    ['a URL with credentials', { url: 'http://user:pw@127.0.0.1/hook', events: ['health.samples.changed'] }, '/body/url'],
    ['not a URL', { url: 'hook', events: ['health.samples.changed'] }, '/body/url'],
    ['an unknown event', { url: 'http://127.0.0.1/hook', events: ['health.other'] }, '/events'],
    ['no events', { url: 'http://127.0.0.1/hook', events: [] }, '/events'],
  ])('POST with %s → 400 VALIDATION_FAILED', async (_, body, path) => {
    const response = await admin('POST', '/admin/webhooks', body);
    expect(response.status).toBe(400);
    expect(response.type).toStartWith('application/problem+json');
    expect(response.body.code).toBe('VALIDATION_FAILED');
    expect(response.body.errors.map((e: { path: string }) => e.path).join(' ')).toContain(path);
  });

  test('an unknown or malformed id → 404', async () => {
    expect((await admin('GET', `/admin/webhooks/${crypto.randomUUID()}`)).status).toBe(404);
    expect((await admin('GET', '/admin/webhooks/not-an-id')).status).toBe(404);
    expect((await admin('POST', `/admin/webhooks/${crypto.randomUUID()}/replay`, { since: '2026-01-01T00:00:00Z' })).status).toBe(404);
  });

  test("the console is told this server has webhooks (its panel reads these routes)", async () => {
    expect((await admin('GET', '/admin/console/features')).body).toMatchObject({ webhooks: true });
  });

  test('every webhook route needs the admin key', async () => {
    const response = await fetch(`${service.baseUrl}/admin/webhooks`);
    expect(response.status).toBe(401);
  });
});

describe('delivery', () => {
  test('a committed change reaches the endpoint, signed by Standard Webhooks', async () => {
    const hook = receiver();
    const endpoint = await register(hook.url);
    const userId = crypto.randomUUID();
    const seq = await uploadFor(userId, 3);
    await until(() => hook.received.length, (n) => n >= 1, 15_000, 'a webhook');
    const [webhook] = hook.received;
    expect(webhook!.json).toEqual({
      type: 'health.samples.changed',
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      data: { userId, metricCodes: ['heart_rate'], affectedLocalDates: ['2026-11-20'], minRequiredSeq: seq },
    });
    expect(webhook!.id).toMatch(/^msg_\d+$/);
    expect(Math.abs(Number(webhook!.timestamp) - Date.now() / 1000)).toBeLessThan(60);
    expect(matchingSignatures(endpoint.secret, webhook!)).toBe(1);
    const headers = { 'webhook-id': webhook!.id, 'webhook-timestamp': webhook!.timestamp, 'webhook-signature': webhook!.signature };
    expect(new Webhook(endpoint.secret).verify(webhook!.body, headers)).toEqual(webhook!.json);
    expect(() => new Webhook(endpoint.secret).verify(webhook!.body.replace('heart_rate', 'steps'), headers)).toThrow();
  });

  test('500s then 200: sent again with the same webhook-id, every attempt listed', async () => {
    const hook = receiver();
    hook.respond = (_, index) => new Response('no', { status: index < 2 ? 500 : 200 });
    const endpoint = await register(hook.url);
    await uploadFor(crypto.randomUUID());
    await until(() => hook.received.length, (n) => n >= 3, 15_000, 'three attempts');
    expect(new Set(hook.received.map((w) => w.id)).size).toBe(1);
    expect(new Set(hook.received.map((w) => w.body)).size).toBe(1);
    for (const webhook of hook.received) expect(matchingSignatures(endpoint.secret, webhook)).toBe(1);
    const deliveries = await until(
      async () => (await admin('GET', `/admin/webhooks/${endpoint.id}/deliveries`)).body,
      (body) => body.items[0]?.status === 'delivered',
      10_000,
      'delivered',
    );
    expect(deliveries.items).toHaveLength(1);
    expect(deliveries.items[0]).toMatchObject({ messageId: hook.received[0]!.id, attempts: 3, eventType: 'health.samples.changed' });
    expect(deliveries.items[0].attemptLog.map((a: { statusCode: number }) => a.statusCode)).toEqual([200, 500, 500]);
    expect(deliveries.items[0].attemptLog[1]).toMatchObject({ error: 'HTTP 500', attemptedAt: expect.any(String), durationMs: expect.any(Number) });
  });

  test('a redirect is not followed: it is a failed attempt', async () => {
    const hook = receiver();
    hook.respond = (webhook, index) =>
      webhook.path === '/hook' && index === 0 ? new Response(null, { status: 307, headers: { location: '/elsewhere' } }) : new Response('ok');
    const endpoint = await register(hook.url);
    await uploadFor(crypto.randomUUID());
    await until(() => hook.received.length, (n) => n >= 2, 15_000, 'the retry');
    expect(hook.received.map((w) => w.path)).toEqual(['/hook', '/hook']);
    const { body } = await admin('GET', `/admin/webhooks/${endpoint.id}/deliveries`);
    expect(body.items[0].attemptLog.at(-1)).toMatchObject({ statusCode: 307, error: 'redirect 307 not followed' });
  });

  test("each user's events arrive in seq order, one user's failures do not hold back another", async () => {
    const hook = receiver();
    const [slowUser, fastUser] = [crypto.randomUUID(), crypto.randomUUID()];
    // every other attempt for the first user fails
    let slowAttempts = 0;
    hook.respond = (webhook) => new Response('', { status: webhook.json.data.userId === slowUser && slowAttempts++ % 2 === 0 ? 503 : 200 });
    await register(hook.url);
    for (let i = 0; i < 6; i++) {
      await uploadFor(slowUser, 1, `2026-11-0${i + 1}T10:00:00Z`);
      await uploadFor(fastUser, 1, `2026-11-0${i + 1}T10:00:00Z`);
    }
    const delivered = (userId: string) => [...new Map(hook.received.filter((w) => w.json.data.userId === userId).map((w) => [w.id, w])).values()];
    await until(() => delivered(slowUser).length + delivered(fastUser).length, (n) => n >= 12, 20_000, 'all twelve');
    for (const userId of [slowUser, fastUser]) {
      const seqs = hook.received.filter((w) => w.json.data.userId === userId).map((w) => w.json.data.minRequiredSeq as number);
      // a retry repeats the head; it never goes back to an earlier seq once a later one was sent
      for (let i = 1; i < seqs.length; i++) expect(seqs[i]!).toBeGreaterThanOrEqual(seqs[i - 1]!);
      expect([...new Set(seqs)]).toEqual([1, 2, 3, 4, 5, 6]);
    }
  });

  test('rotation: both signatures during the overlap, then only the new one', async () => {
    const hook = receiver();
    const endpoint = await register(hook.url);
    const rotated = await admin('POST', `/admin/webhooks/${endpoint.id}/rotate-secret`, { overlapSeconds: 3600 });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(endpoint.secret);
    await uploadFor(crypto.randomUUID());
    await until(() => hook.received.length, (n) => n >= 1, 15_000, 'a webhook in the overlap');
    const during = hook.received[0]!;
    expect(during.signature.split(' ')).toHaveLength(2);
    expect(matchingSignatures(rotated.body.secret, during)).toBe(1);
    expect(matchingSignatures(endpoint.secret, during)).toBe(1);
    expect(new Webhook(endpoint.secret).verify(during.body, { 'webhook-id': during.id, 'webhook-timestamp': during.timestamp, 'webhook-signature': during.signature })).toBeTruthy();

    clockOffsetMs = 2 * 3600 * 1000; // past the overlap
    await uploadFor(crypto.randomUUID());
    await until(() => hook.received.length, (n) => n >= 2, 15_000, 'a webhook after the overlap');
    const after = hook.received[1]!;
    expect(after.signature.split(' ')).toHaveLength(1);
    expect(matchingSignatures(rotated.body.secret, after)).toBe(1);
    expect(matchingSignatures(endpoint.secret, after)).toBe(0);
  });

  test('replay since: every event since then is sent again with the same webhook-id', async () => {
    const hook = receiver();
    const endpoint = await register(hook.url);
    const userId = crypto.randomUUID();
    const before = new Date(Date.now() - 1000).toISOString();
    await uploadFor(userId, 1, '2026-10-01T10:00:00Z');
    await uploadFor(userId, 1, '2026-10-02T10:00:00Z');
    await until(() => hook.received.length, (n) => n >= 2, 15_000, 'two webhooks');
    const firstIds = hook.received.map((w) => w.id);
    const replay = await admin('POST', `/admin/webhooks/${endpoint.id}/replay`, { since: before });
    expect(replay).toMatchObject({ status: 202, body: { replayed: 2 } });
    await until(() => hook.received.length, (n) => n >= 4, 15_000, 'the replayed webhooks');
    expect(hook.received.slice(2).map((w) => w.id)).toEqual(firstIds);
    expect(hook.received[2]!.body).toBe(hook.received[0]!.body);
    expect((await admin('POST', `/admin/webhooks/${endpoint.id}/replay`, { since: 'yesterday' })).status).toBe(400);
  });

  test('POST /test queues a signed webhook.test message', async () => {
    const hook = receiver();
    const endpoint = await register(hook.url);
    const sent = await admin('POST', `/admin/webhooks/${endpoint.id}/test`);
    expect(sent.status).toBe(202);
    await until(() => hook.received.length, (n) => n >= 1, 15_000, 'the test message');
    expect(hook.received[0]!.id).toBe(sent.body.messageId);
    expect(hook.received[0]!.json.type).toBe('webhook.test');
    expect(matchingSignatures(endpoint.secret, hook.received[0]!)).toBe(1);
  });

  test('a delivery whose retries run out is failed and listed under ?status=failed', async () => {
    const hook = receiver();
    hook.respond = () => new Response('', { status: 500 });
    const endpoint = await register(hook.url);
    // the test service's schedule has 30 retries of 30 ms: 31 attempts, then failed
    await uploadFor(crypto.randomUUID());
    const failed = await until(
      async () => (await admin('GET', `/admin/webhooks/${endpoint.id}/deliveries?status=failed`)).body,
      (body) => body.items.length === 1,
      20_000,
      'a failed delivery',
    );
    expect(failed.items[0]).toMatchObject({ status: 'failed', attempts: 31, nextAttemptAt: null });
    expect(failed.items[0].attemptLog).toHaveLength(10);
    expect(hook.received).toHaveLength(31);
    expect((await admin('GET', `/admin/webhooks/${endpoint.id}/deliveries?status=delivered`)).body.items).toHaveLength(0);
    expect((await admin('GET', `/admin/webhooks/${endpoint.id}/deliveries?status=lost`)).status).toBe(400);
  });

  test('an endpoint failing for 5 days is disabled and listed as such; enabling it sends what waited', async () => {
    const hook = receiver();
    hook.respond = () => new Response('', { status: 502 });
    const endpoint = await register(hook.url);
    await uploadFor(crypto.randomUUID());
    const failing = await until(
      async () => (await admin('GET', `/admin/webhooks/${endpoint.id}`)).body,
      (body) => body.failingSince !== null,
      15_000,
      'a first failure recorded',
    );
    expect(failing.disabled).toBe(false);
    clockOffsetMs = 5 * DAY + 60_000;
    const disabled = await until(
      async () => (await admin('GET', `/admin/webhooks/${endpoint.id}`)).body,
      (body) => body.disabled === true,
      15_000,
      'the endpoint disabled',
    );
    expect(disabled.disabledReason).toBe('failing');
    const attemptsWhenDisabled = hook.received.length;
    // nothing more is sent to it, and new changes record nothing for it
    const laterUser = crypto.randomUUID();
    await uploadFor(laterUser);
    await until(
      async () => (await service.db.sql.unsafe(`SELECT count(*)::int AS n FROM outbox_events WHERE status = 'pending'`))[0]!.n,
      (n) => n === 0,
      15_000,
      'the later change applied',
    );
    const recorded = await service.db.sql.unsafe(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE endpoint_id = $1 AND user_id = $2`, [endpoint.id, laterUser]);
    expect(recorded[0]!.n).toBe(0);
    const list = await admin('GET', '/admin/webhooks');
    expect(list.body.items.find((item: { id: string }) => item.id === endpoint.id)).toMatchObject({ disabled: true, disabledReason: 'failing' });
    expect(hook.received.length).toBe(attemptsWhenDisabled);

    hook.respond = () => new Response('ok');
    expect((await admin('PATCH', `/admin/webhooks/${endpoint.id}`, { disabled: false })).body).toMatchObject({ disabled: false, disabledReason: null, failingSince: null });
    await until(
      async () => (await admin('GET', `/admin/webhooks/${endpoint.id}/deliveries?status=delivered`)).body.items.length,
      (n) => n === 1,
      15_000,
      'the waiting delivery sent',
    );
  });
});

test('the OpenAPI document declares every webhook operation with its success and problem responses', async () => {
  const doc = (await (await fetch(`${service.baseUrl}/docs/json`)).json()) as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
  const operations: [string, string, string[]][] = [
    ['/admin/webhooks', 'post', ['201', '400', '401']],
    ['/admin/webhooks', 'get', ['200', '401']],
    ['/admin/webhooks/{id}', 'get', ['200', '401', '404']],
    ['/admin/webhooks/{id}', 'patch', ['200', '400', '401', '404']],
    ['/admin/webhooks/{id}', 'delete', ['204', '401', '404']],
    ['/admin/webhooks/{id}/rotate-secret', 'post', ['200', '401', '404']],
    ['/admin/webhooks/{id}/deliveries', 'get', ['200', '400', '401', '404']],
    ['/admin/webhooks/{id}/replay', 'post', ['202', '400', '401', '404']],
    ['/admin/webhooks/{id}/test', 'post', ['202', '401', '404']],
  ];
  for (const [path, method, statuses] of operations) {
    const operation = doc.paths[path]?.[method];
    expect(operation).toBeDefined();
    for (const status of statuses) expect(Object.keys(operation!.responses)).toContain(status);
  }
});

test('/metrics counts webhook attempts and deliveries and shows the backlog per endpoint', async () => {
  const hook = receiver();
  const endpoint = await register(hook.url);
  await uploadFor(crypto.randomUUID());
  await until(() => hook.received.length, (n) => n >= 1, 15_000, 'a webhook');
  const text = await (await fetch(`${service.baseUrl}/metrics`)).text();
  expect(text).toContain(`health_ingest_webhook_pending_deliveries{endpoint="${endpoint.id}"}`);
  expect(text).toContain(`health_ingest_webhook_oldest_undelivered_seconds{endpoint="${endpoint.id}"}`);
});
