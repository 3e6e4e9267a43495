// SIGTERM on `bun run start`: stop taking work, finish or release in-flight jobs, close pools,
// exit 0 — and a queued request it held completes exactly once afterwards.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { INGEST_QUEUE_NAME } from '../../src/queue/ingest-batch-job.ts';
import { createUserTokens } from '../../src/auth/user-tokens.ts';
import { DEVELOPMENT_JWT_SECRET } from '../../src/config.ts';
import { batch, heartRate, upload } from '../support/batches.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { until } from '../support/poll.ts';
import { startService } from '../support/processes.ts';

const REDIS_URL = 'redis://127.0.0.1:6379/12';
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  const connection = new Redis(REDIS_URL);
  await new Queue(INGEST_QUEUE_NAME, { connection }).obliterate({ force: true });
  connection.disconnect();
});
afterAll(() => db.drop());

/**
 * `bun run start`, once it has started all of it: the line it logs right before it installs its
 * SIGTERM handler (a signal before that, while the outbox thread starts, would kill it outright).
 */
async function startMain() {
  const service = await startService(
    'src/main.ts',
    { DATABASE_URL: db.url, REDIS_URL, LOG_LEVEL: 'info', MIGRATE_ON_START: 'false' },
    { readyLine: 'health-ingest started' },
  );
  return { child: service.process, baseUrl: service.baseUrl };
}

test('SIGTERM mid-backfill exits 0 and leaves every queued request to complete exactly once', async () => {
  const userId = crypto.randomUUID();
  const token = await createUserTokens(DEVELOPMENT_JWT_SECRET).sign(userId, 600);
  const first = await startMain();
  const bodies = Array.from({ length: 6 }, (_, b) =>
    batch(Array.from({ length: 400 }, (_, i) => heartRate({ startAt: new Date(Date.UTC(2026, 2, 1) + (b * 400 + i) * 60_000).toISOString() }))),
  );
  for (const body of bodies) expect((await upload(first.baseUrl, token, body)).status).toBe(202);
  first.child.kill('SIGTERM');
  const exitCode = await Promise.race([first.child.exited, Bun.sleep(20_000).then(() => 'hung')]);
  expect(exitCode).toBe(0);

  const second = await startMain();
  try {
    const states = async () =>
      (await db.sql.unsafe("SELECT count(*) FILTER (WHERE status = 'completed')::int AS done FROM health_ingest_requests WHERE user_id = $1", [userId]))[0]!.done as number;
    expect(await until(states, (done) => done >= bodies.length, 15_000, 'every queued request completed')).toBe(bodies.length);
    const rows = await db.sql.unsafe(
      'SELECT count(*)::int AS n, count(DISTINCT (source_id, source_record_id, start_at))::int AS keys FROM health_samples WHERE user_id = $1',
      [userId],
    );
    expect({ n: rows[0]!.n, keys: rows[0]!.keys }).toEqual({ n: 2400, keys: 2400 });
  } finally {
    second.child.kill('SIGTERM');
    await second.child.exited;
  }
}, 60_000);
