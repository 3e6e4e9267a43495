// Question: is MAX_JOB_PAYLOAD_BYTES (5 MiB) the right cap for an encoded queue job — never
// refusing a legitimate batch, and refusing an over-cap one cheaply without touching Redis?
//
// Load shape: realistic 400- and 500-sample batches, and the worst legitimate batch the contract
// allows: 500 samples + 500 delete refs, every id at its maximum length, every sample carrying
// the maximum metadata the allowlist keeps (4,096 bytes of JSON), all strings random 3-byte
// UTF-8 characters (incompressible, and the most bytes per UTF-16 unit). Measured: body bytes,
// encoded job bytes, encode time; BullMQ add latency near the cap; refusals: a declared
// Content-Length over the cap (6 MB … 600 MB, answered before reading) and an encoded job over
// the cap (counted Redis commands before and after).
// Gates: the worst legitimate batch fits (encoded + envelope ≤ cap); refusals issue 0 Redis
// commands; declared-size refusals take about the same time whatever the size.
//
// Usage: bun run bench/payload-cap.ts [--json] [--redis-url URL]
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { createUserTokens } from '../src/auth/user-tokens.ts';
import { DEVELOPMENT_JWT_SECRET, loadConfig } from '../src/config.ts';
import { defaultCatalog } from '../src/domain/catalog/catalog.ts';
import { computePayloadHash } from '../src/domain/ingest/payload-hash.ts';
import { ProblemError } from '../src/domain/problems.ts';
import type { PreparedBatch } from '../src/ingest/finish-batch.ts';
import { createLogger } from '../src/log.ts';
import { encodeBatch, INGEST_JOB_NAME, INGEST_QUEUE_NAME, JOB_ENVELOPE_BYTES, type IngestJobData } from '../src/queue/ingest-batch-job.ts';
import { createBatchQueue } from '../src/queue/enqueue.ts';
import { freshBenchDatabase } from './lib/bench-database.ts';
import { machineLine } from './lib/machine.ts';
import { preparedFromText } from './lib/prepared-batches.ts';
import { uploadBody } from './lib/sample-bodies.ts';
import { startServiceProcess } from './lib/service-process.ts';
import { printTable, summarize } from './lib/stats.ts';
import { flag, textOption } from './lib/args.ts';

const asJson = flag('--json');
const CAP = loadConfig({}).maxJobPayloadBytes;
const REDIS_URL = textOption('--redis-url', 'redis://127.0.0.1:6379/8');

/** Random characters U+4E00..U+9FFF: 3 UTF-8 bytes each, no structure for zstd to find. */
function randomText(units: number): string {
  let text = '';
  for (let i = 0; i < units; i++) text += String.fromCharCode(0x4e00 + Math.floor(Math.random() * 0x5200));
  return text;
}

/** The largest metadata the allowlist keeps: 10 allowed keys, 4,096 bytes of JSON in all. */
function maximalMetadata(): Record<string, string> {
  const keys = defaultCatalog.metadataPolicy.allowlist;
  const metadata: Record<string, string> = {};
  for (const key of keys) metadata[key] = '';
  const overhead = Buffer.byteLength(JSON.stringify(metadata));
  const perKey = Math.floor((defaultCatalog.metadataPolicy.maxBytes - overhead) / keys.size / 3);
  for (const key of keys) metadata[key] = randomText(perKey);
  return metadata;
}

function worstBody(): string {
  const samples = Array.from({ length: 500 }, (_, i) => ({
    sourceId: randomText(128),
    sourceRecordId: randomText(256),
    metricCode: 'heart_rate',
    valueKind: 'SCALAR_NUM',
    value: 60 + (i % 100) + Math.random(),
    unit: 'count/min',
    startAt: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
    endAt: new Date(Date.UTC(2026, 0, 1) + i * 60_000 + 59_999).toISOString(),
    timezoneOffsetMinutes: 60,
    sourceVersion: Number.MAX_SAFE_INTEGER,
    metadata: maximalMetadata(),
  }));
  const deleted = Array.from({ length: 500 }, () => ({
    sourceRecordId: randomText(256),
    sourceId: randomText(128),
    startAt: '2026-01-01T00:00:00.000Z',
  }));
  return JSON.stringify({ requestId: crypto.randomUUID(), payloadHash: computePayloadHash(samples, deleted), samples, deleted });
}

const prepare = (text: string): PreparedBatch => preparedFromText(crypto.randomUUID(), text);

// ---- sizes
const sizeRows: (string | number)[][] = [];
let worstJobBytes = 0;
let worstFailures = 0;
for (const [name, text] of [
  ['realistic, 400 samples', uploadBody(400)],
  ['realistic, 500 samples', uploadBody(500)],
  ['worst legitimate: 500 + 500 deletes, max ids and metadata', worstBody()],
] as const) {
  const batch = prepare(text);
  const timings: number[] = [];
  let encoded = '';
  for (let i = 0; i < 20; i++) {
    const t0 = performance.now();
    encoded = encodeBatch(batch);
    timings.push(performance.now() - t0);
  }
  const jobBytes = encoded.length + JOB_ENVELOPE_BYTES;
  if (name.startsWith('worst')) {
    worstJobBytes = jobBytes;
    worstFailures = batch.failures.length;
  }
  sizeRows.push([name, Buffer.byteLength(text), jobBytes, `${((jobBytes / CAP) * 100).toFixed(1)} %`, summarize(timings).p50]);
}

