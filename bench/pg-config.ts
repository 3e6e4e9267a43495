// Question: what does the tuned PostgreSQL configuration (bench/postgresql-tuned.conf) buy over
// PostgreSQL's defaults on this machine class — for the DB-only ceiling and for the service end
// to end — and which of its settings does the buying?
//
// Setting: for each configuration, a private PostgreSQL 15 cluster (initdb in a temp dir on its
// own port, never the machine's shared server on 5432), each with `src/api.ts` running on it.
// All are up at once (an idle cluster costs no CPU); the measured phases alternate between them,
// round after round (A B, B A, A B, …), so a burst of other work on the shared machine hits every
// configuration alike; the figures are medians over rounds, and "× default" is the median of each
// round's ratio to the default's run next to it.
// Configurations: `default` (PostgreSQL's defaults; fsync, full_page_writes on), `tuned` (the
// file), with --each also the defaults plus each group of the file's settings alone, and with
// --table-settings also `tuned` plus the per-table storage parameters the file recommends (the
// `ALTER TABLE` lines of its comments, applied after migrating; they belong in a migration).
// Before the rounds each cluster gets a prefill of --prefill rows (500k; written by the server
// itself: the table of a service that has run a while, indexes larger than the default
// shared_buffers, checkpoints behind it as the configuration spaces them). Per round, same rows
// and bodies for every configuration:
//   ceiling — our upsert statement without HTTP, 4 writers, fresh 399-row batches (as in
//             bench/inline-throughput.ts), --seconds;
//   e2e     — the service, 8 clients × fresh 399-sample batches, --seconds.
// Also per configuration: checkpoints during the rounds, WAL and full-page images per sample,
// buffers written by backends themselves (pg_stat_bgwriter). Gate: every configuration stored
// exactly the prefill plus what it was sent, without errors (the settings' effects are
// measurements, not gates; this machine class varies 2× between sessions).
//
// Usage: bun run bench/pg-config.ts [--seconds 6] [--rounds 3] [--prefill 500000] [--each] [--table-settings] [--json]
//          [--config bench/postgresql-tuned.conf]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import postgres from 'postgres';
import { createUserTokens } from '../src/auth/user-tokens.ts';
import { DEVELOPMENT_JWT_SECRET } from '../src/config.ts';
import { createDb, type Sql } from '../src/db/client.ts';
import { startService, type ServiceChild } from '../test/support/processes.ts';
import { freshDatabaseOn } from './lib/bench-database.ts';
import { closedLoopOver } from './lib/load.ts';
import { machineLine } from './lib/machine.ts';
import { readConfFile, startPrivatePostgres } from './lib/private-postgres.ts';
import { uploadBody } from './lib/sample-bodies.ts';
import { printTable, summarize } from './lib/stats.ts';
import { ceilingBatches, runUpsertCeiling } from './lib/upsert-ceiling.ts';
import { flag, numberOption, stringOption } from './lib/args.ts';
import { BENCH_RATE_LIMIT } from './lib/service-process.ts';

const asJson = flag('--json');
const SECONDS = numberOption('--seconds', 6);
const PREFILL = numberOption('--prefill', 500_000);
const ROUNDS = numberOption('--rounds', 3);
const CONFIG_FILE = stringOption('--config', join(import.meta.dir, 'postgresql-tuned.conf'));
const CLIENTS = 8;
const WRITERS = 4;
const BIG = 399;
const say = (line: string) => (asJson ? console.error(line) : console.log(line));

const tuned = readConfFile(CONFIG_FILE);
/** The file's `#   ALTER TABLE …;` comment lines, as statements. */
const tableSettings = readFileSync(CONFIG_FILE, 'utf8')
  .split('\n')
  .filter((line) => line.startsWith('#   '))
  .map((line) => line.slice(4).trim())
  .join(' ')
  .split(';')
  .map((statement) => statement.trim())
  .filter((statement) => statement.startsWith('ALTER TABLE'));

