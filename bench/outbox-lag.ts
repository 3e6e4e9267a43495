// Question: under sustained inline ingest, does the outbox processor keep the daily summaries
// within a second of each commit, without the backlog growing?
//
// Load shape: a fresh database; the whole service (`bun run src/main.ts`: API, queue worker,
// outbox processor, cron) as a child process; 8 clients (8 users) sending fresh 399-sample
// batches (the largest inline batch, as bench/inline-throughput.ts) back to back for --seconds
// (default 60; the goal is stated for 300). Every second a sampler reads the backlog:
// pending outbox events, and the projection gap Σ(watermark seq − projected seq) over users.
//
// Lag of an event = when its seq became projected − when it was written. The checkpoint passes
// seq N only once every seq ≤ N of the user is applied, so "projected at" = the latest
// processed_at among the user's seqs ≤ N. Written = outbox_events.created_at, the start of the
// write transaction, so the lag includes that transaction (a few ms): an upper bound.
// Correctness after the load has drained: every event processed, every checkpoint at its
// watermark, and the summaries count every live sample exactly once.
// Gates: p99 lag < 1 s; no backlog growth (mean gap over the last third of the run ≤ mean over
// the first third + one batch per client); drained within 30 s; correct.
//
// --split runs the scaled deployment instead: `start:api` and `start:worker` (which hosts the
// outbox processor) as two processes.
//
// Usage: bun run bench/outbox-lag.ts [--json] [--seconds N] [--split]
import { createUserTokens } from '../src/auth/user-tokens.ts';
import { DEVELOPMENT_JWT_SECRET } from '../src/config.ts';
import { freshBenchDatabase } from './lib/bench-database.ts';
import { closedLoop } from './lib/load.ts';
import { machineLine } from './lib/machine.ts';
import { historyUploader } from './lib/history-uploads.ts';
import { startServiceProcess, startWorkerProcess } from './lib/service-process.ts';
import { printTable, summarize } from './lib/stats.ts';
import { flag, numberOption } from './lib/args.ts';

const asJson = flag('--json');
const SECONDS = numberOption('--seconds', 60);
const SPLIT = flag('--split');
const CLIENTS = 8;
const BATCH = 399;
const LAG_GOAL_MS = 1000;
const DRAIN_TIMEOUT_MS = 30_000;

const { url, sql, serverVersion } = await freshBenchDatabase('health_ingest_bench_outbox_lag', 4);
const tokens = createUserTokens(DEVELOPMENT_JWT_SECRET);
const userTokens = await Promise.all(Array.from({ length: CLIENTS }, () => tokens.sign(crypto.randomUUID(), 3600)));
const service = await startServiceProcess(SPLIT ? 'src/api.ts' : 'src/main.ts', { DATABASE_URL: url });
const worker = SPLIT ? await startWorkerProcess('src/worker.ts', { DATABASE_URL: url }) : null;

interface BacklogSample {
  second: number;
  pending: number;
  gap: number;
}

async function backlog(): Promise<{ pending: number; gap: number }> {
  const [row] = await sql.unsafe(`
    SELECT (SELECT count(*) FROM outbox_events WHERE status = 'pending')::int AS pending,
           (SELECT coalesce(sum(w.seq - coalesce(c.projected_seq, 0)), 0)
              FROM user_health_watermarks w
              LEFT JOIN projection_checkpoints c ON c.user_id = w.user_id AND c.projection = 'daily_summaries')::int AS gap`);
  return { pending: row!.pending as number, gap: row!.gap as number };
}

// ---- load, with the backlog sampled every second
const samples: BacklogSample[] = [];
let loading = true;
const started = performance.now();
const sampler = (async () => {
  for (let second = 1; loading; second++) {
    await Bun.sleep(started + second * 1000 - performance.now());
    if (!loading) break;
    samples.push({ second, ...(await backlog()) });
  }
})();

// each client's user gets the next 399 minutes of their own history per batch (1–2 local dates
// per metric): at ~110 batches/s, 300 s reach about 3 years past the start, never the future
const upload = historyUploader(() => service.baseUrl, userTokens, BATCH);
const load = await closedLoop(CLIENTS, SECONDS, upload);
loading = false;
await sampler;

// ---- drain, then measure and check
const drainStarted = performance.now();
let drained = false;
while (performance.now() - drainStarted < DRAIN_TIMEOUT_MS) {
  const now = await backlog();
  if (now.pending === 0 && now.gap === 0) {
    drained = true;
    break;
  }
  await Bun.sleep(50);
}
const drainSeconds = (performance.now() - drainStarted) / 1000;

