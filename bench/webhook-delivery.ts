// Question: at sustained inline ingest, do signed webhooks reach 3 endpoints within 2 s of each
// commit, and what do they cost the ingest?
//
// Load shape (bench/outbox-lag.ts's): a fresh database; the whole service (`bun run src/main.ts`:
// API, queue worker, outbox processor, webhook delivery, cron) as a child process; 8 clients
// (8 users) sending fresh 399-sample batches back to back, in --rounds (default 2) of four phases
// of --seconds each (default 12), ordered off, on, on, off, so that the database growing over
// the run (and other load on the shared machine drifting) weighs on both sides alike: "on" = 3 endpoints subscribed to
// health.samples.changed (receivers on loopback in this process, answering 200 at once); "off" =
// the same endpoints disabled (the sink records nothing, the delivery worker idles). The ratio is
// Σ samples on / Σ samples off over equal times.
// Lag of a delivery = when the receiver got its first copy − the event's time (the body's
// `timestamp`: outbox_events.created_at, the start of the write transaction, so the lag includes
// that transaction): an upper bound from commit to receiver.
// Correctness after the load has drained: every (endpoint, event) delivered exactly as recorded
// (3 per change of the on phase), no delivery left pending, each user's seqs in order at each
// receiver.
// Cost: CPU seconds of the service and of the bench database's PostgreSQL backends per phase
// (bench/lib/cpu-shares.ts), and the database's commits (pg_stat_database), on vs off; their
// on phases' use beyond what their uploads cost in the off phases, per delivery, is what
// delivering costs (the receivers' CPU is the load generator's).
// Gates: p99 lag < 2 s; ingest on ≥ 0.90 × off (samples/s); drained within 30 s of each on phase's end; correct.
// --statements: the database is on a private cluster of the bench's own (PostgreSQL's default
// durability settings, pg_stat_statements loaded: bench/lib/private-postgres.ts) instead of the
// shared server, and a table says which statements the on phases' extra PostgreSQL time went to,
// per delivery (each statement's time per second on, minus off's scaled to the on phases' uploads).
//
// Usage: bun run bench/webhook-delivery.ts [--json] [--seconds N] [--rounds N] [--statements]
import { createUserTokens } from '../src/auth/user-tokens.ts';
import { DEVELOPMENT_JWT_SECRET } from '../src/config.ts';
import { freshBenchDatabase, freshDatabaseOn } from './lib/bench-database.ts';
import { startPrivatePostgres } from './lib/private-postgres.ts';
import { statementLabel, statementTimes, statementTimesBetween, sumStatementTimes, type StatementTimes } from './lib/statement-times.ts';
import { closedLoop } from './lib/load.ts';
import { machineLine } from './lib/machine.ts';
import { historyUploader } from './lib/history-uploads.ts';
import { startServiceProcess } from './lib/service-process.ts';
import { printTable, summarize } from './lib/stats.ts';
import { flag, numberOption } from './lib/args.ts';
import { measureCpuShares, type CpuShares } from './lib/cpu-shares.ts';

const asJson = flag('--json');
const SECONDS = numberOption('--seconds', 12);
const ROUNDS = numberOption('--rounds', 2);
const STATEMENTS = flag('--statements');
const PHASES = Array.from({ length: ROUNDS }, () => ['off', 'on', 'on', 'off'] as const).flat();
const CLIENTS = 8;
const BATCH = 399;
const ENDPOINTS = 3;
const LAG_GOAL_MS = 2000;
const RATIO_GOAL = 0.9;
const DRAIN_TIMEOUT_MS = 30_000;
const ADMIN_KEY = 'bench-webhook-admin-key';

