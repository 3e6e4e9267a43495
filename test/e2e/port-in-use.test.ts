// CONTRACT §8: a second process started on a port already in use refuses to start — one line on
// stderr saying so, exit code 1 — instead of sharing the port (Elysia listens with port reuse by
// default, and requests then split between the two). For `start`, `start:api` and the worker's
// METRICS_PORT.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { spawn } from 'bun';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { BUN_FLAGS, sparePort, startService, type ServiceChild } from '../support/processes.ts';
import { TEST_REDIS_URL } from '../support/service.ts';

let db: TestDatabase;
const running: ServiceChild[] = [];

beforeAll(async () => {
  db = await createTestDatabase({ poolSize: 2 });
});
afterAll(async () => {
  for (const child of running) await child.kill('SIGTERM');
  await db?.drop();
});

const env = () => ({ DATABASE_URL: db.url, REDIS_URL: TEST_REDIS_URL, LOG_LEVEL: 'warn', MIGRATE_ON_START: 'false' });

/** Starts `entry` on a port something already listens on; resolves with how it ended. */
async function startOnTakenPort(entry: string, extra: Record<string, string>) {
  const child = spawn(['bun', ...BUN_FLAGS, 'run', entry], {
    cwd: join(import.meta.dir, '..', '..'),
    env: { ...process.env, ...env(), ...extra },
    stdout: 'pipe',
    stderr: 'pipe',
  });
  const exitCode = await Promise.race([child.exited, Bun.sleep(20_000).then(() => 'still running')]);
  if (exitCode === 'still running') child.kill('SIGKILL');
  return { exitCode, stderr: await new Response(child.stderr).text(), stdout: await new Response(child.stdout).text() };
}

describe('a second process on a port in use', () => {
  test.each([
    ['bun run start', 'src/main.ts'],
    ['bun run start:api', 'src/api.ts'],
  ])('%s refuses to start with one line and exit 1, and the first keeps serving', async (_, entry) => {
    const first = await startService(entry as 'src/main.ts', env());
    running.push(first);
    const second = await startOnTakenPort(entry, { PORT: String(first.port) });
    expect(second.exitCode).toBe(1);
    expect(second.stderr.trim().split('\n')).toEqual([`health-ingest: port ${first.port} is already in use (another health-ingest, or another program, listens on it): stop that process or set PORT`]);
    expect(second.stdout).not.toContain('started');
    // every request still reaches the first process
    for (let i = 0; i < 5; i++) expect((await fetch(`${first.baseUrl}/healthz`)).status).toBe(200);
  });

  test('start:worker refuses a METRICS_PORT in use', async () => {
    const port = sparePort();
    // its readiness is its 'worker started' line, an info line
    const first = await startService('src/worker.ts', { ...env(), LOG_LEVEL: 'info', METRICS_PORT: String(port) });
    running.push(first);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    const second = await startOnTakenPort('src/worker.ts', { METRICS_PORT: String(port) });
    expect(second.exitCode).toBe(1);
    expect(second.stderr.trim()).toBe(`health-ingest: port ${port} is already in use (another health-ingest, or another program, listens on it): stop that process or set METRICS_PORT`);
  });
});
