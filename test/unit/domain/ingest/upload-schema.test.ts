import { describe, expect, test } from 'bun:test';
import { validateBatchBody } from '../../../../src/domain/ingest/upload-schema.ts';
import { validatePrivacySettingsBody } from '../../../../src/domain/privacy-schema.ts';
import { validateTimezoneHeader } from '../../../../src/domain/ingest/timezone-header.ts';
import { MAX_REPORTED_ERRORS } from '../../../../src/domain/validation.ts';

const MAX_ITEMS = 500;

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

const body = (fields: Record<string, unknown> = {}) => ({
  requestId: '3f1c2a9e-4d7b-4c1e-9a55-0c9f1d2e7b61',
  payloadHash: 'a'.repeat(64),
  samples: [sample()],
  deleted: [{ sourceId: 'com.apple.health.8C1B', sourceRecordId: '9B0D', startAt: '2026-11-19T22:00:00Z' }],
  ...fields,
});

function errorPaths(input: unknown, max = MAX_ITEMS): string[] {
  const result = validateBatchBody(input, max);
  return result.ok ? [] : result.errors.map((error) => error.path);
}

describe('validateBatchBody accepts', () => {
  test.each([
    ['the contract example', body()],
    ['upper-case UUID and hash', body({ requestId: '3F1C2A9E-4D7B-4C1E-9A55-0C9F1D2E7B61', payloadHash: 'ABCDEF'.padEnd(64, '0') })],
    ['a UUID of any version', body({ requestId: '00000000-0000-0000-0000-000000000000' })],
    ['samples only', body({ deleted: undefined })],
    ['deletes only', body({ samples: [] })],
    ['a delete by id alone', body({ deleted: [{ sourceRecordId: 'x' }] })],
    ['unknown extra fields anywhere', body({ extra: 1, samples: [sample({ hkUUID: 'x' })], deleted: [{ sourceRecordId: 'x', why: 'user' }] })],
    ['a category sample', body({ samples: [sample({ value: undefined, unit: undefined, metricCode: 'sleep_stage', valueKind: 'CATEGORY', categoryCode: 'deep' })] })],
    ['offsets at both limits', body({ samples: [sample({ timezoneOffsetMinutes: -720 }), sample({ timezoneOffsetMinutes: 840 })] })],
    ['boundary lengths', body({ samples: [sample({ sourceId: 'x'.repeat(128), sourceRecordId: 'x'.repeat(256), metricCode: 'x'.repeat(128), unit: 'x'.repeat(32), categoryCode: 'x'.repeat(64) })] })],
    ['sourceVersion 0 and 2^53-1', body({ samples: [sample({ sourceVersion: 0 }), sample({ sourceVersion: Number.MAX_SAFE_INTEGER })] })],
    ['durationSeconds 0', body({ samples: [sample({ durationSeconds: 0 })] })],
    ['fractional seconds and lower-case t/z', body({ samples: [sample({ startAt: '2026-11-20t07:15:00.123456z' })] })],
    [`exactly ${MAX_ITEMS} samples`, body({ samples: Array.from({ length: MAX_ITEMS }, () => sample()) })],
  ])('%s', (_, input) => {
    const result = validateBatchBody(JSON.parse(JSON.stringify(input)), MAX_ITEMS);
    expect(result).toEqual({ ok: true, value: JSON.parse(JSON.stringify(input)) });
  });
});

