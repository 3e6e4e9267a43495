// HealthIngestClient.upload() against the real service (CONTRACT §12, §4): splitting, progress,
// polling of queued batches, failures in the caller's indexes, receipt order, crash re-runs.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { planBatches, type PlannedBatch } from '../../../src/client/batches.ts';
import { HealthIngestClient, HealthIngestError, type HealthIngestClientOptions, type UploadProgress } from '../../../src/client/index.ts';
import { canonicalPayloadText, sha256Hex } from '../../../src/client/payload-hash.ts';
import { deriveRequestId } from '../../../src/client/request-id.ts';
import { startFlakyProxy, type FlakyProxy } from '../../support/flaky-proxy.ts';
import { heartRateYear } from '../../support/sample-series.ts';
import { startTestService, type TestService } from '../../support/service.ts';
import { storedState } from '../../support/stored-state.ts';

let service: TestService;
let passThrough: FlakyProxy;

beforeAll(async () => {
  service = await startTestService({ worker: true });
  passThrough = await startFlakyProxy(service.baseUrl, () => 'pass');
});
afterAll(async () => {
  await passThrough.close();
  await service.close();
});

async function clientFor(userId: string, options: Partial<HealthIngestClientOptions> = {}) {
  return new HealthIngestClient({ baseUrl: service.baseUrl, token: await service.token(userId), ...options });
}

describe('uploading a year of samples', () => {
  test('50,000 samples are stored once each, in batches answered inline, with progress up to the total', async () => {
    const userId = crypto.randomUUID();
    const client = await clientFor(userId);
    const samples = heartRateYear(50_000);
    const progress: UploadProgress[] = [];
    const result = await client.upload({ samples }, { onProgress: (p) => progress.push(p) });

    expect(result).toMatchObject({ accepted: 50_000, unchanged: 0, deleted: 0, failed: [], batches: 126, replayedBatches: 0 });
    expect(result.watermarkSeq).toBe(126);
    expect(progress[0]).toEqual({ samplesDone: 0, samplesTotal: 50_000, deletedDone: 0, deletedTotal: 0 });
    expect(progress.at(-1)).toEqual({ samplesDone: 50_000, samplesTotal: 50_000, deletedDone: 0, deletedTotal: 0 });
    expect(progress.length).toBe(127);
    expect(progress.every((p, i) => i === 0 || p.samplesDone > progress[i - 1]!.samplesDone)).toBe(true);

    expect(await storedState(service.db.sql, userId)).toEqual({
      live: 50_000,
      deleted: 0,
      keys: 50_000,
      requests: { completed: 126, other: 0, queued: 0, attempts: 126 },
      outboxEvents: 126,
    });
  }, 60_000);

  test('without the queue threshold, full batches are queued and polled until completed', async () => {
    const userId = crypto.randomUUID();
    const client = new HealthIngestClient({ baseUrl: passThrough.baseUrl, token: await service.token(userId), queueThreshold: null });
    const result = await client.upload({ samples: heartRateYear(2_000) });

    expect(result).toMatchObject({ accepted: 2_000, unchanged: 0, failed: [], batches: 4 });
    const state = await storedState(service.db.sql, userId);
    expect(state).toMatchObject({ live: 2_000, keys: 2_000, requests: { completed: 4, other: 0, queued: 4 } });
    // each queued batch was asked about at its Location until it had completed
    const polled = new Set(passThrough.log.filter((r) => r.method === 'GET' && r.path.includes('/ingest-requests/')).map((r) => r.requestId));
    const posted = new Set(passThrough.log.filter((r) => r.method === 'POST' && r.status === 202).map((r) => r.requestId));
    expect(posted.size).toBe(4);
    expect([...posted].every((id) => polled.has(id))).toBe(true);
  }, 30_000);
});

