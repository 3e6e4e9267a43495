// Question: at what batch size does sending a batch through the queue start to pay, and does the
// configured INGEST_QUEUE_THRESHOLD sit where the measurement says it should?
//
// Load shape, per batch size (50 … 500): 4 foreground clients (4 users) upload batches of that
// size in a closed loop, each waiting for the final result before its next upload — inline: the
// 200; queued: the 202, then polling GET ingest-requests/{id} every 20 ms until completed — while
// 4 background clients (4 other users) keep uploading 10-sample batches inline. Each size runs
// once against a service routing it inline (INGEST_QUEUE_THRESHOLD=1000000) and once against one
// routing it to the queue (INGEST_QUEUE_THRESHOLD=size, so the background stays inline), each
// `bun run src/main.ts` (API + worker) over its own fresh database.
//
// Rule: at size s the queue "clearly pays" when it moves ≥ 10 % more samples/s than inline AND
// keeps the background p99 ≥ 10 % lower; inline "clearly pays" when the reverse holds on both.
// The configured threshold T is supported unless some measured size below T is one where the
// queue clearly pays, or some size at/above T is one where inline clearly pays. The bench fails
// when T is not supported. (Client-side time to a final result is printed too: the queue always
// adds a poll round trip, which is the price of protecting everyone else.)
//
// Usage: bun run bench/routing-threshold.ts [--json] [--seconds N] [--sizes 50,100,…]
import { createUserTokens } from '../src/auth/user-tokens.ts';
import { DEVELOPMENT_JWT_SECRET, loadConfig } from '../src/config.ts';
import { freshBenchDatabase } from './lib/bench-database.ts';
import { closedLoop } from './lib/load.ts';
import { machineLine } from './lib/machine.ts';
import { uploadBody } from './lib/sample-bodies.ts';
import { startServiceProcess } from './lib/service-process.ts';
import { printTable, summarize } from './lib/stats.ts';
import { flag, numberOption, textOption } from './lib/args.ts';

const asJson = flag('--json');
const SECONDS = numberOption('--seconds', 6);
const SIZES = textOption('--sizes', '50,100,200,300,400,500').split(',').map(Number);
const FOREGROUND = 4;
const BACKGROUND = 4;
const CONFIGURED = loadConfig({}).ingestQueueThreshold;
const tokens = createUserTokens(DEVELOPMENT_JWT_SECRET);

interface Measured {
  samplesPerSecond: number;
  resultMs: ReturnType<typeof summarize>;
  firstReplyMs: ReturnType<typeof summarize>;
  backgroundMs: ReturnType<typeof summarize>;
}

async function measure(mode: 'inline' | 'queued', size: number, bodies: string[]): Promise<Measured> {
  const { url, sql } = await freshBenchDatabase(`health_ingest_bench_routing_${mode}`, 1);
  await sql.end();
  const service = await startServiceProcess('src/main.ts', {
    DATABASE_URL: url,
    REDIS_URL: `redis://127.0.0.1:6379/${mode === 'inline' ? 9 : 10}`,
    // the background's 10-sample uploads stay inline in both modes
    INGEST_QUEUE_THRESHOLD: mode === 'inline' ? '1000000' : String(size),
  });
  const users = Array.from({ length: FOREGROUND + BACKGROUND }, () => crypto.randomUUID());
  const userTokens = await Promise.all(users.map((user) => tokens.sign(user, 3600)));
  const post = (client: number, body: string) =>
    fetch(`${service.baseUrl}/api/v1/health/samples/batch-upsert`, {
      method: 'POST',
      headers: { authorization: `Bearer ${userTokens[client]}`, 'content-type': 'application/json' },
      body,
    });
  const firstReply: number[] = [];
  const backgroundLatencies: number[] = [];
  let next = 0;
  let stop = false;
  const background = Promise.all(
    Array.from({ length: BACKGROUND }, async (_, i) => {
      while (!stop) {
        const t0 = performance.now();
        const response = await post(FOREGROUND + i, uploadBody(10, Date.UTC(2020, 0, 1) + Math.floor(Math.random() * 1e9)));
        await response.arrayBuffer();
        backgroundLatencies.push(performance.now() - t0);
      }
    }),
  );
  const foreground = await closedLoop(FOREGROUND, SECONDS, async (client) => {
    const body = bodies[next++ % bodies.length]!;
    const t0 = performance.now();
    const response = await post(client, body);
    const reply = (await response.json()) as { requestId: string };
    firstReply.push(performance.now() - t0);
    if (response.status === 202) {
      for (;;) {
        await Bun.sleep(20);
        const state = await fetch(`${service.baseUrl}/api/v1/health/ingest-requests/${reply.requestId}`, {
          headers: { authorization: `Bearer ${userTokens[client]}` },
        });
        if (((await state.json()) as { status: string }).status === 'completed') break;
      }
    } else if (response.status !== 200) {
      throw new Error(`${mode} upload answered ${response.status}`);
    }
  });
  stop = true;
  await background;
  await service.stop();
  return {
    samplesPerSecond: (foreground.requests * size) / foreground.elapsedSeconds,
    resultMs: summarize(foreground.latenciesMs),
    firstReplyMs: summarize(firstReply),
    backgroundMs: summarize(backgroundLatencies),
  };
}

