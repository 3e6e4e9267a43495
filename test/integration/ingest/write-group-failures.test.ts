// The write core when a statement of a group fails (src/ingest/write-group.ts): the transaction
// rolls back and the error is thrown — and nothing else. A statement sent behind the failed one
// fails too ("current transaction is aborted"); its promise must not be left without a handler:
// an unhandled rejection ends a Bun process (the API or the worker), not just the request.
import { afterAll, afterEach, beforeAll, beforeEach, expect, test } from 'bun:test';
import type { Tx } from '../../../src/db/client.ts';
import { unnestRowsPerPart } from '../../../src/ingest/sample-writes.ts';
import { writeGroup, type GroupPart } from '../../../src/ingest/write-group.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';

let db: TestDatabase;
const unhandled: unknown[] = [];
const record = (reason: unknown) => unhandled.push(reason);

beforeAll(async () => {
  db = await createTestDatabase({ poolSize: 2 });
});
afterAll(() => db.drop());
beforeEach(() => {
  unhandled.length = 0;
  process.on('unhandledRejection', record);
});
afterEach(() => {
  process.off('unhandledRejection', record);
});

function part(userId: string, claim: (tx: Tx) => Promise<boolean>): GroupPart<null> {
  return {
    userId,
    changeId: crypto.randomUUID(),
    receivedAt: new Date(),
    samples: [],
    deleteRefs: [],
    claim,
    complete: async () => ({ committedSeq: null, result: null }),
  };
}

const [first, second] = [crypto.randomUUID(), crypto.randomUUID()].sort();

test("a group whose first claim fails rejects with that claim's error, leaving no rejection unhandled", async () => {
  const failing = part(first!, async (tx) => (await tx.unsafe('SELECT 1 / 0 AS claimed')).length > 0);
  const fine = part(second!, async (tx) => (await tx.unsafe('SELECT true AS claimed')).length > 0);
  await expect(writeGroup(db.sql, [failing, fine], unnestRowsPerPart)).rejects.toThrow(/division by zero/);
  await Bun.sleep(50); // unhandled rejections are reported after the microtasks ran
  expect(unhandled).toEqual([]);
  // and the pool's connections are clean: a group writes afterwards
  const outcomes = await writeGroup(db.sql, [part(first!, async () => true), part(second!, async () => true)], unnestRowsPerPart);
  expect(outcomes.map((outcome) => outcome.kind)).toEqual(['written', 'written']);
});

test('a group whose later claim fails rejects the same way', async () => {
  const fine = part(first!, async (tx) => (await tx.unsafe('SELECT true AS claimed')).length > 0);
  const failing = part(second!, async (tx) => (await tx.unsafe('SELECT 1 / 0 AS claimed')).length > 0);
  await expect(writeGroup(db.sql, [fine, failing], unnestRowsPerPart)).rejects.toThrow(/division by zero/);
  await Bun.sleep(50);
  expect(unhandled).toEqual([]);
});
