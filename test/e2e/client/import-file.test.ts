// The SDK's importFile (CONTRACT §12) against the running service: a Health app zip as a Blob, a
// CSV as bytes with the user's zone; the finished import comes back, progress is reported while
// it runs, and a second call with the same Idempotency-Key finds the same import.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { HealthIngestClient } from '../../../src/client/index.ts';
import type { ImportState } from '../../../src/client/wire-types.ts';
import { healthAppZip } from '../../support/import-files.ts';
import { realExportFiles } from '../../support/realdata.ts';
import { storedSamples, POLLING_ENV } from '../../support/imports.ts';
import { startTestService, type TestService } from '../../support/service.ts';

let service: TestService;
beforeAll(async () => {
  service = await startTestService({ worker: true, env: POLLING_ENV });
});
afterAll(() => service.close());

test('importFile sends the file, polls the import while it runs and returns it finished', async () => {
  const userId = crypto.randomUUID();
  const client = new HealthIngestClient({ baseUrl: service.baseUrl, token: await service.token(userId), pollIntervalMs: 20 });
  const zip = healthAppZip(readFileSync(realExportFiles().find((path) => path.includes('ericwolter'))!));
  const seen: ImportState[] = [];
  const key = crypto.randomUUID();
  const state = await client.importFile('apple-health', new Blob([zip]), { idempotencyKey: key, onProgress: (each) => seen.push(each) });
  expect(state).toMatchObject({ format: 'apple-health', status: 'completed', error: null });
  expect(state.progress.accepted).toBeGreaterThan(3000);
  expect(seen.at(-1)!.status).toBe('completed');
  // the same key and bytes: the same import, not a second one
  const again = await client.importFile('apple-health', zip, { idempotencyKey: key });
  expect(again.importId).toBe(state.importId);
});

test('importFile with a timeZone places records without an offset in that zone', async () => {
  const userId = crypto.randomUUID();
  const client = new HealthIngestClient({ baseUrl: service.baseUrl, token: await service.token(userId), pollIntervalMs: 20 });
  const csv = 'sourceId,sourceRecordId,metricCode,startAt,value,unit\r\nwatch,w1,heart_rate,2026-07-01T06:00:00Z,61,count/min\r\n';
  const state = await client.importFile('csv', new TextEncoder().encode(csv), { timeZone: 'America/New_York' });
  expect(state.status).toBe('completed');
  const [row] = await storedSamples(service, userId);
  expect([row!.timezone_offset_minutes, row!.timezone_source]).toEqual([-240, 'zone']);
});
