// postgres.js 3.4.9 throws from a setImmediate when a write is flushed after its socket closed
// (porsager/postgres #1066, #1154, #1208): an uncatchable TypeError that kills the process.
// patches/postgres@3.4.9.patch settles such queries with CONNECTION_CLOSED instead.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { createDb } from '../../../src/db/client.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase({ poolSize: 2 });
});
afterAll(() => db.drop());

const settle = (promise: Promise<unknown>) =>
  Promise.race([
    promise.then(
      () => 'answered',
      (error: { code?: string }) => `rejected ${error.code ?? ''}`.trim(),
    ),
    Bun.sleep(5_000).then(() => 'hung'),
  ]);

test('queries on a connection whose backend died settle with an error; the process and pool survive', async () => {
  const uncaught: unknown[] = [];
  const onUncaught = (error: unknown) => uncaught.push(error);
  process.on('uncaughtException', onUncaught);
  try {
    for (let round = 0; round < 5; round++) {
      const pool = createDb(db.url, { max: 1 });
      const connection = await pool.reserve();
      const [{ pid }] = (await connection.unsafe('SELECT pg_backend_pid() AS pid')) as unknown as [{ pid: number }];
      await db.sql.unsafe('SELECT pg_terminate_backend($1::integer)', [pid]);
      await Bun.sleep(50);
      expect(await settle(connection.unsafe('SELECT 1 AS ok'))).toBe('rejected CONNECTION_CLOSED');
      connection.release();
      await pool.end({ timeout: 0 });
    }
    await Bun.sleep(50);
    expect(uncaught).toEqual([]);
  } finally {
    process.off('uncaughtException', onUncaught);
  }
});

test('a pool whose backends were all terminated answers again after failing the queries in flight', async () => {
  const pool = createDb(db.url, { max: 2 });
  try {
    const pids = await Promise.all([pool.unsafe('SELECT pg_backend_pid() AS pid'), pool.unsafe('SELECT pg_backend_pid() AS pid')]);
    const inFlight = Array.from({ length: 6 }, () => settle(pool.unsafe('SELECT pg_sleep(0.2)')));
    await db.sql.unsafe('SELECT pg_terminate_backend(pid) FROM unnest($1::integer[]) AS pid', [pids.map((rows) => rows[0]!.pid)]);
    for (const outcome of await Promise.all(inFlight)) expect(outcome).not.toBe('hung');
    let answer = 'none';
    for (let attempt = 0; attempt < 5 && answer !== 'answered'; attempt++) answer = await settle(pool.unsafe('SELECT 1 AS ok'));
    expect(answer).toBe('answered');
  } finally {
    await pool.end({ timeout: 1 });
  }
});
