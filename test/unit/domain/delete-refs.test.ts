import { expect, test } from 'bun:test';
import { normalizeDeleteRefs } from '../../../src/domain/delete-refs.ts';

test.each([
  ['id only', [{ sourceRecordId: 'r' }], [{ sourceRecordId: 'r', sourceId: null, startAtMs: null }]],
  [
    'all fields, startAt parsed',
    [{ sourceRecordId: 'r', sourceId: 's', startAt: '2026-11-19T23:00:00+01:00' }],
    [{ sourceRecordId: 'r', sourceId: 's', startAtMs: Date.parse('2026-11-19T22:00:00Z') }],
  ],
  [
    'identical refs (same instant in two notations) collapse',
    [{ sourceRecordId: 'r', startAt: '2026-11-19T22:00:00Z' }, { sourceRecordId: 'r', startAt: '2026-11-19T23:00:00+01:00' }],
    [{ sourceRecordId: 'r', sourceId: null, startAtMs: Date.parse('2026-11-19T22:00:00Z') }],
  ],
  [
    'refs that differ in a field are kept, first-seen order',
    [{ sourceRecordId: 'r', sourceId: 's' }, { sourceRecordId: 'r' }, { sourceRecordId: 'r', sourceId: 's' }],
    [{ sourceRecordId: 'r', sourceId: 's', startAtMs: null }, { sourceRecordId: 'r', sourceId: null, startAtMs: null }],
  ],
  ['extra fields are ignored', [{ sourceRecordId: 'r', reason: 'user' }], [{ sourceRecordId: 'r', sourceId: null, startAtMs: null }]],
])('normalizeDeleteRefs: %s', (_, refs, expected) => {
  expect(normalizeDeleteRefs(refs)).toEqual(expected);
});

test('normalizeDeleteRefs refuses an unchecked startAt', () => {
  expect(() => normalizeDeleteRefs([{ sourceRecordId: 'r', startAt: 'yesterday' }])).toThrow(TypeError);
});
