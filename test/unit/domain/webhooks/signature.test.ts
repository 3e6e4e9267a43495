// Standard Webhooks signing, against the specification's published example and the
// standardwebhooks package (an implementation that is not ours).
import { expect, test } from 'bun:test';
import { Webhook } from 'standardwebhooks';
import { formatSecret, secretKey, signature, signatureHeader } from '../../../../src/domain/webhooks/signature.ts';
import { messageIdOfEvent, webhookBody, webhookDataOf } from '../../../../src/domain/webhooks/events.ts';

// the example of the Standard Webhooks specification (and of its reference libraries' tests)
const SPEC_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const SPEC_ID = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
const SPEC_TIMESTAMP = 1614265330;
const SPEC_BODY = '{"test": 2432232314}';
const SPEC_SIGNATURE = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=';

test("the specification's example signs to its published signature", () => {
  expect(signatureHeader([secretKey(SPEC_SECRET)!], SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY)).toBe(SPEC_SIGNATURE);
});

test('the standardwebhooks package verifies our signatures, one or two of them', () => {
  const now = Math.floor(Date.now() / 1000);
  const current = formatSecret(crypto.getRandomValues(new Uint8Array(32)));
  const previous = formatSecret(crypto.getRandomValues(new Uint8Array(24)));
  const body = webhookBody('health.samples.changed', new Date(0), { userId: 'u', metricCodes: [], affectedLocalDates: [], minRequiredSeq: 1 });
  const header = signatureHeader([secretKey(current)!, secretKey(previous)!], 'msg_7', now, body);
  expect(header.split(' ')).toHaveLength(2);
  for (const secret of [current, previous]) {
    expect(new Webhook(secret).verify(body, { 'webhook-id': 'msg_7', 'webhook-timestamp': String(now), 'webhook-signature': header })).toEqual(JSON.parse(body));
  }
  const other = formatSecret(crypto.getRandomValues(new Uint8Array(32)));
  expect(() => new Webhook(other).verify(body, { 'webhook-id': 'msg_7', 'webhook-timestamp': String(now), 'webhook-signature': header })).toThrow();
});

test('a secret is whsec_ + base64 of 24 to 64 bytes', () => {
  const secret = formatSecret(new Uint8Array(32).fill(7));
  expect(secret).toBe(`whsec_${Buffer.alloc(32, 7).toString('base64')}`);
  expect(secretKey(secret)).toEqual(new Uint8Array(32).fill(7));
  expect(() => formatSecret(new Uint8Array(16))).toThrow();
  for (const bad of ['MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'whsec_', 'whsec_!!!!', `whsec_${Buffer.alloc(8).toString('base64')}`]) expect(secretKey(bad)).toBeNull();
});

test('the signed content is "{id}.{timestamp}.{body}"', () => {
  const key = new Uint8Array(24).fill(1);
  expect(signature(key, 'a', 1, 'b')).toBe(new Bun.CryptoHasher('sha256', key).update('a.1.b').digest('base64'));
});

test('health.samples.changed data is {userId, metricCodes, affectedLocalDates, minRequiredSeq}; other payloads go as written', () => {
  const payload = { userId: 'u', requestId: 'r', minRequiredSeq: 4, metricCodes: ['steps'], affectedLocalDates: ['2026-11-20'], affected: [] };
  expect(webhookDataOf('health.samples.changed', payload)).toEqual({ userId: 'u', metricCodes: ['steps'], affectedLocalDates: ['2026-11-20'], minRequiredSeq: 4 });
  expect(webhookDataOf('health.user.erased', { userId: 'u', erasureId: 'e' })).toEqual({ userId: 'u', erasureId: 'e' });
  expect(JSON.parse(webhookBody('health.user.erased', new Date(Date.UTC(2026, 10, 20)), { userId: 'u' }))).toEqual({
    type: 'health.user.erased',
    timestamp: '2026-11-20T00:00:00.000Z',
    data: { userId: 'u' },
  });
  expect(messageIdOfEvent(42)).toBe('msg_42');
});
