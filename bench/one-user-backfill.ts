// Question: how fast does one heavy user's year of history go in through the SDK, against the
// same amount spread over 50 users, in the same run — and what does the per-user write lock
// cost it? Every write transaction of a user takes that user's advisory lock first (receipt
// order, one seq per transaction), so one user's batches commit one after another however many
// the SDK has in flight; 50 users' batches commit side by side.
//
// Load shape: the API (`src/api.ts`, its 16-connection pool) on a fresh database. The samples:
// bench/lib/watch-year.ts (heart rate every 3 min, 5 s during workouts, steps and distance, sleep
// stages; ≈ 367k at --scale 1). Phase "50 users": 50 users, each with a year at 1/50 of the density
// (the same total), uploaded by the SDK (HealthIngestClient.upload, its default cut: batches of 399,
// answered inline) with concurrency 1, --concurrency of them at once. Phase "1 user": the whole year
// of one user, one upload() with SDK concurrency --concurrency. So both phases keep the same number
// of requests in flight. While each runs, pg_stat_activity is sampled every 20 ms: how many of the
// database's backends are running a statement, and how many of those wait on an advisory lock
// (the user lock). Phases alternate order over --rounds (medians).
// Correctness after each phase: rows stored = samples sent, per user.
// Gate: 1-user samples/s ≥ 0.8 × 50-user samples/s.
//
// Usage: bun run bench/one-user-backfill.ts [--scale 1] [--concurrency 8] [--rounds 1] [--json]
import { createUserTokens } from '../src/auth/user-tokens.ts';
import { HealthIngestClient, type SampleInput } from '../src/client/index.ts';
import { DEVELOPMENT_JWT_SECRET } from '../src/config.ts';
import { freshBenchDatabase } from './lib/bench-database.ts';
import { measureCpuShares, type CpuShares } from './lib/cpu-shares.ts';
import { machineLine } from './lib/machine.ts';
import { startServiceProcess } from './lib/service-process.ts';
import { printTable } from './lib/stats.ts';
import { heavyWatchYear } from './lib/watch-year.ts';
import { flag, numberOption } from './lib/args.ts';

const asJson = flag('--json');
const SCALE = numberOption('--scale', 1);
const CONCURRENCY = numberOption('--concurrency', 8);
const ROUNDS = numberOption('--rounds', 1);
const USERS = 50;
const DATABASE_NAME = 'health_ingest_bench_backfill';
const say = (line: string) => (asJson ? console.error(line) : console.log(line));

const { url, sql, serverVersion } = await freshBenchDatabase(DATABASE_NAME, 2);
const service = await startServiceProcess('src/api.ts', { DATABASE_URL: url });
const tokens = createUserTokens(DEVELOPMENT_JWT_SECRET);
const clientFor = async (userId: string, concurrency: number) =>
  new HealthIngestClient({ baseUrl: service.baseUrl, token: await tokens.sign(userId, 7200), concurrency });

interface Phase {
  name: string;
  samples: number;
  seconds: number;
  samplesPerSecond: number;
  /** mean backends running a statement, and of them waiting on an advisory lock */
  activeBackends: number;
  waitingOnUserLock: number;
  stored: number;
  cpu: CpuShares;
}
const DATABASE = DATABASE_NAME;
const cpuMeter = () => measureCpuShares({ db: sql as never, database: DATABASE, servicePids: () => [service.process.pid!] });

async function sampleActivity(until: Promise<unknown>): Promise<{ active: number; waiting: number }> {
  let done = false;
  void until.finally(() => (done = true));
  let polls = 0;
  let active = 0;
  let waiting = 0;
  while (!done) {
    const [row] = await sql.unsafe(`SELECT count(*) FILTER (WHERE state = 'active')::int AS active,
                                           count(*) FILTER (WHERE state = 'active' AND wait_event_type = 'Lock' AND wait_event = 'advisory')::int AS waiting
                                    FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`);
    polls++;
    active += row!.active as number;
    waiting += row!.waiting as number;
    await Bun.sleep(20);
  }
  return { active: active / Math.max(1, polls), waiting: waiting / Math.max(1, polls) };
}

async function storedFor(userIds: string[]): Promise<number> {
  const [row] = await sql.unsafe('SELECT count(*)::bigint AS n FROM health_samples WHERE user_id = ANY($1::uuid[]) AND deleted_at IS NULL', [userIds]);
  return Number(row!.n);
}

