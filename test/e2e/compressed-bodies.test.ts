// Compressed request bodies against the real service (CONTRACT §4.1): gzip and zstd uploads are
// stored like plain ones, the caps apply to the decoded bytes (a bomb is 413 and nothing is
// written), other encodings are 415, a corrupt body is 400; every route that takes a body takes
// them. The SDK's compression: 'gzip' goes through end to end.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import zlib from 'node:zlib';
import { HealthIngestClient, type SampleInput } from '../../src/client/index.ts';
import { batch, getJson, heartRate } from '../support/batches.ts';
import { startTestService, type TestService } from '../support/service.ts';
import { storedState } from '../support/stored-state.ts';

const ADMIN_KEY = 'compressed-bodies-admin-key';
let service: TestService;

beforeAll(async () => {
  service = await startTestService({ env: { ADMIN_API_KEYS: ADMIN_KEY, WEBHOOK_ALLOW_PRIVATE: 'true' } });
});
afterAll(async () => {
  await service.close();
});

const encoders = {
  gzip: (bytes: Uint8Array) => zlib.gzipSync(bytes),
  zstd: (bytes: Uint8Array) => zlib.zstdCompressSync(bytes),
};

async function send(path: string, method: string, headers: Record<string, string>, body: Uint8Array | string) {
  const response = await fetch(`${service.baseUrl}${path}`, { method, headers: { 'content-type': 'application/json', ...headers }, body });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
}

const uploadEncoded = async (token: string, encoding: string, body: Uint8Array | string) =>
  send('/api/v1/health/samples/batch-upsert', 'POST', { authorization: `Bearer ${token}`, 'content-encoding': encoding }, body);

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

