// Question: where does an inline upload's latency come from when uploads arrive on a schedule at
// 50 % and 70 % of capacity (issue 18's open-loop gates: p99 ≤ 50 / ≤ 100 ms)?
//
// The open-loop part of bench/inline-throughput.ts alone (bench/lib/open-loop-mix.ts: the soak's
// 50- and 399-sample mix, closed-loop with 8 clients for capacity, then on a schedule), so it can
// be run often, with what each phase says about itself:
// - the load generator's own lateness (send time − due time, p50 / p99 / max): latency counts from
//   the due time, so a generator starved of CPU is charged to the service; this says how much;
// - the service's own view: its upload route's duration histogram and its event-loop delay
//   (prom-client's, from /metrics before and after the phase);
// - PostgreSQL: the bench database's backends sampled every 10 ms from pg_stat_activity (running,
//   waiting on a lock, on WAL, idle in transaction = waiting for the service), checkpoints;
// - CPU of each party (bench/lib/cpu-shares.ts).
//
// Usage: bun run bench/open-loop.ts [--json] [--seconds N] [--capacity R]
// (--capacity R skips the closed-loop phase and takes R mix requests/s as the capacity, so two
// variants can be compared at the same absolute rates.)
import { createUserTokens } from '../src/auth/user-tokens.ts';
import { DEVELOPMENT_JWT_SECRET } from '../src/config.ts';
import { flag, numberOption } from './lib/args.ts';
import { freshBenchDatabase } from './lib/bench-database.ts';
import { cpuShareRows, measureCpuShares } from './lib/cpu-shares.ts';
import { closedLoopOver, openLoop } from './lib/load.ts';
import { machineLine } from './lib/machine.ts';
import { mixBodies } from './lib/open-loop-mix.ts';
import { startServiceProcess } from './lib/service-process.ts';
import { percentile, printTable, summarize } from './lib/stats.ts';

const asJson = flag('--json');
const SECONDS = numberOption('--seconds', 10);
const GIVEN_CAPACITY = numberOption('--capacity', 0);
const CLIENTS = 8;
const USERS = 64;
const BENCH_DATABASE = 'health_ingest_bench_open_loop';

const { url, sql, serverVersion } = await freshBenchDatabase(BENCH_DATABASE, 4);
const tokens = createUserTokens(DEVELOPMENT_JWT_SECRET);
const userTokens = await Promise.all(Array.from({ length: USERS }, () => tokens.sign(crypto.randomUUID(), 3600)));
const service = await startServiceProcess('src/api.ts', { DATABASE_URL: url });

async function send(body: string, user: number): Promise<void> {
  const response = await fetch(`${service.baseUrl}/api/v1/health/samples/batch-upsert`, {
    method: 'POST',
    headers: { authorization: `Bearer ${userTokens[user]}`, 'content-type': 'application/json' },
    body,
  });
  await response.arrayBuffer();
  // 503 SERVER_BUSY (MAX_INFLIGHT_UPLOADS in flight: the service stalled) is counted, so the
  // phase still reports what it saw; anything else fails the run
  if (response.status === 503) shed++;
  else if (response.status !== 200) throw new Error(`unexpected ${response.status}`);
}
let shed = 0;

// ---- the service's own figures, from /metrics
const UPLOAD_ROUTE = 'route="/api/v1/health/samples/batch-upsert"';
const BUCKET = /^http_request_duration_seconds_bucket\{[^}]*le="([^"]+)"[^}]*\} (\d+)/;
async function scrape(): Promise<{ buckets: Map<string, number>; loopP99Ms: number; loopMaxMs: number }> {
  const text = await (await fetch(`${service.baseUrl}/metrics`)).text();
  const buckets = new Map<string, number>();
  let loopP99Ms = Number.NaN;
  let loopMaxMs = Number.NaN;
  for (const line of text.split('\n')) {
    const bucket = line.includes(UPLOAD_ROUTE) ? BUCKET.exec(line) : null;
    if (bucket) buckets.set(bucket[1]!, (buckets.get(bucket[1]!) ?? 0) + Number(bucket[2]));
    if (line.startsWith('nodejs_eventloop_lag_p99_seconds ')) loopP99Ms = 1000 * Number(line.split(' ')[1]);
    if (line.startsWith('nodejs_eventloop_lag_max_seconds ')) loopMaxMs = 1000 * Number(line.split(' ')[1]);
  }
  return { buckets, loopP99Ms, loopMaxMs };
}
/** the smallest bucket bound holding 99 % of the route's requests between two scrapes */
function serverP99Bound(before: Map<string, number>, after: Map<string, number>): string {
  const count = (le: string) => (after.get(le) ?? 0) - (before.get(le) ?? 0);
  const total = count('+Inf');
  for (const le of after.keys()) if (count(le) >= 0.99 * total) return le === '+Inf' ? '> 10 s' : `≤ ${1000 * Number(le)} ms`;
  return 'n/a';
}

