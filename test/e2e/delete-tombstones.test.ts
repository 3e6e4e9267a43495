// CONTRACT §4.4 through HTTP: a client uploads a large batch (queued) holding record X, then
// deletes X while the batch waits for a worker. The delete answers "deleted": 0 (nothing is
// stored yet), and once the worker writes the batch, X is still gone: the delete wins.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { createLogger } from '../../src/log.ts';
import { buildWorker } from '../../src/start/parts.ts';
import { batch, getJson, heartRate, upload } from '../support/batches.ts';
import { until } from '../support/poll.ts';
import { startTestService, type TestService } from '../support/service.ts';

let service: TestService;

beforeAll(async () => {
  // no worker yet: the queued batch waits until the test starts one
  service = await startTestService();
});
afterAll(() => service.close());

describe('a delete that overtakes the queued write it deletes', () => {
  test('the batch completes, the deleted records stay deleted, the rest is stored', async () => {
    const userId = crypto.randomUUID();
    const token = await service.token(userId);
    const samples = Array.from({ length: 420 }, (_, i) =>
      heartRate({ sourceId: 'watch', sourceRecordId: `x-${i}`, startAt: new Date(Date.UTC(2026, 10, 1) + i * 60_000).toISOString() }),
    );
    const backfill = batch(samples);
    expect((await upload(service.baseUrl, token, backfill)).status).toBe(202);

    const removal = batch([], {
      deleted: [
        { sourceRecordId: 'x-7' },
        { sourceRecordId: 'x-8', sourceId: 'watch' },
        { sourceRecordId: 'x-9', sourceId: 'watch', startAt: samples[9]!.startAt as string },
        { sourceRecordId: 'x-10', metricCode: 'HKQuantityTypeIdentifierHeartRate' },
      ],
    });
    const deleted = await upload(service.baseUrl, token, removal);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({ deleted: 0, watermarkSeq: null });

    const worker = buildWorker({ config: service.config, db: service.db.sql, log: createLogger('silent') }, { queuePrefix: service.queuePrefix });
    try {
      const done = await until(
        () => getJson(service.baseUrl, `/api/v1/health/ingest-requests/${backfill.requestId}`, token),
        (response) => response.body?.status === 'completed',
        20_000,
        'queued backfill completed',
      );
      expect(done.body.result.body).toMatchObject({ accepted: 420, unchanged: 4, watermarkSeq: 1 });
    } finally {
      await worker.close();
    }
    const page = await getJson(service.baseUrl, '/api/v1/health/samples?limit=1000', token);
    const ids = new Set((page.body.items as { sourceRecordId: string }[]).map((item) => item.sourceRecordId));
    expect(ids.size).toBe(416);
    for (const gone of ['x-7', 'x-8', 'x-9', 'x-10']) expect(ids.has(gone)).toBe(false);
  });

  test('a delete ref naming a metric the catalog does not know is accepted and matches nothing', async () => {
    const token = await service.token(crypto.randomUUID());
    const response = await upload(service.baseUrl, token, batch([], { deleted: [{ sourceRecordId: 'r', metricCode: 'NoSuchRecordType' }] }));
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ deleted: 0 });
  });
});