const results: { size: number; inline: Measured; queued: Measured; verdict: 'queue' | 'inline' | 'either' }[] = [];
for (const size of SIZES) {
  // fresh keys per body; both modes replay the same bodies against their own databases
  const bodies = Array.from({ length: 1500 }, (_, i) => uploadBody(size, Date.UTC(2024, 0, 1) + i * size * 60_000));
  const inline = await measure('inline', size, bodies);
  const queued = await measure('queued', size, bodies);
  const throughput = queued.samplesPerSecond / inline.samplesPerSecond;
  const protection = inline.backgroundMs.p99 / queued.backgroundMs.p99;
  const verdict = throughput >= 1.1 && protection >= 1.1 ? 'queue' : throughput <= 0.9 && protection <= 0.9 ? 'inline' : 'either';
  results.push({ size, inline, queued, verdict });
}

const wrongBelow = results.filter((r) => r.size < CONFIGURED && r.verdict === 'queue').map((r) => r.size);
const wrongAbove = results.filter((r) => r.size >= CONFIGURED && r.verdict === 'inline').map((r) => r.size);
const lowest = Math.max(0, ...results.filter((r) => r.verdict === 'inline').map((r) => r.size)) + 1;
const highest = Math.min(Infinity, ...results.filter((r) => r.verdict === 'queue').map((r) => r.size));
const supported = wrongBelow.length === 0 && wrongAbove.length === 0;

const rows = results.map((r) => [
  r.size,
  r.inline.samplesPerSecond,
  r.inline.resultMs.p50,
  r.inline.resultMs.p99,
  r.inline.backgroundMs.p99,
  r.queued.samplesPerSecond,
  r.queued.firstReplyMs.p50,
  r.queued.resultMs.p50,
  r.queued.resultMs.p99,
  r.queued.backgroundMs.p99,
  r.verdict,
]);
if (asJson) {
  console.log(JSON.stringify({ machine: machineLine(), seconds: SECONDS, configured: CONFIGURED, results, supportedRange: [lowest, highest], supported }, null, 2));
} else {
  console.log(machineLine());
  console.log(`${SECONDS} s per size and mode; ${FOREGROUND} foreground clients + ${BACKGROUND} background clients (10-sample inline uploads)\n`);
  printTable(
    ['size', 'inline samples/s', 'inline p50 ms', 'inline p99 ms', 'bg p99 ms', 'queued samples/s', '202 p50 ms', 'done p50 ms', 'done p99 ms', 'bg p99 ms', 'clearly pays'],
    rows as (string | number)[][],
  );
  console.log('');
  console.log(`thresholds the measurement supports: ${lowest} … ${Number.isFinite(highest) ? highest : 'any larger'}`);
  console.log(`configured INGEST_QUEUE_THRESHOLD = ${CONFIGURED}: ${supported ? 'supported' : `NOT supported (queue pays below it at ${wrongBelow.join(', ') || '-'}; inline pays above it at ${wrongAbove.join(', ') || '-'})`}`);
}
process.exit(supported ? 0 : 1);