// ---- PostgreSQL's backends of the bench database, sampled
function samplePostgres(): { stop(): Promise<{ samples: number; states: Map<string, number> }> } {
  const states = new Map<string, number>();
  let samples = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const rows = await sql<{ state: string | null; wait: string | null }[]>`
        SELECT state, wait_event_type || ':' || wait_event AS wait FROM pg_stat_activity
        WHERE datname = ${BENCH_DATABASE} AND pid <> pg_backend_pid() AND backend_type = 'client backend'`;
      samples++;
      for (const row of rows) {
        const key = row.state === 'active' ? `active ${row.wait ?? 'on CPU'}` : String(row.state);
        states.set(key, (states.get(key) ?? 0) + 1);
      }
      await Bun.sleep(10);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { samples, states };
    },
  };
}
const checkpoints = async () => {
  const [row] = await sql.unsafe('SELECT checkpoints_timed + checkpoints_req AS n FROM pg_stat_bgwriter');
  return Number(row!.n);
};

// ---- capacity
let capacity = GIVEN_CAPACITY;
const rows: (string | number)[][] = [];
if (capacity === 0) {
  const bodies = mixBodies(Math.ceil(SECONDS * 600)).map((request) => request.body);
  const run = await closedLoopOver(CLIENTS, SECONDS, bodies, (body, client) => send(body, client));
  capacity = run.requests / run.elapsedSeconds;
  rows.push([`mix closed-loop, ${CLIENTS} clients (capacity)`, run.requests, capacity, '', ...Object.values(summarize(run.latenciesMs)).slice(1)]);
}

const diagnostics: Record<string, unknown> = {};
const gates: Record<string, { value: number; goal: string; pass: boolean }> = {};
const extraRows: (string | number)[][] = [];
for (const [fraction, goalMs] of [[0.5, 50], [0.7, 100]] as const) {
  const label = `${fraction * 100} %`;
  const requests = mixBodies(Math.floor(capacity * fraction * SECONDS));
  const lateness: number[] = [];
  const before = await scrape();
  const checkpoints0 = await checkpoints();
  const shares = measureCpuShares({ db: sql, database: BENCH_DATABASE, servicePids: () => [service.process.pid!] });
  const pg = samplePostgres();
  const started = performance.now();
  const rate = capacity * fraction;
  const shed0 = shed;
  const run = await openLoop(rate, SECONDS, (i) => {
    lateness.push(performance.now() - (started + (i * 1000) / rate));
    return send(requests[i]!.body, i % USERS);
  });
  const activity = await pg.stop();
  const used = await shares.stop();
  const after = await scrape();
  const stats = summarize(run.latenciesMs);
  const late = [...lateness].sort((a, b) => a - b);
  rows.push([
    `mix open-loop at ${label} of capacity`,
    run.requests,
    run.requests / run.elapsedSeconds,
    `${percentile(late, 50).toFixed(1)} / ${percentile(late, 99).toFixed(1)} / ${late.at(-1)!.toFixed(0)}`,
    stats.p50,
    stats.p95,
    stats.p99,
  ]);
  gates[`openLoopP99At${fraction * 100}`] = { value: stats.p99, goal: `≤ ${goalMs} ms`, pass: stats.p99 <= goalMs };
  gates[`openLoopShedAt${fraction * 100}`] = { value: shed - shed0, goal: '= 0', pass: shed === shed0 };
  const backends = [...activity.states].sort((a, b) => b[1] - a[1]).map(([state, n]) => `${state} ${(n / activity.samples).toFixed(2)}`);
  const phase = {
    serverP99: serverP99Bound(before.buckets, after.buckets),
    eventLoopP99Ms: after.loopP99Ms,
    eventLoopMaxMs: after.loopMaxMs,
    checkpoints: (await checkpoints()) - checkpoints0,
    backendsOnAverage: Object.fromEntries([...activity.states].map(([state, n]) => [state, n / activity.samples])),
    cpu: used,
  };
  diagnostics[label] = phase;
  extraRows.push(
    [`${label}: the service's own p99 (upload route histogram)`, phase.serverP99],
    [`${label}: service event-loop delay p99 / max (ms)`, `${phase.eventLoopP99Ms.toFixed(1)} / ${phase.eventLoopMaxMs.toFixed(1)}`],
    [`${label}: checkpoints in the phase`, phase.checkpoints],
    [`${label}: bench backends on average, by state`, backends.join(', ')],
    ...cpuShareRows(label, used).map(([name, seconds, share]) => [name as string, `${(seconds as number).toFixed(2)} s CPU, ${share}`]),
  );
}

await service.stop();
await sql.end();

if (asJson) {
  console.log(JSON.stringify({ machine: machineLine({ postgres: serverVersion }), seconds: SECONDS, capacity, rows, gates, diagnostics }, null, 2));
} else {
  console.log(machineLine({ postgres: serverVersion }));
  console.log(`${SECONDS} s per phase; load generator, API and PostgreSQL share the machine\n`);
  printTable(['scenario', 'requests', 'req/s', 'generator late p50 / p99 / max ms', 'p50 ms', 'p95 ms', 'p99 ms'], rows);
  console.log('');
  // one line each: the backends' states make a long value
  for (const [name, value] of extraRows) console.log(`${name}: ${value}`);
  console.log('');
  printTable(['gate', 'measured', 'goal', 'result'], Object.entries(gates).map(([name, gate]) => [name, gate.value, gate.goal, gate.pass ? 'pass' : 'FAIL']));
}
process.exit(Object.values(gates).every((gate) => gate.pass) ? 0 : 1);
