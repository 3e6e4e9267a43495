import { validateBatchBody } from '../src/domain/batch-schema.ts';
import { defaultCatalog } from '../src/domain/catalog.ts';
import { dedupeSamplesByKey, normalizeSamples } from '../src/domain/sample-rules.ts';
import { upsertSamples } from '../src/ingest/queries.ts';
import { freshBenchDatabase } from './lib/bench-database.ts';
import { closedLoop } from './lib/load.ts';
import { uploadBody } from './lib/sample-bodies.ts';
const rowsPool = Array.from({ length: 600 }, (_, i) => {
  const body = validateBatchBody(JSON.parse(uploadBody(399, Date.UTC(2026,0,1) + i * 399 * 60000)), 500);
  if (!body.ok) throw 1;
  return dedupeSamplesByKey(normalizeSamples(body.value.samples, { catalog: defaultCatalog, blockedMetrics: new Set(), headerOffsetMinutes: undefined, nowMs: Date.now() }).valid);
});
for (const drop of [[], ['health_samples_live_by_time'], ['health_samples_live_by_time', 'health_samples_by_local_date'], ['health_samples_live_by_time', 'health_samples_by_local_date', 'health_samples_live_by_metric_time']]) {
  const { sql } = await freshBenchDatabase('health_ingest_bench_idx', 8);
  for (const index of drop) await sql.unsafe(`DROP INDEX ${index}`);
  let next = 0;
  const users = Array.from({ length: 4 }, () => crypto.randomUUID());
  const r = await closedLoop(4, 6, async (w) => { await sql.begin((tx) => upsertSamples(tx, users[w]!, new Date(), rowsPool[next++ % rowsPool.length]!)); });
  console.log('dropped', drop.join(',') || 'none', Math.round(r.requests * 399 / r.elapsedSeconds), 'rows/s');
  await sql.end();
}
