// Question: what does the outbox processor (daily summaries + the webhook sink, as `start:worker`
// runs it) cost per event and per sample of a backfill, on the service's side and PostgreSQL's?
//
// Load shape: a fresh database; --batches batches of 500 samples from 50 users, written through
// the inline write core (each commit adds one `health.samples.changed` event) while no processor
// runs. Then, per round, every event is put back to pending, the checkpoints and summaries are
// emptied, and the processor (in this process, 4 lanes, the service's sinks) drains them:
//   one per claim       — claims of one event, what a processor that keeps up with a backfill
//                         sees (bench/queue-throughput.ts: 600 events, 600 applies);
//   backlog, oldest 100 — claims of the 100 oldest events, a user's among them applied together
//                         (the claim before it took each user's later events too);
//   backlog             — the default claim: the 100 oldest and up to 50 later events of each of
//                         their users, so a user's backlog is applied in one go.
// CPU of this process and of the database's backends over the drain (/proc), per event and per
// sample; correctness after each: every event processed, summaries count every live sample once.
// --statements: on a private cluster with pg_stat_statements (bench/lib/private-postgres.ts), also
// each statement's execution time per event (planning and protocol not included).
// No gate: an instrument for bench/queue-throughput.ts's worker-process row.
//
// Usage: bun run bench/outbox-cost.ts [--json] [--batches 600] [--rounds 2] [--statements]
import { createLogger } from '../src/log.ts';
import { writeInline } from '../src/ingest/write-inline.ts';
import { createOutboxService } from '../src/start/outbox-service.ts';
import { freshBenchDatabase, freshDatabaseOn } from './lib/bench-database.ts';
import { startPrivatePostgres } from './lib/private-postgres.ts';
import { measureCpuShares } from './lib/cpu-shares.ts';
import { machineLine } from './lib/machine.ts';
import { preparedBatch } from './lib/prepared-batches.ts';
import { printTable } from './lib/stats.ts';
import { flag, numberOption } from './lib/args.ts';

const asJson = flag('--json');
const BATCHES = numberOption('--batches', 600);
const ROUNDS = numberOption('--rounds', 2);
const BATCH = 500;
const USERS = 50;
const STATEMENTS = flag('--statements');
const log = createLogger('silent');

const DATABASE = 'health_ingest_bench_outbox_cost';
const privateServer = STATEMENTS ? startPrivatePostgres({ shared_preload_libraries: "'pg_stat_statements'", 'pg_stat_statements.track': "'all'" }) : null;
const { url, sql, serverVersion } = privateServer ? await freshDatabaseOn(privateServer.serverUrl, DATABASE, 4) : await freshBenchDatabase(DATABASE, 4);
if (STATEMENTS) await sql.unsafe('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');

// as bench/queue-throughput.ts: each user's batches follow one another through their history
const users = Array.from({ length: USERS }, () => crypto.randomUUID());
let next = 0;
await Promise.all(
  Array.from({ length: 4 }, async () => {
    for (let i = next++; i < BATCHES; i = next++) {
      const batch = preparedBatch(users[i % USERS]!, BATCH, Date.UTC(2023, 0, 1) + Math.floor(i / USERS) * BATCH * 60_000);
      const outcome = await writeInline(sql, batch, 300);
      if (outcome.kind !== 'completed') throw new Error(`write ${i}: ${outcome.kind}`);
    }
  }),
);
await sql.unsafe('VACUUM ANALYZE health_samples');

async function reset(): Promise<void> {
  await sql.unsafe("UPDATE outbox_events SET status = 'pending', attempts = 0, available_at = now(), processed_at = NULL");
  await sql.unsafe('TRUNCATE projection_checkpoints, health_daily_summaries');
  await sql.unsafe('VACUUM ANALYZE outbox_events, projection_checkpoints, health_daily_summaries');
}

const pending = async () => Number((await sql.unsafe("SELECT count(*) AS n FROM outbox_events WHERE status <> 'processed'"))[0]!.n);

