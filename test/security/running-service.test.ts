// The service as deployed (`bun run src/main.ts` in a child process, LOG_LEVEL=debug, stdout
// captured) against hostile clients: a slow-drip body or header is cut off after a bounded time
// without holding anything else up, and after a run of uploads — inline, queued, failing
// samples, refused bodies, bad tokens — the logs contain no token and no health value.
//
// What bounds a slow client today is the HTTP server's idle timeout, not the app: Bun cuts a
// trickling header after ~10 s, and Elysia's listen() sets idleTimeout 30 s, which ends a body
// that trickles one byte per 100 ms after ~30 s, with no response (the socket is closed). The
// drips start in beforeAll so the ~30 s run beside the other tests of this file.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { createUserTokens } from '../../src/auth/user-tokens.ts';
import { DEVELOPMENT_JWT_SECRET } from '../../src/config.ts';
import { batch, getJson, heartRate, putJson, upload } from '../support/batches.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { startRedis, startService, type OwnRedis, type ServiceChild } from '../support/processes.ts';

let db: TestDatabase;
let redis: OwnRedis;
let service: ServiceChild;
const tokens = createUserTokens(DEVELOPMENT_JWT_SECRET);

/** The bounds we hold the server to (see the header comment for where they come from). */
const HEADER_CUT_OFF_MS = 15_000;
const BODY_CUT_OFF_MS = 35_000;
let drips: Promise<{ endedAt: number | null; status: number | null }[]>;

beforeAll(async () => {
  db = await createTestDatabase({ poolSize: 2 });
  redis = await startRedis();
  service = await startService('src/main.ts', { DATABASE_URL: db.url, REDIS_URL: redis.url, LOG_LEVEL: 'debug', REAPER_STALE_AFTER_SECONDS: '5' });
  const token = await tokens.sign(crypto.randomUUID(), 600);
  drips = Promise.all([
    slowClient(
      service.port,
      `POST /api/v1/health/samples/batch-upsert HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\n` +
        'Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n',
      '{"samples":[     ',
      100,
      BODY_CUT_OFF_MS + 5_000,
    ),
    slowClient(service.port, 'GET /api/v1/health/samples HTTP/1.1\r\nHost: 127.0.0.1\r\n', 'X-Slow: aaaaaaaaaa\r\n', 100, HEADER_CUT_OFF_MS + 5_000),
  ]);
});
afterAll(async () => {
  await service?.kill('SIGTERM');
  await redis?.destroy();
  await db?.drop();
});

/** Opens a raw connection, writes `head`, then drips `drip` one byte per `everyMs`; resolves
 * with when (ms) the server answered or closed, and what it answered. */
async function slowClient(port: number, head: string, drip: string, everyMs: number, giveUpMs: number) {
  const started = performance.now();
  let answer = '';
  let closedAt: number | null = null;
  const socket = await Bun.connect({
    hostname: '127.0.0.1',
    port,
    socket: {
      data(_, data) {
        answer += data.toString();
      },
      close() {
        closedAt ??= performance.now() - started;
      },
      error() {
        closedAt ??= performance.now() - started;
      },
    },
  });
  socket.write(head);
  for (let i = 0; closedAt === null && answer === '' && performance.now() - started < giveUpMs; i++) {
    socket.write(drip[i % drip.length]!);
    await Bun.sleep(everyMs);
  }
  const endedAt = closedAt ?? (answer ? performance.now() - started : null);
  socket.end();
  return { endedAt, status: answer ? Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1]) : null };
}

