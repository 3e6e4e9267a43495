// CONTRACT §7 daily summaries through HTTP, with the outbox processor running: read-your-writes
// with minSeq, updates and deletes, sleep split at local midnight, per-source totals, validation,
// and the operators' dead-letter endpoints.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { batch, getJson, upload } from '../support/batches.ts';
import { sleepStage, steps } from '../support/batches.ts';
import { until } from '../support/poll.ts';
import { startTestService, type TestService } from '../support/service.ts';

const ADMIN_KEY = 'test-admin-key-0123456789';
let service: TestService;

beforeAll(async () => {
  service = await startTestService({ outbox: true, env: { ADMIN_API_KEYS: ADMIN_KEY } });
});
afterAll(async () => {
  await service.close();
});

async function user() {
  const id = crypto.randomUUID();
  return { id, token: await service.token(id) };
}

async function write(token: string, samples: unknown[], deleted?: unknown[]): Promise<number> {
  const response = await upload(service.baseUrl, token, batch(samples as never, deleted ? { deleted: deleted as never } : {}));
  expect(response.status).toBe(200);
  return response.body.watermarkSeq;
}

const summaries = (token: string, query: string) => getJson(service.baseUrl, `/api/v1/health/daily-summaries?${query}`, token);

describe('GET /api/v1/health/daily-summaries', () => {
  test('with minSeq, answers once the write is projected: totals, per-source totals, canonical unit', async () => {
    const { token } = await user();
    await write(token, [steps('com.apple.health.phone', 4000, '2026-11-20T08:00:00Z')]);
    const seq = await write(token, [
      steps('com.apple.health.watch', 3500, '2026-11-20T08:00:00Z'),
      steps('com.apple.health.watch', 500, '2026-11-20T18:00:00Z'),
      { ...steps('com.apple.health.watch', 80, '2026-11-20T09:00:00Z'), metricCode: 'HKQuantityTypeIdentifierHeartRate', valueKind: 'SCALAR_NUM', unit: 'count/min' },
    ]);
    const response = await summaries(token, `from=2026-11-20&to=2026-11-20&minSeq=${seq}`);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      items: [
        {
          metricCode: 'heart_rate', localDate: '2026-11-20', count: 1, sum: 80, min: 80, max: 80, avg: 80, unit: 'bpm',
          bySource: [{ sourceId: 'com.apple.health.watch', count: 1, sum: 80, min: 80, max: 80, avg: 80 }],
        },
        {
          metricCode: 'steps', localDate: '2026-11-20', count: 3, sum: 8000, min: 500, max: 4000, avg: 8000 / 3, unit: 'count',
          bySource: [
            { sourceId: 'com.apple.health.phone', count: 1, sum: 4000, min: 4000, max: 4000, avg: 4000 },
            { sourceId: 'com.apple.health.watch', count: 2, sum: 4000, min: 500, max: 3500, avg: 2000 },
          ],
        },
      ],
      watermarkSeq: seq,
      projectedSeq: seq,
      stale: false,
    });
    // metric aliases filter the same way as canonical codes
    const onlySteps = await summaries(token, 'from=2026-11-19&to=2026-11-21&metrics=HKQuantityTypeIdentifierStepCount');
    expect(onlySteps.body.items.map((item: any) => item.metricCode)).toEqual(['steps']);
  });

  test('updates and deletes are reflected; a date with no sample left disappears', async () => {
    const { token } = await user();
    const kept = steps('phone', 1000, '2026-11-20T08:00:00Z');
    const gone = steps('phone', 700, '2026-11-21T08:00:00Z');
    await write(token, [kept, gone]);
    const seq = await write(token, [{ ...kept, value: 1234 }], [{ sourceRecordId: gone.sourceRecordId }]);
    const response = await summaries(token, `from=2026-11-20&to=2026-11-21&minSeq=${seq}`);
    expect(response.body.stale).toBe(false);
    expect(response.body.items.map((item: any) => [item.localDate, item.count, item.sum])).toEqual([['2026-11-20', 1, 1234]]);
  });

  test('a night of sleep across local midnight is split into both local dates, seconds per stage', async () => {
    const { token } = await user();
    // UTC+1: in bed 22:30–07:00 local; stages 23:00–01:30 core, 01:30–02:30 deep, 02:30–03:00 rem
    const seq = await write(token, [
      sleepStage('watch', 'in_bed', '2026-11-20T21:30:00Z', '2026-11-21T06:00:00Z'),
      sleepStage('watch', 'HKCategoryValueSleepAnalysisAsleepCore', '2026-11-20T22:00:00Z', '2026-11-21T00:30:00Z'),
      sleepStage('watch', 'deep', '2026-11-21T00:30:00Z', '2026-11-21T01:30:00Z'),
      sleepStage('watch', 'rem', '2026-11-21T01:30:00Z', '2026-11-21T02:00:00Z'),
    ]);
    const response = await summaries(token, `from=2026-11-20&to=2026-11-21&metrics=sleep_stage&minSeq=${seq}`);
    const [evening, morning] = response.body.items;
    expect(evening).toMatchObject({ localDate: '2026-11-20', count: 2, sum: 9000, unit: 's', categorySeconds: { core: 3600, in_bed: 5400 } });
    expect(morning).toMatchObject({
      localDate: '2026-11-21',
      count: 4,
      sum: 5400 + 3600 + 7 * 3600 + 1800,
      categorySeconds: { core: 5400, deep: 3600, in_bed: 7 * 3600, rem: 1800 },
    });
    expect(morning.bySource).toHaveLength(1);
  });

  test('every metric of the catalog shows, with numbers that follow from its kind', async () => {
    const { token } = await user();
    const catalog = (await getJson(service.baseUrl, '/api/v1/health/metrics', token)).body.metrics as CatalogMetric[];
    const samples = catalog.flatMap((metric) => twoSamplesOf(metric));
    let seq = 0;
    for (let at = 0; at < samples.length; at += 300) seq = Math.max(seq, await write(token, samples.slice(at, at + 300)));
    const response = await summaries(token, `from=2026-11-20&to=2026-11-20&minSeq=${seq}`);
    expect(response.body.stale).toBe(false);
    const byMetric = new Map((response.body.items as any[]).map((item) => [item.metricCode, item]));
    for (const metric of catalog) {
      const item = byMetric.get(metric.code);
      expect(item ? metric.code : `${metric.code} missing`).toBe(metric.code);
      const expected = expectedSummaryOf(metric);
      expect({ code: metric.code, count: item.count, unit: item.unit }).toEqual({ code: metric.code, count: 2, unit: expected.unit });
      for (const field of ['sum', 'min', 'max', 'avg'] as const) {
        expect(Math.abs(item[field] - expected[field])).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected[field])));
      }
      if (expected.categorySeconds === undefined) expect(item.categorySeconds).toBeUndefined();
      else expect(item.categorySeconds).toEqual(expected.categorySeconds);
    }
  });

  test('when the projection cannot catch up in time, minSeq answers stale: true within the bound', async () => {
    const { id, token } = await user();
    const seq = await write(token, [steps('phone', 10, '2026-11-20T08:00:00Z')]);
    expect((await summaries(token, `from=2026-11-20&to=2026-11-20&minSeq=${seq}`)).body.stale).toBe(false);
    // hold the user's checkpoint lock, as a stuck projection would: the next event cannot apply
    let release: (() => void) | undefined;
    const holding = service.db.sql.begin(async (tx) => {
      await tx.unsafe('SELECT 1 FROM projection_checkpoints WHERE user_id = $1 FOR UPDATE', [id]);
      await new Promise<void>((resolve) => (release = resolve));
    });
    await until(async () => release !== undefined, Boolean);
    const held = await write(token, [steps('phone', 20, '2026-11-20T09:00:00Z')]);
    const started = performance.now();
    const stale = await summaries(token, `from=2026-11-20&to=2026-11-20&minSeq=${held}`);
    const waitedMs = performance.now() - started;
    expect(stale.status).toBe(200);
    expect(stale.body).toMatchObject({ stale: true, watermarkSeq: held, projectedSeq: seq });
    expect(stale.body.items[0].sum).toBe(10);
    expect(waitedMs).toBeGreaterThanOrEqual(1900);
    expect(waitedMs).toBeLessThan(3500);
    // without minSeq there is no wait, and stale compares with the watermark
    expect((await summaries(token, 'from=2026-11-20&to=2026-11-20')).body).toMatchObject({ stale: true, projectedSeq: seq });
    release!();
    await holding;
    const caughtUp = await summaries(token, `from=2026-11-20&to=2026-11-20&minSeq=${held}`);
    expect(caughtUp.body).toMatchObject({ stale: false, projectedSeq: held });
    expect(caughtUp.body.items[0].sum).toBe(30);
  }, 15_000);

  test("a user sees only their own summaries; an unknown user's are empty and fresh", async () => {
    const a = await user();
    const b = await user();
    const seq = await write(a.token, [steps('phone', 10, '2026-11-20T08:00:00Z')]);
    await summaries(a.token, `from=2026-11-20&to=2026-11-20&minSeq=${seq}`);
    const other = await summaries(b.token, 'from=2026-11-20&to=2026-11-20');
    expect(other.body).toEqual({ items: [], watermarkSeq: 0, projectedSeq: 0, stale: false });
  });

  test('validation: 400 VALIDATION_FAILED with the paths of every problem; 401 without a token', async () => {
    const { token } = await user();
    const bad = await summaries(token, 'from=2026-02-30&metrics=steps,nope&minSeq=x');
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect(bad.body.code).toBe('VALIDATION_FAILED');
    expect(bad.body.errors.map((e: any) => e.path).sort()).toEqual(['/query/from', '/query/metrics', '/query/minSeq', '/query/to']);
    const tooLong = await summaries(token, 'from=2025-01-01&to=2026-06-01');
    expect(tooLong.body.errors).toEqual([{ path: '/query/to', message: 'from..to may cover at most 366 days' }]);
    const anonymous = await getJson(service.baseUrl, '/api/v1/health/daily-summaries?from=2026-11-20&to=2026-11-20');
    expect(anonymous.status).toBe(401);
  });
});

