// Delete refs are envelope (CONTRACT §4.1): a ref PostgreSQL could not be sent, or one outside the
// years a sample may have, fails the whole request with its path; metricCode is an optional field.
import { expect, test } from 'bun:test';
import { validateBatchBody } from '../../../../src/domain/ingest/upload-schema.ts';

const body = (deleted: unknown[]) => ({ requestId: crypto.randomUUID(), payloadHash: 'a'.repeat(64), samples: [], deleted });
const paths = (deleted: unknown[]) => {
  const result = validateBatchBody(body(deleted), 500);
  return result.ok ? [] : result.errors.map((error) => error.path);
};

test.each([
  ['year 0000', '0000-06-01T05:00:00Z'],
  ['year 1899', '1899-12-31T23:59:59Z'],
  ['year 9999 that is year 10000 in UTC', '9999-12-31T23:00:00-05:00'],
])('a startAt in %s fails the envelope at its path', (_, startAt) => {
  expect(paths([{ sourceRecordId: 'ok' }, { sourceRecordId: 'r', startAt }])).toEqual(['/deleted/1/startAt']);
});

test.each([
  ['the first instant of 1900', '1900-01-01T00:00:00Z'],
  ['the last of 9999', '9999-12-31T23:59:59.999Z'],
])('a startAt at %s is accepted', (_, startAt) => {
  expect(paths([{ sourceRecordId: 'r', startAt }])).toEqual([]);
});

test('metricCode is optional text of 1..128 characters', () => {
  expect(paths([{ sourceRecordId: 'r', metricCode: 'HKQuantityTypeIdentifierHeartRate' }])).toEqual([]);
  expect(paths([{ sourceRecordId: 'r', metricCode: '' }, { sourceRecordId: 'r', metricCode: 7 }, { sourceRecordId: 'r', metricCode: 'x'.repeat(129) }])).toEqual([
    '/deleted/0/metricCode',
    '/deleted/1/metricCode',
    '/deleted/2/metricCode',
  ]);
});
