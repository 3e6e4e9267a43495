// Question: where does the service's CPU go per request — HTTP read, JSON parse, validation,
// payload hash, normalization, parameter encoding, the PostgreSQL client, logging/metrics, … —
// on the inline path and on the queue path, and how is the machine shared between the service,
// PostgreSQL and the load generator while it runs?
//
// Load shape: (1) inline — `src/api.ts` under `bun --cpu-prof`, 8 clients × fresh 399-sample
// batches (8 users) for --seconds after a 2 s warm-up; (2) queued — `src/main.ts` (API + worker
// in one process) under `bun --cpu-prof`, 8 clients posting --queued fresh 500-sample batches
// (answered 202; 40 users), measured from the first post until the worker has completed all.
// Each run has a fresh database on the shared server. The profile is written when the service
// exits; only samples inside the measured window count. Each sampled function's self time goes
// to a stage by the table in bench/lib/cpu-profile-stages.ts (the first matching rule; the
// busiest unplaced functions are printed to grow it). JavaScript is sampled; Bun's native HTTP
// and socket work and the garbage collector's threads are not: "outside JS" is the process's CPU
// (/proc) minus the sampled time. CPU shares of the machine: bench/lib/cpu-shares.ts.
// Correctness after each run: rows stored = samples answered 200 / completed.
// No speed gates: an instrument. Exits non-zero when the stored rows are wrong or a request failed.
//
// Usage: bun run bench/profile-inline.ts [--seconds 10] [--queued 200] [--interval 500] [--inline-size 399] [--functions] [--json]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createUserTokens } from '../src/auth/user-tokens.ts';
import { DEVELOPMENT_JWT_SECRET } from '../src/config.ts';
import type { Sql } from '../src/db/client.ts';
import { startService } from '../test/support/processes.ts';
import { freshBenchDatabase } from './lib/bench-database.ts';
import { stageTable, type StageTable } from './lib/cpu-profile-stages.ts';
import { measureCpuShares, cpuShareRows, type CpuShares } from './lib/cpu-shares.ts';
import { closedLoopOver } from './lib/load.ts';
import { machineLine } from './lib/machine.ts';
import { uploadBody } from './lib/sample-bodies.ts';
import { printTable } from './lib/stats.ts';
import { flag, numberOption } from './lib/args.ts';
import { BENCH_RATE_LIMIT } from './lib/service-process.ts';

const asJson = flag('--json');
const SECONDS = numberOption('--seconds', 10);
const QUEUED = numberOption('--queued', 200);
const INTERVAL = numberOption('--interval', 500);
const CLIENTS = 8;
const SHOW_FUNCTIONS = flag('--functions');
/** the inline phase's batch size (399: the largest inline batch; 1: the small-upload end) */
const INLINE_SIZE = numberOption('--inline-size', 399);
const say = (line: string) => (asJson ? console.error(line) : console.log(line));

const tokens = createUserTokens(DEVELOPMENT_JWT_SECRET);
const users = Array.from({ length: 50 }, () => crypto.randomUUID());
const userTokens = await Promise.all(users.map((user) => tokens.sign(user, 7200)));

interface Run {
  name: string;
  requests: number;
  samples: number;
  seconds: number;
  processCpuMicros: number;
  table: StageTable;
  cpu: CpuShares;
  stored: number;
  expected: number;
  errors: number;
}
const runs: Run[] = [];

