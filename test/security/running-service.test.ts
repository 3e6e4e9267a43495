// The service as deployed (`bun run src/main.ts` in a child process, LOG_LEVEL=debug, stdout
// captured): after a run of uploads — inline, queued, failing samples, refused bodies, bad
// tokens — the logs contain no token and no health value; server-side errors are logged with
// their codes and request ids but without the values, timestamps, SQL or PostgreSQL detail they
// carry; a client that vanishes mid-body is no server error. The slow-drip clients take ~30 s, so they live in the chaos suite:
// test/chaos/slow-clients.chaos.ts (`bun run test:chaos`).
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

beforeAll(async () => {
  db = await createTestDatabase({ poolSize: 2 });
  redis = await startRedis();
  service = await startService('src/main.ts', { DATABASE_URL: db.url, REDIS_URL: redis.url, LOG_LEVEL: 'debug', REAPER_STALE_AFTER_SECONDS: '5' });
});
afterAll(async () => {
  await service?.kill('SIGTERM');
  await redis?.destroy();
  await db?.drop();
});

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
    expect((await upload(service.baseUrl, token, batch([{ ...good, sourceRecordId: `${secrets.sourceRecordId}\u0000` }]))).status).toBe(207);
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

describe('vanishing clients', () => {
  // BUG (reported to the lead): readBodyText's "The connection was closed" is not mapped, so a
  // client that goes away mid-body (a phone losing its network) is logged at level 50 as an
  // "unhandled error" with status 500, and would page someone / count as a server error.
  test('a client that goes away mid-body is not logged as an unhandled error nor counted as a 500', async () => {
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

describe('error logs', () => {
  // Constraints the write path does not know about, added in this test's own database, make
  // PostgreSQL refuse rows for real: its errors then carry the row in `detail`, postgres.js
  // attaches the statement and its parameters — none of which may reach the log.
  test('carry codes and request ids, never sample values or timestamps, SQL, parameters or detail', async () => {
    await db.sql.unsafe(`
      ALTER TABLE health_samples ADD CONSTRAINT test_refuse_checked CHECK (source_id <> 'explode-check' OR value < 0);
      CREATE UNIQUE INDEX test_refuse_twice ON health_samples (user_id, value) WHERE source_id = 'explode-unique';
    `).simple();
    try {
      const token = await tokens.sign(crypto.randomUUID(), 600);
      const value = 187.123457;
      const startAt = '2025-07-19T13:57:41.987Z';
      const before = service.output().length;
      const sample = (sourceId: string, i: number) => heartRate({ sourceId, sourceRecordId: `boom-${i}`, value, startAt: new Date(Date.parse(startAt) + i * 60_000).toISOString() });
      // a unique violation inline: an unexpected error, answered 500 and logged with its error
      const unique = await upload(service.baseUrl, token, batch([sample('explode-unique', 0), sample('explode-unique', 1)]), { 'x-request-id': 'log-scan-500' });
      expect(unique.status).toBe(500);
      // a check violation inline: refused input, answered 400 and logged with the SQLSTATE
      const checked = await upload(service.baseUrl, token, batch([sample('explode-check', 2)]), { 'x-request-id': 'log-scan-400' });
      expect(checked.status).toBe(400);
      // the same in a queued batch: the worker fails the job at once and logs its error
      const queued = batch(Array.from({ length: 400 }, (_, i) => sample('explode-check', 10 + i)));
      expect((await upload(service.baseUrl, token, queued)).status).toBe(202);
      let lines: string[] = [];
      for (let i = 0; i < 200 && !lines.some((line) => line.includes('ingest job failed')); i++) {
        await Bun.sleep(50);
        lines = service.output().slice(before).split('\n');
      }
      const errorLines = lines.filter((line) => /"level":(40|50)/.test(line));
      // the errors were logged, with what an operator needs
      expect(errorLines.some((line) => line.includes('"requestId":"log-scan-500"') && line.includes('"code":"23505"') && line.includes('"constraint":"test_refuse_twice"'))).toBe(true);
      expect(errorLines.some((line) => line.includes('"requestId":"log-scan-400"') && line.includes('"sqlState":"23514"'))).toBe(true);
      expect(errorLines.some((line) => line.includes('ingest job failed') && line.includes(queued.requestId) && line.includes('"code":"23514"') && line.includes('"constraint":"test_refuse_checked"'))).toBe(true);
      // and nothing of the rows
      const leaks = ['187.123457', '2025-07-19', '13:57:41', '13:58:41', 'Failing row', 'already exists', 'INSERT INTO', 'SELECT ', 'unnest', 'boom-'];
      expect(leaks.filter((leak) => errorLines.some((line) => line.includes(leak)))).toEqual([]);
    } finally {
      await db.sql.unsafe('ALTER TABLE health_samples DROP CONSTRAINT test_refuse_checked; DROP INDEX test_refuse_twice').simple();
    }
  }, 30_000);
});
