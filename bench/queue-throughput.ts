// Question: how close does a sustained backfill through the queue come to what PostgreSQL can
// absorb through COPY → staging → upsert on this machine?
//
// Load shape: ≥ 1M samples in 500-sample batches from 50 users (a backfill after first login),
// enqueued through the API's own submit (encode, cap, claim, add), then drained by the worker:
// in-process with its default writer (group commit, one unnest upsert per request), in-process
// with COPY → staging → one upsert per group (what it used before), and as a separate
// `bun run src/worker.ts` process (the default writer). Ceiling, same run, same rows: COPY into the
// staging table + the same upsert, 4 writers, one 500-row batch per transaction, no queue.
// Each drain counts from the first job taken to the last request completed (the start-up before
// it, ~1 s for a worker process, is printed beside, not counted).
// Correctness after each run: every request completed, rows stored = samples sent.
// Worker concurrency 16 (WORKER_CONCURRENCY; --concurrency), 2 group transactions in flight
// (--groups). Gate: the default writer, in-process and as a process, ≥ 85 % of the ceiling.
// CPU per sample while each runs (this process, the worker process, PostgreSQL; /proc) is printed
// beside: on a shared machine it moves far less than samples/s. The worker process also runs the
// outbox processor (daily summaries for every event), which the in-process worker and the ceiling do not:
// so one more run has the in-process worker beside the outbox thread, as `start:worker` runs them
// (src/worker.ts), and the process is also compared with that (like with like).
//
// Usage: bun run bench/queue-throughput.ts [--json] [--samples N] [--concurrency N] [--groups N] [--redis-url URL]
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { createDb, type Sql } from '../src/db/client.ts';
import type { PreparedBatch } from '../src/ingest/finish-batch.ts';
import { createLogger } from '../src/log.ts';
import { INGEST_QUEUE_NAME, type IngestJobData } from '../src/queue/ingest-batch-job.ts';
import { startIngestWorker } from '../src/queue/worker.ts';
import { OUTBOX_THREAD_ENTRY } from '../src/start/parts.ts';
import { outboxThread } from '../src/outbox/thread.ts';
import { createBatchQueue } from '../src/queue/enqueue.ts';
import { workerConnection } from '../src/queue/redis.ts';
import type { SampleRowWriter } from '../src/ingest/sample-writes.ts';
import { copyRows, upsertStagedGroup } from '../src/ingest/staged-upsert.ts';
import { dedupeSamplesByKey } from '../src/domain/ingest/sample-keys.ts';
import { freshBenchDatabase } from './lib/bench-database.ts';
import { measureCpuShares, type CpuShares } from './lib/cpu-shares.ts';
import { closedLoop } from './lib/load.ts';
import { machineLine } from './lib/machine.ts';
import { preparedBatch } from './lib/prepared-batches.ts';
import { startWorkerProcess } from './lib/service-process.ts';
import { printTable } from './lib/stats.ts';
import { flag, numberOption, textOption } from './lib/args.ts';

const asJson = flag('--json');
const TOTAL = numberOption('--samples', 1_000_000);
const BATCH = 500;
const USERS = 50;
const CONCURRENCY = numberOption('--concurrency', 16);
const GROUPS = numberOption('--groups', 2);
const REDIS_URL = textOption('--redis-url', 'redis://127.0.0.1:6379/7');
const log = createLogger('silent');

const DATABASE = 'health_ingest_bench_queue';
const { url, sql, serverVersion } = await freshBenchDatabase(DATABASE, 12);
const batchCount = Math.ceil(TOTAL / BATCH);

function makeBatches(): PreparedBatch[] {
  const users = Array.from({ length: USERS }, () => crypto.randomUUID());
  return Array.from({ length: batchCount }, (_, i) => preparedBatch(users[i % USERS]!, BATCH, Date.UTC(2023, 0, 1) + Math.floor(i / USERS) * BATCH * 60_000));
}

async function reset(db: Sql): Promise<void> {
  await db.unsafe('TRUNCATE health_samples, health_ingest_requests, outbox_events, user_health_watermarks');
  await db.unsafe('VACUUM ANALYZE health_samples');
}