const BENCH_DATABASE = 'health_ingest_bench_webhooks';
const privatePg = STATEMENTS ? startPrivatePostgres({ shared_preload_libraries: "'pg_stat_statements'", 'pg_stat_statements.max': '1000', max_connections: '100' }) : null;
const { url, sql, serverVersion } = privatePg ? await freshDatabaseOn(privatePg.serverUrl, BENCH_DATABASE, 4) : await freshBenchDatabase(BENCH_DATABASE, 4);
if (privatePg) await sql.unsafe('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
const readStatements = async (): Promise<StatementTimes> => (privatePg ? statementTimes(sql, BENCH_DATABASE) : new Map());
const tokens = createUserTokens(DEVELOPMENT_JWT_SECRET);
const users = Array.from({ length: CLIENTS }, () => crypto.randomUUID());
const userTokens = await Promise.all(users.map((userId) => tokens.sign(userId, 3600)));
const service = await startServiceProcess('src/main.ts', { DATABASE_URL: url, ADMIN_API_KEYS: ADMIN_KEY, WEBHOOK_ALLOW_PRIVATE: 'true' });

// ---- receivers: first arrival of each webhook-id, with its lag
interface Arrival {
  lagMs: number;
  userId: string;
  seq: number;
}
const receivers = Array.from({ length: ENDPOINTS }, () => {
  const first = new Map<string, Arrival>();
  const order = new Map<string, number[]>();
  let requests = 0;
  const server = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    async fetch(request) {
      const receivedAt = Date.now();
      const body = JSON.parse(await request.text()) as { timestamp: string; data: { userId: string; minRequiredSeq: number } };
      requests++;
      const id = request.headers.get('webhook-id')!;
      if (!first.has(id)) {
        first.set(id, { lagMs: receivedAt - Date.parse(body.timestamp), userId: body.data.userId, seq: body.data.minRequiredSeq });
        const seqs = order.get(body.data.userId) ?? [];
        seqs.push(body.data.minRequiredSeq);
        order.set(body.data.userId, seqs);
      }
      return new Response('ok');
    },
  });
  return { server, first, order, requests: () => requests };
});

// each client's user gets the next 399 minutes of their own history per batch
const upload = historyUploader(() => service.baseUrl, userTokens, BATCH);
async function phase(seconds: number) {
  return closedLoop(CLIENTS, seconds, upload);
}

const endpointIds: string[] = [];
for (const receiver of receivers) {
  const response = await fetch(`${service.baseUrl}/admin/webhooks`, {
    method: 'POST',
    headers: { 'x-api-key': ADMIN_KEY, 'content-type': 'application/json' },
    body: JSON.stringify({ url: `http://127.0.0.1:${receiver.server.port}/hook`, events: ['health.samples.changed'] }),
  });
  if (response.status !== 201) throw new Error(`registering an endpoint answered ${response.status}`);
  endpointIds.push(((await response.json()) as { id: string }).id);
}

async function setEndpoints(disabled: boolean) {
  for (const id of endpointIds) {
    const response = await fetch(`${service.baseUrl}/admin/webhooks/${id}`, {
      method: 'PATCH',
      headers: { 'x-api-key': ADMIN_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ disabled }),
    });
    if (response.status !== 200) throw new Error(`PATCH answered ${response.status}`);
  }
}

/**
 * Waits until the outbox has applied everything written so far (so a phase's events meet its
 * endpoint state) and the deliveries it recorded are sent: an endpoint disabled for an off phase
 * with deliveries still pending would keep them until it is enabled again (never, after the last
 * phase), and their sending belongs to the on phase's cost.
 */
async function settle(): Promise<{ seconds: number; settled: boolean }> {
  const busy = async () => {
    const [row] = await sql.unsafe(`
      SELECT (SELECT count(*) FROM outbox_events WHERE status = 'pending')::int AS events,
             (SELECT count(*) FROM webhook_deliveries WHERE status = 'pending')::int AS deliveries`);
    return row!.events > 0 || row!.deliveries > 0;
  };
  const started = performance.now();
  let settled = !(await busy());
  while (!settled && performance.now() - started < DRAIN_TIMEOUT_MS) {
    await Bun.sleep(50);
    settled = !(await busy());
  }
  return { seconds: (performance.now() - started) / 1000, settled };
}

type Load = Awaited<ReturnType<typeof phase>>;
const runs: { name: 'on' | 'off'; load: Load; firstEvent: number; lastEvent: number; cpu: CpuShares; commits: number; statements: StatementTimes }[] = [];
const commitsSoFar = async () =>
  Number((await sql.unsafe(`SELECT xact_commit FROM pg_stat_database WHERE datname = $1`, [BENCH_DATABASE]))[0]!.xact_commit);
