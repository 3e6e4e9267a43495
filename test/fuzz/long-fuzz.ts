// The long HTTP fuzz: `bun run test:fuzz [--cases 20000] [--seed N] [--lanes 4] [--max-depth 200000]`.
// The service runs as in production (`bun run src/main.ts`, API + worker) in a child process over
// a database of its own on the shared PostgreSQL and a Redis of its own on a spare port; the
// generated and mutated requests of fuzz-cases.ts go to it over loopback, each with a 10 s
// timeout. Prints a table (statuses per family, violations, the child's RSS over time) and exits
// non-zero on any violation or when RSS grows more than --max-rss-growth-mb after warm-up.
import { parseArgs } from 'node:util';
import { createUserTokens } from '../../src/auth/user-tokens.ts';
import { DEVELOPMENT_JWT_SECRET } from '../../src/config.ts';
import { createTestDatabase } from '../support/database.ts';
import { rssOf, startRedis, startService } from '../support/processes.ts';
import { rssGrowth, runFuzz } from './fuzz-runner.ts';

const { values: args } = parseArgs({
  options: {
    cases: { type: 'string', default: '20000' },
    seed: { type: 'string', default: String(Date.now() % 1_000_000) },
    lanes: { type: 'string', default: '4' },
    'max-depth': { type: 'string', default: '200000' },
    'max-rss-growth-mb': { type: 'string', default: '200' },
  },
});
const cases = Number(args.cases);
const seed = Number(args.seed);
const lanes = Number(args.lanes);

const db = await createTestDatabase({ poolSize: 2 });
const redis = await startRedis();
const service = await startService('src/main.ts', { DATABASE_URL: db.url, REDIS_URL: redis.url, LOG_LEVEL: 'warn' });
const pid = service.process.pid;
let exitCode = 1;
try {
  const tokens = createUserTokens(DEVELOPMENT_JWT_SECRET);
  const users = Array.from({ length: lanes }, () => crypto.randomUUID());
  console.log(`long fuzz: ${cases} cases, seed ${seed}, ${lanes} lanes, server pid ${pid} (${service.baseUrl})`);
  const report = await runFuzz({
    baseUrl: service.baseUrl,
    tokens: await Promise.all(users.map((user) => tokens.sign(user, 24 * 3600))),
    count: cases,
    seed,
    maxDepth: Number(args['max-depth']),
    bigBodies: true,
    sampleEvery: 1000,
    sampleRss: () => rssOf(pid),
    onProgress: (done) => process.stdout.write(`  ${done} cases\r`),
  });

  const rows = (await db.sql.unsafe(
    "SELECT source_id, source_record_id, metadata->>'deviceModel' AS device_model FROM health_samples WHERE user_id = ANY($1::uuid[])",
    [users],
  )) as unknown as { source_id: string; source_record_id: string; device_model: string | null }[];
  const have = new Set(rows.map((row) => JSON.stringify([row.source_id, row.source_record_id, row.device_model])));
  const notVerbatim = report.stored.filter((s) => !have.has(JSON.stringify([s.sourceId, s.sourceRecordId, s.deviceModel])));

  console.log('\nfamily                 answers (status × count)');
  for (const [category, statuses] of Object.entries(report.byCategory).sort()) {
    console.log(`${category.padEnd(22)} ${Object.entries(statuses).map(([status, n]) => `${status}×${n}`).join('  ')}`);
  }
  console.log(`\ncases ${report.cases} in ${(report.elapsedMs / 1000).toFixed(1)} s (${Math.round(report.cases / (report.elapsedMs / 1000))} req/s), slowest answer ${Math.round(report.slowestMs)} ms`);
  console.log(`SQL-looking rows stored verbatim: ${report.stored.length - notVerbatim.length}/${report.stored.length}`);
  console.log(`server RSS (MB) every 1000 cases: ${report.rss.map((s) => Math.round(s.bytes / 2 ** 20)).join(' ')}`);
  const growthMb = rssGrowth(report, 2) / 2 ** 20;
  console.log(`RSS growth after warm-up: ${growthMb.toFixed(0)} MB (limit ${args['max-rss-growth-mb']} MB)`);
  const grouped = new Map<string, number>();
  for (const violation of report.violations) {
    const key = violation.slice(0, 200);
    grouped.set(key, (grouped.get(key) ?? 0) + 1);
  }
  console.log(`violations: ${report.violations.length}`);
  for (const [violation, n] of grouped) console.log(`  ${n}× ${violation}`);
  const ok = report.violations.length === 0 && notVerbatim.length === 0 && growthMb < Number(args['max-rss-growth-mb']) && service.process.exitCode === null;
  console.log(ok ? 'PASS' : 'FAIL');
  exitCode = ok ? 0 : 1;
} finally {
  const tail = service.output().split('\n').filter((line) => line.includes('"level":50') || line.includes('"level":60')).slice(-5);
  if (tail.length > 0) console.log(`last error lines of the server:\n${tail.map((line) => `  ${line.slice(0, 300)}`).join('\n')}`);
  await service.kill('SIGTERM');
  await redis.destroy();
  await db.drop();
}
process.exit(exitCode);