const countCompleted = async () =>
  Number((await sql.unsafe("SELECT count(*) FILTER (WHERE status = 'completed') AS n FROM health_ingest_requests"))[0]!.n);
const anyTaken = async () => (await sql.unsafe("SELECT 1 FROM health_ingest_requests WHERE status <> 'queued' LIMIT 1")).length > 0;
const countRows = async () => Number((await sql.unsafe('SELECT count(*) AS n FROM health_samples'))[0]!.n);

// ---- ceiling: COPY → staging → upsert, 4 writers, no queue
class Done extends Error {}
const ceilingBatches = makeBatches();
let nextBatch = 0;
const ceilingMeter = measureCpuShares({ db: sql as never, database: DATABASE, servicePids: () => [] });
const ceilingStart = performance.now();
await closedLoop(4, 3600, async () => {
  const batch = ceilingBatches[nextBatch++];
  if (!batch) throw new Done();
  await sql.begin((tx) => upsertStagedGroup(tx, [{ userId: batch.userId, receivedAt: batch.receivedAt, rows: dedupeSamplesByKey(batch.valid) }]));
}).catch((error) => {
  if (!(error instanceof Done)) throw error;
});
const ceilingSeconds = (performance.now() - ceilingStart) / 1000;
const ceilingCpu = await ceilingMeter.stop();
const ceilingRate = (await countRows()) / ceilingSeconds;

// ---- the queue, three ways
interface Run {
  mode: string;
  enqueueSeconds: number;
  /** launch → first job taken */
  startSeconds: number;
  /** first job taken → every request completed */
  drainSeconds: number;
  rows: number;
  completed: number;
  /** while draining: the worker is this process (in-process) or its child */
  cpu: CpuShares;
}
const runs: Run[] = [];

async function runQueue(mode: string, startWorker: () => Promise<{ stop(): Promise<void>; pid?: number }>): Promise<void> {
  await reset(sql);
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  const queue = new Queue<IngestJobData>(INGEST_QUEUE_NAME, { connection });
  await queue.obliterate({ force: true });
  const submit = createBatchQueue({ db: sql, queue, log, maxJobPayloadBytes: 5 << 20, staleAfterSeconds: 300 });
  const batches = makeBatches();
  const enqueueStart = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let batch = batches[next++]; batch; batch = batches[next++]) await submit.submit(batch);
    }),
  );
  const enqueueSeconds = (performance.now() - enqueueStart) / 1000;
  const launched = performance.now();
  const worker = await startWorker();
  // the drain (and its CPU) counts from the first job taken: a worker process's start-up (Bun,
  // modules, migrations check, the outbox thread: ~1 s) is not part of a backfill's rate
  while (!(await anyTaken())) await Bun.sleep(5);
  const drainStart = performance.now();
  const meter = measureCpuShares({ db: sql as never, database: DATABASE, servicePids: () => (worker.pid === undefined ? [] : [worker.pid]) });
  while ((await countCompleted()) < batches.length) await Bun.sleep(100);
  const drainSeconds = (performance.now() - drainStart) / 1000;
  const cpu = await meter.stop();
  await worker.stop();
  await queue.close();
  connection.disconnect();
  runs.push({ mode, enqueueSeconds, startSeconds: (drainStart - launched) / 1000, drainSeconds, rows: await countRows(), completed: await countCompleted(), cpu });
}

const WITH_OUTBOX = 'worker in-process + outbox thread (as src/worker.ts)';
const PROCESS = 'worker process (bun run src/worker.ts)';
const inProcess = (rows?: SampleRowWriter, options: { outbox?: boolean } = {}) => async () => {
  const connection = workerConnection(REDIS_URL);
  const leaseDb = createDb(url, { max: 2, synchronousCommit: 'off' });
  // as src/worker.ts runs it: the processor with every sink in a thread of its own
  const outbox = options.outbox ? outboxThread({ entry: OUTBOX_THREAD_ENTRY, databaseUrl: url, logLevel: 'silent', log }) : null;
  await outbox?.start();
  const worker = startIngestWorker({ db: sql, leaseDb, connection, log, concurrency: CONCURRENCY, staleAfterSeconds: 300, ...(rows ? { rows } : {}), maxConcurrentGroups: GROUPS });
  return {
    async stop() {
      await worker.close();
      await outbox?.close();
      connection.disconnect();
      await leaseDb.end();
    },
  };
};

