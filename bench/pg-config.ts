// Question: what does the tuned PostgreSQL configuration (bench/postgresql-tuned.conf) buy over
// PostgreSQL's defaults on this machine class — for the DB-only ceiling and for the service end
// to end — and which of its settings does the buying?
//
// Setting: for each configuration, a private PostgreSQL 15 cluster (initdb in a temp dir on its
// own port, never the machine's shared server on 5432), started, measured and destroyed before
// the next one starts, so each has the machine to itself (as much as a shared machine allows).
// Configurations: `default` (PostgreSQL's defaults; fsync, full_page_writes on), `tuned` (the
// file), with --each also the defaults plus each group of the file's settings alone, and with
// --table-settings also `tuned` plus the per-table storage parameters the file recommends (the
// `ALTER TABLE` lines of its comments, applied after migrating; they belong in a migration).
// Per configuration, same rows and bodies for all, after a prefill of --prefill rows (1M; written
// by the server: the table of a service that has run a while, indexes larger than the default
// shared_buffers, checkpoints already behind it as the configuration spaces them):
//   ceiling — our upsert statement without HTTP, 4 writers, fresh 399-row batches (as in
//             bench/inline-throughput.ts), --seconds;
//   e2e     — `src/api.ts` on that cluster, 8 clients × fresh 399-sample batches, --seconds.
// Also per configuration: checkpoints during the run, WAL and full-page images per sample,
// buffers written by backends (pg_stat_bgwriter), stored rows = samples sent (the correctness
// check). Gate: every phase stored exactly what it was sent, without errors (the settings'
// effects are measurements, not gates; this machine class varies 2× between sessions).
//
// Usage: bun run bench/pg-config.ts [--seconds 10] [--prefill 1000000] [--each] [--table-settings] [--json]
//          [--config bench/postgresql-tuned.conf]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import postgres from 'postgres';
import { createUserTokens } from '../src/auth/user-tokens.ts';
import { DEVELOPMENT_JWT_SECRET } from '../src/config.ts';
import { createDb } from '../src/db/client.ts';
import { startService } from '../test/support/processes.ts';
import { freshDatabaseOn } from './lib/bench-database.ts';
import { closedLoopOver } from './lib/load.ts';
import { machineLine } from './lib/machine.ts';
import { readConfFile, startPrivatePostgres } from './lib/private-postgres.ts';
import { uploadBody } from './lib/sample-bodies.ts';
import { printTable, summarize } from './lib/stats.ts';
import { ceilingBatches, runUpsertCeiling } from './lib/upsert-ceiling.ts';
import { flag, numberOption, stringOption } from './lib/args.ts';

const asJson = flag('--json');
const SECONDS = numberOption('--seconds', 10);
const PREFILL = numberOption('--prefill', 1_000_000);
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
const bodies = Array.from({ length: Math.ceil(SECONDS * 180) }, (_, i) => uploadBody(BIG, Date.UTC(2020, 0, 1) + (i % 1000) * BIG * 60_000));

interface Measured {
  variant: string;
  settings: Record<string, string>;
  ceilingRowsPerSecond: number;
  ceilingP99: number;
  e2eSamplesPerSecond: number;
  e2eP50: number;
  e2eP99: number;
  e2eOfCeiling: number;
  errors: number;
  stored: number;
  expected: number;
  checkpoints: number;
  walBytesPerSample: number;
  fpiPerSample: number;
  backendWritesPerSample: number;
  prefillSeconds: number;
}
const measured: Measured[] = [];

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

