// The write core's transaction (src/db/pipelined-transaction.ts): BEGIN is not waited for, and
// the contract is still sql.begin()'s — all or nothing, the connection back in the pool after.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { pipelinedTransaction, TransactionRolledBack } from '../../../src/db/pipelined-transaction.ts';
import { createDb } from '../../../src/db/client.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';

let db: TestDatabase;
const rows = async () => (await db.sql.unsafe('SELECT n FROM pipelined_probe ORDER BY n')).map((row) => Number(row.n));

beforeAll(async () => {
  // one connection: a connection not given back would hang every test after it
  db = await createTestDatabase({ poolSize: 1, empty: true });
  await db.sql.unsafe('CREATE TABLE pipelined_probe (n int PRIMARY KEY)');
});
afterAll(() => db.drop());

test('the statements run in one transaction, behind the BEGIN, and commit', async () => {
  const result = await pipelinedTransaction(db.sql, async (tx) => {
    await Promise.all([tx.unsafe('INSERT INTO pipelined_probe VALUES (1)'), tx.unsafe('INSERT INTO pipelined_probe VALUES (2)')]);
    // now() is the transaction's start: it differs from the statement's inside a transaction block
    const [later] = await tx.unsafe('SELECT now() < statement_timestamp() AS inside');
    return later!.inside;
  });
  expect(result).toBe(true);
  expect(await rows()).toEqual([1, 2]);
});

test('a failed statement rolls everything back and rejects', async () => {
  await db.sql.unsafe('TRUNCATE pipelined_probe');
  const attempt = pipelinedTransaction(db.sql, async (tx) => {
    await tx.unsafe('INSERT INTO pipelined_probe VALUES (3)');
    await tx.unsafe('INSERT INTO pipelined_probe VALUES (3)'); // duplicate key
  });
  await expect(attempt).rejects.toThrow(/duplicate key/);
  expect(await rows()).toEqual([]);
});

test('a failure the work swallowed is not a commit: COMMIT answered ROLLBACK rejects', async () => {
  await db.sql.unsafe('TRUNCATE pipelined_probe');
  const attempt = pipelinedTransaction(db.sql, async (tx) => {
    await tx.unsafe('INSERT INTO pipelined_probe VALUES (4)');
    await tx.unsafe('INSERT INTO pipelined_probe VALUES (4)').catch(() => {});
    return 'done';
  });
  await expect(attempt).rejects.toBeInstanceOf(TransactionRolledBack);
  expect(await rows()).toEqual([]);
});

test('work that throws rolls back, and the connection serves the next transaction', async () => {
  await db.sql.unsafe('TRUNCATE pipelined_probe');
  await expect(
    pipelinedTransaction(db.sql, async (tx) => {
      await tx.unsafe('INSERT INTO pipelined_probe VALUES (5)');
      throw new Error('changed my mind');
    }),
  ).rejects.toThrow('changed my mind');
  await pipelinedTransaction(db.sql, (tx) => tx.unsafe('INSERT INTO pipelined_probe VALUES (6)'));
  expect(await rows()).toEqual([6]);
  // not left inside a transaction either
  const [state] = await db.sql.unsafe("SELECT now() = statement_timestamp() AS outside");
  expect(state!.outside).toBe(true);
});

// the connection's server process, ended from another session (as a restart, a failover or an
// idle_in_transaction_session_timeout would end it)
async function terminate(pid: number) {
  const other = createDb(db.url, { max: 1 });
  try {
    await other.unsafe('SELECT pg_terminate_backend($1)', [pid]);
  } finally {
    await other.end();
  }
}

test('a connection lost mid-transaction rejects, commits nothing, and the pool serves the next transaction', async () => {
  await db.sql.unsafe('TRUNCATE pipelined_probe');
  const attempt = pipelinedTransaction(db.sql, async (tx) => {
    await tx.unsafe('INSERT INTO pipelined_probe VALUES (7)');
    const [{ pid }] = (await tx.unsafe('SELECT pg_backend_pid() AS pid')) as unknown as [{ pid: number }];
    await terminate(pid);
    await Bun.sleep(50);
    await tx.unsafe('INSERT INTO pipelined_probe VALUES (8)');
  });
  await expect(attempt).rejects.toThrow();
  await pipelinedTransaction(db.sql, (tx) => tx.unsafe('INSERT INTO pipelined_probe VALUES (9)'));
  expect(await rows()).toEqual([9]);
});

