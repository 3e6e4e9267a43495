import { describe, expect, test } from 'bun:test';
import { checkSampleShape } from '../../../../src/domain/ingest/sample-shape.ts';

const sample = (fields: Record<string, unknown> = {}) => ({
  sourceId: 'com.apple.health.8C1B',
  sourceRecordId: 'E2A6',
  metricCode: 'heart_rate',
  valueKind: 'SCALAR_NUM',
  value: 72,
  unit: 'count/min',
  startAt: '2026-11-20T07:15:00Z',
  endAt: '2026-11-20T07:15:00Z',
  timezoneOffsetMinutes: 60,
  metadata: { deviceModel: 'Watch7,1', osVersion: '17.4' },
  ...fields,
});

const sleep = (fields: Record<string, unknown> = {}) =>
  sample({ metricCode: 'sleep_stage', valueKind: 'CATEGORY', value: undefined, unit: undefined, categoryCode: 'deep', ...fields });

/** JSON round trip: undefined fields disappear, as they would on the wire. */
const wire = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;

describe('checkSampleShape accepts', () => {
  test.each([
    ['the contract example', sample()],
    ['unknown extra fields', sample({ hkUUID: 'x', nested: { a: [1] } })],
    ['a category sample', sleep()],
    ['offsets at both limits', sample({ timezoneOffsetMinutes: -720 })],
    ['boundary lengths', sample({ sourceId: 'x'.repeat(128), sourceRecordId: 'x'.repeat(256), metricCode: 'x'.repeat(128), unit: 'x'.repeat(32), categoryCode: 'x'.repeat(64) })],
    ['sourceVersion 0', sample({ sourceVersion: 0 })],
    ['sourceVersion 2^53-1', sample({ sourceVersion: Number.MAX_SAFE_INTEGER })],
    ['durationSeconds 0', sample({ durationSeconds: 0 })],
    ['fractional seconds and lower-case t/z', sample({ startAt: '2026-11-20t07:15:00.123456z', endAt: undefined })],
    ['the first storable instant', sample({ startAt: '1900-01-01T00:00:00Z', endAt: undefined })],
    ['year 1900 written with a positive offset (1899 in UTC)', sample({ startAt: '1900-01-01T00:00:00+14:00', endAt: undefined })],
    ['the last storable instant', sample({ endAt: '9999-12-31T23:59:59.999Z' })],
    ['year 9999 with a positive offset', sample({ endAt: '9999-12-31T23:59:59+05:00' })],
  ])('%s', (_, input) => {
    const result = checkSampleShape(wire(input));
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.sample).toEqual(wire(input) as never);
  });

  test('parses the instants once: endAt defaults to startAt', () => {
    const result = checkSampleShape(wire(sample({ startAt: '2026-11-20T08:15:00+01:00', endAt: undefined })));
    expect(result).toMatchObject({ ok: true, startAtMs: Date.parse('2026-11-20T07:15:00Z'), endAtMs: Date.parse('2026-11-20T07:15:00Z') });
  });
});