describe('validateBatchBody rejects with JSON-pointer paths', () => {
  test.each([
    ['not an object', [], ['']],
    ['no requestId', body({ requestId: undefined }), ['/requestId']],
    ['a requestId that is not a UUID', body({ requestId: '3f1c2a9e4d7b4c1e9a550c9f1d2e7b61' }), ['/requestId']],
    ['a short hash', body({ payloadHash: 'a'.repeat(63) }), ['/payloadHash']],
    ['a non-hex hash', body({ payloadHash: 'g'.repeat(64) }), ['/payloadHash']],
    ['no samples array', body({ samples: undefined }), ['/samples']],
    ['both arrays empty', body({ samples: [], deleted: [] }), ['']],
    ['samples empty and deleted absent', body({ samples: [], deleted: undefined }), ['']],
    [`more than ${MAX_ITEMS} samples`, body({ samples: Array.from({ length: MAX_ITEMS + 1 }, () => sample()) }), ['/samples']],
    [`more than ${MAX_ITEMS} deletes`, body({ deleted: Array.from({ length: MAX_ITEMS + 1 }, () => ({ sourceRecordId: 'x' })) }), ['/deleted']],
    ['a delete with a bad startAt', body({ deleted: [{ sourceRecordId: 'x', startAt: '2026-13-01T00:00:00Z' }] }), ['/deleted/0/startAt']],
    ['a delete with a year before 1900', body({ deleted: [{ sourceRecordId: 'x', startAt: '0001-01-01T00:00:00Z' }] }), ['/deleted/0/startAt']],
    ['a delete in year 10000 UTC', body({ deleted: [{ sourceRecordId: 'x', startAt: '9999-12-31T23:00:00-05:00' }] }), ['/deleted/0/startAt']],
    ['a delete without id', body({ deleted: [{ sourceId: 's' }] }), ['/deleted/0/sourceRecordId']],
    ['samples that is not an array', body({ samples: { 0: sample() } }), ['/samples']],
    ['several problems', body({ requestId: 1, payloadHash: 'x', deleted: [{ sourceRecordId: '' }] }), ['/requestId', '/payloadHash', '/deleted/0/sourceRecordId']],
  ])('%s', (_, input, paths) => {
    expect(errorPaths(JSON.parse(JSON.stringify(input))).sort()).toEqual([...paths].sort());
  });

  test('the sample limit is the configured one', () => {
    expect(errorPaths(body({ samples: [sample(), sample(), sample()] }), 2)).toEqual(['/samples']);
  });

  test('messages are readable', () => {
    const result = validateBatchBody(body({ requestId: 'x', deleted: [{ sourceRecordId: 'x', startAt: '2026-02-30T00:00:00Z' }] }), MAX_ITEMS);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual([
      { path: '/requestId', message: 'Expected a UUID' },
      { path: '/deleted/0/startAt', message: 'Expected a date-time that exists (check month, day, hour and offset)' },
    ]);
  });

  test(`at most ${MAX_REPORTED_ERRORS} errors are reported`, () => {
    const result = validateBatchBody(body({ deleted: Array.from({ length: 200 }, () => ({ sourceRecordId: '', sourceId: '' })) }), MAX_ITEMS);
    expect(result.ok ? 0 : result.errors.length).toBe(MAX_REPORTED_ERRORS);
  });

  test('broken samples are not the envelope’s concern: they fail alone later (sample-shape.ts)', () => {
    const input = body({ samples: [sample({ startAt: '0001-01-01T00:00:00Z' }), 42, null, sample({ sourceVersion: '12.3' })] });
    expect(validateBatchBody(input, MAX_ITEMS)).toEqual({ ok: true, value: input });
  });
});

describe('validateTimezoneHeader', () => {
  test.each([
    [null, undefined],
    ['0', 0],
    ['-0', 0],
    ['60', 60],
    ['-300', -300],
    ['-720', -720],
    ['840', 840],
    ['0060', 60],
  ])('%p → %p', (header, minutes) => {
    expect(validateTimezoneHeader(header)).toEqual({ ok: true, value: minutes });
  });

  test.each(['', ' 60', '+60', '60.0', '1e2', '841', '-721', 'UTC', '01:00', '9999999999'])('%p is refused', (header) => {
    expect(validateTimezoneHeader(header).ok).toBe(false);
  });
});

describe('validatePrivacySettingsBody', () => {
  test.each([
    ['the default', { syncEnabled: true, blockedMetrics: [] }],
    ['codes and aliases', { syncEnabled: false, blockedMetrics: ['heart_rate', 'HKCategoryTypeIdentifierSleepAnalysis'] }],
    ['extra fields ignored', { syncEnabled: true, blockedMetrics: [], note: 'x' }],
  ])('accepts %s', (_, input) => {
    expect(validatePrivacySettingsBody(input)).toEqual({ ok: true, value: input });
  });

  test.each([
    ['no syncEnabled', { blockedMetrics: [] }, ['/syncEnabled']],
    ['a string syncEnabled', { syncEnabled: 'true', blockedMetrics: [] }, ['/syncEnabled']],
    ['no blockedMetrics', { syncEnabled: true }, ['/blockedMetrics']],
    ['an empty code', { syncEnabled: true, blockedMetrics: [''] }, ['/blockedMetrics/0']],
    ['a long code', { syncEnabled: true, blockedMetrics: ['x'.repeat(129)] }, ['/blockedMetrics/0']],
    ['201 entries', { syncEnabled: true, blockedMetrics: Array.from({ length: 201 }, () => 'steps') }, ['/blockedMetrics']],
  ])('rejects %s', (_, input, paths) => {
    const result = validatePrivacySettingsBody(input);
    expect(result.ok ? [] : result.errors.map((error) => error.path)).toEqual(paths);
  });
});
