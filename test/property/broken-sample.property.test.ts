// One bad sample never blocks the good ones (CONTRACT §4.1), searched by fast-check through the
// real inline path (HTTP → PostgreSQL): a batch of valid samples with one of them broken — any
// field, broken any way (wrong type, missing, too long, empty, unstorable text, a date that does
// not exist or cannot be stored, out of range, or the element not an object at all) — is
// answered 207 with exactly that sample failed, at its index, and every other sample stored with
// its value.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import fc from 'fast-check';
import { batch, upload } from '../support/batches.ts';
import { startTestService, type TestService } from '../support/service.ts';

let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(() => service.close());

const MINUTE = 60_000;
const T0 = Math.floor(Date.now() / MINUTE) * MINUTE - 2 * 24 * 60 * MINUTE;

const valid = (i: number, value: number) => ({
  sourceId: 'com.apple.health.watch',
  sourceRecordId: `r-${i}`,
  metricCode: 'heart_rate',
  valueKind: 'SCALAR_NUM',
  value,
  unit: 'count/min',
  startAt: new Date(T0 + i * MINUTE).toISOString(),
  endAt: new Date(T0 + i * MINUTE).toISOString(),
  timezoneOffsetMinutes: 60,
  metadata: { deviceModel: 'Watch7,1' },
});

const REMOVE = Symbol('remove');
const long = (n: number) => 'x'.repeat(n);
const wrongTypes = [null, true, 0, 1.5, [], {}, [1], { a: 1 }];
// null on an optional field is absent (§4.1 as the README decides), so it breaks only where leaving the field out does
const wrongNonNullTypes = wrongTypes.filter((v) => v !== null);

/** For each field of a heart-rate sample, values that break it (each one does, on its own). */
const BREAKS: Record<string, unknown[]> = {
  sourceId: [REMOVE, '', long(129), 'a\u0000b', 'x\ud800', ...wrongTypes],
  sourceRecordId: [REMOVE, '', long(257), 'a\u0000b', '\udfff', ...wrongTypes],
  metricCode: [REMOVE, '', long(129), 'no_such_metric', 'heart_rate\u0000', ...wrongTypes],
  valueKind: [REMOVE, '', 'SCALAR', 'CATEGORY', 'CUMULATIVE_NUM', ...wrongTypes],
  value: [REMOVE, '72', 19.9, 300.1, -5, 1e300, ...wrongTypes.filter((v) => typeof v !== 'number')],
  unit: [REMOVE, '', long(33), 'furlong', 'kg', ...wrongTypes],
  startAt: [REMOVE, '', 'yesterday', '0001-01-01T00:00:00Z', '0000-06-01T05:00:00Z', '1899-12-31T23:59:59Z', '2026-02-30T07:15:00Z', '2026-11-20T07:15:00', '2999-01-01T00:00:00Z', 1_700_000_000_000, ...wrongTypes],
  endAt: ['', 'x', '1900-01-01T00:00:00Z', '9999-12-31T23:00:00-05:00', '2026-13-01T00:00:00Z', 5, ...wrongNonNullTypes],
  timezoneOffsetMinutes: [841, -721, 60.5, '60', ...wrongNonNullTypes.filter((v) => v !== 0)],
  metadata: ['x', 5, [], [1], true, { deviceModel: { a: { b: { c: 1 } } } }, { deviceModel: 'x\u0000' }, { deviceModel: long(5000) }, { timeZone: 'Mars/Olympus_Mons' }],
  sourceVersion: ['12.3', '2160040', -1, 1.5, 2 ** 53, true, []],
  categoryCode: ['deep', 'x', long(65), 5, []],
  durationSeconds: [-1, 'x', [], {}],
};
const FIELDS = Object.keys(BREAKS);

type Breakage = { kind: 'field'; field: string; value: unknown } | { kind: 'element'; value: unknown };

const breakage: fc.Arbitrary<Breakage> = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom(...FIELDS).chain((field) => fc.constantFrom(...BREAKS[field]!).map((value) => ({ kind: 'field' as const, field, value }))) },
  { weight: 1, arbitrary: fc.constantFrom(42, null, 'sample', [], true).map((value) => ({ kind: 'element' as const, value })) },
);

function broken(sample: Record<string, unknown>, how: Breakage): unknown {
  if (how.kind === 'element') return how.value;
  const copy: Record<string, unknown> = { ...sample };
  if (how.value === REMOVE) delete copy[how.field];
  else copy[how.field] = how.value;
  // a zone name only matters (and only fails) when the sample has no offset of its own
  if (how.field === 'metadata' && (how.value as { timeZone?: unknown })?.timeZone) delete copy.timezoneOffsetMinutes;
  return copy;
}

describe('one broken sample (property)', () => {
  test('fails alone, at its index; every other sample of the batch is stored with its value', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 40, max: 200 }), { minLength: 2, maxLength: 25 }),
        fc.nat(),
        breakage,
        async (values, at, how) => {
          const badIndex = at % values.length;
          const samples: unknown[] = values.map((value, i) => valid(i, value));
          samples[badIndex] = broken(samples[badIndex] as Record<string, unknown>, how);
          const userId = crypto.randomUUID();
          const token = await service.token(userId);

          const response = await upload(service.baseUrl, token, batch(samples as never));
          expect(response.status).toBe(207);
          expect(response.body.accepted).toBe(values.length - 1);
          expect(response.body.failed).toHaveLength(1);
          const [failure] = response.body.failed;
          expect(failure.index).toBe(badIndex);
          expect(failure.sourceRecordId === null || failure.sourceRecordId === `r-${badIndex}`).toBe(true);
          if (failure.code === 'INVALID_FIELD') expect(failure.path).toStartWith(`/samples/${badIndex}`);

          const rows = await service.db.sql.unsafe('SELECT source_record_id, value FROM health_samples WHERE user_id = $1 ORDER BY start_at', [userId]);
          const expected = values.flatMap((value, i) => (i === badIndex ? [] : [{ source_record_id: `r-${i}`, value }]));
          expect(rows.map((row) => ({ source_record_id: row.source_record_id, value: row.value }))).toEqual(expected);
        },
      ),
      { numRuns: 120 },
    );
  });
});