// groups of the file's settings, for --each (a setting in no group is measured in "other")
const GROUPS: Record<string, RegExp> = {
  'memory (shared_buffers, wal_buffers, work_mem)': /^(shared_buffers|wal_buffers|work_mem|maintenance_work_mem)$/,
  'checkpoints (max_wal_size, checkpoint_timeout)': /^(max_wal_size|min_wal_size|checkpoint_timeout|checkpoint_completion_target)$/,
  'wal_compression': /^wal_compression$/,
  'background writer': /^bgwriter_/,
  'storage I/O (effective_io_concurrency, random_page_cost)': /^(effective_io_concurrency|maintenance_io_concurrency|random_page_cost)$/,
  'autovacuum': /^autovacuum/,
};
function groupOf(key: string): string {
  return Object.entries(GROUPS).find(([, pattern]) => pattern.test(key))?.[0] ?? 'other';
}

interface Variant {
  name: string;
  settings: Record<string, string>;
  tableSettings: boolean;
}
const variants: Variant[] = [
  { name: 'default', settings: {}, tableSettings: false },
  { name: 'tuned', settings: tuned, tableSettings: false },
];
if (flag('--table-settings')) variants.push({ name: 'tuned + table settings', settings: tuned, tableSettings: true });
if (flag('--each')) {
  const groups = new Map<string, Record<string, string>>();
  for (const [key, value] of Object.entries(tuned)) {
    const group = groupOf(key);
    groups.set(group, { ...groups.get(group), [key]: value });
  }
  for (const [group, settings] of groups) variants.push({ name: `default + ${group}`, settings, tableSettings: false });
}

// ---- the same rows and bodies for every configuration, built before any timing
say(`building rows and bodies…`);
const rows = ceilingBatches(1200, BIG);
const tokens = createUserTokens(DEVELOPMENT_JWT_SECRET);
const users = Array.from({ length: CLIENTS }, () => crypto.randomUUID());
const userTokens = await Promise.all(users.map((user) => tokens.sign(user, 7200)));
// a fresh slice per round: each cluster gets every body once
const bodiesPerRound = Math.ceil(SECONDS * 180);
const bodies = Array.from({ length: ROUNDS * bodiesPerRound }, (_, i) => uploadBody(BIG, Date.UTC(2020, 0, 1) + (i % 1000) * BIG * 60_000));

interface Stand {
  variant: Variant;
  pg: ReturnType<typeof startPrivatePostgres>;
  admin: postgres.Sql;
  writerDb: Sql;
  service: ServiceChild;
  prefillSeconds: number;
}
interface RoundResult {
  variant: string;
  round: number;
  ceilingRowsPerSecond: number;
  e2eSamplesPerSecond: number;
  e2eLatenciesMs: number[];
  errors: number;
  ceilingRows: number;
  okSamples: number;
  counters: { checkpoints: number; backendWrites: number; walBytes: number; fpi: number };
}

/**
 * A table of realistic size before measuring: `rows` samples of 1,000 other users, written by
 * the server itself (fast), so the indexes outgrow the default shared_buffers and the WAL of the
 * fill has triggered the checkpoints the configuration makes (steady state, not a fresh cluster).
 */
async function prefill(db: postgres.Sql, rows: number): Promise<number> {
  const started = performance.now();
  const chunk = 250_000;
  for (let done = 0; done < rows; done += chunk) {
    await db.unsafe(
      `INSERT INTO health_samples (user_id, source_id, source_record_id, start_at, end_at, metric_code, value_kind, value, unit,
                                   timezone_offset_minutes, timezone_source, local_date, metadata, received_at, changed_seq)
       SELECT ('00000000-0000-4000-8000-' || lpad(to_hex(g % 1000), 12, '0'))::uuid, 'com.apple.health.prefill', gen_random_uuid()::text,
              t, t + interval '1 minute', (ARRAY['heart_rate','steps','distance','active_energy'])[1 + g % 4],
              CASE WHEN g % 4 = 0 THEN 'SCALAR_NUM' ELSE 'CUMULATIVE_NUM' END, 50 + g % 100, (ARRAY['count/min','count','m','kcal'])[1 + g % 4],
              60, 'sample', (t + interval '1 hour')::date, '{"deviceModel": "Watch7,1", "osVersion": "17.4", "wasUserEntered": false}'::jsonb, now(), 1
       FROM generate_series($1::bigint, $2::bigint) g, LATERAL (SELECT timestamptz '2019-01-01' + g * interval '1 minute' AS t) times`,
      [done, Math.min(rows, done + chunk) - 1],
    );
  }
  await db.unsafe('VACUUM ANALYZE health_samples');
  return (performance.now() - started) / 1000;
}