const lastEventId = async () => Number((await sql.unsafe(`SELECT coalesce(max(id), 0) AS id FROM outbox_events`))[0]!.id);
// the longest wait after an on phase until its deliveries were all sent (the drained gate)
const drains: { seconds: number; settled: boolean }[] = [];
for (const name of PHASES) {
  await settle();
  await setEndpoints(name === 'off');
  const firstEvent = (await lastEventId()) + 1;
  const commits0 = await commitsSoFar();
  const statements0 = await readStatements();
  const shares = measureCpuShares({ db: sql, database: BENCH_DATABASE, servicePids: () => [service.process.pid!] });
  const load = await phase(SECONDS);
  const cpu = await shares.stop();
  const statements = statementTimesBetween(statements0, await readStatements());
  runs.push({ name, load, firstEvent, lastEvent: await lastEventId(), cpu, commits: (await commitsSoFar()) - commits0, statements });
  // an on phase's deliveries go out before the endpoints are disabled (settle(), above)
  if (name === 'on') drains.push(await settle());
}

// ---- drain, then measure and check
drains.push(await settle());
const drainSeconds = Math.max(...drains.map((drain) => drain.seconds));
const drained = drains.every((drain) => drain.settled);
const onRuns = runs.filter((run) => run.name === 'on');
const offRuns = runs.filter((run) => run.name === 'off');
const onEvents = onRuns.reduce((sum, run) => sum + run.lastEvent - run.firstEvent + 1, 0);
const onRanges = onRuns.map((run) => `(event_id BETWEEN ${run.firstEvent} AND ${run.lastEvent})`).join(' OR ');
const [check] = await sql.unsafe(
  `SELECT (SELECT count(*) FROM webhook_deliveries)::int AS deliveries,
          (SELECT count(*) FROM webhook_deliveries WHERE status = 'delivered')::int AS delivered,
          (SELECT count(*) FROM webhook_deliveries WHERE NOT (${onRanges}))::int AS outside_on,
          (SELECT count(*) FROM webhook_attempts)::int AS attempts`,
);
// how many updates of the delivery tables were HOT (no new index entries)
const hot = await sql.unsafe(
  `SELECT relname AS table, n_tup_upd::int AS updates, n_tup_hot_upd::int AS hot FROM pg_stat_user_tables WHERE relname IN ('webhook_deliveries', 'webhook_lanes') ORDER BY relname`,
);
await service.stop();
for (const receiver of receivers) receiver.server.stop(true);
await sql.end();
privatePg?.destroy();

const arrivals = receivers.flatMap((receiver) => [...receiver.first.values()]);
const lag = summarize(arrivals.map((arrival) => arrival.lagMs));
const inOrder = receivers.every((receiver) => [...receiver.order.values()].every((seqs) => seqs.every((seq, i) => i === 0 || seq > seqs[i - 1]!)));
const deliveries = check!.deliveries as number;
const rateOf = (list: typeof runs) =>
  (list.reduce((sum, run) => sum + run.load.requests, 0) * BATCH) / list.reduce((sum, run) => sum + run.load.elapsedSeconds, 0);
const offRate = rateOf(offRuns);
const onRate = rateOf(onRuns);
const ratio = onRate / offRate;
// the drain after the load takes ~0 s: deliveries keep up, so their rate is the on phases'
const deliveriesPerSecond = deliveries / onRuns.reduce((sum, run) => sum + run.load.elapsedSeconds, 0);
// per second of phase, on minus off, over the on phases' deliveries per second
const perSecond = (list: typeof runs, of: (run: (typeof runs)[number]) => number) =>
  list.reduce((sum, run) => sum + of(run), 0) / list.reduce((sum, run) => sum + run.cpu.seconds, 0);
