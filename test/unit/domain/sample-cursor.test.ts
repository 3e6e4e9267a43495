// The GET /samples cursor comes back from the client: whatever it holds must be refused (null,
// a 400) before it can reach PostgreSQL as something the database refuses (a 500).
import { expect, test } from 'bun:test';
import { decodeSampleCursor, encodeSampleCursor } from '../../../src/domain/sample-cursor.ts';

const raw = (parts: unknown) => Buffer.from(JSON.stringify(parts)).toString('base64url');

test('a cursor the service wrote decodes to what it encoded', () => {
  const cursor = { metricCode: 'heart_rate', startAt: '2026-11-20T07:15:00.000Z', sourceId: 'watch', sourceRecordId: 'E2A6' };
  expect(decodeSampleCursor(encodeSampleCursor(cursor))).toEqual(cursor);
});

test('a start in another RFC 3339 notation is sent on in the one form PostgreSQL reads', () => {
  expect(decodeSampleCursor(raw(['heart_rate', '2026-11-20T08:15:00+01:00', 'watch', 'r']))?.startAt).toBe('2026-11-20T07:15:00.000Z');
});

test.each([
  ['not base64 JSON', 'abc'],
  ['numbers instead of strings', raw([1, 2, 3, 4])],
  ['a date-time Date.parse takes but RFC 3339 does not ("2026")', raw(['heart_rate', '2026', 'watch', 'r'])],
  ['Date.parse\'s extended year', raw(['heart_rate', '+010000-01-01T00:00:00.000Z', 'watch', 'r'])],
  ['year 0000', raw(['heart_rate', '0000-06-01T05:00:00Z', 'watch', 'r'])],
  ['year 0001 that is year 0000 in UTC', raw(['heart_rate', '0001-01-01T00:30:00+01:00', 'watch', 'r'])],
  ['NUL in a string', raw(['heart_rate', '2026-11-20T07:15:00Z', 'wa\u0000tch', 'r'])],
  ['a lone surrogate', raw(['heart_rate', '2026-11-20T07:15:00Z', 'watch', 'r\ud800'])],
  ['an empty string', raw(['', '2026-11-20T07:15:00Z', 'watch', 'r'])],
  ['a string longer than any key', raw(['heart_rate', '2026-11-20T07:15:00Z', 'watch', 'r'.repeat(257)])],
  ['a giant cursor', 'A'.repeat(5000)],
])('%s is refused', (_, text) => {
  expect(decodeSampleCursor(text)).toBeNull();
});
