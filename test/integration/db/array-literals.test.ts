// The inline upsert's parameters are array literals built by src/db/array-literals.ts; what
// PostgreSQL reads back must be exactly the values, whatever characters they hold. Read back
// through to_json, so postgres.js's array parser (which reads a NULL element as 'NULL') is not
// what is tested.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { isoUtc, numberArray, textArray, timestamptzArray } from '../../../src/db/array-literals.ts';
import { run } from '../../../src/db/client.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';

let db: TestDatabase;
async function readBack(type: string, literal: string): Promise<unknown[]> {
  const [row] = await run<{ v: string }>(db.sql, `SELECT to_json($1::${type})::text AS v`, [literal]);
  return JSON.parse(row!.v) as unknown[];
}
beforeAll(async () => {
  db = await createTestDatabase({ poolSize: 1 });
});
afterAll(() => db.drop());

const TRICKY = ['plain', '', 'NULL', 'null', ' spaced ', 'a,b', '{braces}', 'quo"te', 'back\\slash', '\\"', '"', '\\', 'tab\tnew\nline', 'ünï €😀', 'x'.repeat(300)];

test('text elements come back as sent, null as null', async () => {
  const values = [...TRICKY, null];
  expect(await readBack('text[]', textArray(values))).toEqual(values);
});

test('numbers come back exactly: floats, negatives, exponents, integers, null', async () => {
  const floats = [0, -0.5, 1 / 3, 72.123456789012, 1e-7, 6.02e23, -1.7976931348623157e308, 5e-324, null];
  // to_json prints float8 in its shortest exact form (extra_float_digits 1, the default)
  expect(await readBack('float8[]', numberArray(floats))).toEqual(floats);
  expect(await readBack('int2[]', numberArray([-720, 0, 840, null]))).toEqual([-720, 0, 840, null]);
  expect(await readBack('int8[]', numberArray([0, 9007199254740991, null]))).toEqual([0, 9007199254740991, null]);
});

test('timestamps keep their millisecond, early and late years included', async () => {
  const times = [Date.UTC(2026, 10, 1, 12, 0, 0, 7), Date.UTC(1970, 0, 1), Date.parse('0050-03-04T05:06:07.089Z'), Date.parse('9999-12-31T23:59:59.999Z'), -1];
  const [row] = await run<{ v: string[] }>(
    db.sql,
    `SELECT array(SELECT (extract(epoch FROM t) * 1000)::bigint::text FROM unnest($1::timestamptz[]) t) AS v`,
    [timestamptzArray(times)],
  );
  expect(row!.v.map(Number)).toEqual(times);
});

test('isoUtc writes what toISOString writes, without a zero millisecond', () => {
  const times = [0, 1, 999, 1000, -1, -86_400_001, Date.UTC(2020, 0, 1, 23, 59, 59, 999), Date.UTC(2026, 10, 1, 12, 0, 0, 7)];
  times.push(Date.parse('0050-03-04T05:06:07.089Z'), Date.parse('9999-12-31T23:59:59.999Z'), Date.parse('+010000-01-01T00:00:00Z'));
  for (const ms of times) {
    const full = new Date(ms).toISOString();
    expect(isoUtc(ms)).toBe(full.endsWith('.000Z') ? full.replace('.000Z', 'Z') : full);
  }
});