const lagRows = await sql.unsafe(`
  SELECT extract(epoch FROM projected_at - created_at) * 1000 AS lag_ms
  FROM (SELECT created_at, max(processed_at) OVER (PARTITION BY user_id ORDER BY seq) AS projected_at
        FROM outbox_events WHERE status = 'processed') AS e`);
const lag = summarize(lagRows.map((row) => Number(row.lag_ms)));
const [check] = await sql.unsafe(`
  SELECT (SELECT count(*) FROM outbox_events)::int AS events,
         (SELECT count(*) FROM outbox_events WHERE status <> 'processed')::int AS unprocessed,
         (SELECT count(*) FROM user_health_watermarks w
            LEFT JOIN projection_checkpoints c ON c.user_id = w.user_id AND c.projection = 'daily_summaries'
            WHERE c.projected_seq IS DISTINCT FROM w.seq)::int AS behind,
         (SELECT count(*) FROM health_samples WHERE deleted_at IS NULL)::bigint AS live,
         (SELECT coalesce(sum(sample_count), 0) FROM health_daily_summaries)::bigint AS summarized`);
await service.stop();
await worker?.stop();
await sql.end();

const events = check!.events as number;
const eventsPerSecond = events / load.elapsedSeconds;
const third = Math.max(1, Math.floor(samples.length / 3));
const mean = (list: BacklogSample[]) => list.reduce((sum, s) => sum + s.gap, 0) / Math.max(1, list.length);
const firstThird = mean(samples.slice(0, third));
const lastThird = mean(samples.slice(-third));
const correct =
  check!.unprocessed === 0 && check!.behind === 0 && Number(check!.live) === Number(check!.summarized) && Number(check!.live) === events * BATCH;
const gates = {
  p99Lag: { value: lag.p99, goal: `< ${LAG_GOAL_MS} ms`, pass: lag.p99 < LAG_GOAL_MS },
  backlogGrowth: { value: lastThird - firstThird, goal: `≤ ${CLIENTS} (last third − first third, mean gap)`, pass: lastThird <= firstThird + CLIENTS },
  drained: { value: drainSeconds, goal: `≤ ${DRAIN_TIMEOUT_MS / 1000} s after the load`, pass: drained },
  correct: {
    value: `${events} events, ${check!.unprocessed} unprocessed, ${check!.behind} users behind, ${check!.summarized}/${check!.live} samples`,
    goal: 'all processed, summaries = live samples',
    pass: correct,
  },
};

const step = Math.max(1, Math.round(samples.length / 12));
const backlogRows = samples.filter((s, i) => i % step === step - 1 || i === samples.length - 1).map((s) => [`${s.second} s`, s.pending, s.gap]);
const loadRow = {
  batches: load.requests,
  samplesPerSecond: (load.requests * BATCH) / load.elapsedSeconds,
  eventsPerSecond,
  uploadLatency: summarize(load.latenciesMs),
};

if (asJson) {
  console.log(JSON.stringify({ machine: machineLine({ postgres: serverVersion }), seconds: SECONDS, split: SPLIT, load: loadRow, lagMs: lag, backlog: samples, gates }, null, 2));
} else {
  console.log(machineLine({ postgres: serverVersion }));
  const deployment = SPLIT ? 'start:api + start:worker (outbox) processes' : 'one `start` process (API + worker + outbox)';
  console.log(`${SECONDS} s of load; load generator, ${deployment} and PostgreSQL share the machine\n`);
  printTable(
    ['measure', 'n', 'per second', 'p50 ms', 'p95 ms', 'p99 ms'],
    [
      [`inline uploads (${BATCH} samples), ${CLIENTS} clients`, load.requests, loadRow.samplesPerSecond, loadRow.uploadLatency.p50, loadRow.uploadLatency.p95, loadRow.uploadLatency.p99],
      ['outbox events: commit → projected lag', lag.n, eventsPerSecond, lag.p50, lag.p95, lag.p99],
    ],
  );
  console.log('');
  printTable(['time', 'pending events', 'projection gap (seqs)'], backlogRows);
  console.log('');
  printTable(
    ['gate', 'measured', 'goal', 'result'],
    Object.entries(gates).map(([name, gate]) => [name, gate.value, gate.goal, gate.pass ? 'pass' : 'FAIL']),
  );
}
process.exit(Object.values(gates).every((gate) => gate.pass) ? 0 : 1);