async function profiled(
  name: string,
  entry: 'src/api.ts' | 'src/main.ts',
  size: number,
  load: (post: (user: number, body: string) => Promise<number>, sql: Sql) => Promise<{ requests: number; waitUntilDone?: () => Promise<void> }>,
): Promise<void> {
  const database = `health_ingest_bench_profile_${entry === 'src/api.ts' ? 'inline' : 'queued'}`;
  const { url, sql } = await freshBenchDatabase(database, 1);
  const dir = mkdtempSync(join(tmpdir(), 'hi-cpu-prof-'));
  const service = await startService(
    entry,
    { DATABASE_URL: url, REDIS_URL: 'redis://127.0.0.1:6379/9', LOG_LEVEL: 'info', USER_RATE_LIMIT_PER_MINUTE: BENCH_RATE_LIMIT },
    { bunFlags: ['--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-interval=${INTERVAL}`] },
  );
  let errors = 0;
  let okSamples = 0;
  const post = async (user: number, body: string) => {
    const response = await fetch(`${service.baseUrl}/api/v1/health/samples/batch-upsert`, {
      method: 'POST',
      headers: { authorization: `Bearer ${userTokens[user]}`, 'content-type': 'application/json' },
      body,
      signal: AbortSignal.timeout(60_000),
    }).catch(() => null);
    if (!response) {
      errors++;
      return 0;
    }
    const answer = await response.text();
    if (response.status === 200 || response.status === 202) okSamples += size;
    else {
      errors++;
      if (errors <= 3) console.error(`unexpected answer ${response.status}: ${answer.slice(0, 200)}`);
    }
    return response.status;
  };
  try {
    // warm-up (not in the window): JIT, prepared statements, pool
    const warm = Array.from({ length: 40 }, (_, i) => uploadBody(size, Date.UTC(2019, 0, 1) + i * size * 60_000));
    await closedLoopOver(CLIENTS, 2, warm, (body, client) => post(40 + (client % 10), body).then(() => {}));
    if (entry === 'src/main.ts') {
      const queuedUsers = Array.from({ length: 10 }, (_, i) => users[40 + i]!);
      await until(async () => (await pending(sql, queuedUsers)) === 0);
    }
    okSamples = 0;
    const rowsBefore = await countRows(sql);
    const cpu = measureCpuShares({ db: sql as never, database, servicePids: () => [service.process.pid] });
    const processCpu0 = processCpuMicros(service.process.pid);
    const startedAt = Date.now() * 1000;
    const started = performance.now();
    const { requests, waitUntilDone } = await load(post, sql);
    await waitUntilDone?.();
    if (service.process.exitCode !== null || service.process.signalCode !== null) {
      throw new Error(`${entry} exited during the run (${service.process.exitCode ?? service.process.signalCode}): ${service.output().slice(-2000)}`);
    }
    const seconds = (performance.now() - started) / 1000;
    const endedAt = Date.now() * 1000;
    const processCpu = processCpuMicros(service.process.pid) - processCpu0;
    const shares = await cpu.stop();
    const stored = (await countRows(sql)) - rowsBefore;
    await service.kill('SIGTERM');
    const table = stageTable(dir, [startedAt, endedAt], INTERVAL);
    runs.push({ name, requests, samples: okSamples, seconds, processCpuMicros: processCpu, table, cpu: shares, stored, expected: okSamples, errors });
  } finally {
    await service.kill('SIGKILL');
    await sql.end();
    rmSync(dir, { recursive: true, force: true });
  }
}

function processCpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) / 100) * 1e6;
}
async function countRows(sql: Sql): Promise<number> {
  return Number((await sql.unsafe('SELECT count(*)::bigint AS n FROM health_samples'))[0]!.n);
}
async function pending(sql: Sql, userIds?: string[]): Promise<number> {
  const rows = userIds
    ? await sql.unsafe("SELECT count(*)::bigint AS n FROM health_ingest_requests WHERE status IN ('queued', 'processing') AND user_id = ANY($1::uuid[])", [userIds])
    : await sql.unsafe("SELECT count(*)::bigint AS n FROM health_ingest_requests WHERE status IN ('queued', 'processing')");
  return Number(rows[0]!.n);
}
async function until(condition: () => Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the queue to drain');
    await Bun.sleep(50);
  }
}

// ---- inline: 8 clients × 399
say(machineLine());
say('building bodies…');
// enough bodies for the phase: ~180 a second of 399 samples, ~2,000 of one sample
const inlineBodies = Array.from({ length: Math.ceil(SECONDS * (INLINE_SIZE >= 100 ? 180 : 2_500)) }, (_, i) =>
  uploadBody(INLINE_SIZE, Date.UTC(2020, 0, 1) + i * INLINE_SIZE * 60_000));
