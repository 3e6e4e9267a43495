// Question: what does a schema change (the migrations above --before) do to PostgreSQL's CPU per
// written sample? The backend CPU bench/pg-cost.ts prints swings ±25 % between runs on a shared
// machine, more than a schema change moves it; here both schemas see the same moments.
//
// Setting: a private PostgreSQL cluster (PostgreSQL's defaults), two databases: `before`
// (sql/migrations up to --before) and `after` (all of them). The same 399-row batches of realistic
// samples go through the write core's upsertSamples into each, one writer per database, one
// transaction per batch, in blocks of 10 batches alternating between the two (ABBA order), so load
// from other processes falls on both alike. CPU of each database's one backend from /proc (utime +
// stime, 10 ms ticks), per sample. Modes: insert (fresh keys), then update (the same keys, every
// value changed, received later).
// No gate: an instrument. Exits non-zero when a batch did not write every row.
//
// Usage: bun run bench/migration-cost.ts [--before 11] [--blocks 30] [--json]
import postgres from 'postgres';
import { createDb } from '../src/db/client.ts';
import { migrate } from '../src/db/migrator.ts';
import { migrationFiles } from '../src/db/sql-files.ts';
import { dedupeSamplesByKey } from '../src/domain/ingest/sample-keys.ts';
import type { NormalizedSample } from '../src/domain/types.ts';
import { upsertSamples } from '../src/ingest/sample-writes.ts';
import { flag, numberOption } from './lib/args.ts';
import { processCpuSeconds } from './lib/cpu-shares.ts';
import { machineLine } from './lib/machine.ts';
import { preparedFromText } from './lib/prepared-batches.ts';
import { startPrivatePostgres } from './lib/private-postgres.ts';
import { uploadBody } from './lib/sample-bodies.ts';
import { printTable } from './lib/stats.ts';

const asJson = flag('--json');
const all = migrationFiles();
const BEFORE = numberOption('--before', all.at(-1)!.version - 1);
const BLOCKS = numberOption('--blocks', 30);
const PER_BLOCK = 10;
const BATCH = 399;
const say = (line: string) => (asJson ? console.error(line) : console.log(line));

const pg = startPrivatePostgres();
const admin = postgres(`${pg.serverUrl}/postgres`, { max: 1, onnotice: () => {} });
type Side = 'before' | 'after';
const SIDES: Side[] = ['before', 'after'];
const schemas: Record<Side, { db: postgres.Sql; pid: number }> = {} as never;
for (const side of SIDES) {
  await admin.unsafe(`CREATE DATABASE migration_cost_${side}`);
  const db = createDb(`${pg.serverUrl}/migration_cost_${side}`, { max: 1 });
  await migrate(db, side === 'before' ? all.filter((file) => file.version <= BEFORE) : all);
  schemas[side] = { db, pid: Number((await db.unsafe('SELECT pg_backend_pid() AS pid'))[0]!.pid) };
}
const [version] = await admin.unsafe('SHOW server_version');
await admin.end();
say(`before: migrations ≤ ${BEFORE}; after: all ${all.length} (${all.filter((f) => f.version > BEFORE).map((f) => f.name).join(', ')})`);

const batches = Array.from({ length: BLOCKS * PER_BLOCK }, (_, i) => ({
  userId: crypto.randomUUID(),
  rows: dedupeSamplesByKey(preparedFromText(crypto.randomUUID(), uploadBody(BATCH, Date.UTC(2021, 0, 1) + i * BATCH * 60_000)).valid),
}));
const changed = (rows: NormalizedSample[]) => rows.map((row) => ({ ...row, value: row.value === null ? null : row.value + 1 }));
let wrong = 0;

async function write(side: Side, userId: string, rows: NormalizedSample[], receivedAt: Date): Promise<void> {
  const written = await schemas[side].db.begin((tx) => upsertSamples(tx as never, userId, receivedAt, rows));
  if (written.length !== rows.length) wrong++;
}

/** Backend CPU µs per sample of each side for one mode, blocks alternating ABBA. */
async function measure(rowsOf: (i: number) => NormalizedSample[], receivedAt: Date): Promise<Record<Side, number>> {
  const cpu: Record<Side, number> = { before: 0, after: 0 };
  for (let block = 0; block < BLOCKS; block++) {
    for (const side of block % 2 === 0 ? SIDES : [...SIDES].reverse()) {
      const start = processCpuSeconds(schemas[side].pid)!;
      for (let i = block * PER_BLOCK; i < (block + 1) * PER_BLOCK; i++) await write(side, batches[i]!.userId, rowsOf(i), receivedAt);
      cpu[side] += processCpuSeconds(schemas[side].pid)! - start;
    }
  }
  const samples = batches.reduce((sum, b) => sum + b.rows.length, 0);
  return { before: (cpu.before * 1e6) / samples, after: (cpu.after * 1e6) / samples };
}

const insert = await measure((i) => batches[i]!.rows, new Date('2026-11-01T00:00:00Z'));
const update = await measure((i) => changed(batches[i]!.rows), new Date('2026-11-02T00:00:00Z'));
for (const side of SIDES) await schemas[side].db.end();

const results = [
  { mode: 'insert', ...insert, ratio: insert.after / insert.before },
  { mode: 'update', ...update, ratio: update.after / update.before },
];
if (asJson) {
  console.log(JSON.stringify({ machine: machineLine({ postgres: String(version!.server_version) }), before: BEFORE, blocks: BLOCKS, batchRows: BATCH, results, correct: wrong === 0 }, null, 2));
} else {
  console.log(machineLine({ postgres: String(version!.server_version) }));
  console.log(`${BLOCKS} blocks × ${PER_BLOCK} batches × ${BATCH} rows per side and mode, alternating; backend CPU from /proc\n`);
  printTable(['backend CPU µs per sample', 'before', 'after', 'after / before'], results.map((r) => [r.mode, r.before, r.after, r.ratio]));
  console.log(`\nevery batch wrote every row: ${wrong === 0 ? 'yes' : 'NO'}`);
}
process.exit(wrong === 0 ? 0 : 1);
