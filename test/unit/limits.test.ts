// The time budget nests (src/limits.ts): each limit is inside the one that would otherwise cut
// the same work off less gracefully.
import { describe, expect, test } from 'bun:test';
import * as limits from '../../src/limits.ts';

describe('the request path', () => {
  test('a statement and a connect fit in the request deadline, which answers before Bun cuts the connection', () => {
    expect(limits.STATEMENT_TIMEOUT_MS + limits.CONNECT_TIMEOUT_MS).toBeLessThanOrEqual(limits.REQUEST_DEADLINE_MS);
    expect(limits.REQUEST_DEADLINE_MS).toBeLessThan(limits.BUN_IDLE_CUT_MS);
  });

  test('a minSeq wait and the read after it fit in the request deadline', () => {
    expect(limits.MAX_MIN_SEQ_WAIT_MS + limits.STATEMENT_TIMEOUT_MS).toBeLessThan(limits.REQUEST_DEADLINE_MS);
  });
});

test("the COPY watchdog fails a lost COPY before the role's idle-in-transaction cut kills the connection", () => {
  expect(limits.COPY_WATCHDOG_MS).toBeLessThan(limits.IDLE_IN_TRANSACTION_TIMEOUT_MS);
});

describe('shutdown', () => {
  test('the outbox drains inside its thread close, and its shutdown step waits as long as the thread', () => {
    expect(limits.OUTBOX_DRAIN_MS).toBeLessThan(limits.OUTBOX_THREAD_CLOSE_MS);
    expect(limits.OUTBOX_THREAD_CLOSE_MS).toBeLessThanOrEqual(limits.OUTBOX_SHUTDOWN_STEP_MS);
  });

  test("the worker's bounded close fits in a shutdown step", () => {
    expect(limits.WORKER_CLOSE_MS).toBeLessThanOrEqual(limits.SHUTDOWN_STEP_MS);
  });
});

test('the units are what they say', () => {
  expect([limits.SECOND, limits.MINUTE, limits.HOUR, limits.DAY]).toEqual([1000, 60_000, 3_600_000, 86_400_000]);
});