describe('uploads', () => {
  for (const [encoding, encode] of Object.entries(encoders)) {
    test(`a ${encoding} upload is stored like a plain one, its hash over the decoded JSON`, async () => {
      const userId = crypto.randomUUID();
      const token = await service.token(userId);
      const body = batch(Array.from({ length: 300 }, () => heartRate()));
      const reply = await uploadEncoded(token, encoding, encode(json(body)));
      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({ accepted: 300, failed: [] });
      const replay = await uploadEncoded(token, encoding, encode(json(body)));
      expect(replay.status).toBe(200);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect((await storedState(service.db.sql, userId)).live).toBe(300);
    });

    test(`a ${encoding} bomb under 1 MB that decodes past MAX_JOB_PAYLOAD_BYTES is 413, nothing written`, async () => {
      const userId = crypto.randomUUID();
      const token = await service.token(userId);
      // a valid upload padded with 64 MiB of spaces: every byte of it would parse
      const padded = JSON.stringify(batch([heartRate()])).replace('{', '{' + ' '.repeat(64 * 1024 * 1024));
      const encoded = encode(new TextEncoder().encode(padded));
      expect(encoded.length).toBeLessThan(1024 * 1024);
      const reply = await uploadEncoded(token, encoding, encoded);
      expect(reply.status).toBe(413);
      expect(reply.headers.get('content-type')).toContain('application/problem+json');
      expect(reply.body).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', maxBytes: service.config.maxJobPayloadBytes });
      expect(await storedState(service.db.sql, userId)).toMatchObject({ live: 0, requests: { completed: 0, other: 0, queued: 0 } });
    });
  }

  test('a chunked gzip bomb (no Content-Length, streamed) is 413 too, nothing written', async () => {
    const userId = crypto.randomUUID();
    const padded = JSON.stringify(batch([heartRate()])).replace('{', '{' + ' '.repeat(64 * 1024 * 1024));
    const encoded = encoders.gzip(new TextEncoder().encode(padded));
    let offset = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (offset >= encoded.length) return controller.close();
        controller.enqueue(encoded.subarray(offset, offset + 8192));
        offset += 8192;
      },
    });
    const response = await fetch(`${service.baseUrl}/api/v1/health/samples/batch-upsert`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await service.token(userId)}`, 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body,
    });
    expect(response.status).toBe(413);
    expect(((await response.json()) as { code: string }).code).toBe('PAYLOAD_TOO_LARGE');
    expect(await storedState(service.db.sql, userId)).toMatchObject({ live: 0, requests: { completed: 0, other: 0, queued: 0 } });
  });

  test('a corrupt gzip body and a cut-short zstd one are 400 MALFORMED_BODY_ENCODING; nothing written', async () => {
    const userId = crypto.randomUUID();
    const token = await service.token(userId);
    const gz = Uint8Array.from(encoders.gzip(json(batch([heartRate()]))));
    gz.fill(0x41, 10, 30);
    const corrupt = await uploadEncoded(token, 'gzip', gz);
    expect(corrupt.status).toBe(400);
    expect(corrupt.body).toMatchObject({ code: 'MALFORMED_BODY_ENCODING', encoding: 'gzip' });
    const plainSentAsGzip = await uploadEncoded(token, 'gzip', JSON.stringify(batch([heartRate()])));
    expect(plainSentAsGzip.body.code).toBe('MALFORMED_BODY_ENCODING');
    const zs = encoders.zstd(json(batch(Array.from({ length: 50 }, () => heartRate()))));
    const cut = await uploadEncoded(token, 'zstd', zs.subarray(0, Math.floor(zs.length / 2)));
    expect(cut.status).toBe(400);
    expect(cut.body).toMatchObject({ code: 'MALFORMED_BODY_ENCODING', encoding: 'zstd' });
    expect(await storedState(service.db.sql, userId)).toMatchObject({ live: 0, requests: { completed: 0, other: 0, queued: 0 } });
  });

  test('any other encoding is 415 UNSUPPORTED_MEDIA_TYPE naming the ones supported', async () => {
    const token = await service.token(crypto.randomUUID());
    for (const encoding of ['br', 'deflate', 'gzip, br']) {
      const reply = await uploadEncoded(token, encoding, 'whatever');
      expect(reply.status).toBe(415);
      expect(reply.body).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE', supportedEncodings: ['gzip', 'zstd'] });
      expect(reply.headers.get('accept-encoding')).toBe('gzip, zstd');
    }
  });
});

describe('every route that takes a body', () => {
  test('privacy settings take gzip and zstd', async () => {
    const token = await service.token(crypto.randomUUID());
    const settings = { syncEnabled: true, blockedMetrics: ['steps'] };
    for (const [encoding, encode] of Object.entries(encoders)) {
      const reply = await send('/api/v1/health/privacy-settings', 'PUT', { authorization: `Bearer ${token}`, 'content-encoding': encoding }, encode(json(settings)));
      expect(reply.status).toBe(200);
    }
    expect((await getJson(service.baseUrl, '/api/v1/health/privacy-settings', token)).body).toEqual(settings);
    const refused = await send('/api/v1/health/privacy-settings', 'PUT', { authorization: `Bearer ${token}`, 'content-encoding': 'br' }, 'x');
    expect(refused.status).toBe(415);
  });

  test('admin routes with a body schema take gzip, validate the decoded body, and refuse other encodings', async () => {
    const headers = { 'x-api-key': ADMIN_KEY, 'content-encoding': 'gzip' };
    const created = await send('/admin/webhooks', 'POST', headers, encoders.gzip(json({ url: 'http://127.0.0.1:9/hook', events: ['health.samples.changed'] })));
    expect(created.status).toBe(201);
    expect(created.body.url).toBe('http://127.0.0.1:9/hook');
    const invalid = await send('/admin/webhooks', 'POST', headers, encoders.gzip(json({ url: 'http://127.0.0.1:9/hook' })));
    expect(invalid.status).toBe(400);
    expect(invalid.body.code).toBe('VALIDATION_FAILED');
    const corrupt = await send('/admin/webhooks', 'POST', headers, 'not gzip');
    expect(corrupt.body.code).toBe('MALFORMED_BODY_ENCODING');
    const other = await send('/admin/webhooks', 'POST', { ...headers, 'content-encoding': 'br' }, 'x');
    expect(other.status).toBe(415);
  });
});

test("the SDK's compression: 'gzip' sends gzip bodies that the service stores", async () => {
  const userId = crypto.randomUUID();
  const sent: string[] = [];
  const client = new HealthIngestClient({
    baseUrl: service.baseUrl,
    token: await service.token(userId),
    compression: 'gzip',
    fetch: (input, init) => {
      const encoding = new Headers(init?.headers).get('content-encoding');
      if (init?.method === 'POST') sent.push(encoding ?? 'none');
      return fetch(input, init);
    },
  });
  const samples = Array.from({ length: 1200 }, () => heartRate() as unknown as SampleInput);
  const result = await client.upload({ samples });
  expect(result).toMatchObject({ accepted: 1200, failed: [] });
  expect(sent.length).toBeGreaterThanOrEqual(3);
  expect(sent.every((encoding) => encoding === 'gzip')).toBe(true);
  expect((await storedState(service.db.sql, userId)).live).toBe(1200);
});
