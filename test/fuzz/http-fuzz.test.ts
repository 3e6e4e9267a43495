// The short HTTP fuzz of the normal suite (CI): ~1,500 generated and mutated requests against a
// running test server with its worker — never a 5xx, never a hang (10 s client timeout), every
// 4xx a problem+json with a code, per-case rules (fuzz-cases.ts), SQL-looking strings stored
// verbatim, and memory flat. The long run (≥ 10,000 cases, server in a child process) is
// `bun run test:fuzz` (long-fuzz.ts).
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { computePayloadHash } from '../../src/domain/ingest/payload-hash.ts';
import { heartRate, upload } from '../support/batches.ts';
import { startTestService, type TestService } from '../support/service.ts';
import { rssGrowth, runFuzz } from './fuzz-runner.ts';

let service: TestService;
const users = Array.from({ length: 4 }, () => crypto.randomUUID());
const SEED = Number(process.env.FUZZ_SEED ?? 20261123);

beforeAll(async () => {
  service = await startTestService({ worker: true });
});
afterAll(() => service.close());

describe('HTTP fuzz (short)', () => {
  test(`1,500 hostile requests: no 5xx, no hang, problem+json, per-case rules, flat memory (seed ${SEED})`, async () => {
    const tokens = await Promise.all(users.map((user) => service.token(user)));
    const report = await runFuzz({
      baseUrl: service.baseUrl,
      tokens,
      count: 1500,
      seed: SEED,
      bigBodies: true,
      sampleEvery: 150,
      sampleRss: () => {
        Bun.gc(true);
        return process.memoryUsage().rss;
      },
    });
    // one assertion over everything, so that a failure shows the whole picture
    const growthMb = Math.round(rssGrowth(report, 3) / 2 ** 20);
    const summary = {
      violations: report.violations,
      cases: report.cases,
      families: Object.keys(report.byCategory).length,
      // the server shares this process (and with every other test file of the run): after
      // warm-up its RSS grows by less than 256 MB (a leak of the 6 MiB over-cap bodies alone
      // would add ~1 GB over 1,500 cases)
      rssGrowthUnder256Mb: growthMb < 256 ? true : `${growthMb} MB (samples ${report.rss.map((r) => Math.round(r.bytes / 2 ** 20)).join(' ')})`,
    };
    expect(summary).toEqual({ violations: [], cases: 1500, families: summary.families >= 20 ? summary.families : -1, rssGrowthUnder256Mb: true });

    // SQL-looking strings were stored verbatim
    expect(report.stored.length).toBeGreaterThan(10);
    const rows = (await service.db.sql.unsafe(
      "SELECT source_id, source_record_id, metadata->>'deviceModel' AS device_model FROM health_samples WHERE user_id = ANY($1::uuid[])",
      [users],
    )) as unknown as { source_id: string; source_record_id: string; device_model: string | null }[];
    const have = new Set(rows.map((row) => JSON.stringify([row.source_id, row.source_record_id, row.device_model])));
    const missing = report.stored.filter((s) => !have.has(JSON.stringify([s.sourceId, s.sourceRecordId, s.deviceModel])));
    expect(missing).toEqual([]);
    // and the tables they name are all still there
    const [{ n }] = (await service.db.sql.unsafe("SELECT count(*)::int AS n FROM pg_tables WHERE tablename IN ('health_samples', 'health_ingest_requests', 'user_health_watermarks')")) as any;
    expect(n).toBe(3);
  }, 60_000);

  // BUG (reported to the lead): a body nested ~100,000 levels deep (200 KB, far under the cap)
  // overflows the stack in the recursive payload hash / storable-text walk: 500 INTERNAL.
  test('a body nested 100,000 levels deep is refused with a 4xx, not a 500', async () => {
    const token = await service.token(crypto.randomUUID());
    const depth = 100_000;
    const sample = JSON.stringify(heartRate()).slice(0, -1) + `,"extra":${'['.repeat(depth)}1${']'.repeat(depth)}}`;
    let hash = computePayloadHash([], []);
    try {
      hash = computePayloadHash([JSON.parse(sample)], []);
    } catch {
      // the reference hash overflows as well; any hash will do, the server must answer 4xx
    }
    const response = await upload(service.baseUrl, token, `{"requestId":"${crypto.randomUUID()}","payloadHash":"${hash}","samples":[${sample}]}`);
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
  });
});
