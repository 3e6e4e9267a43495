// Question: how close do 1-sample uploads come to what the same write transaction costs without
// HTTP? Many phones each sending one fresh sample is the small end of the inline path: per upload
// the HTTP exchange, JSON, JWT, hash and one transaction (claim, upsert, completion with its
// watermark bump and event, commit), so the fixed costs dominate and the samples do not.
//
// Load shape: a fresh database. Ceiling: writeInline (src/ingest/write-inline.ts: the inline
// transaction the API runs, without its first round trip for privacy settings and request state)
// on a pool of 16 connections (src/api.ts's), 64 concurrent loops, each upload for one of 1,000
// users, pre-built and prepared before timing. End to end: `src/api.ts` (pool 16), 64 clients
// posting pre-built 1-sample bodies for the same 1,000 users, closed loop. Both --seconds long;
// CPU per upload of the service (or of this process, for the ceiling) and of the PostgreSQL
// backends from /proc, which the machine's other load moves less than req/s.
// Correctness: rows stored = uploads answered 200 (one sample each), no errors.
// Gate: end-to-end req/s ≥ 0.6 × the ceiling's.
//
// Usage: bun run bench/small-uploads.ts [--seconds 10] [--json]
import { createUserTokens } from '../src/auth/user-tokens.ts';
import { DEVELOPMENT_JWT_SECRET } from '../src/config.ts';
import { createDb } from '../src/db/client.ts';
import { writeInline } from '../src/ingest/write-inline.ts';
import { freshBenchDatabase } from './lib/bench-database.ts';
import { cpuShareRows, measureCpuShares, type CpuShares } from './lib/cpu-shares.ts';
import { closedLoop } from './lib/load.ts';
import { machineLine } from './lib/machine.ts';
import { preparedFromText } from './lib/prepared-batches.ts';
import { uploadBody } from './lib/sample-bodies.ts';
import { startServiceProcess } from './lib/service-process.ts';
import { printTable, summarize } from './lib/stats.ts';
import { flag, numberOption } from './lib/args.ts';

const asJson = flag('--json');
const SECONDS = numberOption('--seconds', 10);
const CLIENTS = 64;
const USERS = 1_000;
const POOL = 16;
const DATABASE = 'health_ingest_bench_small_uploads';
const say = (line: string) => (asJson ? console.error(line) : console.log(line));

const { url, sql, serverVersion } = await freshBenchDatabase(DATABASE, 2);
const users = Array.from({ length: USERS }, () => crypto.randomUUID());
const tokens = createUserTokens(DEVELOPMENT_JWT_SECRET);
const userTokens = await Promise.all(users.map((user) => tokens.sign(user, 7200)));
// enough for either phase at ~10k uploads/s
const UPLOADS = Math.ceil(SECONDS * 10_000);
let serial = 0;
const bodyFor = () => uploadBody(1, Date.UTC(2020, 0, 1) + serial++ * 60_000);

interface Phase {
  name: string;
  uploads: number;
  seconds: number;
  perSecond: number;
  latency: ReturnType<typeof summarize>;
  cpu: CpuShares;
  errors: number;
}

const phaseOf = (name: string, run: { requests: number; elapsedSeconds: number; latenciesMs: number[] }, cpu: CpuShares, errors: number): Phase => ({
  name,
  uploads: run.requests,
  seconds: run.elapsedSeconds,
  perSecond: run.requests / run.elapsedSeconds,
  latency: summarize(run.latenciesMs),
  cpu,
  errors,
});

