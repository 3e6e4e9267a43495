// Question: does the soft-delete purger clear a million tombstones without holding long locks,
// i.e. without making concurrent writers wait?
//
// Load shape: one table of 1,000,000 samples soft-deleted 40 days ago (due: retention 30 days),
// 10,000 soft-deleted 5 days ago and 10,000 live (kept), in a fresh database. While the purger job
// runs (its real runner and lock guard, default chunk plan), two writers loop on short
// transactions: one updates random due tombstones (the rows the purger locks, so it meets every
// chunk's locks), one upserts live samples of another user. A sampler polls pg_stat_activity every
// 20 ms for backends waiting on a lock.
// Reported: total time and rows/s, chunk count and per-chunk time (p50/p95/max: how long a chunk
// holds its row locks), writer latency (p50/p99/max) before and during the purge, and the longest
// lock wait seen, purger and writers apart.
// Gate: every due row gone, every kept row there; no chunk over 1 s; no writer waits over 1 s.
//
// Usage: bun run bench/purger.ts [--json] [--rows N]
import { createDb, type Sql } from '../src/db/client.ts';
import { createJobRunner } from '../src/jobs/runner.ts';
import { PURGE_CHUNK_PLAN, softDeletePurgerJob } from '../src/jobs/soft-delete-purger.ts';
import { createLogger } from '../src/log.ts';
import { freshBenchDatabase } from './lib/bench-database.ts';
import { machineLine } from './lib/machine.ts';
import { printTable, summarize } from './lib/stats.ts';
import { flag, numberOption } from './lib/args.ts';

const asJson = flag('--json');
const DUE_ROWS = numberOption('--rows', 1_000_000);
const KEPT_ROWS = 10_000;
const SEED_PART = 100_000;
const GATE_MS = 1000;
const PURGER_USER = '00000000-0000-4000-8000-000000000001';
const WRITER_USER = '00000000-0000-4000-8000-000000000002';

const log = (message: string) => !asJson && console.error(message);

// ---- load

async function seed(sql: Sql, count: number, prefix: string, deletedDaysAgo: number | null, userId = PURGER_USER) {
  for (let offset = 0; offset < count; offset += SEED_PART) {
    await sql.unsafe(
      `INSERT INTO health_samples
         (user_id, source_id, source_record_id, start_at, end_at, metric_code, value_kind, value, unit,
          timezone_offset_minutes, timezone_source, local_date, received_at, changed_seq, deleted_at)
       SELECT $1::uuid, 'seed', $2 || i, timestamptz '2026-01-01' + make_interval(secs => i),
              timestamptz '2026-01-01' + make_interval(secs => i), 'heart_rate', 'SCALAR_NUM', 60, 'bpm', 0, 'default',
              date '2026-01-01', now(), 1,
              CASE WHEN $5::integer IS NULL THEN NULL
                   ELSE now() - make_interval(days => $5::integer) - make_interval(secs => i % 86400) END
       FROM generate_series($3::integer, $4::integer) AS i`,
      [userId, prefix, offset + 1, Math.min(count, offset + SEED_PART), deletedDaysAgo],
    );
  }
}

interface WriterStats {
  latencies: number[];
}

/** Loops short write transactions until `stop`; each latency includes any lock wait. */
async function writer(sql: Sql, kind: 'tombstones' | 'live', stop: () => boolean, stats: WriterStats) {
  let n = 0;
  while (!stop()) {
    const began = performance.now();
    if (kind === 'tombstones') {
      const i = 1 + Math.floor(Math.random() * DUE_ROWS);
      await sql.unsafe(
        `UPDATE health_samples SET metadata = metadata
         WHERE user_id = $1 AND source_record_id = $2 AND source_id = 'seed'
           AND start_at = timestamptz '2026-01-01' + make_interval(secs => $3::integer)`,
        [PURGER_USER, `due-${i}`, i],
      );
    } else {
      n++;
      await sql.unsafe(
        `INSERT INTO health_samples
           (user_id, source_id, source_record_id, start_at, end_at, metric_code, value_kind, value, unit,
            timezone_offset_minutes, timezone_source, local_date, received_at, changed_seq)
         VALUES ($1, 'writer', $2, now(), now(), 'heart_rate', 'SCALAR_NUM', 70, 'bpm', 0, 'default', current_date, now(), 1)
         ON CONFLICT (user_id, source_record_id, source_id, start_at) DO UPDATE SET value = excluded.value`,
        [WRITER_USER, `w-${n % 1000}`],
      );
    }
    stats.latencies.push(performance.now() - began);
  }
}

/** Longest lock wait seen per application, polling pg_stat_activity. */
async function sampleLockWaits(sql: Sql, stop: () => boolean): Promise<Map<string, number>> {
  const longest = new Map<string, number>();
  while (!stop()) {
    const rows = await sql.unsafe(
      `SELECT application_name, extract(epoch FROM clock_timestamp() - query_start) * 1000 AS waited_ms
       FROM pg_stat_activity
       WHERE datname = current_database() AND wait_event_type = 'Lock'`,
    );
    for (const row of rows) {
      const name = String(row.application_name);
      longest.set(name, Math.max(longest.get(name) ?? 0, Number(row.waited_ms)));
    }
    await Bun.sleep(20);
  }
  return longest;
}

async function writersFor(ms: number, tombstones: Sql, live: Sql) {
  const until = performance.now() + ms;
  const stop = () => performance.now() > until;
  const stats = { tombstones: { latencies: [] as number[] }, live: { latencies: [] as number[] } };
  await Promise.all([writer(tombstones, 'tombstones', stop, stats.tombstones), writer(live, 'live', stop, stats.live)]);
  return stats;
}

