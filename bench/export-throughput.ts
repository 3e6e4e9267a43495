// Question: does GET /api/v1/health/export stream a user with millions of samples at ≥ 100k
// samples/s, in constant memory?
//
// Load shape: a fresh database; user A holds --rows N live heart-rate samples (default 1,000,000),
// user B holds 3N, with metadata, as the write path stores them (seeded by the server). The API
// runs as its own process (src/api.ts); this process is the client and reads each export as fast
// as it can, counting lines (every line is one sample: checked against the row count). The API's
// RSS is sampled from /proc every 50 ms: before each export and at its peak during it.
// Reported per export (A as NDJSON and as csv, B as NDJSON): rows, MB, seconds, samples/s, MB/s,
// RSS before, peak, and growth.
// Gates: every export has exactly its rows; NDJSON ≥ 100,000 samples/s for A and B; the API's RSS
// growth while exporting B (3N) is within 32 MiB of its growth while exporting A (N): memory does
// not grow with the export's size.
//
// Usage: bun run bench/export-throughput.ts [--json] [--rows N]
import { readFileSync } from 'node:fs';
import { createUserTokens } from '../src/auth/user-tokens.ts';
import { seedSamples } from '../test/support/seed-samples.ts';
import { sparePort } from '../test/support/processes.ts';
import { flag, numberOption } from './lib/args.ts';
import { freshBenchDatabase } from './lib/bench-database.ts';
import { machineLine } from './lib/machine.ts';
import { startServiceProcess } from './lib/service-process.ts';
import { printTable } from './lib/stats.ts';

const asJson = flag('--json');
const ROWS = numberOption('--rows', 1_000_000);
const MIN_SAMPLES_PER_SECOND = 100_000;
const MAX_EXTRA_GROWTH_MIB = 32;
const JWT_SECRET = 'bench-export-secret-bench-export-secret';
const USER_A = '00000000-0000-4000-8000-00000000000a';
const USER_B = '00000000-0000-4000-8000-00000000000b';
const MIB = 2 ** 20;

const log = (message: string) => !asJson && console.error(message);

function rssOf(pid: number): number {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    throw new Error(`the API process ${pid} is gone`);
  }
  const kb = /VmRSS:\s+(\d+) kB/.exec(status);
  return kb ? Number(kb[1]) * 1024 : Number.NaN;
}

interface ExportRun {
  name: string;
  rows: number;
  lines: number;
  bytes: number;
  seconds: number;
  samplesPerSecond: number;
  rssBeforeMiB: number;
  rssPeakMiB: number;
  rssGrowthMiB: number;
}

async function runExport(baseUrl: string, pid: number, name: string, token: string, rows: number, format: 'ndjson' | 'csv'): Promise<ExportRun> {
  Bun.gc(true);
  const before = rssOf(pid);
  let peak = before;
  let lost: unknown = null;
  const sampler = setInterval(() => {
    try {
      peak = Math.max(peak, rssOf(pid));
    } catch (error) {
      lost = error;
    }
  }, 50);
  const began = performance.now();
  const response = await fetch(`${baseUrl}/api/v1/health/export${format === 'csv' ? '?format=csv' : ''}`, { headers: { authorization: `Bearer ${token}` } });
  if (response.status !== 200) throw new Error(`${name}: export answered ${response.status}: ${await response.text()}`);
  let lines = 0;
  let bytes = 0;
  for await (const chunk of response.body!) {
    bytes += chunk.length;
    for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) lines++;
  }
  const seconds = (performance.now() - began) / 1000;
  clearInterval(sampler);
  if (lost) throw lost;
  peak = Math.max(peak, rssOf(pid));
  const dataLines = format === 'csv' ? lines - 1 : lines;
  return {
    name,
    rows,
    lines: dataLines,
    bytes,
    seconds,
    samplesPerSecond: dataLines / seconds,
    rssBeforeMiB: before / MIB,
    rssPeakMiB: peak / MIB,
    rssGrowthMiB: (peak - before) / MIB,
  };
}

const database = await freshBenchDatabase('hi_bench_export');
log(`seeding ${ROWS.toLocaleString('en-US')} + ${(3 * ROWS).toLocaleString('en-US')} samples …`);
await seedSamples(database.sql, USER_A, ROWS);
await seedSamples(database.sql, USER_B, 3 * ROWS);
await database.sql.unsafe('VACUUM ANALYZE health_samples');
const port = sparePort();
const api = await startServiceProcess('src/api.ts', { DATABASE_URL: database.url, PORT: String(port), JWT_SECRET, MIGRATE_ON_START: 'false' });
const tokens = createUserTokens(JWT_SECRET);
let runs: ExportRun[];
try {
  const pid = api.process.pid;
  // warm-up: the first statements prepare, the first pages of the index come into memory
  await runExport(api.baseUrl, pid, 'warm-up', await tokens.sign(USER_A, 3600), ROWS, 'ndjson');
  runs = [
    await runExport(api.baseUrl, pid, 'A ndjson', await tokens.sign(USER_A, 3600), ROWS, 'ndjson'),
    await runExport(api.baseUrl, pid, 'A csv', await tokens.sign(USER_A, 3600), ROWS, 'csv'),
    await runExport(api.baseUrl, pid, 'B ndjson (3×)', await tokens.sign(USER_B, 3600), 3 * ROWS, 'ndjson'),
  ];
} finally {
  await api.stop();
  await database.sql.end();
}

const [a, , b] = runs;
const failures: string[] = [];
for (const run of runs) if (run.lines !== run.rows) failures.push(`${run.name}: ${run.lines} lines for ${run.rows} rows`);
for (const run of [a!, b!]) {
  if (run.samplesPerSecond < MIN_SAMPLES_PER_SECOND) failures.push(`${run.name}: ${Math.round(run.samplesPerSecond)} samples/s < ${MIN_SAMPLES_PER_SECOND}`);
}
if (b!.rssGrowthMiB > a!.rssGrowthMiB + MAX_EXTRA_GROWTH_MIB) {
  failures.push(`RSS grew ${b!.rssGrowthMiB.toFixed(1)} MiB exporting 3N vs ${a!.rssGrowthMiB.toFixed(1)} MiB exporting N (allowed: +${MAX_EXTRA_GROWTH_MIB})`);
}

if (asJson) {
  console.log(JSON.stringify({ machine: machineLine({ postgres: database.serverVersion }), rows: ROWS, runs, failures }, null, 2));
} else {
  console.log(`export throughput — ${machineLine({ postgres: database.serverVersion })}`);
  printTable(
    ['export', 'rows', 'MB', 's', 'samples/s', 'MB/s', 'RSS before MiB', 'RSS peak MiB', 'growth MiB'],
    runs.map((run) => [run.name, run.rows, run.bytes / 1e6, run.seconds, run.samplesPerSecond, run.bytes / 1e6 / run.seconds, run.rssBeforeMiB, run.rssPeakMiB, run.rssGrowthMiB]),
  );
  console.log(failures.length === 0 ? 'gates: pass' : `gates: FAIL\n  ${failures.join('\n  ')}`);
}
process.exit(failures.length === 0 ? 0 : 1);