// ---- ceiling: the inline transaction, no HTTP
say('ceiling: preparing uploads…');
const prepared = Array.from({ length: UPLOADS }, (_, i) => preparedFromText(users[i % USERS]!, bodyFor()));
const pool = createDb(url, { max: POOL });
await pool.unsafe('SELECT 1');
let nextPrepared = 0;
let ceilingErrors = 0;
const meterCeiling = measureCpuShares({ db: sql as never, database: DATABASE, servicePids: () => [] });
const ceilingRun = await closedLoop(CLIENTS, SECONDS, async () => {
  const batch = prepared[nextPrepared++];
  if (!batch) throw new Error('the ceiling ran out of prepared uploads; raise UPLOADS');
  const outcome = await writeInline(pool, batch, 300);
  if (outcome.kind !== 'completed') ceilingErrors++;
});
const ceiling = phaseOf(`ceiling: writeInline, pool ${POOL}, ${CLIENTS} loops`, ceilingRun, await meterCeiling.stop(), ceilingErrors);
await pool.end();

// ---- end to end
say('end to end: building bodies…');
const bodies = Array.from({ length: UPLOADS }, bodyFor);
const service = await startServiceProcess('src/api.ts', { DATABASE_URL: url });
let nextBody = 0;
let e2eErrors = 0;
const post = async (client: number) => {
  const i = nextBody++;
  const body = bodies[i];
  if (body === undefined) throw new Error('the bench ran out of bodies; raise UPLOADS');
  const response = await fetch(`${service.baseUrl}/api/v1/health/samples/batch-upsert`, {
    method: 'POST',
    headers: { authorization: `Bearer ${userTokens[(i * 7 + client) % USERS]}`, 'content-type': 'application/json' },
    body,
  });
  await response.arrayBuffer();
  if (response.status !== 200) e2eErrors++;
};
// warm-up (JIT, the pool's connections), not counted
await closedLoop(CLIENTS, 1, post);
const warmed = nextBody;
const meterE2e = measureCpuShares({ db: sql as never, database: DATABASE, servicePids: () => [service.process.pid!] });
const e2eRun = await closedLoop(CLIENTS, SECONDS, post);
const e2e = phaseOf(`end to end: src/api.ts, ${CLIENTS} clients`, e2eRun, await meterE2e.stop(), e2eErrors);
await service.stop();

const [{ n }] = (await sql.unsafe('SELECT count(*)::bigint AS n FROM health_samples')) as unknown as [{ n: string }];
await sql.end();
const expected = ceiling.uploads + warmed + e2e.uploads;
const correct = Number(n) === expected && ceiling.errors === 0 && e2e.errors === 0;
const ratio = e2e.perSecond / ceiling.perSecond;
const gates = {
  e2eVsCeiling: { value: ratio, goal: '≥ 0.6', pass: ratio >= 0.6 },
  storedEqualsAnswered: { value: `${n} / ${expected}, errors ${ceiling.errors + e2e.errors}`, goal: 'equal, 0', pass: correct },
};
const perUpload = (p: Phase, cpu: number) => (1e6 * cpu) / p.uploads;
if (asJson) {
  console.log(JSON.stringify({ machine: machineLine(), serverVersion, seconds: SECONDS, ceiling, e2e, gates }, null, 2));
} else {
  console.log(`${machineLine()} · postgres ${serverVersion}\n`);
  printTable(
    ['phase', 'uploads', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'errors'],
    [ceiling, e2e].map((p) => [p.name, p.uploads, p.perSecond, p.latency.p50, p.latency.p95, p.latency.p99, p.errors]),
  );
  console.log('');
  printTable(
    ['CPU per upload (µs)', 'service', 'this process', 'PostgreSQL backends', 'other processes'],
    [ceiling, e2e].map((p) => [p.name, perUpload(p, p.cpu.service), perUpload(p, p.cpu.loadGenerator), perUpload(p, p.cpu.postgresBackends), perUpload(p, p.cpu.other)]),
  );
  console.log('');
  printTable(['machine while measured', 'cpu s', 'share'], [...cpuShareRows('ceiling', ceiling.cpu), ...cpuShareRows('end to end', e2e.cpu)]);
  console.log('');
  printTable(['gate', 'measured', 'goal', 'result'], Object.entries(gates).map(([name, g]) => [name, g.value, g.goal, g.pass ? 'pass' : 'FAIL']));
}
process.exit(Object.values(gates).every((g) => g.pass) ? 0 : 1);