const cost = {
  serviceCpuMsPerSecond: { on: 1000 * perSecond(onRuns, (r) => r.cpu.service), off: 1000 * perSecond(offRuns, (r) => r.cpu.service) },
  postgresCpuMsPerSecond: { on: 1000 * perSecond(onRuns, (r) => r.cpu.postgresBackends), off: 1000 * perSecond(offRuns, (r) => r.cpu.postgresBackends) },
  commitsPerSecond: { on: perSecond(onRuns, (r) => r.commits), off: perSecond(offRuns, (r) => r.commits) },
  loadGeneratorCpuMsPerSecond: { on: 1000 * perSecond(onRuns, (r) => r.cpu.loadGenerator), off: 1000 * perSecond(offRuns, (r) => r.cpu.loadGenerator) },
  postgresBackgroundCpuMsPerSecond: { on: 1000 * perSecond(onRuns, (r) => r.cpu.postgresBackground), off: 1000 * perSecond(offRuns, (r) => r.cpu.postgresBackground) },
};
// the on phases' use beyond their uploads' (at the off phases' cost per upload), per delivery
const uploadsPerSecond = (list: typeof runs) => perSecond(list, (r) => r.load.requests);
const perDelivery = (measure: { on: number; off: number }, scale: number) =>
  (scale * (measure.on - (measure.off / uploadsPerSecond(offRuns)) * uploadsPerSecond(onRuns))) / deliveriesPerSecond;
// per statement: the on phases' execution time beyond the uploads', per delivery (µs), and calls per delivery
const statementCosts = (() => {
  if (!privatePg) return [];
  const on = sumStatementTimes(onRuns.map((run) => run.statements));
  const off = sumStatementTimes(offRuns.map((run) => run.statements));
  const onSeconds = onRuns.reduce((sum, run) => sum + run.cpu.seconds, 0);
  const offSeconds = offRuns.reduce((sum, run) => sum + run.cpu.seconds, 0);
  const scale = uploadsPerSecond(onRuns) / uploadsPerSecond(offRuns);
  const rows = [...new Set([...on.keys(), ...off.keys()])].map((id) => {
    const a = on.get(id);
    const b = off.get(id);
    const extra = (field: 'execMs' | 'calls' | 'blocksDirtied') => ((a?.[field] ?? 0) / onSeconds - ((b?.[field] ?? 0) / offSeconds) * scale) / deliveriesPerSecond;
    return { statement: statementLabel((a ?? b)!.query), execUsPerDelivery: 1000 * extra('execMs'), callsPerDelivery: extra('calls'), blocksDirtiedPerDelivery: extra('blocksDirtied') };
  });
  rows.sort((x, y) => y.execUsPerDelivery - x.execUsPerDelivery);
  return rows;
})();
const correct =
  deliveries === ENDPOINTS * onEvents &&
  check!.delivered === deliveries &&
  check!.outside_on === 0 &&
  arrivals.length === deliveries &&
  inOrder;

const gates = {
  p99Lag: { value: lag.p99, goal: `< ${LAG_GOAL_MS} ms`, pass: lag.p99 < LAG_GOAL_MS },
  ingestWithWebhooks: { value: ratio, goal: `≥ ${RATIO_GOAL} × without`, pass: ratio >= RATIO_GOAL },
  drained: { value: drainSeconds, goal: `≤ ${DRAIN_TIMEOUT_MS / 1000} s after each on phase's load`, pass: drained },
  correct: {
    value: `${onEvents} changes × ${ENDPOINTS} = ${deliveries} deliveries, ${check!.delivered} delivered, ${arrivals.length} received, ${check!.attempts} attempts, in order: ${inOrder}`,
    goal: 'every change at every endpoint once, in seq order per user',
    pass: correct,
  },
};

const row = (name: string, load: Load) => {
  const latency = summarize(load.latenciesMs);
  return [name, load.requests, (load.requests * BATCH) / load.elapsedSeconds, latency.p50, latency.p95, latency.p99];
};