describe('logs', () => {
  test('hold no bearer token, no health value, no sourceRecordId, no metadata value (LOG_LEVEL=debug)', async () => {
    const userId = crypto.randomUUID();
    const token = await tokens.sign(userId, 600);
    const mark = crypto.randomUUID().slice(0, 8);
    const secrets = {
      token,
      signature: token.split('.')[2]!,
      value: '187.654321',
      outOfBounds: '4242.4242',
      sourceId: `SECRET-SRC-${mark}`,
      sourceRecordId: `SECRET-REC-${mark}`,
      failedRecordId: `SECRET-FAILREC-${mark}`,
      deviceModel: `SECRET-DEVICE-${mark}`,
      unit: `SECRET-UNIT-${mark}`,
      queuedRecordId: `SECRET-QREC-${mark}`,
    };
    const good = heartRate({ sourceId: secrets.sourceId, sourceRecordId: secrets.sourceRecordId, value: Number(secrets.value), metadata: { deviceModel: secrets.deviceModel } });
    const outOfBounds = heartRate({ sourceRecordId: secrets.failedRecordId, value: Number(secrets.outOfBounds) });
    const badUnit = heartRate({ unit: secrets.unit });

    const inline = batch([good, outOfBounds, badUnit]);
    expect((await upload(service.baseUrl, token, inline)).status).toBe(207);
    expect((await upload(service.baseUrl, token, inline)).headers.get('idempotent-replayed')).toBe('true');
    expect((await upload(service.baseUrl, token, batch([good]))).status).toBe(200);
    // a queued batch, processed by the worker in the same process
    const queued = batch(
      Array.from({ length: 400 }, (_, i) =>
        heartRate({ sourceRecordId: `${secrets.queuedRecordId}-${i}`, value: Number(secrets.value), startAt: new Date(Date.UTC(2026, 10, 1) + i * 60_000).toISOString() }),
      ),
    );
    expect((await upload(service.baseUrl, token, queued)).status).toBe(202);
    for (let i = 0; i < 300; i++) {
      const state = await getJson(service.baseUrl, `/api/v1/health/ingest-requests/${queued.requestId}`, token);
      if (state.body?.status === 'completed') break;
      await Bun.sleep(50);
    }
    // refused requests
    expect((await upload(service.baseUrl, token, { ...inline, payloadHash: '0'.repeat(64) })).status).toBe(400);
    expect((await upload(service.baseUrl, token, '{"samples": [')).status).toBe(400);
    expect((await upload(service.baseUrl, token, batch([{ ...good, sourceRecordId: `${secrets.sourceRecordId}\u0000` }]))).status).toBe(400);
    expect((await upload(service.baseUrl, token, { ...inline, samples: [{ ...good, value: secrets.value }] })).status).toBe(400);
    expect((await upload(service.baseUrl, token, batch([good]), { 'x-timezone-offset': secrets.value })).status).toBe(400);
    expect((await upload(service.baseUrl, `${token}x`, inline)).status).toBe(401);
    expect((await upload(service.baseUrl, token, batch([good], { requestId: inline.requestId }))).status).toBe(422);
    // reads
    expect((await getJson(service.baseUrl, '/api/v1/health/samples', token)).status).toBe(200);
    expect((await putJson(service.baseUrl, '/api/v1/health/privacy-settings', token, { syncEnabled: true, blockedMetrics: ['weight'] })).status).toBe(200);

    // let the last lines reach the pipe
    await Bun.sleep(300);
    const output = service.output();
    // debug request lines were written, so the scan means something
    expect(output.split('\n').filter((line) => line.includes('"msg":"request"')).length).toBeGreaterThanOrEqual(15);
    const found = Object.entries(secrets).filter(([, secret]) => output.includes(secret));
    expect(found.map(([name]) => name)).toEqual([]);
  }, 30_000);
});

describe('slow and vanishing clients', () => {
  test('a slow-drip body is cut off within 35 s and a slow-drip header within 15 s; others are served meanwhile', async () => {
    const token = await tokens.sign(crypto.randomUUID(), 600);
    const started = performance.now();
    expect((await upload(service.baseUrl, token, batch([heartRate()]))).status).toBe(200);
    expect(performance.now() - started).toBeLessThan(2_000);
    const [body, header] = await drips;
    expect(header!.endedAt).not.toBeNull();
    expect(header!.endedAt!).toBeLessThan(HEADER_CUT_OFF_MS);
    expect(body!.endedAt).not.toBeNull();
    expect(body!.endedAt!).toBeLessThan(BODY_CUT_OFF_MS);
    for (const outcome of [body!, header!]) if (outcome.status !== null) expect(outcome.status).toBeLessThan(500);
  }, BODY_CUT_OFF_MS + 10_000);

  // BUG (reported to the lead): readBodyText's "The connection was closed" is not mapped, so a
  // client that goes away mid-body (a phone losing its network) is logged at level 50 as an
  // "unhandled error" with status 500, and would page someone / count as a server error.
  test.failing('a client that goes away mid-body is not logged as an unhandled error nor counted as a 500', async () => {
    const token = await tokens.sign(crypto.randomUUID(), 600);
    const before = service.output().length;
    const socket = await Bun.connect({ hostname: '127.0.0.1', port: service.port, socket: { data() {} } });
    socket.write(
      `POST /api/v1/health/samples/batch-upsert HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\n` +
        'Content-Type: application/json\r\nContent-Length: 5000\r\n\r\n{"samples":[',
    );
    await Bun.sleep(100);
    socket.terminate();
    let lines: string[] = [];
    for (let i = 0; i < 40 && !lines.some((line) => line.includes('"msg":"request"')); i++) {
      await Bun.sleep(50);
      lines = service.output().slice(before).split('\n').filter((line) => line.includes('batch-upsert') || line.includes('unhandled'));
    }
    expect(lines.some((line) => line.includes('"msg":"request"'))).toBe(true);
    expect(lines.filter((line) => line.includes('unhandled error') || line.includes('"status":500'))).toEqual([]);
  });
});
