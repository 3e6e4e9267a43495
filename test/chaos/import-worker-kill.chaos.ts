// Chaos: the worker (src/worker.ts) SIGKILLed while it imports a large Health app export (split
// deployment: src/api.ts + src/worker.ts). Its lease (IMPORT_LEASE_SECONDS=3) stops being renewed;
// a new worker takes the import over — from the stalled BullMQ job or the sweep, whichever comes
// first — and resumes after the last group the dead one committed.
// Ends with: the import completed; rows stored = the distinct records of the file (the same rows,
// key for key, as an import of the same file that nobody killed); the import's counts add up to
// the records read once; the user's outbox seqs contiguous, one health.import.completed last.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeExportZip } from '../../bench/lib/apple-health-export.ts';
import type { ServiceChild } from '../support/processes.ts';
import { until } from '../support/poll.ts';
import { startStack, storedKeys, type Stack } from './lib/stack.ts';

let stack: Stack;
let api: ServiceChild;
const dir = mkdtempSync(path.join(os.tmpdir(), 'import-chaos-'));
const file = path.join(dir, 'export.zip');

beforeAll(async () => {
  await writeExportZip(file, { records: 200_000, seed: 7 });
  stack = await startStack({ IMPORT_LEASE_SECONDS: '3' });
  api = await stack.start('src/api.ts');
}, 120_000);
afterAll(async () => {
  await stack?.destroy();
  rmSync(dir, { recursive: true, force: true });
});

async function post(token: string): Promise<string> {
  const response = await fetch(`${api.baseUrl}/api/v1/health/imports/apple-health`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/zip' },
    body: readFileSync(file),
  });
  expect(response.status).toBe(202);
  return ((await response.json()) as { importId: string }).importId;
}

async function state(token: string, importId: string): Promise<any> {
  const response = await fetch(`${api.baseUrl}/api/v1/health/imports/${importId}`, { headers: { authorization: `Bearer ${token}` } });
  return response.json();
}

test('a worker SIGKILLed mid-import: the import resumes and ends with every distinct record stored once', async () => {
  const killedUser = crypto.randomUUID();
  const killedToken = await stack.token(killedUser);
  let worker = await stack.start('src/worker.ts');
  const importId = await post(killedToken);
  const before = await until(() => state(killedToken, importId), (s) => s.progress.accepted > 20_000, 120_000, 'the import under way');
  expect(before.status).toBe('running');
  await worker.kill('SIGKILL');
  const atKill = await state(killedToken, importId);
  expect(atKill.status).toBe('running');
  const killedAt = Date.now();
  worker = await stack.start('src/worker.ts');
  const final = await until(() => state(killedToken, importId), (s) => s.status !== 'running' && s.status !== 'queued', 180_000, 'the import finished');
  console.log(`import kill: killed at ${atKill.progress.recordsRead} of the records; completed ${Date.now() - killedAt} ms after the kill`);
  expect(final.status).toBe('completed');
  const { recordsRead, accepted, unchanged, failed } = final.progress;
  const skipped = Object.values(final.progress.skippedByType as Record<string, number>).reduce((a, b) => a + b, 0);
  expect(accepted + unchanged + failed + skipped).toBe(recordsRead);

  // the same file, imported by a user nobody interrupts
  const controlUser = crypto.randomUUID();
  const controlToken = await stack.token(controlUser);
  const controlId = await post(controlToken);
  const control = await until(() => state(controlToken, controlId), (s) => s.status === 'completed', 180_000, 'the control import finished');
  expect(control.progress.recordsRead).toBe(recordsRead);

  const killed = await storedKeys(stack.sql, killedUser);
  const clean = await storedKeys(stack.sql, controlUser);
  expect(killed.rows).toBe(killed.keys.size); // no duplicates
  expect(killed.rows).toBe(clean.rows);
  expect(killed.keys).toEqual(clean.keys);
  // every record accepted once: what the dead worker committed is not counted again
  expect(accepted + unchanged).toBe(control.progress.accepted + control.progress.unchanged);

  const events = await stack.sql<{ seq: string; event_type: string }[]>`SELECT seq, event_type FROM outbox_events WHERE user_id = ${killedUser} ORDER BY seq`;
  expect(events.map((event) => Number(event.seq))).toEqual(events.map((_, i) => i + 1));
  expect(events.at(-1)!.event_type).toBe('health.import.completed');
  expect(events.filter((event) => event.event_type === 'health.import.completed').length).toBe(1);
}, 300_000);
