// The outbox processor in its own thread (how `start` and `start:worker` run it): it starts,
// projects what is written, and closes.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { createLogger } from '../../../src/log.ts';
import { outboxThread } from '../../../src/outbox/thread.ts';
import { OUTBOX_THREAD_ENTRY } from '../../../src/start/parts.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { steps } from '../../support/batches.ts';
import { write } from '../../support/ingest.ts';
import { checkpointOf, eventsOf } from '../../support/outbox.ts';
import { until } from '../../support/poll.ts';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

test('a thread of its own projects the writes of this process, and closes', async () => {
  const thread = outboxThread({ entry: OUTBOX_THREAD_ENTRY, databaseUrl: db.url, logLevel: 'silent', log: createLogger('silent') });
  await thread.start();
  const user = crypto.randomUUID();
  const seq = await write(db.sql, user, [steps('phone', 10, '2026-11-20T08:00:00Z')]);
  await until(async () => (await eventsOf(db.sql, user))[0]!.status, (status) => status === 'processed');
  expect(await checkpointOf(db.sql, user)).toEqual({ projectedSeq: seq!, appliedSeqs: [] });
  await thread.close();
});