// ---- enqueue latency near the cap (a job of ~the worst legitimate size)
const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
const queue = new Queue<IngestJobData>(INGEST_QUEUE_NAME, { connection });
await queue.obliterate({ force: true });
const nearCap = encodeBatch(prepare(worstBody()));
const addTimes: number[] = [];
for (let i = 0; i < 20; i++) {
  const t0 = performance.now();
  await queue.add(INGEST_JOB_NAME, { userId: crypto.randomUUID(), requestId: crypto.randomUUID(), attempt: 1, batch: nearCap });
  addTimes.push(performance.now() - t0);
}
await queue.obliterate({ force: true });

// ---- refusal of an encoded job over the cap: zero Redis commands
const observer = new Redis(REDIS_URL);
const commands = async () => Number(/total_commands_processed:(\d+)/.exec(await observer.info('stats'))![1]);
const { sql } = await freshBenchDatabase('health_ingest_bench_cap', 2);
const smallCap = 8 * 1024;
const submit = createBatchQueue({ db: sql, queue, log: createLogger('silent'), maxJobPayloadBytes: smallCap, staleAfterSeconds: 300 });
const overCap = prepare(uploadBody(500, Date.UTC(2025, 0, 1)));
const before1 = await commands();
const before2 = await commands();
const infoCost = before2 - before1;
const refusalTimes: number[] = [];
for (let i = 0; i < 20; i++) {
  const t0 = performance.now();
  try {
    await submit.submit({ ...overCap, requestId: crypto.randomUUID() });
    throw new Error('over-cap batch was accepted');
  } catch (error) {
    if (!(error instanceof ProblemError) || error.code !== 'PAYLOAD_TOO_LARGE') throw error;
  }
  refusalTimes.push(performance.now() - t0);
}
const redisCommandsDuringRefusals = (await commands()) - before2 - infoCost;
await queue.close();
connection.disconnect();
observer.disconnect();

// ---- refusal of a declared Content-Length over the cap, through HTTP, body never sent
const service = await startServiceProcess('src/api.ts', {
  DATABASE_URL: (await freshBenchDatabase('health_ingest_bench_cap_api', 1).then(async (db) => (await db.sql.end(), db.url))),
  REDIS_URL,
});
const token = await createUserTokens(DEVELOPMENT_JWT_SECRET).sign(crypto.randomUUID(), 600);
const port = Number(new URL(service.baseUrl).port);
async function declaredRefusal(bytes: number): Promise<{ ms: number; status: string }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    let reply = '';
    Bun.connect({
      hostname: '127.0.0.1',
      port,
      socket: {
        open(socket) {
          socket.write(
            `POST /api/v1/health/samples/batch-upsert HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\n` +
              `Content-Type: application/json\r\nContent-Length: ${bytes}\r\n\r\n{"requestId":`,
          );
        },
        data(socket, chunk) {
          reply += Buffer.from(chunk).toString();
          if (reply.includes('\r\n\r\n')) {
            socket.end();
            resolve({ ms: performance.now() - t0, status: reply.split(' ')[1] ?? '?' });
          }
        },
        error: (_, error) => reject(error),
      },
    }).catch(reject);
  });
}
const declaredRows: (string | number)[][] = [];
for (const bytes of [6_000_000, 60_000_000, 600_000_000]) {
  const runs = [];
  for (let i = 0; i < 10; i++) runs.push(await declaredRefusal(bytes));
  declaredRows.push([`declared ${bytes.toLocaleString('en-US')} bytes`, runs[0]!.status, summarize(runs.map((r) => r.ms)).p50]);
}
await service.stop();
await sql.end();

const declaredMs = declaredRows.map((row) => row[2] as number);
const gates = {
  worstLegitimateFits: { value: worstJobBytes, goal: `≤ ${CAP.toLocaleString('en-US')} bytes, 0 failures`, pass: worstJobBytes <= CAP && worstFailures === 0 },
  refusalRedisCommands: { value: redisCommandsDuringRefusals, goal: '= 0', pass: redisCommandsDuringRefusals === 0 },
  declaredRefusalConstant: {
    value: Math.max(...declaredMs) / Math.max(0.01, Math.min(...declaredMs)),
    goal: '600 MB ≤ 3 × 6 MB time',
    pass: declaredRows.every((row) => row[1] === '413') && Math.max(...declaredMs) <= 3 * Math.max(1, Math.min(...declaredMs)),
  },
};

if (asJson) {
  console.log(JSON.stringify({ machine: machineLine(), cap: CAP, sizes: sizeRows, addMs: summarize(addTimes), refusalMs: summarize(refusalTimes), declared: declaredRows, gates }, null, 2));
} else {
  console.log(machineLine());
  console.log(`MAX_JOB_PAYLOAD_BYTES = ${CAP.toLocaleString('en-US')}; job envelope allowance ${JOB_ENVELOPE_BYTES} bytes\n`);
  printTable(['batch', 'body bytes', 'job bytes', 'of cap', 'encode ms p50'], sizeRows);
  console.log('');
  const add = summarize(addTimes);
  const refusal = summarize(refusalTimes);
  printTable(['operation', 'p50 ms', 'p99 ms', 'note'], [
    [`BullMQ add of a ${(nearCap.length / 1e6).toFixed(2)} MB job`, add.p50, add.p99, '20 adds'],
    ['refuse an encoded job over the cap (8 KiB cap, 500 samples)', refusal.p50, refusal.p99, `${redisCommandsDuringRefusals} Redis commands in 20 refusals`],
    ...declaredRows.map((row) => [`refuse ${row[0]} (HTTP ${row[1]})`, row[2] as number, '', 'body never sent']),
  ]);
  console.log('');
  printTable(['gate', 'measured', 'goal', 'result'], Object.entries(gates).map(([name, gate]) => [name, gate.value, gate.goal, gate.pass ? 'pass' : 'FAIL']));
}
process.exit(Object.values(gates).every((gate) => gate.pass) ? 0 : 1);
