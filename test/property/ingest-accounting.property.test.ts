// The accounting law of CONTRACT §4.5, searched by fast-check through the real inline path
// (HTTP → PostgreSQL): for any mix of valid and invalid samples, with keys that collide inside
// the batch (the same instant written with other offsets or sub-millisecond digits, the same
// record id and instant under several metrics),
//   accepted + failed.length = samples.length, every failure has the expected index and code,
//   stored rows = the unique keys of the valid samples, each holding its last occurrence,
//   and a re-send under a new requestId reports unchanged = accepted and changes nothing.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import fc from 'fast-check';
import { batch, putJson, upload } from '../support/batches.ts';
import { startTestService, type TestService } from '../support/service.ts';

let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(() => service.close());

const MINUTE = 60_000;
// three days ago, on a whole minute: never "in the future", whatever the clock says
const T0 = Math.floor(Date.now() / MINUTE) * MINUTE - 3 * 24 * 60 * MINUTE;

// ---- keys: small pools so that keys collide; SQL-looking and non-ASCII ids on purpose

const SOURCE_IDS = ['com.apple.health.watch', "src'); DROP TABLE health_samples;--"];
const RECORD_IDS = ['R1', 'R2', "x' OR '1'='1", 'é😀\\%_', 'R5'];
const INSTANTS = [T0, T0 + MINUTE, T0 + 3_600_000];

/** One instant in several RFC 3339 spellings (all the same key, CONTRACT §4.6). */
function spell(ms: number, form: number): string {
  const iso = new Date(ms).toISOString(); // …T07:15:00.000Z
  switch (form) {
    case 0:
      return iso.replace('.000Z', 'Z');
    case 1:
      return iso;
    case 2: // +01:00: the wall clock one hour later
      return new Date(ms + 3_600_000).toISOString().replace('.000Z', '+01:00');
    case 3: // sub-millisecond digits are truncated
      return iso.replace('.000Z', '.0009Z');
    default:
      return new Date(ms - 330 * MINUTE).toISOString().replace('.000Z', '-05:30');
  }
}

const key = fc.record({
  sourceId: fc.constantFrom(...SOURCE_IDS),
  sourceRecordId: fc.constantFrom(...RECORD_IDS),
  instant: fc.constantFrom(...INSTANTS),
  form: fc.integer({ min: 0, max: 4 }),
});

// ---- samples: each variant knows its metric (after aliases) and the failure it must cause

interface Variant {
  fields: Record<string, unknown>;
  /** canonical metric code, or null when the metric is unknown */
  metric: string | null;
  /** the failure code this sample must get when its metric is not blocked; null = valid */
  problem: string | null;
  /** the value stored in the canonical unit, for valid numeric samples */
  canonical?: number;
}

const heartRate = (value: number, unit = 'count/min') => ({ metricCode: 'heart_rate', valueKind: 'SCALAR_NUM', value, unit });

