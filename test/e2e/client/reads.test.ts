// The SDK's reads and settings against the real service (CONTRACT §7, §6, §2): pages as an
// async iterable, daily summaries with read-your-writes, privacy settings, typed errors, tokens.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { HealthIngestClient, HealthIngestError, type SampleItem } from '../../../src/client/index.ts';
import { dailySteps, heartRateYear } from '../../support/sample-series.ts';
import { startTestService, type TestService } from '../../support/service.ts';

let service: TestService;

beforeAll(async () => {
  service = await startTestService({ outbox: true });
});
afterAll(() => service.close());

async function clientWith(samples: ReturnType<typeof heartRateYear>) {
  const userId = crypto.randomUUID();
  const client = new HealthIngestClient({ baseUrl: service.baseUrl, token: await service.token(userId) });
  const result = await client.upload({ samples });
  return { client, result, userId };
}

async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe('samples()', () => {
  test('iterates every live sample across pages, each once, in the service\'s order', async () => {
    const samples = [...heartRateYear(230), ...dailySteps(40)];
    const { client } = await clientWith(samples);
    const items = await all(client.samples({ pageSize: 7 }));
    expect(items.length).toBe(270);
    expect(new Set(items.map((i) => i.sourceRecordId)).size).toBe(270);
    const order = (item: SampleItem) => `${item.metricCode} ${item.startAt}`;
    expect(items.map(order)).toEqual(items.map(order).sort());
    expect(items.find((i) => i.sourceRecordId === 'hr-3')).toMatchObject({ metricCode: 'heart_rate', unit: 'bpm', value: samples[3]!.value, timezoneOffsetMinutes: 60 });
  });

  test('takes a metric alias and Date bounds, and stops when the caller does', async () => {
    const samples = heartRateYear(100);
    const { client } = await clientWith(samples);
    const from = new Date(samples[10]!.startAt as string);
    const to = new Date(samples[29]!.startAt as string);
    const window = await all(client.samples({ metric: 'HKQuantityTypeIdentifierHeartRate', from, to, pageSize: 6 }));
    expect(window.map((i) => i.sourceRecordId)).toEqual(Array.from({ length: 20 }, (_, i) => `hr-${10 + i}`));

    let seen = 0;
    for await (const _item of client.samples({ pageSize: 5 })) if (++seen === 12) break;
    expect(seen).toBe(12);
  });
});

describe('dailySummaries()', () => {
  test('with the upload\'s watermarkSeq as minSeq, the answer already holds the upload', async () => {
    const { client, result } = await clientWith(dailySteps(10));
    const summaries = await client.dailySummaries({ from: '2025-11-21', to: '2025-11-30', metrics: ['steps'], minSeq: result.watermarkSeq });
    expect(summaries.stale).toBe(false);
    expect(summaries.projectedSeq).toBeGreaterThanOrEqual(result.watermarkSeq!);
    expect(summaries.items.map((i) => [i.localDate, i.sum])).toEqual(dailySteps(10).map((s) => [String(s.startAt).slice(0, 10), s.value as number]));
  });
});

describe('privacySettings', () => {
  test('get the defaults, put new ones, get them back', async () => {
    const { client } = await clientWith(heartRateYear(1));
    expect(await client.privacySettings.get()).toEqual({ syncEnabled: true, blockedMetrics: [] });
    await client.privacySettings.put({ syncEnabled: true, blockedMetrics: ['heart_rate'] });
    expect(await client.privacySettings.get()).toEqual({ syncEnabled: true, blockedMetrics: ['heart_rate'] });
  });

  test('a refused put is a HealthIngestError with code, detail, field errors and the answer\'s X-Request-Id', async () => {
    const { client } = await clientWith(heartRateYear(1));
    const error = await client.privacySettings.put({ syncEnabled: true, blockedMetrics: ['no_such_metric'] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HealthIngestError);
    expect(error).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', detail: expect.any(String), errors: [expect.objectContaining({ path: expect.any(String) })] });
    expect((error as HealthIngestError).requestId).toMatch(/\S/);
  });
});

describe('tokens', () => {
  test('a wrong fixed token is UNAUTHORIZED, asked once', async () => {
    let requests = 0;
    const client = new HealthIngestClient({
      baseUrl: service.baseUrl,
      token: 'not-a-jwt',
      fetch: (input, init) => (requests++, fetch(input, init)),
    });
    await expect(client.privacySettings.get()).rejects.toMatchObject({ name: 'HealthIngestError', status: 401, code: 'UNAUTHORIZED' });
    expect(requests).toBe(1);
  });

  test('getToken is asked per request; after a 401 it is asked once more, to refresh', async () => {
    const userId = crypto.randomUUID();
    const expired = await service.token(userId, -60);
    const fresh = await service.token(userId);
    const asked: boolean[] = [];
    const client = new HealthIngestClient({
      baseUrl: service.baseUrl,
      getToken: ({ forceRefresh }) => (asked.push(forceRefresh), forceRefresh ? fresh : expired),
    });
    const result = await client.upload({ samples: heartRateYear(3) });
    expect(result.accepted).toBe(3);
    expect(asked).toEqual([false, true]);
    await client.privacySettings.get();
    expect(asked).toEqual([false, true, false, true]);
  });
});
