import { afterAll, beforeAll, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { realExportFiles } from '../../support/realdata.ts';
import { healthAppZip } from '../../support/import-files.ts';
import { importAndWait } from '../../support/imports.ts';
import { startTestService, type TestService } from '../../support/service.ts';

let service: TestService;
beforeAll(async () => {
  service = await startTestService({ worker: true });
});
afterAll(() => service.close());

test('smoke', async () => {
  const userId = crypto.randomUUID();
  const token = await service.token(userId);
  const xml = readFileSync(realExportFiles()[2]!);
  const state = await importAndWait(service, token, 'apple-health', healthAppZip(xml));
  console.log(JSON.stringify(state, null, 1).slice(0, 3000));
  expect(state.status).toBe('completed');
});