const variant: fc.Arbitrary<Variant> = fc.oneof(
  // valid
  fc.double({ min: 20, max: 300, noNaN: true }).map((v) => ({ fields: heartRate(v), metric: 'heart_rate', problem: null, canonical: v })),
  fc.double({ min: 2, max: 1500, noNaN: true }).map((lb) => ({
    fields: { metricCode: 'WeightRecord', valueKind: 'SCALAR_NUM', value: lb, unit: 'lb' },
    metric: 'weight',
    problem: null,
    canonical: lb * 0.45359237,
  })),
  fc.double({ min: 77, max: 113, noNaN: true }).map((f) => ({
    fields: { metricCode: 'body_temperature', valueKind: 'SCALAR_NUM', value: f, unit: 'degF' },
    metric: 'body_temperature',
    problem: null,
    canonical: ((f - 32) * 5) / 9,
  })),
  fc.integer({ min: 0, max: 100_000 }).map((n) => ({
    fields: { metricCode: 'HKQuantityTypeIdentifierStepCount', valueKind: 'CUMULATIVE_NUM', value: n, unit: 'steps' },
    metric: 'steps',
    problem: null,
    canonical: n,
  })),
  fc.double({ min: 0, max: 1440, noNaN: true }).map((minutes) => ({
    fields: { metricCode: 'workout_duration', valueKind: 'INTERVAL_NUM', value: minutes, unit: 'min', durationSeconds: minutes * 60 },
    metric: 'workout_duration',
    problem: null,
    canonical: minutes * 60,
  })),
  fc.constantFrom('deep', 'rem', 'HKCategoryValueSleepAnalysisAwake', 'STAGE_TYPE_LIGHT').map((code) => ({
    fields: { metricCode: 'sleep_stage', valueKind: 'CATEGORY', categoryCode: code, timezoneOffsetMinutes: 60 },
    metric: 'sleep_stage',
    problem: null,
  })),
  // invalid, one problem each
  fc.constant({ fields: { ...heartRate(70), metricCode: 'no_such_metric' }, metric: null, problem: 'UNKNOWN_METRIC' }),
  fc.constant({ fields: { ...heartRate(70), valueKind: 'CUMULATIVE_NUM' }, metric: 'heart_rate', problem: 'VALUE_KIND_MISMATCH' }),
  fc.constant({ fields: { metricCode: 'heart_rate', valueKind: 'SCALAR_NUM', value: 70 }, metric: 'heart_rate', problem: 'MISSING_FIELD' }),
  fc.constant({ fields: { ...heartRate(70), categoryCode: 'deep' }, metric: 'heart_rate', problem: 'FORBIDDEN_FIELD' }),
  fc.constant({ fields: heartRate(70, 'mph'), metric: 'heart_rate', problem: 'UNIT_NORMALIZATION_FAILED' }),
  fc
    .oneof(fc.double({ min: 300.0000001, max: 1e300, noNaN: true, noDefaultInfinity: true }), fc.double({ min: -1e300, max: 19.999999, noNaN: true }))
    .map((v) => ({ fields: heartRate(v), metric: 'heart_rate', problem: 'VALUE_OUT_OF_BOUNDS' })),
  fc.constant({
    fields: { metricCode: 'sleep_stage', valueKind: 'CATEGORY', categoryCode: 'STAGE_TYPE_UNKNOWN', timezoneOffsetMinutes: 0 },
    metric: 'sleep_stage',
    problem: 'INVALID_CATEGORY_CODE',
  }),
  fc.constant({ fields: { metricCode: 'sleep_stage', valueKind: 'CATEGORY', categoryCode: 'deep' }, metric: 'sleep_stage', problem: 'TIMEZONE_REQUIRED' }),
  fc.constant({ fields: { ...heartRate(70), metadata: { deviceModel: { a: { b: { c: 1 } } } } }, metric: 'heart_rate', problem: 'INVALID_METADATA' }),
  fc.constant({ fields: { ...heartRate(70), endAt: 'BEFORE_START' }, metric: 'heart_rate', problem: 'INVALID_TIME_RANGE' }),
  // a field that breaks its own rule (§4.1): fails alone, before any other rule (privacy included)
  fc
    .constantFrom<Record<string, unknown>>(
      { sourceVersion: '12.3' },
      { value: '72' },
      { startAt: '0001-01-01T00:00:00Z' },
      { endAt: '9999-12-31T23:00:00-05:00' },
      { timezoneOffsetMinutes: 900 },
      { metadata: [] },
    )
    .map((broken) => ({ fields: { ...heartRate(70), ...broken }, metric: 'heart_rate', problem: 'INVALID_FIELD' })),
);

const sampleArb = fc.record({ key, variant, extra: fc.option(fc.string({ maxLength: 12 }), { nil: undefined }) });
const batchArb = fc.record({
  samples: fc.array(sampleArb, { minLength: 1, maxLength: 40 }),
  blocked: fc.subarray(['weight', 'steps', 'sleep_stage']),
});

type GeneratedSample = { key: { sourceId: string; sourceRecordId: string; instant: number; form: number }; variant: Variant; extra: string | undefined };