await profiled(`inline: 8 clients × ${INLINE_SIZE}-sample batches (src/api.ts)`, 'src/api.ts', INLINE_SIZE, async (post) => {
  const run = await closedLoopOver(CLIENTS, SECONDS, inlineBodies, (body, client) => post(client, body).then(() => {}));
  return { requests: run.requests };
});

// ---- queued: 500-sample batches through the worker
const queuedBodies = Array.from({ length: QUEUED }, (_, i) => uploadBody(500, Date.UTC(2021, 0, 1) + (i % 1000) * 500 * 60_000));
await profiled(`queued: ${QUEUED} × 500-sample batches, API + worker (src/main.ts)`, 'src/main.ts', 500, async (post, sql) => {
  const items = queuedBodies.map((body, i) => ({ body, user: i % 40 }));
  const run = await closedLoopOver(CLIENTS, 3600, items, (item) => post(item.user, item.body).then(() => {}));
  return { requests: run.requests, waitUntilDone: () => until(async () => (await pending(sql)) === 0) };
});

// ---- output
const correct = runs.every((run) => run.errors === 0 && run.stored === run.expected);
function stageRows(run: Run): (string | number)[][] {
  const sampled = run.table.byStage.reduce((sum, s) => sum + s.micros, 0);
  const rows = run.table.byStage.map((s) => [s.stage, (100 * s.micros) / run.processCpuMicros, s.micros / run.requests, s.micros / run.samples]);
  rows.push(['outside JS (native HTTP and sockets, GC threads)', (100 * Math.max(0, run.processCpuMicros - sampled)) / run.processCpuMicros, Math.max(0, run.processCpuMicros - sampled) / run.requests, Math.max(0, run.processCpuMicros - sampled) / run.samples]);
  rows.push(['total (process CPU, /proc)', 100, run.processCpuMicros / run.requests, run.processCpuMicros / run.samples]);
  return rows;
}
if (asJson) {
  console.log(JSON.stringify({ machine: machineLine(), seconds: SECONDS, intervalMicros: INTERVAL, runs: runs.map((run) => ({ ...run, stages: stageRows(run) })), correct }, null, 2));
} else {
  console.log(`sampling every ${INTERVAL} µs; shares are of the service process's CPU time while measured\n`);
  for (const run of runs) {
    console.log(`${run.name}: ${run.requests} requests, ${run.samples} samples in ${run.seconds.toFixed(1)} s (${Math.round(run.samples / run.seconds).toLocaleString('en-US')} samples/s); stored ${run.stored} / ${run.expected}, errors ${run.errors}`);
    printTable(['stage', '% of service CPU', 'µs per request', 'µs per sample'], stageRows(run));
    console.log(`  ${run.table.samples} samples in the window, median gap ${run.table.medianGapMicros.toFixed(0)} µs (interval ${run.table.intervalMicros} µs)`);
    console.log('  busiest unplaced functions (in "other"):');
    for (const f of run.table.unplaced.slice(0, 8)) console.log(`    ${f.samples} × ${f.name}  ${f.file}`);
    if (SHOW_FUNCTIONS) {
      for (const [stage, functions] of Object.entries(run.table.topByStage)) {
        console.log(`  ${stage}:`);
        for (const f of functions.slice(0, 6)) console.log(`    ${f.samples} × ${f.name}  ${f.file}`);
      }
    }
    console.log('');
    printTable(['machine while measured', 'cpu s', 'share'], cpuShareRows('', run.cpu).map(([label, ...rest]) => [String(label).replace(/^: /, ''), ...rest]));
    console.log('');
  }
  console.log(`stored = sent, no errors: ${correct ? 'yes' : 'NO'}`);
}
process.exit(correct ? 0 : 1);