async function measure(variant: Variant): Promise<void> {
  say(`${variant.name}: starting a private cluster`);
  const pg = startPrivatePostgres(variant.settings);
  try {
    const { url, sql } = await freshDatabaseOn(pg.serverUrl, 'health_ingest', 1);
    await sql.end();
    const admin = postgres(url, { max: 1, onnotice: () => {} });
    if (variant.tableSettings) for (const statement of tableSettings) await admin.unsafe(statement);
    const prefillSeconds = await prefill(admin, PREFILL);
    const counters0 = await serverCounters(admin);
    const countRows = async () => Number((await admin.unsafe('SELECT count(*)::bigint AS n FROM health_samples'))[0]!.n);

    const writerDb = createDb(url, { max: WRITERS, statementTimeoutMs: 60_000 });
    const ceiling = await runUpsertCeiling(writerDb, rows, WRITERS, SECONDS);
    await writerDb.end();
    const afterCeiling = await countRows();

    const service = await startService('src/api.ts', { DATABASE_URL: url, REDIS_URL: 'redis://127.0.0.1:6379/10', LOG_LEVEL: 'warn' });
    let errors = 0;
    let okSamples = 0;
    const e2e = await closedLoopOver(CLIENTS, SECONDS, bodies.map((body, i) => ({ body, user: i % CLIENTS })), async (request) => {
      try {
        const response = await fetch(`${service.baseUrl}/api/v1/health/samples/batch-upsert`, {
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
    await service.kill('SIGTERM');
    const stored = (await countRows()) - afterCeiling;
    const prefilled = PREFILL;
    const counters1 = await serverCounters(admin);
    await admin.end();
    const samples = ceiling.rows + okSamples;
    const ceilingStats = summarize(ceiling.latenciesMs);
    const e2eStats = summarize(e2e.latenciesMs);
    const e2eRate = okSamples / e2e.elapsedSeconds;
    measured.push({
      variant: variant.name,
      settings: variant.settings,
      ceilingRowsPerSecond: ceiling.rowsPerSecond,
      ceilingP99: ceilingStats.p99,
      e2eSamplesPerSecond: e2eRate,
      e2eP50: e2eStats.p50,
      e2eP99: e2eStats.p99,
      e2eOfCeiling: e2eRate / ceiling.rowsPerSecond,
      errors,
      stored: afterCeiling - prefilled + stored,
      prefillSeconds,
      expected: samples,
      checkpoints: counters1.checkpoints - counters0.checkpoints,
      walBytesPerSample: (counters1.walBytes - counters0.walBytes) / samples,
      fpiPerSample: (counters1.fpi - counters0.fpi) / samples,
      backendWritesPerSample: (counters1.backendWrites - counters0.backendWrites) / samples,
    });
  } finally {
    pg.destroy();
  }
}

for (const variant of variants) await measure(variant);

const base = measured[0]!;
const gates = Object.fromEntries(
  measured.map((m) => [`${m.variant}: no errors, stored = sent`, { value: `${m.errors} errors, ${m.stored} / ${m.expected}`, goal: '0, equal', pass: m.errors === 0 && m.stored === m.expected }]),
);
const passed = Object.values(gates).every((gate) => gate.pass);
if (asJson) {
  console.log(JSON.stringify({ machine: machineLine(), seconds: SECONDS, configFile: CONFIG_FILE, tableSettings, measured, gates, passed }, null, 2));
} else {
  console.log(machineLine());
  console.log(`${SECONDS} s per phase; one private cluster per configuration, one after another; ceiling ${WRITERS} writers, e2e ${CLIENTS} clients × ${BIG}\n`);
  printTable(
    ['configuration', 'ceiling rows/s', '× default', 'e2e samples/s', '× default', 'e2e / ceiling', 'e2e p50 ms', 'e2e p99 ms', 'checkpoints', 'WAL B/sample', 'FPI/1k samples', 'backend writes/1k samples'],
    measured.map((m) => [
      m.variant,
      m.ceilingRowsPerSecond,
      m.ceilingRowsPerSecond / base.ceilingRowsPerSecond,
      m.e2eSamplesPerSecond,
      m.e2eSamplesPerSecond / base.e2eSamplesPerSecond,
      m.e2eOfCeiling,
      m.e2eP50,
      m.e2eP99,
      m.checkpoints,
      m.walBytesPerSample,
      1000 * m.fpiPerSample,
      1000 * m.backendWritesPerSample,
    ]),
  );
  console.log('');
  printTable(['gate', 'measured', 'goal', 'result'], Object.entries(gates).map(([name, g]) => [name, g.value, g.goal, g.pass ? 'pass' : 'FAIL']));
}
process.exit(passed ? 0 : 1);