describe('edges', () => {
  test('an empty upload sends nothing and reports nothing', async () => {
    let requests = 0;
    const client = await clientFor(crypto.randomUUID(), { fetch: (input, init) => (requests++, fetch(input, init)) });
    expect(await client.upload({})).toEqual({ accepted: 0, unchanged: 0, deleted: 0, failed: [], watermarkSeq: null, batches: 0, replayedBatches: 0 });
    expect(requests).toBe(0);
  });

  test('a sample too large for any request fails alone; the others are stored', async () => {
    const userId = crypto.randomUUID();
    const client = await clientFor(userId, { maxBodyBytes: 4_000 });
    const samples = heartRateYear(30);
    samples[4] = { ...samples[4]!, metadata: { deviceModel: 'x'.repeat(5_000) } };
    const result = await client.upload({ samples });
    expect(result.accepted).toBe(29);
    expect(result.failed).toEqual([{ index: 4, code: 'PAYLOAD_TOO_LARGE', message: expect.stringContaining('4000') }]);
    expect((await storedState(service.db.sql, userId)).live).toBe(29);
  });
});

describe('failures', () => {
  test('per-sample failures point into the caller\'s array, from inline and from queued batches alike', async () => {
    const samples = heartRateYear(1_200);
    samples[17] = { ...samples[17]!, value: 5000 };
    samples[640] = { ...samples[640]!, metricCode: 'no_such_metric' };
    samples[1199] = { ...samples[1199]!, unit: 'mph' };
    for (const options of [{}, { queueThreshold: null }]) {
      const client = await clientFor(crypto.randomUUID(), options);
      const result = await client.upload({ samples });
      expect(result.accepted).toBe(1_197);
      expect(result.failed.map((f) => [f.index, f.code, f.sourceRecordId])).toEqual([
        [17, 'VALUE_OUT_OF_BOUNDS', 'hr-17'],
        [640, 'UNKNOWN_METRIC', 'hr-640'],
        [1199, 'UNIT_NORMALIZATION_FAILED', 'hr-1199'],
      ]);
    }
  }, 30_000);

  test('a batch the service refuses is thrown with its pointers into the caller\'s arrays, and what was stored before', async () => {
    const userId = crypto.randomUUID();
    const client = await clientFor(userId);
    const deleted = Array.from({ length: 600 }, (_, i) => ({ sourceRecordId: i === 550 ? '' : `gone-${i}` }));
    // batch 0: 100 samples + deletes 0..298; batch 1: deletes 299..599, the bad one at its position 251
    const error = await client.upload({ samples: heartRateYear(100), deleted }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(HealthIngestError);
    const problem = error as HealthIngestError;
    expect(problem).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    expect(problem.errors?.map((e) => e.path)).toEqual(['/deleted/550/sourceRecordId']);
    expect(problem.requestId).toMatch(/\S/);
    expect(problem.partial).toMatchObject({ accepted: 100, batches: 1 });
    expect((await storedState(service.db.sql, userId)).live).toBe(100);
  });

  test('an upload while sync is disabled is refused with HEALTH_SYNC_DISABLED', async () => {
    const client = await clientFor(crypto.randomUUID());
    await client.privacySettings.put({ syncEnabled: false, blockedMetrics: [] });
    const error = await client.upload({ samples: heartRateYear(3) }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'HealthIngestError', status: 403, code: 'HEALTH_SYNC_DISABLED' });
  });
});

