// PostgreSQL's timestamptz text read back year for year (postgres.js's new Date(text) read the
// years 0000..0099 as 19xx/20xx), whatever the session's time zone printed.
import { expect, test } from 'bun:test';
import { parseTimestamptz } from '../../../src/db/client.ts';

test.each([
  ['2026-11-20 07:15:00+00', '2026-11-20T07:15:00.000Z'],
  ['2026-11-20 07:15:00.123456+00', '2026-11-20T07:15:00.123Z'],
  ['2026-11-20 07:15:00.5+00', '2026-11-20T07:15:00.500Z'],
  ['2026-11-20 08:45:00+01:30', '2026-11-20T07:15:00.000Z'],
  ['2026-11-20 03:15:00-04', '2026-11-20T07:15:00.000Z'],
  ['0050-06-01 05:00:00.123+00', '0050-06-01T05:00:00.123Z'],
  ['0001-01-01 17:00:00+00', '0001-01-01T17:00:00.000Z'],
  ['1800-01-01 00:19:32+00:19:32', '1800-01-01T00:00:00.000Z'],
  ['9999-12-31 23:59:59.999+00', '9999-12-31T23:59:59.999Z'],
  ['10000-01-01 04:00:00+00', '+010000-01-01T04:00:00.000Z'],
])('%s → %s', (text, iso) => {
  expect(parseTimestamptz(text).toISOString()).toBe(iso);
});

test('what it does not know (BC, infinity) is parsed as postgres.js would', () => {
  expect(Number.isNaN(parseTimestamptz('infinity').getTime())).toBe(true);
  expect(parseTimestamptz('0001-01-01 00:00:00+00 BC').getTime()).toBe(new Date('0001-01-01 00:00:00+00 BC').getTime());
});

test('every fraction length of a UTC session reads its milliseconds', () => {
  for (const fraction of ['1', '12', '123', '1234', '12345', '123456', '000001', '999999']) {
    const text = `2026-11-20 07:15:00.${fraction}+00`;
    expect(parseTimestamptz(text).getTime()).toBe(Date.parse(`2026-11-20T07:15:00.${fraction.padEnd(3, '0').slice(0, 3)}Z`));
  }
});