describe('dead letters for operators', () => {
  const admin = (path: string, init: RequestInit = {}, key = ADMIN_KEY) =>
    fetch(`${service.baseUrl}${path}`, { ...init, headers: { 'x-api-key': key, ...(init.headers ?? {}) } });

  test('GET /admin/outbox/dead lists them; POST /admin/outbox/dead/replay puts them back and they are applied', async () => {
    const { id, token } = await user();
    const seq = await write(token, [steps('phone', 10, '2026-11-20T08:00:00Z')]);
    await summaries(token, `from=2026-11-20&to=2026-11-20&minSeq=${seq}`);
    // an event that exhausted its attempts (the retry path itself is covered in test/integration/outbox)
    const [event] = await service.db.sql.unsafe(
      "UPDATE outbox_events SET status = 'dead', attempts = 10, last_error = 'boom', processed_at = NULL WHERE user_id = $1 RETURNING id",
      [id],
    );
    const eventId = Number(event!.id);

    expect((await admin('/admin/outbox/dead', {}, 'wrong-key')).status).toBe(401);
    const listed = await admin('/admin/outbox/dead?limit=1000');
    expect(listed.status).toBe(200);
    const page = (await listed.json()) as any;
    expect(page.items.find((item: any) => item.id === eventId)).toMatchObject({
      userId: id,
      eventType: 'health.samples.changed',
      seq,
      attempts: 10,
      lastError: 'boom',
    });
    expect((await admin('/admin/outbox/dead?limit=0')).status).toBe(400);
    const badReplay = await admin('/admin/outbox/dead/replay', { method: 'POST', body: '{"ids":["x"]}' });
    expect(badReplay.status).toBe(400);

    const replay = await admin('/admin/outbox/dead/replay', { method: 'POST', body: JSON.stringify({ ids: [eventId] }) });
    expect(replay.status).toBe(200);
    expect(await replay.json()).toEqual({ replayed: 1 });
    await until(async () => {
      const [row] = await service.db.sql.unsafe('SELECT status FROM outbox_events WHERE id = $1', [eventId]);
      return row!.status === 'processed';
    }, Boolean);
    const after = (await (await admin('/admin/outbox/dead?limit=1000')).json()) as any;
    expect(after.items.some((item: any) => item.id === eventId)).toBe(false);
  });
});

