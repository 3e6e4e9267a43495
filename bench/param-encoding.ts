// Question: what does handing 399 rows to PostgreSQL cost, in the service (building the
// parameters) and in the PostgreSQL backend (reading them: array_in, jsonb_in, …), for the ways
// the inline upsert could send them? The backend's CPU comes from /proc/<pid>/stat of its one
// connection (utime + stime), so the figure does not move with the machine's other load the way
// wall time does; the service's build time is wall time of a tight loop (one core).
//
// Each variant reads the same rows through the same aggregate (so every value is parsed and used)
// and writes nothing: what differs is the parameter encoding only.
//   postgres.js arrays + jsonb[]   JS arrays through postgres.js's own serializer (the encoding before)
//   array literals + jsonb[]       array-literals.ts, metadata as a jsonb[] of quoted JSON texts
//   array literals + jsonb array   metadata as one jsonb array read by ordinality (upsert_samples now)
//   json_to_recordset              one json document of the rows
// No gates: an instrument. Usage: bun run bench/param-encoding.ts [--batches 150] [--rounds 4] [--json]
import { readFileSync } from 'node:fs';
import { numberArray, textArray, timestamptzArray } from '../src/db/array-literals.ts';
import type { NormalizedSample } from '../src/domain/types.ts';
import { freshBenchDatabase } from './lib/bench-database.ts';
import { machineLine } from './lib/machine.ts';
import { preparedBatch } from './lib/prepared-batches.ts';
import { sampleColumnLiterals } from '../src/ingest/sample-writes.ts';
import { printTable } from './lib/stats.ts';
import { flag, numberOption } from './lib/args.ts';

const asJson = flag('--json');
const BATCHES = numberOption('--batches', 150);
const ROUNDS = numberOption('--rounds', 4);
const BATCH = 399;

const { sql, serverVersion } = await freshBenchDatabase('bench_param_encoding', 1);
const [{ pid }] = (await sql.unsafe('SELECT pg_backend_pid() AS pid')) as unknown as [{ pid: number }];
const TICK_MICROS = 1_000_000 / 100; // USER_HZ
function backendCpuMicros(): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_MICROS;
}

const batches = Array.from({ length: BATCHES }, (_, i) => preparedBatch(crypto.randomUUID(), BATCH, Date.UTC(2021, 0, 1) + i * BATCH * 60_000).valid);

const COLUMNS = `source_id, source_record_id, start_at, end_at, metric_code, value_kind, value, unit, category_code,
  duration_seconds, timezone_offset_minutes, timezone_source, local_date`;
const TYPES = `$1::text[], $2::text[], $3::timestamptz[], $4::timestamptz[], $5::text[], $6::text[], $7::float8[], $8::text[],
  $9::text[], $10::float8[], $11::int2[], $12::text[], $13::date[]`;
const USE_ALL = `SELECT count(*), sum(length(metadata::text)), max(start_at), max(end_at), max(local_date), sum(value),
  sum(duration_seconds), sum(timezone_offset_minutes), max(source_version), max(source_id || source_record_id || metric_code
  || value_kind || coalesce(unit, '') || coalesce(category_code, '') || timezone_source)`;

const literalColumns = sampleColumnLiterals;
// postgres.js 3.4.9's arraySerializer (types.js) with createDb's timestamptz serializer: what the
// inline upsert sent before array-literals.ts
const pgEscape = (text: string) => text.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
const postgresJsArray = (values: readonly unknown[], serialize: (x: never) => string = String) =>
  `{${values.map((x) => (x === null ? 'null' : `"${pgEscape(serialize(x as never))}"`)).join(',')}}`;
const isoOf = (x: string) => new Date(x).toISOString();
const postgresJsColumns = (rows: readonly NormalizedSample[]) => [
  postgresJsArray(rows.map((row) => row.sourceId)),
  postgresJsArray(rows.map((row) => row.sourceRecordId)),
  postgresJsArray(rows.map((row) => new Date(row.startAtMs).toISOString()), isoOf),
  postgresJsArray(rows.map((row) => new Date(row.endAtMs).toISOString()), isoOf),
  postgresJsArray(rows.map((row) => row.metricCode)),
  postgresJsArray(rows.map((row) => row.valueKind)),
  postgresJsArray(rows.map((row) => row.value)),
  postgresJsArray(rows.map((row) => row.unit)),
  postgresJsArray(rows.map((row) => row.categoryCode)),
  postgresJsArray(rows.map((row) => row.durationSeconds)),
  postgresJsArray(rows.map((row) => row.timezoneOffsetMinutes)),
  postgresJsArray(rows.map((row) => row.timezoneSource)),
  postgresJsArray(rows.map((row) => row.localDate)),
];
const quotedJson = (value: unknown) => `"${pgEscape(JSON.stringify(value))}"`;

