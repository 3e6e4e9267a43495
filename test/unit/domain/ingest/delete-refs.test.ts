import { expect, test } from 'bun:test';
import { defaultCatalog } from '../../../../src/domain/catalog/catalog.ts';
import { normalizeDeleteRefs } from '../../../../src/domain/ingest/delete-refs.ts';

const ref = (fields: { sourceRecordId: string } & Record<string, unknown>) => ({ sourceId: null, metricCode: null, startAtMs: null, ...fields });

test.each([
  ['id only', [{ sourceRecordId: 'r' }], [ref({ sourceRecordId: 'r' })]],
  [
    'all fields, startAt parsed',
    [{ sourceRecordId: 'r', sourceId: 's', metricCode: 'steps', startAt: '2026-11-19T23:00:00+01:00' }],
    [ref({ sourceRecordId: 'r', sourceId: 's', metricCode: 'steps', startAtMs: Date.parse('2026-11-19T22:00:00Z') })],
  ],
  [
    'identical refs (same instant in two notations) collapse',
    [{ sourceRecordId: 'r', startAt: '2026-11-19T22:00:00Z' }, { sourceRecordId: 'r', startAt: '2026-11-19T23:00:00+01:00' }],
    [ref({ sourceRecordId: 'r', startAtMs: Date.parse('2026-11-19T22:00:00Z') })],
  ],
  [
    'refs that differ in a field are kept, first-seen order',
    [{ sourceRecordId: 'r', sourceId: 's' }, { sourceRecordId: 'r' }, { sourceRecordId: 'r', sourceId: 's' }, { sourceRecordId: 'r', metricCode: 'steps' }],
    [ref({ sourceRecordId: 'r', sourceId: 's' }), ref({ sourceRecordId: 'r' }), ref({ sourceRecordId: 'r', metricCode: 'steps' })],
  ],
  [
    'a platform alias resolves to the canonical code, so alias and code collapse',
    [{ sourceRecordId: 'r', metricCode: 'HKQuantityTypeIdentifierHeartRate' }, { sourceRecordId: 'r', metricCode: 'heart_rate' }],
    [ref({ sourceRecordId: 'r', metricCode: 'heart_rate' })],
  ],
  ['an unknown metric is kept as sent', [{ sourceRecordId: 'r', metricCode: 'no_such_metric' }], [ref({ sourceRecordId: 'r', metricCode: 'no_such_metric' })]],
  ['extra fields are ignored', [{ sourceRecordId: 'r', reason: 'user' }], [ref({ sourceRecordId: 'r' })]],
])('normalizeDeleteRefs: %s', (_, refs, expected) => {
  expect(normalizeDeleteRefs(refs, defaultCatalog)).toEqual(expected);
});

test('normalizeDeleteRefs refuses an unchecked startAt', () => {
  expect(() => normalizeDeleteRefs([{ sourceRecordId: 'r', startAt: 'yesterday' }], defaultCatalog)).toThrow(TypeError);
});