async function serverCounters(db: postgres.Sql) {
  const [row] = await db.unsafe(`SELECT (SELECT checkpoints_timed + checkpoints_req FROM pg_stat_bgwriter)::bigint AS checkpoints,
                                        (SELECT buffers_backend FROM pg_stat_bgwriter)::bigint AS backend_writes,
                                        (SELECT wal_bytes FROM pg_stat_wal)::bigint AS wal_bytes,
                                        (SELECT wal_fpi FROM pg_stat_wal)::bigint AS wal_fpi`);
  return { checkpoints: Number(row!.checkpoints), backendWrites: Number(row!.backend_writes), walBytes: Number(row!.wal_bytes), fpi: Number(row!.wal_fpi) };
}

async function setUp(variant: Variant): Promise<Stand> {
  say(`${variant.name}: private cluster, migrate, prefill ${PREFILL.toLocaleString('en-US')} rows`);
  const pg = startPrivatePostgres(variant.settings);
  const { url, sql } = await freshDatabaseOn(pg.serverUrl, 'health_ingest', 1);
  await sql.end();
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  if (variant.tableSettings) for (const statement of tableSettings) await admin.unsafe(statement);
  const prefillSeconds = await prefill(admin, PREFILL);
  const writerDb = createDb(url, { max: WRITERS, statementTimeoutMs: 60_000 });
  const service = await startService('src/api.ts', { DATABASE_URL: url, REDIS_URL: 'redis://127.0.0.1:6379/10', LOG_LEVEL: 'warn', USER_RATE_LIMIT_PER_MINUTE: BENCH_RATE_LIMIT });
  return { variant, pg, admin, writerDb, service, prefillSeconds };
}

async function tearDown(stand: Stand): Promise<void> {
  await stand.service.kill('SIGTERM');
  await stand.writerDb.end();
  await stand.admin.end();
  stand.pg.destroy();
}

async function measureRound(stand: Stand, round: number): Promise<RoundResult> {
  const before = await serverCounters(stand.admin);
  const ceiling = await runUpsertCeiling(stand.writerDb, rows, WRITERS, SECONDS);
  let errors = 0;
  let okSamples = 0;
  const slice = bodies.slice(round * bodiesPerRound, (round + 1) * bodiesPerRound).map((body, i) => ({ body, user: i % CLIENTS }));
  const e2e = await closedLoopOver(CLIENTS, SECONDS, slice, async (request) => {
    try {
      const response = await fetch(`${stand.service.baseUrl}/api/v1/health/samples/batch-upsert`, {
        method: 'POST',
        headers: { authorization: `Bearer ${userTokens[request.user]}`, 'content-type': 'application/json' },
        body: request.body,
        signal: AbortSignal.timeout(60_000),
      });
      await response.arrayBuffer();
      if (response.status === 200) okSamples += BIG;
      else errors++;
    } catch {
      errors++;
    }
  });
  const after = await serverCounters(stand.admin);
  return {
    variant: stand.variant.name,
    round,
    ceilingRowsPerSecond: ceiling.rowsPerSecond,
    e2eSamplesPerSecond: okSamples / e2e.elapsedSeconds,
    e2eLatenciesMs: e2e.latenciesMs,
    errors,
    ceilingRows: ceiling.rows,
    okSamples,
    counters: {
      checkpoints: after.checkpoints - before.checkpoints,
      backendWrites: after.backendWrites - before.backendWrites,
      walBytes: after.walBytes - before.walBytes,
      fpi: after.fpi - before.fpi,
    },
  };
}