// ---- run

const { url, sql, serverVersion } = await freshBenchDatabase('health_ingest_bench_purger', 4);
log(`seeding ${DUE_ROWS.toLocaleString('en-US')} due tombstones…`);
const seedBegan = performance.now();
await seed(sql, DUE_ROWS, 'due-', 40);
await seed(sql, KEPT_ROWS, 'recent-', 5);
await seed(sql, KEPT_ROWS, 'live-', null);
await sql.unsafe('VACUUM ANALYZE health_samples');
const seedSeconds = (performance.now() - seedBegan) / 1000;

const purgerDb = createDb(url, { max: 3, applicationName: 'bench-purger', statementTimeoutMs: 5_000 });
const tombstoneWriter = createDb(url, { max: 1, applicationName: 'bench-writer-tombstones' });
const liveWriter = createDb(url, { max: 1, applicationName: 'bench-writer-live' });
const sampler = createDb(url, { max: 1, applicationName: 'bench-sampler' });

log('baseline writers (2 s)…');
const baseline = await writersFor(2000, tombstoneWriter, liveWriter);

log('purging…');
const chunkMs: number[] = [];
const runner = createJobRunner({
  db: purgerDb,
  log: createLogger('silent'),
  jobs: [softDeletePurgerJob({ retentionDays: 30, maxRunMs: 25 * 60_000, observeChunk: (_, ms) => chunkMs.push(ms) })],
});
let purging = true;
const during = { tombstones: { latencies: [] as number[] }, live: { latencies: [] as number[] } };
const writers = Promise.all([
  writer(tombstoneWriter, 'tombstones', () => !purging, during.tombstones),
  writer(liveWriter, 'live', () => !purging, during.live),
]);
const waits = sampleLockWaits(sampler, () => !purging);
const began = performance.now();
const run = await runner.run('soft-delete-purger', 'manual');
const purgeSeconds = (performance.now() - began) / 1000;
purging = false;
await writers;
const longestWaits = await waits;

const [left] = await sql.unsafe(
  `SELECT count(*) FILTER (WHERE source_record_id LIKE 'due-%')::int AS due,
          count(*) FILTER (WHERE source_record_id LIKE 'recent-%')::int AS recent,
          count(*) FILTER (WHERE source_record_id LIKE 'live-%')::int AS live
   FROM health_samples WHERE user_id = $1`,
  [PURGER_USER],
);
for (const db of [purgerDb, tombstoneWriter, liveWriter, sampler, sql]) await db.end();

// ---- report

const chunks = summarize(chunkMs);
const maxOf = (values: number[]) => (values.length ? Math.max(...values) : 0);
const writerRows = (label: string, stats: typeof baseline) =>
  (['tombstones', 'live'] as const).map((kind) => {
    const s = summarize(stats[kind].latencies);
    return [`writer (${kind}), ${label}`, s.n, s.p50, s.p99, maxOf(stats[kind].latencies)];
  });
const purgerWait = longestWaits.get('bench-purger') ?? 0;
const writerWait = Math.max(longestWaits.get('bench-writer-tombstones') ?? 0, longestWaits.get('bench-writer-live') ?? 0);
const writerMax = Math.max(maxOf(during.tombstones.latencies), maxOf(during.live.latencies));
const correct = run?.status === 'succeeded' && left!.due === 0 && left!.recent === KEPT_ROWS && left!.live === KEPT_ROWS;
const gatePassed = correct && maxOf(chunkMs) < GATE_MS && writerMax < GATE_MS;

const result = {
  machine: machineLine({ postgres: serverVersion }),
  dueRows: DUE_ROWS,
  seedSeconds,
  purge: { status: run?.status, affectedRows: run?.affectedRows, seconds: purgeSeconds, rowsPerSecond: (run?.affectedRows ?? 0) / purgeSeconds },
  chunkPlan: PURGE_CHUNK_PLAN,
  chunks: { ...chunks, max: maxOf(chunkMs) },
  writers: { baseline, during: { tombstones: summarize(during.tombstones.latencies), live: summarize(during.live.latencies) }, maxMs: writerMax },
  longestLockWaitMs: { purger: purgerWait, writers: writerWait },
  left,
  gate: { name: `all due rows gone, kept rows kept; chunk max and writer max < ${GATE_MS} ms`, passed: gatePassed },
};

if (asJson) {
  console.log(JSON.stringify({ ...result, writers: { ...result.writers, baseline: undefined } }));
} else {
  console.log(machineLine({ postgres: serverVersion }));
  console.log(
    `purged ${run?.affectedRows?.toLocaleString('en-US')} of ${DUE_ROWS.toLocaleString('en-US')} due rows in ${purgeSeconds.toFixed(1)} s ` +
      `(${Math.round(result.purge.rowsPerSecond).toLocaleString('en-US')} rows/s, ${chunks.n} chunks; seeding took ${seedSeconds.toFixed(0)} s)`,
  );
  printTable(
    ['what', 'n', 'p50 ms', 'p99 ms', 'max ms'],
    [
      ['purger chunk (row locks held)', chunks.n, chunks.p50, chunks.p99, maxOf(chunkMs)],
      ...writerRows('before purge', baseline),
      ...writerRows('during purge', during),
    ],
  );
  printTable(
    ['longest lock wait seen', 'ms'],
    [
      ['purger (SKIP LOCKED)', purgerWait],
      ['writers', writerWait],
    ],
  );
  console.log(`left: due ${left!.due}, recent ${left!.recent}, live ${left!.live}`);
  console.log(`gate (${result.gate.name}): ${gatePassed ? 'passed' : 'FAILED'}`);
}
process.exit(gatePassed ? 0 : 1);