describe('checkSampleShape fails the sample alone, naming the field and its path', () => {
  test.each([
    ['an impossible date', sample({ startAt: '2026-02-30T07:15:00Z' }), '/startAt'],
    ['a date without zone', sample({ endAt: '2026-11-20T07:15:00' }), '/endAt'],
    ['the zero date of Go, .NET and Swift clients', sample({ startAt: '0001-01-01T00:00:00Z' }), '/startAt'],
    ['year 0000', sample({ startAt: '0000-06-01T05:00:00Z' }), '/startAt'],
    ['year 1899', sample({ startAt: '1899-12-31T23:59:59Z' }), '/startAt'],
    ['an endAt in year 10000 UTC (9999 with a negative offset)', sample({ endAt: '9999-12-31T23:30:00-01:00' }), '/endAt'],
    ['an empty sourceId', sample({ sourceId: '' }), '/sourceId'],
    ['a long sourceRecordId', sample({ sourceRecordId: 'x'.repeat(257) }), '/sourceRecordId'],
    ['a long metricCode', sample({ metricCode: 'x'.repeat(129) }), '/metricCode'],
    ['a long unit', sample({ unit: 'x'.repeat(33) }), '/unit'],
    ['a long categoryCode', sample({ categoryCode: 'x'.repeat(65) }), '/categoryCode'],
    ['an unknown valueKind', sample({ valueKind: 'SCALAR' }), '/valueKind'],
    ['a string value', sample({ value: '72' }), '/value'],
    ['a negative duration', sample({ durationSeconds: -1 }), '/durationSeconds'],
    ['a fractional offset', sample({ timezoneOffsetMinutes: 60.5 }), '/timezoneOffsetMinutes'],
    ['an offset beyond +14:00', sample({ timezoneOffsetMinutes: 841 }), '/timezoneOffsetMinutes'],
    ['an offset beyond -12:00', sample({ timezoneOffsetMinutes: -721 }), '/timezoneOffsetMinutes'],
    ['array metadata', sample({ metadata: [1] }), '/metadata'],
    ['HealthKit’s app-version string as sourceVersion', sample({ sourceVersion: '12.3' }), '/sourceVersion'],
    ['a fractional sourceVersion', sample({ sourceVersion: 12.3 }), '/sourceVersion'],
    ['a negative sourceVersion', sample({ sourceVersion: -1 }), '/sourceVersion'],
    ['an unsafe sourceVersion', sample({ sourceVersion: 2 ** 53 }), '/sourceVersion'],
    ['a missing startAt', sample({ startAt: undefined }), '/startAt'],
    ['a missing sourceId', sample({ sourceId: undefined }), '/sourceId'],
    ['a NUL in sourceId', sample({ sourceId: 'a\u0000b' }), '/sourceId'],
    ['a lone surrogate in sourceRecordId', sample({ sourceRecordId: 'x\ud800' }), '/sourceRecordId'],
    ['an empty unit on a numeric sample (not forbidden there)', sample({ unit: '' }), '/unit'],
    ['an empty categoryCode on an INTERVAL_NUM sample (a workout takes one)', sample({ valueKind: 'INTERVAL_NUM', categoryCode: '' }), '/categoryCode'],
  ])('%s', (_, input, path) => {
    const result = checkSampleShape(wire(input));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.path).toBe(path);
    expect(result.message.startsWith(path.slice(1))).toBe(true);
  });

  test.each([
    ['a number', 42],
    ['null', null],
    ['a string', 'sample'],
    ['an array', [sample()]],
  ])('a sample that is %s fails at the sample’s own path, with no sourceRecordId', (_, input) => {
    expect(checkSampleShape(input)).toEqual({ ok: false, path: '', message: 'Expected a sample object', sourceRecordId: null });
  });

  test.each([
    ['readable', sample({ value: 'x' }), 'E2A6'],
    ['missing', sample({ sourceRecordId: undefined }), null],
    ['not a string', sample({ sourceRecordId: 17 }), null],
    ['empty', sample({ sourceRecordId: '' }), null],
    ['too long', sample({ sourceRecordId: 'x'.repeat(257) }), null],
    ['not storable', sample({ sourceRecordId: 'a\u0000' }), null],
  ])('the failure carries the sourceRecordId when it is %s', (_, input, id) => {
    const result = checkSampleShape(wire(input));
    expect(result.ok ? 'ok' : result.sourceRecordId).toBe(id);
  });

  test('messages explain without echoing the value', () => {
    const result = checkSampleShape(wire(sample({ sourceVersion: '12.3' })));
    expect(result).toMatchObject({
      ok: false,
      message: 'sourceVersion: Expected an integer in 0..2^53-1 (a sync version; an app version string belongs in metadata.appVersion)',
    });
    expect(checkSampleShape(wire(sample({ startAt: '0001-01-01T00:00:00Z' })))).toMatchObject({
      message: 'startAt: Expected a year from 1900 to 9999 (and an instant before year 10000 in UTC)',
    });
    expect(checkSampleShape(wire(sample({ startAt: undefined })))).toMatchObject({ message: 'startAt is required' });
  });
});

describe('a field the declared kind forbids that is present but empty, or null on an optional field, is absent (§4.1)', () => {
  test.each([
    ['null metadata, endAt, sourceVersion, durationSeconds (what the read side writes)', sample({ metadata: null, endAt: null, sourceVersion: null, durationSeconds: null }), ['metadata', 'endAt', 'sourceVersion', 'durationSeconds']],
    ['"value": null on a numeric sample (the kind rule then asks for a value)', sample({ value: null }), ['value']],
    ['"unit": "" on a category sample (old exports)', sleep({ unit: '' }), ['unit']],
    ['"value": null on a category sample', sleep({ value: null }), ['value']],
    ['both', sleep({ value: null, unit: '' }), ['value', 'unit']],
    ['"categoryCode": "" on a numeric sample', sample({ categoryCode: '' }), ['categoryCode']],
    ['"categoryCode": null on a cumulative sample', sample({ valueKind: 'CUMULATIVE_NUM', categoryCode: null }), ['categoryCode']],
  ])('%s', (_, input, dropped) => {
    const result = checkSampleShape(wire(input));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    for (const field of dropped) expect(field in result.sample).toBe(false);
  });

  test('a forbidden field with content stays, for the kind rule to refuse (FORBIDDEN_FIELD)', () => {
    const result = checkSampleShape(wire(sleep({ unit: 'count' })));
    expect(result.ok && result.sample.unit).toBe('count');
  });

  test('the sample as sent is not modified', () => {
    const input = wire(sleep({ unit: '' })) as Record<string, unknown>;
    checkSampleShape(input);
    expect(input.unit).toBe('');
  });

  test('another broken field still fails the sample, at its own path', () => {
    expect(checkSampleShape(wire(sleep({ unit: '', startAt: 'x' })))).toMatchObject({ ok: false, path: '/startAt' });
  });
});