function toWire(s: GeneratedSample) {
  const startAt = spell(s.key.instant, s.key.form);
  const fields = { ...s.variant.fields };
  if (fields.endAt === 'BEFORE_START') fields.endAt = new Date(s.key.instant - MINUTE).toISOString();
  return {
    sourceId: s.key.sourceId,
    sourceRecordId: s.key.sourceRecordId,
    startAt,
    ...fields,
    // an unknown extra field: ignored, and still covered by the payload hash
    ...(s.extra === undefined ? {} : { clientNote: s.extra }),
    metadata: fields.metadata ?? { deviceModel: 'Watch7,1', unknownKey: s.extra ?? 'dropped' },
  };
}

/** The sample key of §4.4: the metric (canonical code) is part of it. */
const keyOf = (sourceId: string, sourceRecordId: string, metric: string, ms: number) => JSON.stringify([sourceId, sourceRecordId, metric, ms]);

describe('the accounting law through the inline path (property)', () => {
  test('accepted + failed = samples, rows = unique valid keys holding their last write, re-send is all unchanged', async () => {
    await fc.assert(
      fc.asyncProperty(batchArb, async ({ samples, blocked }) => {
        const userId = crypto.randomUUID();
        const token = await service.token(userId);
        if (blocked.length > 0) {
          const put = await putJson(service.baseUrl, '/api/v1/health/privacy-settings', token, { syncEnabled: true, blockedMetrics: blocked });
          expect(put.status).toBe(200);
        }
        const wire = samples.map(toWire);
        const expectedFailures = samples.flatMap((s, index) => {
          const code =
            s.variant.problem !== 'INVALID_FIELD' && s.variant.metric !== null && blocked.includes(s.variant.metric)
              ? 'PRIVACY_BLOCKED'
              : s.variant.problem;
          return code === null ? [] : [{ index, code }];
        });
        const failedIndexes = new Set(expectedFailures.map((f) => f.index));
        const lastByKey = new Map<string, Variant>();
        samples.forEach((s, index) => {
          if (!failedIndexes.has(index)) lastByKey.set(keyOf(s.key.sourceId, s.key.sourceRecordId, s.variant.metric!, s.key.instant), s.variant);
        });
        const validCount = samples.length - expectedFailures.length;

        const first = await upload(service.baseUrl, token, batch(wire));
        expect(first.status).toBe(expectedFailures.length > 0 ? 207 : 200);
        expect(first.body.accepted + first.body.failed.length).toBe(samples.length);
        expect(first.body.accepted).toBe(validCount);
        expect(first.body.unchanged).toBe(0);
        expect(first.body.failed.map((f: { index: number; code: string }) => ({ index: f.index, code: f.code }))).toEqual(expectedFailures);

        const rows = (await service.db.sql.unsafe(
          `SELECT source_id, source_record_id, metric_code, start_at, value, category_code, deleted_at
             FROM health_samples WHERE user_id = $1`,
          [userId],
        )) as unknown as {
          source_id: string;
          source_record_id: string;
          metric_code: string;
          start_at: Date;
          value: number | null;
          category_code: string | null;
          deleted_at: Date | null;
        }[];
        expect(rows.length).toBe(lastByKey.size);
        for (const row of rows) {
          const last = lastByKey.get(keyOf(row.source_id, row.source_record_id, row.metric_code, row.start_at.getTime()));
          expect(last).toBeDefined();
          expect(row.deleted_at).toBeNull();
          if (last!.canonical !== undefined) {
            expect(Math.abs(row.value! - last!.canonical)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(last!.canonical)));
          } else {
            expect(row.category_code).not.toBeNull();
          }
        }

        const again = await upload(service.baseUrl, token, batch(wire));
        expect(again.status).toBe(first.status);
        expect(again.headers.get('idempotent-replayed')).toBeNull();
        expect(again.body.accepted).toBe(first.body.accepted);
        expect(again.body.unchanged).toBe(again.body.accepted);
        expect(again.body.failed).toEqual(first.body.failed);
        expect(again.body.watermarkSeq).toBeNull();
        const [{ n }] = (await service.db.sql.unsafe('SELECT count(*)::int AS n FROM health_samples WHERE user_id = $1', [userId])) as any;
        expect(n).toBe(lastByKey.size);
      }),
      { numRuns: 100 },
    );
  });
});
