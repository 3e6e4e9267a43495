// Question: what does one sample cost PostgreSQL — in our inline upsert statement and in rawpg's
// (../shared/peers/rawpg) on the same rows — and how many statements and round trips does one
// request take in each service? This says what to cut: index set, column order, row width, jsonb,
// the conflict clause, statements per request.
//
// Setting: a private PostgreSQL 15 cluster (initdb, own port; PostgreSQL's default durability
// settings) with pg_stat_statements loaded, so statistics can be reset and nothing else writes.
// Two databases: ours (sql/migrations) and rawpg's (its migrations/001_init.sql, read from
// ../shared/peers/rawpg). The same rows (B batches of 399 realistic samples, normalized by our
// domain code) go through each statement, one writer, one transaction per batch, in 3 scenarios:
//   insert   — fresh keys;
//   update   — the same keys again, every value changed, received later;
//   identical — the same keys with the same values again (ours skips them: `unchanged`).
// Before each measured pass: CHECKPOINT (both pay the same full-page images after it) and reset
// statistics. Figures per sample: WAL bytes / records / full-page images (pg_stat_wal),
// shared buffers hit / read / dirtied / written and execution time (pg_stat_statements), the
// writing backend's CPU for the whole transactions (/proc: not stretched by a busy machine), heap and
// index tuples (pg_stat_user_tables: non-HOT updates add an entry to every index), index and heap
// bytes per row, the row's width (pg_column_size). Then EXPLAIN (ANALYZE, BUFFERS, WAL) of one
// batch of each statement and scenario (rolled back). Then per request, through the real
// services (our `src/api.ts`, rawpg's installed copy) behind a counting proxy: statements
// (pg_stat_statements calls, BEGIN/COMMIT included), round trips (client turns), the whole
// request's WAL per sample and PostgreSQL's execution time per request.
// No gates: an instrument. Exits non-zero only when a statement stored the wrong row count.
//
// rawpg's statement is its own text (read from its src/health/batch-upsert.ts) sent through
// postgres.js with the same parameters rawpg builds (its enum arrays as text elements; jsonb
// as objects, which is what pg's text encoding stores too).
//
// Usage: bun run bench/pg-cost.ts [--batches 40] [--requests 40] [--no-services] [--peers-dir ../shared/peers] [--json]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import postgres from 'postgres';
import { startService } from '../test/support/processes.ts';
import { createUserTokens } from '../src/auth/user-tokens.ts';
import { statement } from '../src/db/sql-files.ts';
import { dedupeSamplesByKey } from '../src/domain/ingest/sample-keys.ts';
import type { NormalizedSample } from '../src/domain/types.ts';
import { upsertSamples } from '../src/ingest/sample-writes.ts';
import { freshDatabaseOn } from './lib/bench-database.ts';
import { machineLine } from './lib/machine.ts';
import { processCpuSeconds } from './lib/cpu-shares.ts';
import { preparedFromText } from './lib/prepared-batches.ts';
import { installPeer, PEERS_DIR, startPeer } from './lib/peer-services.ts';
import { startPrivatePostgres } from './lib/private-postgres.ts';
import { statementsPerRequest, type PerRequest } from './lib/statements-per-request.ts';
import { uploadBody } from './lib/sample-bodies.ts';
import { printTable } from './lib/stats.ts';
import { flag, numberOption } from './lib/args.ts';
import { BENCH_RATE_LIMIT } from './lib/service-process.ts';

const asJson = flag('--json');
const BATCHES = numberOption('--batches', 40);
const REQUESTS = numberOption('--requests', 40);
const BATCH = 399;
const say = (line: string) => (asJson ? console.error(line) : console.log(line));

const pg = startPrivatePostgres({
  shared_preload_libraries: "'pg_stat_statements'",
  'pg_stat_statements.track': "'all'",
  track_io_timing: 'on',
  track_wal_io_timing: 'on',
});
say(`private cluster on port ${pg.port}`);

