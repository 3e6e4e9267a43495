// The SDK's own-data calls against the real service (CONTRACT §12, §10): exportAll() streams every
// live sample, the same items samples() pages through; eraseAll() waits until the erasure has
// completed, after which the export is empty.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { HealthIngestClient, type SampleItem } from '../../../src/client/index.ts';
import { dailySteps, heartRateYear } from '../../support/sample-series.ts';
import { startTestService, type TestService } from '../../support/service.ts';
import { until } from '../../support/poll.ts';
import { seedSamples } from '../../support/seed-samples.ts';

let service: TestService;

beforeAll(async () => {
  service = await startTestService({ worker: true, outbox: true });
});
afterAll(() => service.close());

async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

test('exportAll() gives every live sample as samples() does; eraseAll() completes and leaves nothing to export', async () => {
  const client = new HealthIngestClient({ baseUrl: service.baseUrl, token: await service.token(crypto.randomUUID()), pollIntervalMs: 50 });
  const result = await client.upload({ samples: [...heartRateYear(120), ...dailySteps(30)], deleted: [{ sourceRecordId: 'hr-5' }] });
  expect(result.failed).toEqual([]);
  const exported = await all(client.exportAll());
  expect(exported.length).toBe(149);
  expect(exported).toEqual(await all(client.samples({ pageSize: 40 })));
  const order = (item: SampleItem) => `${item.metricCode} ${item.startAt}`;
  expect(exported.map(order)).toEqual(exported.map(order).sort());

  const erasure = await client.eraseAll();
  expect(erasure).toMatchObject({ status: 'completed', finishedAt: expect.any(String), deleted: { samples: 150, summaries: expect.any(Number), requests: 1, imports: 0 } });
  expect(await all(client.exportAll())).toEqual([]);
  expect(await all(client.samples())).toEqual([]);
});

test('exportAll() stopped early by the caller ends the export on the server', async () => {
  const userId = crypto.randomUUID();
  const client = new HealthIngestClient({ baseUrl: service.baseUrl, token: await service.token(userId) });
  // more than the sockets buffer, so the export is still running when the caller stops
  await seedSamples(service.db.sql, userId, 50_000);
  let seen = 0;
  for await (const _item of client.exportAll()) if (++seen === 10) break;
  expect(seen).toBe(10);
  const exporting = () =>
    service.db.sql`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'health-ingest-export' AND state <> 'idle'`.then((rows) => rows[0]!.n as number);
  await until(exporting, (n) => n === 0, 10_000, 'the export query ends');
});