describe('order within one upload', () => {
  test('deletes apply after the samples they name, even when those went in an earlier batch', async () => {
    const userId = crypto.randomUUID();
    const client = await clientFor(userId, { concurrency: 4 });
    const samples = heartRateYear(1_000);
    const deleted = Array.from({ length: 100 }, (_, i) => ({ sourceRecordId: `hr-${i * 3}` }));
    const result = await client.upload({ samples, deleted });
    expect(result).toMatchObject({ accepted: 1_000, deleted: 100, failed: [] });
    expect(await storedState(service.db.sql, userId)).toMatchObject({ live: 900, deleted: 100, keys: 1_000 });
  });

  test('a key sent twice ends with its later value: a batch sharing a record waits for the earlier one to finish; others go side by side', async () => {
    const userId = crypto.randomUUID();
    const client = new HealthIngestClient({ baseUrl: passThrough.baseUrl, token: await service.token(userId), concurrency: 2 });
    const samples = heartRateYear(1_200);
    samples[1_100] = { ...samples[5]!, value: 99 }; // batch 2 (798..1196) rewrites a key of batch 0
    const result = await client.upload({ samples });
    expect(result).toMatchObject({ accepted: 1_200, failed: [], batches: 4 });

    const [stored] = (await service.db.sql.unsafe(`SELECT value FROM health_samples WHERE user_id = $1 AND source_record_id = 'hr-5'`, [userId])) as any;
    expect(stored.value).toBe(99);

    const ids = await requestIdsOf(samples, [], { maxItemsPerArray: 500, maxItemsPerBatch: 399, maxBodyBytes: 5 * 1024 * 1024 });
    const post = (id: string) => passThrough.log.find((r) => r.method === 'POST' && r.requestId === id)!;
    const [b0, b1, b2] = ids.map(post) as [typeof passThrough.log[number], typeof passThrough.log[number], typeof passThrough.log[number]];
    expect(b2.arrivedAt).toBeGreaterThan(b0.answeredAt!); // shares hr-5 with batch 0
    expect(b1.arrivedAt).toBeLessThan(b0.answeredAt!); // shares nothing: sent beside batch 0
  });
});

describe('a re-run after a crash', () => {
  test('replays the batches stored before the crash and stores the rest: every sample once, every batch written once', async () => {
    const userId = crypto.randomUUID();
    const client = await clientFor(userId);
    const samples = heartRateYear(5_000); // 13 batches
    const crash = new AbortController();
    const firstRun = await client
      .upload({ samples }, { signal: crash.signal, onProgress: (p) => p.samplesDone >= 2_000 && crash.abort() })
      .catch((e: unknown) => e);
    expect((firstRun as Error).name).toBe('AbortError');
    const before = await storedState(service.db.sql, userId);
    expect(before.live).toBeGreaterThanOrEqual(2_000);
    expect(before.live).toBeLessThan(5_000);

    const rerun = await client.upload({ samples });
    expect(rerun).toMatchObject({ accepted: 5_000, unchanged: 0, failed: [], batches: 13 });
    expect(rerun.replayedBatches).toBeGreaterThanOrEqual(Math.floor(2_000 / 399));
    expect(await storedState(service.db.sql, userId)).toMatchObject({
      live: 5_000,
      keys: 5_000,
      requests: { completed: 13, other: 0 },
      outboxEvents: 13,
    });
  });

  test('content sent again under a new idempotency key is a new write (after a delete, it revives the samples)', async () => {
    const userId = crypto.randomUUID();
    const client = await clientFor(userId);
    const samples = heartRateYear(10);
    await client.upload({ samples });
    await client.upload({ deleted: samples.map((s) => ({ sourceRecordId: s.sourceRecordId })) });
    expect((await client.upload({ samples })).replayedBatches).toBe(1); // same content, same id: the stored answer
    expect((await storedState(service.db.sql, userId)).live).toBe(0);
    const again = await client.upload({ samples }, { idempotencyKey: 'restore-1' });
    expect(again).toMatchObject({ accepted: 10, unchanged: 0, replayedBatches: 0 });
    expect((await storedState(service.db.sql, userId)).live).toBe(10);
  });
});

/** The requestIds the SDK gives the batches of an upload (to find them in the proxy's log). */
async function requestIdsOf(samples: unknown[], deleted: unknown[], limits: Parameters<typeof planBatches>[2]): Promise<string[]> {
  const ids: string[] = [];
  for (const batch of planBatches(samples, deleted, limits)) {
    const planned = batch as PlannedBatch;
    ids.push(await deriveRequestId(await sha256Hex(canonicalPayloadText(planned.sampleTexts, planned.deletedTexts))));
  }
  return ids;
}