const ours = await freshDatabaseOn(pg.serverUrl, 'cost_ours', 1);
await ours.sql.end();
const admin = postgres(`${pg.serverUrl}/postgres`, { max: 1, onnotice: () => {} });
await admin.unsafe('CREATE DATABASE cost_rawpg');
await admin.end();
const RAWPG_DIR = join(PEERS_DIR, 'rawpg');
const rawMigrate = postgres(`${pg.serverUrl}/cost_rawpg`, { max: 1, onnotice: () => {} });
await rawMigrate.unsafe(readFileSync(join(RAWPG_DIR, 'migrations', '001_init.sql'), 'utf8'));
await rawMigrate.end();
// connected after the schema exists: postgres.js learns the enum array types at connect
const oursDb = postgres(`${pg.serverUrl}/cost_ours`, { max: 1, onnotice: () => {} });
const rawDb = postgres(`${pg.serverUrl}/cost_rawpg`, { max: 1, onnotice: () => {} });
for (const db of [oursDb, rawDb]) await db.unsafe('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
// each side's one connection is one backend process, whose CPU a pass reads from /proc
const backendPid = async (db: postgres.Sql) => Number((await db.unsafe('SELECT pg_backend_pid() AS pid'))[0]!.pid);
const backendPids: Record<'ours' | 'rawpg', number> = { ours: await backendPid(oursDb), rawpg: await backendPid(rawDb) };
const serverVersion = String((await oursDb.unsafe('SHOW server_version'))[0]!.server_version).split(' ')[0];

const rawSource = readFileSync(join(RAWPG_DIR, 'src', 'health', 'batch-upsert.ts'), 'utf8');
const RAWPG_UPSERT = /const UPSERT_SAMPLES = `([\s\S]*?)`;/.exec(rawSource)?.[1];
if (!RAWPG_UPSERT) throw new Error('rawpg UPSERT_SAMPLES not found in its batch-upsert.ts');

// ---- the same rows for both
function normalizedBatch(text: string): NormalizedSample[] {
  return dedupeSamplesByKey(preparedFromText(crypto.randomUUID(), text).valid);
}
const userIds = Array.from({ length: BATCHES }, () => crypto.randomUUID());
const batches = userIds.map((_, i) => normalizedBatch(uploadBody(BATCH, Date.UTC(2021, 0, 1) + i * BATCH * 60_000)));
const changed = batches.map((rows) => rows.map((row) => ({ ...row, value: row.value === null ? null : row.value + 1, metadata: { ...row.metadata, osVersion: '17.5' } })));

type Side = 'ours' | 'rawpg';
async function writeBatch(side: Side, db: postgres.Sql, userId: string, rows: NormalizedSample[], receivedAt: Date): Promise<number> {
  if (side === 'ours') {
    const written = await db.begin((tx) => upsertSamples(tx as never, userId, receivedAt, rows));
    return written.length;
  }
  const cols = [
    rows.map((s) => s.sourceId), rows.map((s) => s.sourceRecordId), rows.map((s) => s.metricCode), rows.map((s) => s.valueKind),
    rows.map((s) => s.value), rows.map((s) => s.unit), rows.map((s) => s.categoryCode), rows.map((s) => s.durationSeconds),
    rows.map((s) => new Date(s.startAtMs).toISOString()), rows.map((s) => new Date(s.endAtMs).toISOString()),
    rows.map((s) => s.timezoneOffsetMinutes), rows.map((s) => s.timezoneSource), rows.map((s) => s.localDate),
    rows.map((s) => s.metadata), rows.map((s) => s.sourceVersion),
  ];
  const result = await db.begin((tx) => tx.unsafe(RAWPG_UPSERT!, [userId, ...cols] as never[], { prepare: true }));
  return result.count;
}

interface Pass {
  side: Side;
  scenario: string;
  rows: number;
  written: number;
  walBytes: number;
  walRecords: number;
  walFpi: number;
  blksHit: number;
  blksRead: number;
  blksDirtied: number;
  blksWritten: number;
  execMs: number;
  /** the writing backend's CPU (utime + stime from /proc, 10 ms ticks): unlike execMs, not stretched by a busy machine */
  backendCpuMs: number;
  tupIns: number;
  tupUpd: number;
  tupHotUpd: number;
  indexes: number;
}

async function tableStats(db: postgres.Sql) {
  await db.unsafe('SELECT pg_stat_force_next_flush()');
  await db.unsafe('SELECT 1');
  await db.unsafe('SELECT pg_stat_clear_snapshot()');
  const [t] = await db.unsafe(`SELECT n_tup_ins::bigint AS ins, n_tup_upd::bigint AS upd, n_tup_hot_upd::bigint AS hot
                               FROM pg_stat_user_tables WHERE relname = 'health_samples'`);
  return { ins: Number(t!.ins), upd: Number(t!.upd), hot: Number(t!.hot) };
}

async function pass(side: Side, scenario: string, rowsOf: (i: number) => NormalizedSample[], receivedAt: Date): Promise<Pass> {
  const db = side === 'ours' ? oursDb : rawDb;
  await db.unsafe('CHECKPOINT');
  await db.unsafe("SELECT pg_stat_reset_shared('wal')");
  await db.unsafe('SELECT pg_stat_statements_reset()');
  const before = await tableStats(db);
  const backend = backendPids[side];
  const cpuBefore = processCpuSeconds(backend)!;
  let written = 0;
  for (let i = 0; i < BATCHES; i++) written += await writeBatch(side, db, userIds[i]!, rowsOf(i), receivedAt);
  const backendCpuMs = (processCpuSeconds(backend)! - cpuBefore) * 1000;
  const after = await tableStats(db);
  const [wal] = await db.unsafe('SELECT wal_records::bigint AS records, wal_fpi::bigint AS fpi, wal_bytes::bigint AS bytes FROM pg_stat_wal');
  const [st] = await db.unsafe(`
    SELECT sum(calls)::bigint AS calls, sum(shared_blks_hit)::bigint AS hit, sum(shared_blks_read)::bigint AS read,
           sum(shared_blks_dirtied)::bigint AS dirtied, sum(shared_blks_written)::bigint AS written,
           sum(total_exec_time) AS exec_ms
    FROM pg_stat_statements WHERE query ILIKE '%INSERT INTO health_samples%'`);
  const [ix] = await db.unsafe("SELECT count(*)::int AS n FROM pg_index WHERE indrelid = 'health_samples'::regclass");
  return {
    side,
    scenario,
    rows: BATCHES * BATCH,
    written,
    walBytes: Number(wal!.bytes),
    walRecords: Number(wal!.records),
    walFpi: Number(wal!.fpi),
    blksHit: Number(st!.hit),
    blksRead: Number(st!.read),
    blksDirtied: Number(st!.dirtied),
    blksWritten: Number(st!.written),
    execMs: Number(st!.exec_ms),
    backendCpuMs,
    tupIns: after.ins - before.ins,
    tupUpd: after.upd - before.upd,
    tupHotUpd: after.hot - before.hot,
    indexes: Number(ix!.n),
  };
}

say(`${BATCHES} batches × ${BATCH} rows per pass`);
const passes: Pass[] = [];
const t0 = new Date('2026-11-01T00:00:00Z');
const t1 = new Date('2026-11-02T00:00:00Z');
const t2 = new Date('2026-11-03T00:00:00Z');
for (const side of ['ours', 'rawpg'] as const) {
  passes.push(await pass(side, 'insert', (i) => batches[i]!, t0));
  passes.push(await pass(side, 'update', (i) => changed[i]!, t1));
  passes.push(await pass(side, 'identical', (i) => changed[i]!, t2));
}

// ---- row width and bytes per row (after the passes: every row written, then updated)
async function widths(db: postgres.Sql) {
  await db.unsafe('VACUUM ANALYZE health_samples');
  const [row] = await db.unsafe(`SELECT avg(pg_column_size(t.*))::float8 AS row_bytes, count(*)::bigint AS n,
                                        avg(pg_column_size(t.metadata))::float8 AS metadata_bytes FROM health_samples t`);
  const indexes = await db.unsafe(`SELECT c.relname AS name, pg_relation_size(c.oid)::bigint AS bytes, pg_get_indexdef(c.oid) AS def
                                   FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                                   WHERE i.indrelid = 'health_samples'::regclass ORDER BY c.relname`);
  const [heap] = await db.unsafe("SELECT pg_relation_size('health_samples')::bigint AS bytes");
  const n = Number(row!.n);
  // index entries per row: each index's tuples after VACUUM (a partial index holds fewer)
  const [entries] = await db.unsafe(`SELECT sum(c.reltuples)::float8 / nullif(max(h.reltuples), 0)::float8 AS per_row
                                     FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class h ON h.oid = i.indrelid
                                     WHERE i.indrelid = 'health_samples'::regclass`);
  return {
    rows: n,
    indexEntriesPerRow: Number(entries!.per_row),
    rowBytes: Number(row!.row_bytes),
    metadataBytes: Number(row!.metadata_bytes),
    heapBytesPerRow: Number(heap!.bytes) / n,
    indexes: indexes.map((ix) => ({ name: String(ix.name), bytesPerRow: Number(ix.bytes) / n, def: String(ix.def) })),
  };
}
const width = { ours: await widths(oursDb), rawpg: await widths(rawDb) };

// ---- EXPLAIN (ANALYZE, BUFFERS, WAL) of one batch per statement and scenario, rolled back
async function explain(side: Side, rows: NormalizedSample[], userId: string, receivedAt: Date): Promise<string[]> {
  const db = side === 'ours' ? oursDb : rawDb;
  const lines: string[] = [];
  class Rollback extends Error {}
  await db
    .begin(async (tx) => {
      const capture = (query: string, params: unknown[]) =>
        tx.unsafe(`EXPLAIN (ANALYZE, BUFFERS, WAL, COSTS OFF) ${query}`, params as never[]).then((r) => lines.push(...r.map((x) => String(x['QUERY PLAN']))));
      if (side === 'ours') {
        // the statement our wrapper runs, with the wrapper's parameters
        const statementText = statement('ingest/upsert_samples'); // with its @include fragments, as the service loads it
        const params = oursParams(userId, receivedAt, rows);
        await capture(statementText, params);
      } else {
        await capture(RAWPG_UPSERT!, rawParams(userId, rows));
      }
      throw new Rollback();
    })
    .catch((error) => {
      if (!(error instanceof Rollback)) throw error;
    });
  return lines;
}
function oursParams(userId: string, receivedAt: Date, rows: NormalizedSample[]): unknown[] {
  return [
    userId, receivedAt.toISOString(), rows.map((r) => r.sourceId), rows.map((r) => r.sourceRecordId),
    rows.map((r) => new Date(r.startAtMs).toISOString()), rows.map((r) => new Date(r.endAtMs).toISOString()),
    rows.map((r) => r.metricCode), rows.map((r) => r.valueKind), rows.map((r) => r.value), rows.map((r) => r.unit),
    rows.map((r) => r.categoryCode), rows.map((r) => r.durationSeconds), rows.map((r) => r.timezoneOffsetMinutes),
    rows.map((r) => r.timezoneSource), rows.map((r) => r.localDate), rows.map((r) => r.metadata), rows.map((r) => r.sourceVersion),
  ];
}
function rawParams(userId: string, rows: NormalizedSample[]): unknown[] {
  return [
    userId, rows.map((s) => s.sourceId), rows.map((s) => s.sourceRecordId), rows.map((s) => s.metricCode), rows.map((s) => s.valueKind),
    rows.map((s) => s.value), rows.map((s) => s.unit), rows.map((s) => s.categoryCode), rows.map((s) => s.durationSeconds),
    rows.map((s) => new Date(s.startAtMs).toISOString()), rows.map((s) => new Date(s.endAtMs).toISOString()),
    rows.map((s) => s.timezoneOffsetMinutes), rows.map((s) => s.timezoneSource), rows.map((s) => s.localDate),
    rows.map((s) => s.metadata), rows.map((s) => s.sourceVersion),
  ];
}
const freshUser = crypto.randomUUID();
const freshRows = normalizedBatch(uploadBody(BATCH, Date.UTC(2022, 0, 1)));
const plans: Record<string, string[]> = {};
for (const side of ['ours', 'rawpg'] as const) {
  plans[`${side} insert`] = await explain(side, freshRows, freshUser, new Date('2026-11-04T00:00:00Z'));
  plans[`${side} update`] = await explain(side, batches[0]!.map((r) => ({ ...r, value: r.value === null ? null : r.value + 2 })), userIds[0]!, new Date('2026-11-05T00:00:00Z'));
}

// ---- statements and round trips per request, through the real services
const perRequest: PerRequest[] = [];
if (!flag('--no-services')) {
  const secret = 'pg-cost-bench-secret-0123456789abcdef';
  const tokens = createUserTokens(secret);
  const user = crypto.randomUUID();
  const token = await tokens.sign(user, 3600);
  const bodies = Array.from({ length: REQUESTS + 5 }, (_, i) => uploadBody(BATCH, Date.UTC(2023, 0, 1) + i * BATCH * 60_000));
  await freshDatabaseOn(pg.serverUrl, 'cost_service_ours', 1).then((d) => d.sql.end());
  const measure = (service: string, database: string, start: (url: string) => Promise<{ baseUrl: string; stop(): Promise<void> }>) =>
    statementsPerRequest({ service, pg, database, token, bodies, batchRows: BATCH, start }).then((r) => perRequest.push(r));
  await measure('health-ingest (src/api.ts)', 'cost_service_ours', async (url) => {
    const child = await startService('src/api.ts', { DATABASE_URL: url, JWT_SECRET: secret, REDIS_URL: 'redis://127.0.0.1:6379/11', LOG_LEVEL: 'warn', USER_RATE_LIMIT_PER_MINUTE: BENCH_RATE_LIMIT });
    return { baseUrl: child.baseUrl, stop: () => child.kill('SIGTERM') };
  });
  const { dir } = installPeer('rawpg', { log: say });
  await measure('rawpg', 'cost_service_rawpg', async (url) => {
    const peer = await startPeer('rawpg', dir, { DATABASE_URL: url, JWT_SECRET: secret, DB_POOL_SIZE: 16 });
    return { baseUrl: peer.baseUrl, stop: peer.stop };
  });
}
await oursDb.end();
await rawDb.end();

// ---- output
const perSample = (p: Pass) => ({
  'WAL bytes': p.walBytes / p.rows,
  'WAL records': p.walRecords / p.rows,
  'full-page images': p.walFpi / p.rows,
  'buffers hit': p.blksHit / p.rows,
  'buffers read': p.blksRead / p.rows,
  'buffers dirtied': p.blksDirtied / p.rows,
  'buffers written': p.blksWritten / p.rows,
  'exec µs': (1000 * p.execMs) / p.rows,
  'backend CPU µs (whole transaction)': (1000 * p.backendCpuMs) / p.rows,
  'heap tuples written': (p.tupIns + p.tupUpd) / p.rows,
  // an insert and a non-HOT update add an entry to every index whose predicate holds
  'index entries added': ((p.tupIns + p.tupUpd - p.tupHotUpd) * width[p.side].indexEntriesPerRow) / p.rows,
  'HOT updates': p.tupHotUpd / p.rows,
  'rows written (RETURNING / count)': p.written / p.rows,
});
const scenarios = ['insert', 'update', 'identical'];
const metricNames = Object.keys(perSample(passes[0]!));
const sideBySide = metricNames.map((metric) => [
  metric,
  ...scenarios.flatMap((scenario) => (['ours', 'rawpg'] as const).map((side) => perSample(passes.find((p) => p.side === side && p.scenario === scenario)!)[metric as keyof ReturnType<typeof perSample>])),
]);
// ours writes nothing for identical rows (unchanged); rawpg rewrites every row
const expectedWritten = (p: Pass) => (p.side === 'ours' && p.scenario === 'identical' ? 0 : p.rows);
const correct = passes.every((p) => p.written === expectedWritten(p));

if (asJson) {
  console.log(JSON.stringify({ machine: machineLine({ postgres: String(serverVersion) }), batches: BATCHES, batchRows: BATCH, passes, perSample: sideBySide, width, plans, perRequest, correct }, null, 2));
} else {
  console.log(machineLine({ postgres: String(serverVersion) }));
  console.log(`private cluster (default config + pg_stat_statements); ${BATCHES} × ${BATCH}-row batches, 1 writer, one transaction each\n`);
  printTable(['per sample', ...scenarios.flatMap((s) => [`${s}: ours`, `${s}: rawpg`])], sideBySide as (string | number)[][]);
  console.log('');
  printTable(['row and indexes (bytes per row)', 'ours', 'rawpg'], [
    ['row width (pg_column_size)', width.ours.rowBytes, width.rawpg.rowBytes],
    ['  of which metadata jsonb', width.ours.metadataBytes, width.rawpg.metadataBytes],
    ['heap bytes per row (after VACUUM)', width.ours.heapBytesPerRow, width.rawpg.heapBytesPerRow],
    ['indexes', width.ours.indexes.length, width.rawpg.indexes.length],
    ['index entries per live row', width.ours.indexEntriesPerRow, width.rawpg.indexEntriesPerRow],
    ['index bytes per row, all', width.ours.indexes.reduce((s, i) => s + i.bytesPerRow, 0), width.rawpg.indexes.reduce((s, i) => s + i.bytesPerRow, 0)],
  ]);
  for (const side of ['ours', 'rawpg'] as const) for (const ix of width[side].indexes) console.log(`  ${side}: ${ix.bytesPerRow.toFixed(1)} B/row  ${ix.def}`);
  console.log('');
  if (perRequest.length > 0) {
    printTable(
      ['per 399-sample request (sequential)', 'statements', 'round trips', 'bytes to server', 'WAL B/sample', 'exec ms/request'],
      perRequest.map((r) => [r.service, r.statementsPerRequest, r.roundTripsPerRequest, r.bytesToServerPerRequest, r.walBytesPerSample, r.execMsPerRequest]),
    );
    for (const r of perRequest) for (const s of r.statements) console.log(`  ${r.service}: ${s.callsPerRequest.toFixed(2)} × ${s.query}`);
    console.log('');
  }
  for (const [name, lines] of Object.entries(plans)) console.log(`EXPLAIN (ANALYZE, BUFFERS, WAL) — ${name}\n  ${lines.join('\n  ')}\n`);
  console.log(`rows written as expected in every pass: ${correct ? 'yes' : 'NO'}`);
}
process.exit(correct ? 0 : 1);
