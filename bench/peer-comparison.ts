// Question: how far ahead of what users would otherwise pick is health-ingest on this machine —
// the seed's own stack (../shared/peers/seedstack: NestJS + Zod + Prisma 7, one upsert per sample)
// and a competent raw-SQL service (../shared/peers/rawpg: Fastify + Zod + pg, one unnest upsert
// per batch, doing less: no queue, no receipt order, no `unchanged`)?
//
// Load shape, the same for every service, from this one load generator: the same pre-built
// request bodies in the same order (the peers take our JSON, hash rule and JWT as they are), the
// same users and tokens, the same durations. Phase "399": 8 clients (8 users) sending fresh
// 399-sample batches, the main figure; phase "1": 64 clients of 1,000 users sending 1-sample
// uploads. Each service gets the machine to itself while measured (one after another; the others
// are up but idle), a database of its own on the same PostgreSQL server, a CHECKPOINT before each phase
// and a short warm-up before its first. Pools: health-ingest's API has 16 connections; the peers
// get DB_POOL_SIZE=16 (their default is 10) so the pools are equal. health-ingest runs as
// `src/api.ts` (HTTP only, no outbox processor: neither peer consumes its outbox either).
// Correctness after each phase: rows stored = unique keys of the samples answered 200.
// CPU: each phase's share of the machine of the service, the load generator and PostgreSQL, and
// the CPU a sample costs (service + its PostgreSQL backends): on a shared machine samples/s move
// with other people's work, the CPU per sample much less, so its ratio is printed beside.
// Gates (main figure): health-ingest ≥ 15 × seedstack and ≥ 2 × rawpg in samples/s, each with a
// lower p99; no errors; stored = sent in every phase.
//
// --rounds N measures every service N times, alternating the order (figures: medians over rounds).
//
// Usage: bun run bench/peer-comparison.ts [--seconds 10] [--warmup 2] [--rounds 1]
//          [--only health-ingest,rawpg,seedstack] [--reinstall] [--peers-dir ../shared/peers] [--json]
import postgres from 'postgres';
import { startService } from '../test/support/processes.ts';
import { createUserTokens } from '../src/auth/user-tokens.ts';
import { BENCH_SERVER_URL, freshBenchDatabase } from './lib/bench-database.ts';
import { cpuShareRows, measureCpuShares, type CpuShares } from './lib/cpu-shares.ts';
import { closedLoopOver } from './lib/load.ts';
import { machineLine } from './lib/machine.ts';
import { installPeer, startPeer, type PeerName } from './lib/peer-services.ts';
import { uploadBody } from './lib/sample-bodies.ts';
import { printTable, summarize } from './lib/stats.ts';
import { flag, numberOption } from './lib/args.ts';
import { BENCH_RATE_LIMIT } from './lib/service-process.ts';

const asJson = flag('--json');
const SECONDS = numberOption('--seconds', 10);
const WARMUP_SECONDS = numberOption('--warmup', 2);
const ROUNDS = numberOption('--rounds', 1);
const ALL = ['health-ingest', 'rawpg', 'seedstack'] as const;
type ServiceName = (typeof ALL)[number];
const onlyAt = process.argv.indexOf('--only');
const ONLY = (onlyAt >= 0 ? process.argv[onlyAt + 1]!.split(',') : [...ALL]) as ServiceName[];
for (const name of ONLY) if (!ALL.includes(name)) throw new Error(`--only takes ${ALL.join(',')}; got ${name}`);
const POOL_SIZE = 16; // src/api.ts's pool; the peers get the same
const JWT_SECRET = 'peer-comparison-bench-secret-0123456789abcdef';
const REQUEST_TIMEOUT_MS = 60_000;
const say = (line: string) => (asJson ? console.error(line) : console.log(line));

interface Phase {
  name: string;
  size: number;
  clients: number;
  users: number;
  /** bodies built: enough for the fastest service at the phase's length */
  bodies: number;
}
const PHASES: Phase[] = [
  { name: '8 clients × 399-sample batches', size: 399, clients: 8, users: 8, bodies: Math.ceil(SECONDS * 180) },
  { name: '64 clients × 1-sample uploads (1,000 users)', size: 1, clients: 64, users: 1000, bodies: Math.ceil(SECONDS * 6000) },
];