interface CatalogMetric {
  code: string;
  kind: string;
  canonicalUnit: string | null;
  bounds: { min: number; max: number } | null;
  categories: string[] | null;
}

// The test's own reading of §5/§7, independent of the projection's code: a CATEGORY metric and an
// INTERVAL_NUM metric that lists categories (the workout) are summarized in seconds per category;
// every other metric by its values on the local date of their start.
const inSeconds = (metric: CatalogMetric) => metric.kind === 'CATEGORY' || (metric.kind === 'INTERVAL_NUM' && metric.categories !== null);

/** Two values inside the metric's bounds (a quarter and half-way up), in its canonical unit. */
function twoValuesOf(metric: CatalogMetric): [number, number] {
  if (metric.bounds === null) return [1, 2];
  const { min, max } = metric.bounds;
  return [min + (max - min) / 4, min + (max - min) / 2];
}

/** On 2026-11-20 (UTC): 08:00–08:30 and 12:00–13:00, the first and the last category for category metrics. */
function twoSamplesOf(metric: CatalogMetric) {
  const spans = [
    ['2026-11-20T08:00:00Z', '2026-11-20T08:30:00Z', 1800],
    ['2026-11-20T12:00:00Z', '2026-11-20T13:00:00Z', 3600],
  ] as const;
  const values = twoValuesOf(metric);
  return spans.map(([startAt, endAt, seconds], i) => {
    const sample: Record<string, unknown> = {
      sourceId: 'catalog-walk',
      sourceRecordId: `${metric.code}-${i}`,
      metricCode: metric.code,
      valueKind: metric.kind,
      startAt,
      endAt,
      timezoneOffsetMinutes: 0,
    };
    if (metric.kind !== 'CATEGORY') Object.assign(sample, { value: values[i], unit: metric.canonicalUnit });
    if (metric.kind === 'INTERVAL_NUM') sample.durationSeconds = seconds;
    if (metric.categories !== null) sample.categoryCode = metric.categories[i === 0 ? 0 : metric.categories.length - 1];
    return sample;
  });
}

function expectedSummaryOf(metric: CatalogMetric) {
  if (inSeconds(metric)) {
    const [first, last] = [metric.categories![0]!, metric.categories!.at(-1)!];
    const categorySeconds = first === last ? { [first]: 5400 } : { [first]: 1800, [last]: 3600 };
    return { unit: 's', sum: 5400, min: 1800, max: 3600, avg: 2700, categorySeconds };
  }
  const [a, b] = twoValuesOf(metric);
  return { unit: metric.canonicalUnit, sum: a + b, min: a, max: b, avg: (a + b) / 2, categorySeconds: undefined };
}
