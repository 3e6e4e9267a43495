// porsager/postgres #1173: when the server rejects COPY … FROM STDIN, the postgres.js writable
// never settles and its transaction never rolls back. This file reproduces the trap and shows
// the worker's watchdog turns it into an ordinary, rolled-back failure.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { run } from '../../../src/db/client.ts';
import { statement } from '../../../src/db/sql-files.ts';
import { copyWithWatchdog } from '../../../src/ingest/staged-upsert.ts';
import { until } from '../../support/poll.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase({ poolSize: 4 });
});
afterAll(() => db.drop());

const CREATE_STAGING_TABLE = statement('ingest/create_staging_table');
const COPY_INTO_STAGING = statement('ingest/copy_into_staging');
const REJECTED_BY_SERVER = 'not\tenough\tcolumns\n';

const idleInTransaction = async () =>
  (
    await db.sql.unsafe(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'",
    )
  )[0]!.n as number;

test('the trap: a rejected COPY leaves the writable pending', async () => {
  const connection = await db.sql.reserve();
  const [{ pid }] = (await connection.unsafe('SELECT pg_backend_pid() AS pid')) as unknown as [{ pid: number }];
  try {
    await connection.unsafe('BEGIN');
    await connection.unsafe(CREATE_STAGING_TABLE);
    const writable = (await connection.unsafe(COPY_INTO_STAGING).writable()) as unknown as NodeJS.WritableStream & {
      on(event: string, listener: () => void): void;
    };
    const settled = new Promise<string>((resolve) => {
      writable.on('finish', () => resolve('finished'));
      writable.on('error', () => resolve('errored'));
    });
    writable.write(REJECTED_BY_SERVER);
    writable.end();
    expect(await Promise.race([settled, Bun.sleep(1500).then(() => 'still pending')])).toBe('still pending');
  } finally {
    // the reserved connection is unusable now: end its backend so the test leaves nothing behind
    await db.sql.unsafe('SELECT pg_terminate_backend($1::integer)', [pid]);
    connection.release();
  }
});

test('the watchdog ends a stuck COPY: the transaction fails, nothing leaks, the pool keeps working', async () => {
  const started = performance.now();
  let failure: unknown;
  try {
    await db.sql.begin(async (tx) => {
      await run(tx, CREATE_STAGING_TABLE);
      await copyWithWatchdog(tx, REJECTED_BY_SERVER, 500);
    });
  } catch (error) {
    failure = error;
  }
  expect(failure).toBeInstanceOf(Error);
  expect(performance.now() - started).toBeLessThan(5_000);
  expect(await until(idleInTransaction, (n) => n === 0, 10_000, 'no connection left idle in a transaction')).toBe(0);
  const results = await Promise.all(Array.from({ length: 8 }, () => db.sql.unsafe('SELECT 1 AS ok')));
  expect(results.every((rows) => rows[0]!.ok === 1)).toBe(true);
});