// ---- the same requests for everyone, built before any timing
say(machineLine());
say(`building request bodies (${PHASES.map((p) => `${p.bodies} × ${p.size}`).join(', ')})…`);
const tokens = createUserTokens(JWT_SECRET);
const users = Array.from({ length: 1000 }, () => crypto.randomUUID());
const userTokens = await Promise.all(users.map((user) => tokens.sign(user, 7200)));
interface Request {
  user: number;
  body: string;
  size: number;
}
// every key holds a fresh UUID, so times may repeat: they stay in 2020–2021 (past, valid)
function requests(phase: Phase, count: number): Request[] {
  return Array.from({ length: count }, (_, i) => ({
    user: i % phase.users,
    body: uploadBody(phase.size, Date.UTC(2020, 0, 1) + (i % 1000) * phase.size * 60_000),
    size: phase.size,
  }));
}
const phaseRequests = PHASES.map((phase) => requests(phase, phase.bodies * ROUNDS));
// warm-up requests: users 900… (their keys are fresh too, so the phases still insert new rows)
const warmupRequests = requests({ ...PHASES[0]!, users: 8 }, Math.ceil(WARMUP_SECONDS * 160)).map((r) => ({ ...r, user: 900 + r.user }));

// ---- one service at a time
interface Outcome {
  requests: number;
  okSamples: number;
  errors: Record<string, number>;
}
async function send(baseUrl: string, request: Request, outcome: Outcome): Promise<void> {
  try {
    const response = await fetch(`${baseUrl}/api/v1/health/samples/batch-upsert`, {
      method: 'POST',
      headers: { authorization: `Bearer ${userTokens[request.user]}`, 'content-type': 'application/json' },
      body: request.body,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    await response.arrayBuffer();
    outcome.requests++;
    if (response.status === 200) outcome.okSamples += request.size;
    else outcome.errors[String(response.status)] = (outcome.errors[String(response.status)] ?? 0) + 1;
  } catch (error) {
    outcome.requests++;
    const kind = error instanceof Error ? error.name : 'error';
    outcome.errors[kind] = (outcome.errors[kind] ?? 0) + 1;
  }
}

interface PhaseResult {
  service: ServiceName;
  round: number;
  phase: string;
  size: number;
  requests: number;
  seconds: number;
  samplesPerSecond: number;
  requestsPerSecond: number;
  latenciesMs: number[];
  errors: number;
  errorKinds: Record<string, number>;
  exhausted: boolean;
  rowsStored: number;
  rowsExpected: number;
  cpu: CpuShares;
}
const results: PhaseResult[] = [];
const installs: Record<string, number> = {};

interface Running {
  service: ServiceName;
  database: string;
  baseUrl: string;
  pid: number;
  db: postgres.Sql;
  stop(): Promise<void>;
}

async function setUp(service: ServiceName): Promise<Running> {
  const database = `health_ingest_bench_peer_${service.replace('-', '_')}`;
  const url = `${BENCH_SERVER_URL}/${database}`;
  let running: Omit<Running, 'db' | 'service' | 'database'>;
  if (service === 'health-ingest') {
    const fresh = await freshBenchDatabase(database, 1);
    await fresh.sql.end();
    const child = await startService('src/api.ts', { DATABASE_URL: url, JWT_SECRET, REDIS_URL: 'redis://127.0.0.1:6379/12', LOG_LEVEL: 'warn', USER_RATE_LIMIT_PER_MINUTE: BENCH_RATE_LIMIT });
    running = { baseUrl: child.baseUrl, pid: child.process.pid, stop: () => child.kill('SIGTERM') };
  } else {
    const { dir, installSeconds } = installPeer(service as PeerName, { reinstall: flag('--reinstall'), log: say });
    installs[service] = installSeconds;
    const admin = postgres(`${BENCH_SERVER_URL}/postgres`, { max: 1, onnotice: () => {} });
    await admin.unsafe(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await admin.end();
    const peer = await startPeer(service as PeerName, dir, { DATABASE_URL: url, JWT_SECRET, DB_POOL_SIZE: POOL_SIZE });
    running = { baseUrl: peer.baseUrl, pid: peer.process.pid, stop: peer.stop };
  }
  say(`${service}: warm-up ${WARMUP_SECONDS} s`);
  await closedLoopOver(8, WARMUP_SECONDS, warmupRequests, (request) => send(running.baseUrl, request, { requests: 0, okSamples: 0, errors: {} }));
  return { ...running, service, database, db: postgres(url, { max: 1, onnotice: () => {} }) };
}

async function measurePhase(target: Running, p: number, round: number): Promise<void> {
  const phase = PHASES[p]!;
  const countRows = async () => Number((await target.db.unsafe('SELECT count(*)::bigint AS n FROM health_samples'))[0]!.n);
  await target.db.unsafe('CHECKPOINT');
  const before = await countRows();
  const outcome: Outcome = { requests: 0, okSamples: 0, errors: {} };
  const cpu = measureCpuShares({ db: target.db, database: target.database, servicePids: () => [target.pid] });
  const slice = phaseRequests[p]!.slice(round * phase.bodies, (round + 1) * phase.bodies);
  const run = await closedLoopOver(phase.clients, SECONDS, slice, (request) => send(target.baseUrl, request, outcome));
  const shares = await cpu.stop();
  results.push({
    service: target.service,
    round,
    phase: phase.name,
    size: phase.size,
    requests: run.requests,
    seconds: run.elapsedSeconds,
    samplesPerSecond: outcome.okSamples / run.elapsedSeconds,
    requestsPerSecond: run.requests / run.elapsedSeconds,
    latenciesMs: run.latenciesMs,
    errors: Object.values(outcome.errors).reduce((sum, n) => sum + n, 0),
    errorKinds: outcome.errors,
    exhausted: run.exhausted,
    rowsStored: (await countRows()) - before,
    rowsExpected: outcome.okSamples,
    cpu: shares,
  });
}

// every service is up at once (the ones not measured stand idle); within a round each is
// measured alone, one after another, and the order flips every round, so a burst of other work
// on the shared machine does not land on one service only
const running: Running[] = [];
try {
  for (const service of ALL) if (ONLY.includes(service)) running.push(await setUp(service));
  for (let round = 0; round < ROUNDS; round++) {
    for (const target of round % 2 === 0 ? running : [...running].reverse()) {
      say(`round ${round + 1}/${ROUNDS}: ${target.service}`);
      for (const p of PHASES.keys()) await measurePhase(target, p, round);
    }
  }
} finally {
  for (const target of running) {
    await target.db.end();
    await target.stop();
  }
}

// ---- tables, ratios, gates: per (service, phase) the median over rounds of samples/s and the
// latencies of all rounds pooled; a ratio is the median of the rounds' ratios
const median = (values: number[]) => {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted.length % 2 === 1 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
};
const of = (service: ServiceName, size: number) => results.filter((r) => r.service === service && r.size === size);
const summary = running.flatMap(({ service }) =>
  PHASES.map((phase) => {
    const rounds = of(service, phase.size);
    const stats = summarize(rounds.flatMap((r) => r.latenciesMs));
    return {
      service,
      phase: phase.name,
      size: phase.size,
      requests: rounds.reduce((sum, r) => sum + r.requests, 0),
      samplesPerSecond: median(rounds.map((r) => r.samplesPerSecond)),
      requestsPerSecond: median(rounds.map((r) => r.requestsPerSecond)),
      p50: stats.p50,
      p95: stats.p95,
      p99: stats.p99,
      errors: rounds.reduce((sum, r) => sum + r.errors, 0),
      errorKinds: rounds.map((r) => r.errorKinds).filter((kinds) => Object.keys(kinds).length > 0),
      exhausted: rounds.some((r) => r.exhausted),
      rowsStored: rounds.reduce((sum, r) => sum + r.rowsStored, 0),
      rowsExpected: rounds.reduce((sum, r) => sum + r.rowsExpected, 0),
      cpu: sumShares(rounds.map((r) => r.cpu)),
    };
  }).map((row) => ({
    ...row,
    // what a sample costs the machine (service + its PostgreSQL backends): unlike samples/s it
    // does not depend on how much of the shared machine other work left to the service
    serviceMicrosPerSample: (1e6 * row.cpu.service) / row.rowsExpected,
    postgresMicrosPerSample: (1e6 * row.cpu.postgresBackends) / row.rowsExpected,
  })),
);
function sumShares(all: CpuShares[]): CpuShares {
  const keys = ['seconds', 'service', 'loadGenerator', 'postgresBackends', 'postgresBackground', 'other', 'idle', 'capacity'] as const;
  return Object.fromEntries(keys.map((key) => [key, all.reduce((sum, s) => sum + s[key], 0)])) as unknown as CpuShares;
}
const find = (service: ServiceName, size: number) => summary.find((r) => r.service === service && r.size === size);
const ratioRows: (string | number)[][] = [];
const gates: Record<string, { value: number | string; goal: string; pass: boolean }> = {};
for (const [peer, factor] of [['seedstack', 15], ['rawpg', 2]] as const) {
  for (const phase of PHASES) {
    const ours = find('health-ingest', phase.size);
    const theirs = find(peer, phase.size);
    if (!ours || !theirs) continue;
    const perRound = of('health-ingest', phase.size).map((r, i) => r.samplesPerSecond / of(peer, phase.size)[i]!.samplesPerSecond);
    const ratio = median(perRound);
    const cpuRatio = (theirs.serviceMicrosPerSample + theirs.postgresMicrosPerSample) / (ours.serviceMicrosPerSample + ours.postgresMicrosPerSample);
    ratioRows.push([`health-ingest / ${peer}, ${phase.name}`, ratio, perRound.map((x) => x.toFixed(2)).join(' '), theirs.p99 / ours.p99, cpuRatio]);
    if (phase.size === 399) {
      gates[`samples/s vs ${peer} (399)`] = { value: ratio, goal: `≥ ${factor} ×`, pass: ratio >= factor };
      gates[`p99 below ${peer} (399)`] = { value: `${ours.p99.toFixed(0)} vs ${theirs.p99.toFixed(0)} ms`, goal: 'lower', pass: ours.p99 < theirs.p99 };
    }
  }
}
for (const r of summary) {
  gates[`${r.service} ${r.size}: no errors, stored = sent`] = {
    value: `${r.errors} errors, ${r.rowsStored} / ${r.rowsExpected}`,
    goal: '0, equal',
    pass: r.errors === 0 && r.rowsStored === r.rowsExpected,
  };
}
const passed = Object.values(gates).every((gate) => gate.pass);

if (asJson) {
  const perRound = results.map(({ latenciesMs, ...rest }) => rest);
  console.log(JSON.stringify({ machine: machineLine(), seconds: SECONDS, rounds: ROUNDS, poolSize: POOL_SIZE, installs, summary, perRound, ratios: ratioRows, gates, passed }, null, 2));
} else {
  console.log(`${ROUNDS} round(s) × ${SECONDS} s per phase, warm-up ${WARMUP_SECONDS} s; each service measured alone, its own database; pools ${POOL_SIZE}\n`);
  printTable(
    ['service', 'phase', 'requests', 'samples/s', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'errors', 'stored / expected'],
    summary.map((r) => [r.service, r.phase, r.requests, r.samplesPerSecond, r.requestsPerSecond, r.p50, r.p95, r.p99, r.errors === 0 ? 0 : JSON.stringify(r.errorKinds), `${r.rowsStored} / ${r.rowsExpected}${r.exhausted ? ' (bodies ran out)' : ''}`]),
  );
  console.log('');
  printTable(['CPU seconds (machine share) while measured', 'cpu s', 'share'], summary.flatMap((r) => cpuShareRows(`${r.service} ${r.size}`, r.cpu)));
  console.log('');
  printTable(
    ['CPU per sample', 'service µs', 'its PostgreSQL backends µs', 'sum µs'],
    summary.map((r) => [`${r.service} ${r.size}`, r.serviceMicrosPerSample, r.postgresMicrosPerSample, r.serviceMicrosPerSample + r.postgresMicrosPerSample]),
  );
  console.log('');
  printTable(['ratio', 'samples/s × (median)', 'per round', 'their p99 / ours', 'their CPU per sample / ours'], ratioRows);
  console.log('');
  printTable(['gate', 'measured', 'goal', 'result'], Object.entries(gates).map(([name, g]) => [name, g.value, g.goal, g.pass ? 'pass' : 'FAIL']));
}
process.exit(passed ? 0 : 1);
