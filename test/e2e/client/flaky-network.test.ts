// upload() through a real proxy that fails 30 % of requests (CONTRACT §12): 503 and 429 with
// Retry-After, a 409 STILL_PROCESSING the service never said, connections dropped before the
// service saw the request and after it did the work, answers cut half-way. The result must be
// exact, and the database must hold every sample once, every batch written once.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { HealthIngestClient } from '../../../src/client/index.ts';
import { FAULTS, seededFaults, startFlakyProxy, type FlakyProxy } from '../../support/flaky-proxy.ts';
import { heartRateYear } from '../../support/sample-series.ts';
import { startTestService, type TestService } from '../../support/service.ts';
import { storedState } from '../../support/stored-state.ts';

let service: TestService;
let proxy: FlakyProxy;

beforeAll(async () => {
  service = await startTestService({ worker: true });
  proxy = await startFlakyProxy(service.baseUrl, seededFaults(20261120, 0.3));
});
afterAll(async () => {
  await proxy.close();
  await service.close();
});

const RETRY = { baseDelayMs: 5, maxDelayMs: 200, maxAttempts: 12 };

describe('an upload through a network that fails 30 % of requests', () => {
  test('inline batches: the result is exact and every sample is stored once', async () => {
    const userId = crypto.randomUUID();
    // 150-item batches: more requests, more faults met
    const client = new HealthIngestClient({ baseUrl: proxy.baseUrl, token: await service.token(userId), retry: RETRY, concurrency: 3, queueThreshold: 151 });
    const samples = heartRateYear(8_000);
    const deleted = Array.from({ length: 300 }, (_, i) => ({ sourceRecordId: `hr-${i * 7}` }));
    const logStart = proxy.log.length;

    const result = await client.upload({ samples, deleted });

    expect(result).toMatchObject({ accepted: 8_000, unchanged: 0, deleted: 300, failed: [], batches: 56 });
    expect(await storedState(service.db.sql, userId)).toMatchObject({
      live: 7_700,
      deleted: 300,
      keys: 8_000,
      requests: { completed: 56, other: 0 },
      outboxEvents: 56, // no batch was written twice
    });
    const faults = proxy.log.slice(logStart).filter((r) => r.fault !== 'pass');
    expect(faults.length).toBeGreaterThan(10);
    // answers lost after the service did the work were re-sent and replayed, not written again
    expect(result.replayedBatches).toBeGreaterThan(0);
  }, 60_000);

  test('queued batches: polls fail too, and the result is still exact', async () => {
    const userId = crypto.randomUUID();
    const client = new HealthIngestClient({ baseUrl: proxy.baseUrl, token: await service.token(userId), retry: RETRY, concurrency: 3, queueThreshold: null });
    const samples = heartRateYear(3_000);

    const result = await client.upload({ samples });

    expect(result).toMatchObject({ accepted: 3_000, unchanged: 0, failed: [], batches: 6 });
    expect(await storedState(service.db.sql, userId)).toMatchObject({
      live: 3_000,
      keys: 3_000,
      requests: { completed: 6, other: 0, queued: 6 },
      outboxEvents: 6,
    });
  }, 60_000);

  test('every kind of fault was met, at about the rate asked for', () => {
    const counts = proxy.faultCounts();
    for (const fault of FAULTS) expect(counts[fault]).toBeGreaterThan(0);
    const faulty = proxy.log.filter((r) => r.fault !== 'pass').length;
    expect(faulty / proxy.log.length).toBeGreaterThan(0.2);
    expect(faulty / proxy.log.length).toBeLessThan(0.4);
  });
});
