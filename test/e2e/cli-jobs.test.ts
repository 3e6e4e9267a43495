// `bun run cli jobs list | run <name>` (CONTRACT §8) against a database of its own.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { TEST_REDIS_URL } from '../support/service.ts';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase({ poolSize: 2 });
});
afterAll(() => database.drop());

async function cli(...args: string[]) {
  const child = Bun.spawn(['bun', 'run', 'src/cli.ts', ...args], {
    cwd: `${import.meta.dir}/../..`,
    env: { ...process.env, DATABASE_URL: database.url, REDIS_URL: TEST_REDIS_URL, LOG_LEVEL: 'silent' },
    stdout: 'pipe',
    stderr: 'pipe',
  });
  const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  return { stdout, stderr, code };
}

describe('cli jobs', () => {
  test('run <name> runs one tick and prints the run as JSON', async () => {
    const { stdout, code } = await cli('jobs', 'run', 'retention');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ name: 'retention', status: 'succeeded', affectedRows: 0, error: null });
  });

  test('list shows each job, its schedule and its last run', async () => {
    const { stdout, code } = await cli('jobs', 'list');
    expect(code).toBe(0);
    expect(stdout).toContain('reaper');
    expect(stdout).toContain('*/15 * * * *  (every 15 minutes)');
    expect(stdout).toMatch(/retention\s.*succeeded/);
    const json = await cli('jobs', 'list', '--json');
    expect(JSON.parse(json.stdout).jobs.map((job: { name: string }) => job.name)).toEqual(['reaper', 'soft-delete-purger', 'retention', 'erasure-resume']);
  });

  test('run with an unknown name fails with one line naming the known jobs', async () => {
    const { stderr, code } = await cli('jobs', 'run', 'nope');
    expect(code).toBe(1);
    expect(stderr.trim()).toBe('health-ingest: no job named "nope" (known: reaper, soft-delete-purger, retention, erasure-resume)');
  });
});
