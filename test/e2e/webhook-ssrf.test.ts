// SSRF protection with WEBHOOK_ALLOW_PRIVATE=false (the default): loopback, private, link-local,
// unique-local, CGNAT and a host name resolving to loopback are refused at registration; an
// endpoint already stored with such a URL (registered while private addresses were allowed) is
// refused again at the send, before any connection. Nothing here ever connects to a non-loopback
// address: refusals happen before connecting.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { adminCall } from '../support/admin.ts';
import { batch, heartRate, upload } from '../support/batches.ts';
import { until } from '../support/poll.ts';
import { startTestService, type TestService } from '../support/service.ts';
import { startReceiver, type Receiver } from '../support/webhook-receiver.ts';

const KEY = 'ssrf-test-admin-key';
let open: TestService;
let closed: TestService;
let hook: Receiver;

beforeAll(async () => {
  // two services over one database: one that allows private addresses (to store a loopback URL),
  // and one that does not, with the delivery worker
  open = await startTestService({ env: { ADMIN_API_KEYS: KEY, WEBHOOK_ALLOW_PRIVATE: 'true' } });
  closed = await startTestService({ env: { ADMIN_API_KEYS: KEY }, database: open.db, outbox: true, webhooks: true });
  hook = startReceiver();
});
afterAll(async () => {
  await closed.close();
  await open.close();
  await hook.stop();
});

test.each([
  ['loopback', 'http://127.0.0.1:8080/hook'],
  ['loopback, another one', 'http://127.1.2.3/hook'],
  ['loopback in decimal', 'http://2130706433/hook'],
  ['private 10/8', 'http://10.0.0.5/hook'],
  ['private 192.168/16', 'https://192.168.1.1/hook'],
  ['private 172.16/12', 'http://172.20.0.1/hook'],
  ['link-local (cloud metadata)', 'http://169.254.169.254/latest/meta-data'],
  ['CGNAT', 'http://100.64.0.1/hook'],
  ['unspecified', 'http://0.0.0.0/hook'],
  ['IPv6 loopback', 'http://[::1]:8080/hook'],
  ['IPv6 unique-local', 'http://[fc00::1]/hook'],
  ['IPv6 link-local', 'http://[fe80::1]/hook'],
  ['IPv4-mapped loopback', 'http://[::ffff:127.0.0.1]/hook'],
  ['a name resolving to loopback', 'http://localhost:8080/hook'],
])('%s (%s) is refused at registration: 400 naming /body/url', async (_, url) => {
  const response = await adminCall(closed.baseUrl, KEY, 'POST', '/admin/webhooks', { url, events: ['health.samples.changed'] });
  expect(response.status).toBe(400);
  expect(response.body.code).toBe('VALIDATION_FAILED');
  expect(response.body.errors[0].path).toBe('/body/url');
  expect(response.body.errors[0].message).toContain('refused');
});

test('a name that does not resolve is refused at registration', async () => {
  const response = await adminCall(closed.baseUrl, KEY, 'POST', '/admin/webhooks', { url: 'https://hooks.invalid/x', events: ['health.samples.changed'] });
  expect(response.status).toBe(400);
  expect(response.body.errors[0].message).toContain('does not resolve');
});

test('PATCH to a private URL is refused too', async () => {
  const created = await adminCall(open.baseUrl, KEY, 'POST', '/admin/webhooks', { url: hook.url, events: ['health.user.erased'] });
  const response = await adminCall(closed.baseUrl, KEY, 'PATCH', `/admin/webhooks/${created.body.id}`, { url: 'http://[::1]/x' });
  expect(response.status).toBe(400);
  await adminCall(open.baseUrl, KEY, 'DELETE', `/admin/webhooks/${created.body.id}`);
});

test('a stored loopback URL is refused at the send: no request reaches it, the attempt says why', async () => {
  const created = await adminCall(open.baseUrl, KEY, 'POST', '/admin/webhooks', { url: hook.url, events: ['health.samples.changed'] });
  expect(created.status).toBe(201);
  const named = await adminCall(open.baseUrl, KEY, 'POST', '/admin/webhooks', {
    url: hook.url.replace('127.0.0.1', 'localhost'),
    events: ['health.samples.changed'],
  });
  const userId = crypto.randomUUID();
  expect((await upload(closed.baseUrl, await closed.token(userId), batch([heartRate()]))).status).toBe(200);
  for (const id of [created.body.id, named.body.id]) {
    const attempt = await until(
      async () => (await adminCall(closed.baseUrl, KEY, 'GET', `/admin/webhooks/${id}/deliveries`)).body.items[0]?.attemptLog[0],
      (log) => log !== undefined,
      15_000,
      'a refused attempt',
    );
    expect(attempt.statusCode).toBeNull();
    expect(attempt.error).toStartWith('refused: ');
    expect(attempt.error).toContain('loopback');
  }
  expect(hook.received).toHaveLength(0);
});
