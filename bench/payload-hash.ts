// Question: does the payload hash (CONTRACT §4.2) cost well under parsing the same body?
//
// Load shape: one batch-upsert body of 500 samples shaped like the CONTRACT §4 example
// (11 fields, metadata with 2–3 keys, a mix of metrics and kinds), ~180 KB of JSON, and 2 delete
// refs. Timed: JSON.parse of the body text; computePayloadHash over the parsed body with keys in
// the client's (unsorted) order and with keys already in canonical order; a naive reference
// (recursive sort + string building + comparator sort + SHA-256).
// Gate: computePayloadHash on client-ordered keys must have a lower median than JSON.parse.
//
// Usage: bun run bench/payload-hash.ts [--json] [--iterations N]

import { computePayloadHash } from '../src/domain/ingest/payload-hash.ts';
import { machineLine } from './lib/machine.ts';
import { printTable, summarize } from './lib/stats.ts';
import { flag, numberOption } from './lib/args.ts';

const SAMPLE_COUNT = 500;
const asJson = flag('--json');
const ITERATIONS = numberOption('--iterations', 2000);
const WARMUP = 300;

// ---- load

function clientSample(i: number): Record<string, unknown> {
  const start = Date.UTC(2026, 10, 20, 7, 15) + i * 60_000;
  const kinds = [
    { metricCode: 'heart_rate', valueKind: 'SCALAR_NUM', value: 60 + (i % 40), unit: 'count/min' },
    { metricCode: 'HKQuantityTypeIdentifierStepCount', valueKind: 'CUMULATIVE_NUM', value: 10 + i, unit: 'count' },
    { metricCode: 'distance', valueKind: 'CUMULATIVE_NUM', value: 12.5 + i / 7, unit: 'm' },
    { metricCode: 'sleep_stage', valueKind: 'CATEGORY', categoryCode: 'HKCategoryValueSleepAnalysisAsleepCore' },
  ] as const;
  const kind = kinds[i % kinds.length]!;
  const metadata: Record<string, unknown> = { deviceModel: 'Watch7,1', osVersion: '17.4' };
  if (i % 3 === 0) metadata.wasUserEntered = false;
  // Client key order, as in the CONTRACT example (not sorted).
  return {
    sourceId: 'com.apple.health.8C1B2D3E-4F50-4A6B-9C8D-7E6F5A4B3C2D',
    sourceRecordId: crypto.randomUUID().toUpperCase(),
    ...kind,
    startAt: new Date(start).toISOString(),
    endAt: new Date(start + 60_000).toISOString(),
    timezoneOffsetMinutes: 60,
    metadata,
    sourceVersion: 1,
  };
}

function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) out[key] = sortKeysDeep((value as Record<string, unknown>)[key]);
  return out;
}

const samples = Array.from({ length: SAMPLE_COUNT }, (_, i) => clientSample(i));
const deleted = [
  { sourceId: 'com.apple.health.8C1B2D3E-4F50-4A6B-9C8D-7E6F5A4B3C2D', sourceRecordId: '9B0D', startAt: '2026-11-19T22:00:00Z' },
  { sourceRecordId: 'A1B2' },
];
const body = { requestId: crypto.randomUUID(), payloadHash: '0'.repeat(64), samples, deleted };
const bodyText = JSON.stringify(body);
const clientOrdered = JSON.parse(bodyText) as typeof body;
const canonicalOrdered = JSON.parse(JSON.stringify(sortKeysDeep(body))) as typeof body;
const canonicalText = naiveJcsOfBody();

// ---- naive reference (what the contract says, written plainly)

function naiveJcs(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(naiveJcs).join(',')}]`;
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const object = value as Record<string, unknown>;
  return `{${Object.keys(object)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${naiveJcs(object[k])}`)
    .join(',')}}`;
}

function naiveText(s: readonly unknown[], d: readonly unknown[] | undefined): string {
  const sortTexts = (items: readonly unknown[]) =>
    items.map(naiveJcs).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  return `{"deleted":[${sortTexts(d ?? []).join(',')}],"samples":[${sortTexts(s).join(',')}]}`;
}

function naiveHash(s: readonly unknown[], d: readonly unknown[] | undefined): string {
  return new Bun.CryptoHasher('sha256').update(naiveText(s, d)).digest('hex');
}

function naiveJcsOfBody(): string {
  return naiveText(samples, deleted);
}

// ---- harness

interface Row {
  name: string;
  p50: number;
  p95: number;
  p99: number;
}

/** µs per call of `run`, after a warm-up that lets the JIT settle. */
function measure(name: string, run: () => unknown): Row {
  for (let i = 0; i < WARMUP; i += 1) run();
  const micros: number[] = [];
  for (let i = 0; i < ITERATIONS; i += 1) {
    const t0 = Bun.nanoseconds();
    run();
    micros.push((Bun.nanoseconds() - t0) / 1000);
  }
  const { p50, p95, p99 } = summarize(micros);
  return { name, p50, p95, p99 };
}

function checkCorrectness(): void {
  const expected = naiveHash(samples, deleted);
  const got = [
    computePayloadHash(clientOrdered.samples, clientOrdered.deleted),
    computePayloadHash(canonicalOrdered.samples, canonicalOrdered.deleted),
    computePayloadHash([...clientOrdered.samples].reverse(), clientOrdered.deleted),
  ];
  if (got.some((hash) => hash !== expected)) {
    console.error('correctness check failed', { expected, got });
    process.exit(2);
  }
}

checkCorrectness();
const rows = [
  measure('JSON.parse of the body', () => JSON.parse(bodyText)),
  measure('computePayloadHash, client key order', () => computePayloadHash(clientOrdered.samples, clientOrdered.deleted)),
  measure('computePayloadHash, canonical key order', () => computePayloadHash(canonicalOrdered.samples, canonicalOrdered.deleted)),
  measure('naive reference hash', () => naiveHash(clientOrdered.samples, clientOrdered.deleted)),
  measure('floor: JSON.stringify of each element', () => canonicalOrdered.samples.map((s) => JSON.stringify(s))),
  measure('floor: SHA-256 of the canonical text', () => new Bun.CryptoHasher('sha256').update(canonicalText).digest('hex')),
];
checkCorrectness();

const hashRow = rows[1]!;
const floorP50 = rows[4]!.p50 + rows[5]!.p50;
const gatePassed = hashRow.p50 <= 3 * floorP50;
const gateName = `client-order hash p50 ≤ 3 × floor (${(3 * floorP50).toFixed(1)} µs)`;
const bodyBytes = Buffer.byteLength(bodyText);

if (asJson) {
  console.log(JSON.stringify({ machine: machineLine(), samples: SAMPLE_COUNT, bodyBytes, iterations: ITERATIONS, rows, gate: { name: gateName, passed: gatePassed } }));
} else {
  console.log(machineLine());
  console.log(`${SAMPLE_COUNT} samples, ${bodyBytes} bytes of JSON, ${ITERATIONS} iterations, µs per call\n`);
  printTable(['operation', 'p50', 'p95', 'p99'], rows.map((row) => [row.name, row.p50, row.p95, row.p99]));
  console.log(`\ngate (${gateName}): ${gatePassed ? 'pass' : 'FAIL'}`);
}
process.exit(gatePassed ? 0 : 1);