if (asJson) {
  console.log(
    JSON.stringify(
      {
        machine: machineLine({ postgres: serverVersion }),
        seconds: SECONDS,
        ingest: {
          offSamplesPerSecond: offRate,
          onSamplesPerSecond: onRate,
          ratio,
          phases: runs.map((run) => ({ name: run.name, samplesPerSecond: (run.load.requests * BATCH) / run.load.elapsedSeconds, latencyMs: summarize(run.load.latenciesMs) })),
        },
        delivery: { lagMs: lag, deliveries, deliveriesPerSecond, attempts: check!.attempts, receiverRequests: receivers.map((r) => r.requests()) },
        cost: {
          ...cost,
          serviceCpuUsPerDelivery: perDelivery(cost.serviceCpuMsPerSecond, 1000),
          postgresCpuUsPerDelivery: perDelivery(cost.postgresCpuMsPerSecond, 1000),
          commitsPerDelivery: perDelivery(cost.commitsPerSecond, 1),
          hotUpdates: hot,
          ...(privatePg ? { statements: statementCosts } : {}),
        },
        gates,
      },
      null,
      2,
    ),
  );
} else {
  console.log(machineLine({ postgres: serverVersion }));
  console.log(`${SECONDS} s per phase (${PHASES.join(', ')}); ${CLIENTS} clients × ${BATCH}-sample uploads; load generator, receivers, one \`start\` process and PostgreSQL share the machine\n`);
  printTable(
    ['phase', 'uploads', 'samples/s', 'upload p50 ms', 'p95 ms', 'p99 ms'],
    [
      ...runs.map((run, i) => row(`${i + 1}. webhooks ${run.name}${run.name === 'on' ? ` (${ENDPOINTS} endpoints)` : ''}`, run.load)),
      ['all on / all off', '', `${onRate.toFixed(0)} / ${offRate.toFixed(0)} = ${ratio.toFixed(3)}`, '', '', ''],
    ],
  );
  console.log('');
  printTable(
    ['measure', 'n', 'per second', 'p50 ms', 'p95 ms', 'p99 ms'],
    [['deliveries: commit → receiver lag', lag.n, deliveriesPerSecond, lag.p50, lag.p95, lag.p99]],
  );
  console.log('');
  printTable(
    ['cost (per second of phase)', 'webhooks on', 'off', 'beyond the uploads, per delivery'],
    [
      ['service CPU ms', cost.serviceCpuMsPerSecond.on, cost.serviceCpuMsPerSecond.off, `${perDelivery(cost.serviceCpuMsPerSecond, 1000).toFixed(0)} µs`],
      ['PostgreSQL backends CPU ms', cost.postgresCpuMsPerSecond.on, cost.postgresCpuMsPerSecond.off, `${perDelivery(cost.postgresCpuMsPerSecond, 1000).toFixed(0)} µs`],
      ['commits', cost.commitsPerSecond.on, cost.commitsPerSecond.off, perDelivery(cost.commitsPerSecond, 1).toFixed(2)],
      ['load generator CPU ms (receivers in it)', cost.loadGeneratorCpuMsPerSecond.on, cost.loadGeneratorCpuMsPerSecond.off, `${perDelivery(cost.loadGeneratorCpuMsPerSecond, 1000).toFixed(0)} µs`],
      ['PostgreSQL background CPU ms', cost.postgresBackgroundCpuMsPerSecond.on, cost.postgresBackgroundCpuMsPerSecond.off, `${perDelivery(cost.postgresBackgroundCpuMsPerSecond, 1000).toFixed(0)} µs`],
    ],
  );
  console.log(`updates (HOT of them): ${hot.map((t) => `${t.table} ${t.updates} (${t.hot})`).join(', ')}`);
  console.log('');
  if (privatePg) {
    const shown = statementCosts.filter((row) => Math.abs(row.execUsPerDelivery) >= 5 || Math.abs(row.callsPerDelivery) >= 0.05);
    printTable(
      ['statement (private cluster, pg_stat_statements)', 'exec µs per delivery', 'calls per delivery', 'blocks dirtied per delivery'],
      [
        ...shown.map((row) => [row.statement, row.execUsPerDelivery, row.callsPerDelivery.toFixed(2), row.blocksDirtiedPerDelivery.toFixed(2)]),
        ['all statements', statementCosts.reduce((sum, row) => sum + row.execUsPerDelivery, 0), '', ''],
      ],
    );
    console.log('');
  }
  printTable(
    ['gate', 'measured', 'goal', 'result'],
    Object.entries(gates).map(([name, gate]) => [name, gate.value, gate.goal, gate.pass ? 'pass' : 'FAIL']),
  );
}
process.exit(Object.values(gates).every((gate) => gate.pass) ? 0 : 1);
