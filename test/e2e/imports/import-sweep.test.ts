// An import stored while its job could not be added (Redis down at the upload, or the job lost
// with Redis) is still processed: the workers' sweep adds a job for every queued import that no
// live lease holds (here once a lease after the worker starts: IMPORT_LEASE_SECONDS=2).
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { defaultImportRegistry } from '../../../src/imports/registry.ts';
import { receiveImport } from '../../../src/imports/upload.ts';
import { healthAppZip } from '../../support/import-files.ts';
import { importFinished, liveSampleCount, POLLING_ENV } from '../../support/imports.ts';
import { realExportFiles } from '../../support/realdata.ts';
import { startTestService, type TestService } from '../../support/service.ts';

let service: TestService;
beforeAll(async () => {
  service = await startTestService({ worker: true, env: { ...POLLING_ENV, IMPORT_LEASE_SECONDS: '2' } });
});
afterAll(() => service.close());

test('an import queued without a job is picked up by the sweep and completes', async () => {
  const userId = crypto.randomUUID();
  const zip = healthAppZip(readFileSync(realExportFiles().find((path) => path.includes('ericwolter'))!));
  const { row } = await receiveImport(
    { db: service.db.sql, registry: defaultImportRegistry, maxImportBytes: 2 ** 30, newId: () => crypto.randomUUID(), enqueue: async () => {} },
    { userId, formatName: 'apple-health', body: new Blob([zip]).stream() as ReadableStream<Uint8Array>, declaredLength: zip.length, contentEncoding: null, idempotencyKey: null, timeZone: null },
  );
  expect(row.status).toBe('queued');
  const final = await importFinished(service, await service.token(userId), row.id, 20_000);
  expect(final.status).toBe('completed');
  expect(await liveSampleCount(service, userId)).toBeGreaterThan(3000);
});