await runQueue('worker in-process (unnest per request, the default)', inProcess());
await runQueue('worker in-process, COPY group commit', inProcess(copyRows()));
await runQueue(WITH_OUTBOX, inProcess(undefined, { outbox: true }));
await runQueue(PROCESS, async () => {
  const child = await startWorkerProcess('src/worker.ts', { DATABASE_URL: url, REDIS_URL, WORKER_CONCURRENCY: String(CONCURRENCY) });
  return { stop: () => child.stop(), pid: child.pid };
});
await sql.end();

const expected = batchCount * BATCH;
const table = [
  ['ceiling: COPY → staging → upsert, 4 writers, 500 rows', expected, '-', ceilingSeconds, ceilingRate, 1, '-'],
  ...runs.map((run) => [run.mode, run.rows, run.startSeconds, run.drainSeconds, run.rows / run.drainSeconds, run.rows / run.drainSeconds / ceilingRate, batchCount / run.enqueueSeconds]),
];
const gates = Object.fromEntries(
  runs
    .filter((run) => !run.mode.includes('COPY') && run.mode !== WITH_OUTBOX)
    .map((run) => [run.mode, { value: run.rows / run.drainSeconds / ceilingRate, goal: '≥ 0.85', pass: run.rows / run.drainSeconds >= 0.85 * ceilingRate }]),
);
const rateOf = (mode: string) => {
  const run = runs.find((r) => r.mode === mode)!;
  return run.rows / run.drainSeconds;
};
// like with like: the process against the same parts (worker + outbox thread) in this process
const processVsSameParts = rateOf(PROCESS) / rateOf(WITH_OUTBOX);
const correct = runs.every((run) => run.rows === expected && run.completed === batchCount);
if (asJson) {
  console.log(JSON.stringify({ machine: machineLine({ postgres: serverVersion }), samples: expected, table, gates, processVsSameParts, correct }, null, 2));
} else {
  console.log(machineLine({ postgres: serverVersion }));
  console.log(`${expected.toLocaleString('en-US')} samples in ${batchCount} batches of ${BATCH} from ${USERS} users; worker concurrency ${CONCURRENCY}\n`);
  printTable(['path', 'rows', 'start-up s', 'drain s', 'samples/s', 'of ceiling', 'enqueue jobs/s'], table as (string | number)[][]);
  console.log(`\nworker process / the same parts in-process (worker + outbox thread): ${processVsSameParts.toFixed(2)}\n`);
  // the in-process worker is this process: its CPU is "this process" (nothing else runs here while it drains)
  const us = (run: { rows: number }, seconds: number) => (1e6 * seconds) / run.rows;
  printTable(
    ['CPU per sample while draining (µs)', 'worker', 'PostgreSQL backends', 'PostgreSQL background', 'other processes', 'idle share'],
    [{ mode: 'ceiling (the writer is this process)', rows: expected, cpu: ceilingCpu }, ...runs].map((run) => [run.mode, us(run, run.cpu.service + run.cpu.loadGenerator), us(run, run.cpu.postgresBackends), us(run, run.cpu.postgresBackground), us(run, run.cpu.other), `${((100 * run.cpu.idle) / run.cpu.capacity).toFixed(1)} %`]),
  );
  console.log('');
  printTable(['gate', 'measured', 'goal', 'result'], [
    ...Object.entries(gates).map(([name, gate]) => [name, gate.value, gate.goal, gate.pass ? 'pass' : 'FAIL']),
    ['every request completed, rows = samples sent', correct ? 'yes' : 'no', 'yes', correct ? 'pass' : 'FAIL'],
  ]);
}
process.exit(correct && Object.values(gates).every((gate) => gate.pass) ? 0 : 1);