interface Variant {
  name: string;
  text: string;
  /** the parameters as the text postgres.js puts on the wire (a string goes as it is) */
  wire: (rows: readonly NormalizedSample[]) => string[];
}
const VARIANTS: Variant[] = [
  {
    name: 'postgres.js arrays + jsonb[] (before)',
    text: `${USE_ALL} FROM unnest(${TYPES}, $14::jsonb[], $15::int8[]) AS i(${COLUMNS}, metadata, source_version)`,
    wire: (rows) => [...postgresJsColumns(rows), postgresJsArray(rows.map((row) => row.metadata), JSON.stringify), postgresJsArray(rows.map((row) => row.sourceVersion))],
  },
  {
    name: 'array literals + jsonb[]',
    text: `${USE_ALL} FROM unnest(${TYPES}, $14::jsonb[], $15::int8[]) AS i(${COLUMNS}, metadata, source_version)`,
    wire: (rows) => [...literalColumns(rows), `{${rows.map((row) => quotedJson(row.metadata)).join(',')}}`, numberArray(rows.map((row) => row.sourceVersion))],
  },
  {
    name: 'array literals + one jsonb array (now)',
    // upsert_samples's $16 is typed jsonb (parsed once, at bind); sent here as text, so it is cast
    // once in a materialized CTE (a per-row cast would parse the document once per row)
    text: `WITH m AS MATERIALIZED (SELECT $14::text::jsonb AS doc)
           ${USE_ALL} FROM (SELECT i.*, m.doc -> (i.ord::integer - 1) AS metadata
             FROM m, unnest(${TYPES}, $15::int8[]) WITH ORDINALITY AS i(${COLUMNS}, source_version, ord)) i`,
    wire: (rows) => [...literalColumns(rows), JSON.stringify(rows.map((row) => row.metadata)), numberArray(rows.map((row) => row.sourceVersion))],
  },
  {
    name: 'json_to_recordset',
    text: `${USE_ALL} FROM json_to_recordset($1::text::json) AS i(source_id text, source_record_id text, start_at timestamptz,
             end_at timestamptz, metric_code text, value_kind text, value float8, unit text, category_code text,
             duration_seconds float8, timezone_offset_minutes int2, timezone_source text, local_date date, metadata jsonb,
             source_version int8)`,
    wire: (rows) => [
      JSON.stringify(rows.map((row) => ({
        source_id: row.sourceId, source_record_id: row.sourceRecordId, start_at: new Date(row.startAtMs).toISOString(),
        end_at: new Date(row.endAtMs).toISOString(), metric_code: row.metricCode, value_kind: row.valueKind, value: row.value,
        unit: row.unit, category_code: row.categoryCode, duration_seconds: row.durationSeconds,
        timezone_offset_minutes: row.timezoneOffsetMinutes, timezone_source: row.timezoneSource, local_date: row.localDate,
        metadata: row.metadata, source_version: row.sourceVersion,
      }))),
    ],
  },
];

// the service's side: building the wire text of the parameters (and its UTF-8 length, as postgres.js does)
function serviceMicrosPerSample(variant: Variant): number {
  const started = performance.now();
  let bytes = 0;
  for (let round = 0; round < ROUNDS; round++) {
    for (const rows of batches) for (const param of variant.wire(rows)) bytes += Buffer.byteLength(param);
  }
  if (bytes === 0) throw new Error('nothing built');
  return ((performance.now() - started) * 1000) / (ROUNDS * BATCHES * BATCH);
}

async function backendMicrosPerSample(variant: Variant): Promise<{ micros: number; count: number }> {
  const params = batches.map((rows) => variant.wire(rows));
  await sql.unsafe(variant.text, params[0] as never[], { prepare: true });
  const before = backendCpuMicros();
  let count = 0;
  for (let round = 0; round < ROUNDS; round++) {
    for (const p of params) {
      const [row] = await sql.unsafe(variant.text, p as never[], { prepare: true });
      count += Number(row!.count);
    }
  }
  return { micros: (backendCpuMicros() - before) / (ROUNDS * BATCHES * BATCH), count };
}

const results: { name: string; backendMicros: number; serviceMicros: number; rowsRead: number }[] = [];
for (const variant of VARIANTS) {
  const backend = await backendMicrosPerSample(variant);
  results.push({ name: variant.name, backendMicros: backend.micros, serviceMicros: serviceMicrosPerSample(variant), rowsRead: backend.count });
}
await sql.end();
const expected = ROUNDS * BATCHES * BATCH;
const correct = results.every((r) => r.rowsRead === expected);
if (asJson) {
  console.log(JSON.stringify({ machine: machineLine(), serverVersion, batches: BATCHES, rounds: ROUNDS, results, correct }, null, 2));
} else {
  console.log(machineLine() + ` · postgres ${serverVersion}`);
  console.log(`${ROUNDS} × ${BATCHES} batches of ${BATCH} rows; backend CPU from /proc (10 ms ticks), service build time wall-clock\n`);
  printTable(['encoding', 'PostgreSQL backend µs/sample', 'service build µs/sample'], results.map((r) => [r.name, r.backendMicros, r.serviceMicros]));
  console.log(`\nevery variant read every row: ${correct ? 'yes' : 'NO'}`);
}
process.exit(correct ? 0 : 1);
