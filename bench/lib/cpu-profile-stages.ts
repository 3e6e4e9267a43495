// Reads the .cpuprofile files `bun --cpu-prof` writes (Chrome's format: a call tree of nodes,
// one sample per interval while JavaScript runs, timestamps in epoch µs) and attributes each
// sample's self time to a stage of the request through STAGES: the first rule that matches the
// sampled function (its name and file) names the stage. Samples outside the measured window
// (start-up, warm-up, shutdown) are dropped. Time spent outside JavaScript — Bun's native HTTP
// server and sockets, the garbage collector on its own threads — is not sampled: the caller
// compares the sampled total with the process's CPU time from /proc.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** [stage, test] in order: the first match wins. `file` is the URL's path; `name` the function. */
type Rule = [stage: string, test: (name: string, file: string, parents: string[]) => boolean];

const inFile = (pattern: RegExp) => (_name: string, file: string) => pattern.test(file);
const named = (pattern: RegExp) => (name: string) => pattern.test(name);

/**
 * The stage table. A function of our own code is placed by its file; library and native
 * functions by name and package. Native functions (JSON.parse, the hashers, zstd) carry no file:
 * they are placed by name, and by their caller's file where the name alone says too little.
 */
export const STAGES: Rule[] = [
  ['JSON parse', (name, file) => file === '' && /^(parse|JSONParse)$/.test(name)],
  ['payload hash', inFile(/src\/domain\/ingest\/(payload-hash|canonical-json|body-digest)\.ts$/)],
  ['payload hash', (name, _file, parents) => /^(update|digest|hash|CryptoHasher|sha256|xxh3|xxHash3)$/i.test(name) && parents.some((p) => /payload-hash|body-digest|canonical-json/.test(p))],
  ['validation', inFile(/src\/domain\/(validation|finite-numbers|json-body|privacy-schema|query-params)\.ts$|src\/domain\/ingest\/(upload-schema|sample-shape|storable-text|timezone-header)\.ts$|src\/http\/plugins\/json-body\.ts$|@sinclair\/typebox/)],
  // TypeBox's compiled checkers are eval'd code (no file): `check`, and the format regexes it runs
  ['validation', (name, file) => file === '' && (name === 'check' || /^\/\^\[0-9\]\{4\}/.test(name))],
  ['auth (JWT)', inFile(/src\/auth\/|src\/http\/plugins\/auth\.ts$|node_modules\/jose\//)],
  ['normalization', inFile(/src\/domain\/ingest\/(sample-rules|sample-keys|sample-time-zone|delete-refs)\.ts$|src\/domain\/(catalog|time)\/|src\/domain\/types\.ts$/)],
  ['queue: job encode / decode (msgpack, zstd)', inFile(/node_modules\/msgpackr\/|src\/queue\/ingest-batch-job\.ts$/)],
  ['queue: job encode / decode (msgpack, zstd)', named(/zstd|Zstd/)],
  ['queue: BullMQ and Redis', inFile(/node_modules\/(bullmq|ioredis|@ioredis|cluster-key-slot|redis-parser|denque|standard-as-callback)\/|src\/queue\/(enqueue|redis|worker|counts)\.ts$/)],
  ['parameter encoding (COPY / arrays)', inFile(/src\/ingest\/(staged-upsert|sample-writes)\.ts$|src\/db\/array-literals\.ts$/)],
  ['parameter encoding (COPY / arrays)', (name, file) => /node_modules\/postgres\/src\/(types|bytes)\.js$/.test(file) && !/parse|Parse/.test(name)],
  ['PostgreSQL results (parse rows)', (name, file) => /node_modules\/postgres\/src\/types\.js$/.test(file) || (/src\/db\/client\.ts$/.test(file) && /parse/i.test(name))],
  ['PostgreSQL client (protocol, send, receive)', inFile(/node_modules\/postgres\//)],
  ['write core (claim, finish, reply)', inFile(/src\/(ingest|requests|db)\/|src\/queue\/group-writer\.ts$|src\/domain\/ingest\/(change-event|ingest-result|idempotency)\.ts$|src\/domain\/outbox-event\.ts$/)],
  ['socket I/O via node:net streams (PostgreSQL, Redis)', (name, file) => /^(node:net|node:stream|internal:streams|node:events|internal:)/.test(file) || /^(writeBuffered|writev|_writev|writeGeneric)$/.test(name)],
  ['logging / metrics', inFile(/node_modules\/(pino|@pinojs|pino-std-serializers|sonic-boom|thread-stream|on-exit-leak-free|quick-format-unescaped|atomic-sleep|fast-redact|safe-stable-stringify|prom-client|tdigest|bintrees)\/|src\/(log|metrics)\.ts$|src\/http\/plugins\/access-log\.ts$/)],
  ['HTTP framework (Elysia routing, hooks, reply)', inFile(/node_modules\/(elysia|@elysiajs|memoirist|cookie|exact-mirror|file-type)\/|src\/http\//)],
  ['HTTP read (body, headers)', named(/^(text|arrayBuffer|bytes|blob|formData|readableStream|getReader|read|readMany)$/)],
  ['JSON stringify (replies, jsonb params)', named(/^(stringify|JSONStringify)$/)],
  ['outbox / projections', inFile(/src\/(outbox|projections)\//)],
  ['garbage collection', named(/garbage|\(GC\)|^GC$/i)],
];

export interface StageTable {
  /** samples inside the window, all files */
  samples: number;
  /** the sampling interval (µs) the samples stand for */
  intervalMicros: number;
  /** median gap between consecutive samples in the window (≈ the interval while JS is busy) */
  medianGapMicros: number;
  byStage: { stage: string; samples: number; micros: number }[];
  /** the busiest functions no rule placed, to grow the table */
  unplaced: { name: string; file: string; samples: number }[];
  /** the busiest functions of each stage, to check the table */
  topByStage: Record<string, { name: string; file: string; samples: number }[]>;
}

export function stageTable(dir: string, windowMicros: [number, number], intervalMicros: number): StageTable {
  const counts = new Map<string, number>();
  const unplaced = new Map<string, { name: string; file: string; samples: number }>();
  const placed = new Map<string, Map<string, { name: string; file: string; samples: number }>>();
  const short = (url: string) => url.replace(/^.*\/(node_modules|src)\//, '$1/');
  let samples = 0;
  const gaps: number[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Profile;
    const byId = new Map(profile.nodes.map((node) => [node.id, node]));
    const parentOf = new Map<number, number>();
    for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
    const stageOfNode = new Map<number, string | null>();
    const place = (id: number): string | null => {
      if (stageOfNode.has(id)) return stageOfNode.get(id)!;
      const node = byId.get(id)!;
      const name = node.callFrame.functionName;
      const url = node.callFrame.url.replace(/^file:\/\//, '');
      const parents: string[] = [];
      for (let p = parentOf.get(id); p !== undefined && parents.length < 6; p = parentOf.get(p)) parents.push(byId.get(p)!.callFrame.url);
      let stage = STAGES.find(([, test]) => test(name, url, parents))?.[0] ?? null;
      // a native function without a rule of its own counts where its caller belongs
      if (stage === null && url === '' && parentOf.has(id)) stage = place(parentOf.get(id)!);
      stageOfNode.set(id, stage);
      return stage;
    };
    let at = profile.startTime;
    for (let i = 0; i < profile.samples.length; i++) {
      at += profile.timeDeltas[i]!;
      if (at < windowMicros[0] || at > windowMicros[1]) continue;
      samples++;
      gaps.push(profile.timeDeltas[i]!);
      const id = profile.samples[i]!;
      const stage = place(id);
      const node = byId.get(id)!;
      const key = `${node.callFrame.functionName}@${node.callFrame.url}`;
      const functions = stage === null ? unplaced : (placed.get(stage) ?? placed.set(stage, new Map()).get(stage)!);
      const entry = functions.get(key) ?? { name: node.callFrame.functionName || '(anonymous)', file: short(node.callFrame.url), samples: 0 };
      entry.samples++;
      functions.set(key, entry);
      counts.set(stage ?? 'other', (counts.get(stage ?? 'other') ?? 0) + 1);
    }
  }
  gaps.sort((a, b) => a - b);
  return {
    samples,
    intervalMicros,
    medianGapMicros: gaps[Math.floor(gaps.length / 2)] ?? Number.NaN,
    // the sampler's real cadence is a little slower than asked (its own work); a sample stands for it
    byStage: [...counts].map(([stage, n]) => ({ stage, samples: n, micros: n * Math.max(intervalMicros, gaps[Math.floor(gaps.length / 2)] ?? 0) })).sort((a, b) => b.samples - a.samples),
    unplaced: [...unplaced.values()].sort((a, b) => b.samples - a.samples).slice(0, 15),
    topByStage: Object.fromEntries([...placed].map(([stage, functions]) => [stage, [...functions.values()].sort((a, b) => b.samples - a.samples).slice(0, 6)])),
  };
}