test('statements after a lost connection never run on the session the pool opened in its place', async () => {
  await db.sql.unsafe('TRUNCATE pipelined_probe');
  let waiting: Promise<unknown> | undefined;
  const attempt = pipelinedTransaction(db.sql, async (tx) => {
    await tx.unsafe('INSERT INTO pipelined_probe VALUES (10)');
    const [{ pid }] = (await tx.unsafe('SELECT pg_backend_pid() AS pid')) as unknown as [{ pid: number }];
    // a query of the pool waits for the (only) connection: the pool reconnects it for that query
    waiting = db.sql.unsafe('SELECT 1');
    waiting.catch(() => {});
    await terminate(pid);
    await Bun.sleep(200);
    await tx.unsafe('INSERT INTO pipelined_probe VALUES (11)');
    return 'written';
  });
  await expect(attempt).rejects.toThrow();
  await waiting;
  expect(await rows()).toEqual([]);
  await pipelinedTransaction(db.sql, (tx) => tx.unsafe('INSERT INTO pipelined_probe VALUES (12)'));
  expect(await rows()).toEqual([12]);
});

test('a statement cancelled by statement_timeout rolls back; the connection is not left in the transaction', async () => {
  await db.sql.unsafe('TRUNCATE pipelined_probe');
  const attempt = pipelinedTransaction(db.sql, async (tx) => {
    await tx.unsafe('INSERT INTO pipelined_probe VALUES (13)');
    await tx.unsafe("SET LOCAL statement_timeout = '50ms'");
    await tx.unsafe('SELECT pg_sleep(1)');
  });
  await expect(attempt).rejects.toMatchObject({ code: '57014' });
  expect(await rows()).toEqual([]);
  const [state] = await db.sql.unsafe('SELECT now() = statement_timestamp() AS outside');
  expect(state!.outside).toBe(true);
});

test('work that idles past idle_in_transaction_session_timeout: the server ends the session, the transaction rejects, the pool goes on', async () => {
  await db.sql.unsafe('TRUNCATE pipelined_probe');
  const attempt = pipelinedTransaction(db.sql, async (tx) => {
    await tx.unsafe("SET LOCAL idle_in_transaction_session_timeout = '100ms'");
    await tx.unsafe('INSERT INTO pipelined_probe VALUES (14)');
    await Bun.sleep(400);
    await tx.unsafe('INSERT INTO pipelined_probe VALUES (15)');
  });
  await expect(attempt).rejects.toThrow();
  await pipelinedTransaction(db.sql, (tx) => tx.unsafe('INSERT INTO pipelined_probe VALUES (16)'));
  expect(await rows()).toEqual([16]);
});

test('work that throws with a COPY still open: the session (in COPY mode, in the transaction) is ended, never handed out again', async () => {
  await db.sql.unsafe('TRUNCATE pipelined_probe');
  const attempt = pipelinedTransaction(db.sql, async (tx) => {
    const copy = await tx.unsafe('COPY pipelined_probe FROM STDIN').writable();
    copy.on('error', () => {}); // ending the session fails the COPY
    copy.write('17\n');
    throw new Error('gave up mid-COPY');
  });
  await expect(attempt).rejects.toThrow('gave up mid-COPY');
  await pipelinedTransaction(db.sql, (tx) => tx.unsafe('INSERT INTO pipelined_probe VALUES (18)'));
  expect(await rows()).toEqual([18]);
});

test('a transaction waiting for the only connection gets it when that connection is lost', async () => {
  await db.sql.unsafe('TRUNCATE pipelined_probe');
  let waiting: Promise<unknown> | undefined;
  const holder = pipelinedTransaction(db.sql, async (tx) => {
    const [{ pid }] = (await tx.unsafe('SELECT pg_backend_pid() AS pid')) as unknown as [{ pid: number }];
    // waits for the connection this transaction holds (a pool of one)
    waiting = pipelinedTransaction(db.sql, (next) => next.unsafe('INSERT INTO pipelined_probe VALUES (19)'));
    waiting.catch(() => {});
    await terminate(pid);
    await Bun.sleep(50);
    await tx.unsafe('SELECT 1');
  });
  await expect(holder).rejects.toThrow();
  // postgres.js reconnected the connection for the waiting reserve() but dropped it from its queue: it waited forever
  expect(await Promise.race([waiting!.then(() => 'written'), Bun.sleep(5_000).then(() => 'still waiting')])).toBe('written');
  expect(await rows()).toEqual([19]);
});
