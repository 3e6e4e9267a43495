// What PostgreSQL still refuses of a request's values, past every check before it, is a 400
// VALIDATION_FAILED, never a 500 (db/errors.ts refusedInput, mapped once in the problems
// plugin) — and neither the answer nor the log line quotes the refused value or the statement.
// Each case makes the real server raise the real error.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { Elysia } from 'elysia';
import { Writable } from 'node:stream';
import { databaseUnavailable, deterministicFailure, refusedInput } from '../../../src/db/errors.ts';
import { problemsPlugin } from '../../../src/http/plugins/problems.ts';
import { requestIdPlugin } from '../../../src/http/plugins/request-id.ts';
import { createLogger } from '../../../src/log.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';

let db: TestDatabase;
const lines: string[] = [];
let app: Elysia;

// each statement fails on the value parameter, which carries a marker the test looks for later
const MARKER = '2031-07-19T13:57:41.987';
const cases: [string, string, string][] = [
  ['22008', 'a year PostgreSQL cannot store', `SELECT ('0000' || substr($1::text, 5))::timestamptz`],
  ['22007', 'a date-time it cannot read', `SELECT ('x' || $1::text)::timestamptz`],
  ['22009', 'the extended year of toISOString()', `SELECT ('+01' || $1::text)::timestamptz`],
  ['22P02', 'an invalid text representation', `SELECT ($1::text || 'q')::uuid`],
  ['22003', 'a number out of range', `SELECT (length($1::text) * 10000)::int2`],
  ['54000', 'a NUL character in text', `SELECT $1::text || chr(0)`],
  ['22021', 'bytes that are not UTF-8', `SELECT convert_from(convert_to($1::text, 'UTF8') || '\\xff'::bytea, 'UTF8')`],
];

beforeAll(async () => {
  db = await createTestDatabase({ poolSize: 2 });
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  app = new Elysia()
    .use(requestIdPlugin)
    .use(problemsPlugin(createLogger('info', 'test', sink), { refusedInput, databaseUnavailable }))
    .get('/case/:index', ({ params }) => db.sql.unsafe(cases[Number(params.index)]![2], [MARKER])) as unknown as Elysia;
});
afterAll(() => db.drop());

describe('PostgreSQL refusing a value', () => {
  test.each(cases.map((c, i) => [...c, i] as const))('%s (%s) is classified as refused input, deterministic, not unavailable', async (code, _, text) => {
    const error = await db.sql.unsafe(text, [MARKER]).then(
      () => null,
      (e: unknown) => e,
    );
    expect((error as { code?: string }).code).toBe(code);
    expect(refusedInput(error)).toBe(code);
    expect(deterministicFailure(error)).toBe(true);
    expect(databaseUnavailable(error)).toBeNull();
  });

  test.each(cases.map((c, i) => [c[0], c[1], i] as const))('%s (%s) is answered 400 VALIDATION_FAILED with a request id', async (code, _, index) => {
    const response = await app.handle(new Request(`http://local/case/${index}`, { headers: { 'x-request-id': `case-${index}` } }));
    const text = await response.text();
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.headers.get('x-request-id')).toBe(`case-${index}`);
    expect(JSON.parse(text)).toMatchObject({ code: 'VALIDATION_FAILED', status: 400, errors: [{ path: '', message: expect.stringContaining(code) }] });
    expect(text).not.toContain(MARKER);
    expect(text).not.toContain('SELECT');
  });

  test('the log lines name the request and the SQLSTATE, never the value or the statement', () => {
    const logged = lines.join('');
    expect(logged).toContain('"requestId":"case-0"');
    expect(logged).toContain('"sqlState":"22008"');
    expect(logged).not.toContain(MARKER);
    expect(logged).not.toContain('2031-07-19');
    expect(logged).not.toContain('SELECT');
  });

  test('a unique violation or a deadlock is no client error: retrying may succeed', async () => {
    await db.sql.unsafe('CREATE TABLE once (k int PRIMARY KEY)');
    await db.sql.unsafe('INSERT INTO once VALUES (1)');
    const duplicate = await db.sql.unsafe('INSERT INTO once VALUES (1)').catch((e: unknown) => e);
    expect((duplicate as { code?: string }).code).toBe('23505');
    expect(refusedInput(duplicate)).toBeNull();
    expect(deterministicFailure(duplicate)).toBe(false);
    expect(deterministicFailure({ code: '40P01', severity: 'ERROR' })).toBe(false);
    expect(deterministicFailure(new Error('COPY did not settle'))).toBe(false);
  });
});