async function fiftyUsers(round: number): Promise<Phase> {
  const users = Array.from({ length: USERS }, (_, i) => ({ id: crypto.randomUUID(), samples: heavyWatchYear(SCALE / USERS, `r${round}u${i}`) }));
  const total = users.reduce((sum, user) => sum + user.samples.length, 0);
  const clients = await Promise.all(users.map((user) => clientFor(user.id, 1)));
  let next = 0;
  const meter = cpuMeter();
  const started = performance.now();
  const work = Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < users.length; i = next++) {
        const result = await clients[i]!.upload({ samples: users[i]!.samples });
        if (result.accepted !== users[i]!.samples.length) throw new Error(`user ${i}: accepted ${result.accepted}`);
      }
    }),
  );
  const activity = await sampleActivity(work);
  await work;
  const seconds = (performance.now() - started) / 1000;
  return { name: `${USERS} users, SDK concurrency 1, ${CONCURRENCY} at once`, samples: total, seconds, samplesPerSecond: total / seconds, activeBackends: activity.active, waitingOnUserLock: activity.waiting, stored: await storedFor(users.map((user) => user.id)), cpu: await meter.stop() };
}

async function oneUser(round: number): Promise<Phase> {
  const userId = crypto.randomUUID();
  const samples: SampleInput[] = heavyWatchYear(SCALE, `r${round}one`);
  const client = await clientFor(userId, CONCURRENCY);
  const meter = cpuMeter();
  const started = performance.now();
  const work = client.upload({ samples });
  const activity = await sampleActivity(work);
  const result = await work;
  if (result.accepted !== samples.length) throw new Error(`one user: accepted ${result.accepted} of ${samples.length}`);
  const seconds = (performance.now() - started) / 1000;
  return { name: `1 user, SDK concurrency ${CONCURRENCY}`, samples: samples.length, seconds, samplesPerSecond: samples.length / seconds, activeBackends: activity.active, waitingOnUserLock: activity.waiting, stored: await storedFor([userId]), cpu: await meter.stop() };
}

say(`${ROUNDS} round(s); ≈ ${heavyWatchYear(SCALE, 'count').length.toLocaleString('en-US')} samples per phase`);
const rounds: { fifty: Phase; one: Phase }[] = [];
for (let round = 0; round < ROUNDS; round++) {
  if (round % 2 === 0) {
    const fifty = await fiftyUsers(round);
    rounds.push({ fifty, one: await oneUser(round) });
  } else {
    const one = await oneUser(round);
    rounds.push({ one, fifty: await fiftyUsers(round) });
  }
  say(`round ${round + 1}: 50 users ${Math.round(rounds.at(-1)!.fifty.samplesPerSecond)}/s, 1 user ${Math.round(rounds.at(-1)!.one.samplesPerSecond)}/s`);
}
await service.stop();
await sql.end();

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)]!;
const ratios = rounds.map((r) => r.one.samplesPerSecond / r.fifty.samplesPerSecond);
const ratio = median(ratios);
const correct = rounds.every((r) => r.one.stored === r.one.samples && r.fifty.stored === r.fifty.samples);
const gates = {
  oneUserVsFifty: { value: ratio, goal: '≥ 0.8', pass: ratio >= 0.8 },
  storedEqualsSent: { value: correct, goal: 'every phase', pass: correct },
};
if (asJson) {
  console.log(JSON.stringify({ machine: machineLine(), serverVersion, scale: SCALE, concurrency: CONCURRENCY, rounds, ratios, gates }, null, 2));
} else {
  console.log(`${machineLine()} · postgres ${serverVersion}\n`);
  printTable(
    ['phase', 'round', 'samples', 's', 'samples/s', 'backends running', 'of them on the user lock', 'stored'],
    rounds.flatMap((r, i) => [r.fifty, r.one].map((p) => [p.name, i + 1, p.samples, p.seconds, p.samplesPerSecond, p.activeBackends, p.waitingOnUserLock, `${p.stored} / ${p.samples}`])),
  );
  console.log('');
  const perSample = (p: Phase, cpu: number) => (1e6 * cpu) / p.samples;
  printTable(
    ['CPU per sample (µs)', 'round', 'service', 'SDK (this process)', 'PostgreSQL backends', 'other processes', 'idle share'],
    rounds.flatMap((r, i) => [r.fifty, r.one].map((p) => [p.name, i + 1, perSample(p, p.cpu.service), perSample(p, p.cpu.loadGenerator), perSample(p, p.cpu.postgresBackends), perSample(p, p.cpu.other), `${((100 * p.cpu.idle) / p.cpu.capacity).toFixed(1)} %`])),
  );
  console.log('');
  printTable(['gate', 'measured', 'goal', 'result'], Object.entries(gates).map(([name, g]) => [name, typeof g.value === 'number' ? g.value : String(g.value), g.goal, g.pass ? 'pass' : 'FAIL']));
}
process.exit(Object.values(gates).every((g) => g.pass) ? 0 : 1);