interface Drain {
  mode: string;
  round: number;
  seconds: number;
  applies: number;
  cpuService: number;
  cpuPostgres: number;
  exact: boolean;
  /** --statements: [statement, calls per event, µs per event], costliest first */
  statements: [string, number, number][];
}
const drains: Drain[] = [];

async function drain(mode: string, round: number, batchSize: number, perUserBatchSize: number): Promise<void> {
  await reset();
  if (STATEMENTS) await sql.unsafe('SELECT pg_stat_statements_reset()');
  const service = createOutboxService(url, log, { batchSize, perUserBatchSize, listen: false, pollIntervalMs: 5 });
  const meter = measureCpuShares({ db: sql as never, database: DATABASE, servicePids: () => [] });
  const started = performance.now();
  await service.start();
  while ((await pending()) > 0) await Bun.sleep(10);
  const seconds = (performance.now() - started) / 1000;
  const cpu = await meter.stop();
  await service.close();
  const statements = STATEMENTS
    ? (
        await sql.unsafe(`
          SELECT regexp_replace(left(regexp_replace(query, '^(\\s*--[^\\n]*\\n)+', ''), 60), '\\s+', ' ', 'g') AS query, calls, total_exec_time
          FROM pg_stat_statements
          WHERE query NOT ILIKE '%pg_stat_statements%' AND query NOT ILIKE '%count(*) AS n FROM outbox_events%'
          ORDER BY total_exec_time DESC LIMIT 12`)
      ).map((row): [string, number, number] => [String(row.query), Number(row.calls) / BATCHES, (1000 * Number(row.total_exec_time)) / BATCHES])
    : [];
  const [check] = await sql.unsafe(`
    SELECT (SELECT count(DISTINCT (user_id, processed_at)) FROM outbox_events)::int AS applies,
           (SELECT count(*) FROM health_samples WHERE deleted_at IS NULL)::bigint AS live,
           (SELECT coalesce(sum(sample_count), 0) FROM health_daily_summaries)::bigint AS summarized`);
  drains.push({
    mode,
    round,
    seconds,
    applies: check!.applies as number,
    cpuService: cpu.loadGenerator,
    cpuPostgres: cpu.postgresBackends,
    statements,
    exact: Number(check!.live) === Number(check!.summarized) && Number(check!.live) === BATCHES * BATCH,
  });
}

for (let round = 1; round <= ROUNDS; round++) {
  // alternating order, so neither mode always runs on the warmer cache
  const modes: [string, number, number][] = [
    ['one per claim', 1, 0],
    ['backlog, oldest 100', 100, 0],
    ['backlog (default claim)', 100, 50],
  ];
  for (const [mode, size, perUser] of round % 2 === 1 ? modes : modes.reverse()) await drain(mode, round, size, perUser);
}
await sql.end();

const samples = BATCHES * BATCH;
const rows = drains.map((d) => [
  d.mode,
  d.round,
  d.applies,
  d.seconds,
  BATCHES / d.seconds,
  (1e6 * d.cpuService) / BATCHES,
  (1e6 * d.cpuPostgres) / BATCHES,
  (1e6 * d.cpuService) / samples,
  (1e6 * d.cpuPostgres) / samples,
  d.exact ? 'yes' : 'NO',
]);
const correct = drains.every((d) => d.exact);
if (asJson) {
  console.log(JSON.stringify({ machine: machineLine({ postgres: serverVersion }), events: BATCHES, samples, drains, correct }, null, 2));
} else {
  console.log(machineLine({ postgres: serverVersion }));
  console.log(`${BATCHES} events of ${BATCH} samples from ${USERS} users; the processor in this process, 4 lanes\n`);
  printTable(
    ['mode', 'round', 'applies', 'seconds', 'events/s', 'service µs/event', 'PostgreSQL µs/event', 'service µs/sample', 'PostgreSQL µs/sample', 'summaries exact'],
    rows,
  );
  for (const d of drains.filter((d) => d.statements.length > 0)) {
    console.log('');
    printTable([`${d.mode}, round ${d.round}: statement`, 'calls per event', 'execution µs per event'], d.statements);
  }
}
process.exit(correct ? 0 : 1);