// every configuration's cluster is up (idle ones cost no CPU); rounds alternate between them, so
// a burst of other work on the shared machine hits every configuration alike
const stands: Stand[] = [];
const results: RoundResult[] = [];
const correctness: Record<string, { value: string; goal: string; pass: boolean }> = {};
try {
  for (const variant of variants) stands.push(await setUp(variant));
  for (let round = 0; round < ROUNDS; round++) {
    for (const stand of round % 2 === 0 ? stands : [...stands].reverse()) {
      say(`round ${round + 1}/${ROUNDS}: ${stand.variant.name}`);
      results.push(await measureRound(stand, round));
    }
  }
  for (const stand of stands) {
    const mine = results.filter((r) => r.variant === stand.variant.name);
    const expected = PREFILL + mine.reduce((sum, r) => sum + r.ceilingRows + r.okSamples, 0);
    const stored = Number((await stand.admin.unsafe('SELECT count(*)::bigint AS n FROM health_samples'))[0]!.n);
    const errors = mine.reduce((sum, r) => sum + r.errors, 0);
    correctness[`${stand.variant.name}: no errors, stored = prefill + sent`] = { value: `${errors} errors, ${stored} / ${expected}`, goal: '0, equal', pass: errors === 0 && stored === expected };
  }
} finally {
  for (const stand of stands) await tearDown(stand);
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length % 2 === 1 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
};
const baseName = variants[0]!.name;
const summary = variants.map((variant) => {
  const mine = results.filter((r) => r.variant === variant.name);
  const base = results.filter((r) => r.variant === baseName);
  const samples = mine.reduce((sum, r) => sum + r.ceilingRows + r.okSamples, 0);
  const e2e = summarize(mine.flatMap((r) => r.e2eLatenciesMs));
  return {
    variant: variant.name,
    settings: variant.settings,
    prefillSeconds: stands.find((s) => s.variant === variant)?.prefillSeconds ?? Number.NaN,
    ceilingRowsPerSecond: median(mine.map((r) => r.ceilingRowsPerSecond)),
    // the same round's default run is the fairest comparison on a shared machine
    ceilingVsDefault: median(mine.map((r, i) => r.ceilingRowsPerSecond / base[i]!.ceilingRowsPerSecond)),
    e2eSamplesPerSecond: median(mine.map((r) => r.e2eSamplesPerSecond)),
    e2eVsDefault: median(mine.map((r, i) => r.e2eSamplesPerSecond / base[i]!.e2eSamplesPerSecond)),
    e2eOfCeiling: median(mine.map((r) => r.e2eSamplesPerSecond / r.ceilingRowsPerSecond)),
    e2eP50: e2e.p50,
    e2eP99: e2e.p99,
    checkpoints: mine.reduce((sum, r) => sum + r.counters.checkpoints, 0),
    walBytesPerSample: mine.reduce((sum, r) => sum + r.counters.walBytes, 0) / samples,
    fpiPer1kSamples: (1000 * mine.reduce((sum, r) => sum + r.counters.fpi, 0)) / samples,
    backendWritesPer1kSamples: (1000 * mine.reduce((sum, r) => sum + r.counters.backendWrites, 0)) / samples,
  };
});
const passed = Object.values(correctness).every((gate) => gate.pass);
if (asJson) {
  console.log(JSON.stringify({ machine: machineLine(), seconds: SECONDS, rounds: ROUNDS, prefill: PREFILL, configFile: CONFIG_FILE, tableSettings, summary, results: results.map(({ e2eLatenciesMs, ...rest }) => rest), gates: correctness, passed }, null, 2));
} else {
  console.log(machineLine());
  console.log(`${ROUNDS} rounds × ${SECONDS} s per phase, configurations alternating; medians over rounds; ceiling ${WRITERS} writers, e2e ${CLIENTS} clients × ${BIG}; prefill ${PREFILL.toLocaleString('en-US')} rows\n`);
  printTable(
    ['configuration', 'ceiling rows/s', '× default', 'e2e samples/s', '× default', 'e2e / ceiling', 'e2e p50 ms', 'e2e p99 ms', 'checkpoints', 'WAL B/sample', 'FPI/1k samples', 'backend writes/1k samples'],
    summary.map((m) => [m.variant, m.ceilingRowsPerSecond, m.ceilingVsDefault, m.e2eSamplesPerSecond, m.e2eVsDefault, m.e2eOfCeiling, m.e2eP50, m.e2eP99, m.checkpoints, m.walBytesPerSample, m.fpiPer1kSamples, m.backendWritesPer1kSamples]),
  );
  console.log('');
  printTable(['round', 'configuration', 'ceiling rows/s', 'e2e samples/s'], results.map((r) => [String(r.round + 1), r.variant, r.ceilingRowsPerSecond, r.e2eSamplesPerSecond]));
  console.log('');
  printTable(['gate', 'measured', 'goal', 'result'], Object.entries(correctness).map(([name, g]) => [name, g.value, g.goal, g.pass ? 'pass' : 'FAIL']));
}
process.exit(passed ? 0 : 1);
