// CONTRACT §1: start-up refuses, with one actionable line on stderr and exit code 1, when
// PostgreSQL or Redis cannot be reached, when the configuration is invalid, and when
// MIGRATE_ON_START=false finds a schema this build does not match. One line: no library's
// stack trace or "unhandled error" noise before it.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { spawn } from 'bun';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { BUN_FLAGS, sparePort } from '../support/processes.ts';
import { TEST_REDIS_URL } from '../support/service.ts';

let migrated: TestDatabase;
let empty: TestDatabase;

beforeAll(async () => {
  migrated = await createTestDatabase({ poolSize: 1 });
  empty = await createTestDatabase({ poolSize: 1, empty: true });
});
afterAll(async () => {
  await migrated?.drop();
  await empty?.drop();
});

async function start(env: Record<string, string>) {
  const child = spawn(['bun', ...BUN_FLAGS, 'run', 'src/main.ts'], {
    cwd: join(import.meta.dir, '..', '..'),
    env: { ...process.env, PORT: String(sparePort()), LOG_LEVEL: 'warn', REDIS_URL: TEST_REDIS_URL, DATABASE_URL: migrated.url, ...env },
    stdout: 'pipe',
    stderr: 'pipe',
  });
  const exitCode = await Promise.race([child.exited, Bun.sleep(20_000).then(() => 'still running')]);
  if (exitCode === 'still running') child.kill('SIGKILL');
  return { exitCode, stderrLines: (await new Response(child.stderr).text()).trim().split('\n') };
}

test.each([
  ['Redis unreachable', { REDIS_URL: 'redis://127.0.0.1:1' }, /^health-ingest: cannot reach Redis at redis:\/\/127\.0\.0\.1:1: .*ECONNREFUSED/],
  ['PostgreSQL unreachable', { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/health_ingest' }, /^health-ingest: cannot use PostgreSQL at postgres:\/\/\*\*\*@127\.0\.0\.1:1\/health_ingest: .*ECONNREFUSED/],
  ['an invalid variable', { WORKER_CONCURRENCY: 'lots' }, /^health-ingest: invalid configuration: .*WORKER_CONCURRENCY/],
])('%s: one line on stderr naming it, exit 1', async (_, env, line) => {
  const { exitCode, stderrLines } = await start(env);
  expect(exitCode).toBe(1);
  expect(stderrLines).toHaveLength(1);
  expect(stderrLines[0]).toMatch(line);
});

test('MIGRATE_ON_START=false on a database without the migrations: refused in one line', async () => {
  const { exitCode, stderrLines } = await start({ MIGRATE_ON_START: 'false', DATABASE_URL: empty.url });
  expect(exitCode).toBe(1);
  expect(stderrLines).toHaveLength(1);
  expect(stderrLines[0]).toMatch(/^health-ingest: schema does not match this build \(MIGRATE_ON_START=false\): /);
});
